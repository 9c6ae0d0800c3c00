#include "vitrum/inverse/preprocess/background.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

namespace {

void check_image(const core::Image& image) {
  if (image.size() == 0) throw InputError("background: empty image");
  for (float v : image.values())
    if (!std::isfinite(v)) throw InputError("background: the image holds a non-finite value");
}

/// Separable Gaussian blur (σ in px, kernel to 3σ, edges clamped), in double.
std::vector<double> blurred(const core::Image& image, double sigma) {
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  std::vector<double> a(image.values().begin(), image.values().end());
  if (sigma <= 0.0) return a;
  const auto r = static_cast<long>(std::ceil(3.0 * sigma));
  std::vector<double> k(static_cast<std::size_t>(2 * r + 1));
  double sum = 0.0;
  for (long i = -r; i <= r; ++i) {
    k[static_cast<std::size_t>(i + r)] =
        std::exp(-0.5 * static_cast<double>(i * i) / (sigma * sigma));
    sum += k[static_cast<std::size_t>(i + r)];
  }
  for (double& w : k) w /= sum;
  const auto clamp = [](long i, std::size_t n) {
    return static_cast<std::size_t>(std::clamp<long>(i, 0, static_cast<long>(n) - 1));
  };
  std::vector<double> b(a.size());
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      double v = 0.0;
      for (long i = -r; i <= r; ++i)
        v += k[static_cast<std::size_t>(i + r)] * a[y * nx + clamp(static_cast<long>(x) + i, nx)];
      b[y * nx + x] = v;
    }
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      double v = 0.0;
      for (long i = -r; i <= r; ++i)
        v += k[static_cast<std::size_t>(i + r)] * b[clamp(static_cast<long>(y) + i, ny) * nx + x];
      a[y * nx + x] = v;
    }
  return a;
}

}  // namespace

void BackgroundParams::validate() const {
  core::require(std::isfinite(blur_sigma_px) && blur_sigma_px >= 0.0 && blur_sigma_px <= 20.0,
                "background_blur_sigma_px", blur_sigma_px, "0 … 20 px");
  core::require(
      std::isfinite(threshold_fraction) && threshold_fraction > 0.0 && threshold_fraction < 1.0,
      "background_threshold_fraction", threshold_fraction, "(0, 1)");
  core::require(dilation_px >= 0 && dilation_px <= 100, "background_dilation_px", dilation_px,
                "0 … 100 px");
}

std::vector<std::uint8_t> sample_mask(const core::Image& image, const BackgroundParams& params) {
  params.validate();
  check_image(image);
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  const std::vector<double> b = blurred(image, params.blur_sigma_px);
  std::vector<double> ring;
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x)
      if (y == 0 || x == 0 || y + 1 == ny || x + 1 == nx) ring.push_back(b[y * nx + x]);
  const auto mid = ring.begin() + static_cast<std::ptrdiff_t>(ring.size() / 2);
  std::nth_element(ring.begin(), mid, ring.end());
  const double level = *mid;
  const double top = *std::max_element(b.begin(), b.end());
  std::vector<std::uint8_t> core_mask(b.size(), 0), mask(b.size(), 0);
  if (!(top > level)) return mask;
  const double threshold = level + params.threshold_fraction * (top - level);
  for (std::size_t i = 0; i < b.size(); ++i) core_mask[i] = b[i] > threshold ? 1 : 0;
  const long r = params.dilation_px;
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      if (!core_mask[y * nx + x]) continue;
      for (long dy = -r; dy <= r; ++dy)
        for (long dx = -r; dx <= r; ++dx) {
          const long yy = static_cast<long>(y) + dy, xx = static_cast<long>(x) + dx;
          if (dx * dx + dy * dy > r * r || yy < 0 || xx < 0 || yy >= static_cast<long>(ny) ||
              xx >= static_cast<long>(nx))
            continue;
          mask[static_cast<std::size_t>(yy) * nx + static_cast<std::size_t>(xx)] = 1;
        }
    }
  return mask;
}

core::Image laplace_interpolate(const core::Image& image, const std::vector<std::uint8_t>& mask) {
  check_image(image);
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  if (mask.size() != image.size())
    throw InputError("background: the mask has " + std::to_string(mask.size()) +
                     " pixels, the image " + std::to_string(image.size()));
  std::vector<long> unknown(mask.size(), -1);
  long n = 0;
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) unknown[i] = n++;
  if (static_cast<std::size_t>(n) == mask.size())
    throw InputError(
        "background: the sample mask covers the whole image, so no background is left to "
        "interpolate from (lower background_dilation_px or raise background_threshold_fraction)");
  core::Image out = image;
  if (n == 0) return out;
  // Row i: deg·B_i − Σ_{masked neighbours} B_j = Σ_{outside neighbours} b_j, deg = neighbours in
  // the image (a missing neighbour at the image edge is a zero normal derivative). Every
  // connected part of the mask borders an outside pixel, so the matrix is positive definite.
  std::vector<Eigen::Triplet<double>> triplets;
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const long i = unknown[y * nx + x];
      if (i < 0) continue;
      double degree = 0.0;
      const auto visit = [&](std::size_t yy, std::size_t xx) {
        degree += 1.0;
        const long j = unknown[yy * nx + xx];
        if (j >= 0)
          triplets.emplace_back(i, j, -1.0);
        else
          rhs[i] += image(yy, xx);
      };
      if (y > 0) visit(y - 1, x);
      if (y + 1 < ny) visit(y + 1, x);
      if (x > 0) visit(y, x - 1);
      if (x + 1 < nx) visit(y, x + 1);
      triplets.emplace_back(i, i, degree);
    }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(triplets.begin(), triplets.end());
  const Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(a);
  if (solver.info() != Eigen::Success)
    throw NumericsError("background: the Laplace system could not be factorised");
  const Eigen::VectorXd solution = solver.solve(rhs);
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (unknown[i] >= 0) out.values()[i] = static_cast<float>(solution[unknown[i]]);
  return out;
}

BackgroundResult subtract_background(core::Image& image, const BackgroundParams& params) {
  BackgroundResult r;
  r.mask = sample_mask(image, params);
  std::size_t inside = 0;
  for (std::uint8_t m : r.mask) inside += m;
  if (inside == 0)
    throw InputError("background: no sample above the threshold (background_threshold_fraction = " +
                     core::format_number(params.threshold_fraction) + "); the image looks flat");
  r.mask_fraction = static_cast<double>(inside) / static_cast<double>(r.mask.size());
  r.background = laplace_interpolate(image, r.mask);
  for (std::size_t i = 0; i < image.size(); ++i) image.values()[i] -= r.background.values()[i];
  return r;
}

}  // namespace vitrum::inverse
