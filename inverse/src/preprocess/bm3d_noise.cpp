// Estimation of the Poisson–Gaussian noise model from one image (denoise.hpp,
// NoiseEstimateParams): a robust local mean–variance regression after Foi et al. (2008).

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"

namespace vitrum::inverse {

namespace {

/// One 2×2 block: its mean, its diagonal Haar detail, and the mean of the ring around it.
struct BlockSample {
  double mean, detail, ring;
  bool background;
};

// Trimming at |d| ≤ 3.5·s rejects edges and atoms' curvature; for Gaussian noise it keeps
// E[d² | |d| ≤ 3.5σ] = 0.99389·σ², which the estimate divides out.
constexpr double kTrim = 3.5;
constexpr double kTrimmedSecondMoment = 0.99389;

/// Robust variance of the details: the mean of d², twice trimmed at (3.5 s)² where s² is the
/// previous estimate. Unlike the MAD this stays unbiased for the discrete details of a few
/// counts per pixel.
double robust_variance(const std::vector<double>& d) {
  double v = 0.0;
  for (double x : d) v += x * x;
  v /= static_cast<double>(d.size());
  for (int pass = 0; pass < 2; ++pass) {
    const double limit = kTrim * kTrim * v;
    double sum = 0.0;
    std::size_t count = 0;
    for (double x : d)
      if (x * x <= limit) {
        sum += x * x;
        ++count;
      }
    if (count == 0) break;
    v = sum / static_cast<double>(count) / kTrimmedSecondMoment;
  }
  return v;
}

}  // namespace

void NoiseEstimateParams::validate() const {
  core::require(bins >= 2 && bins <= 1000, "estimate.bins", bins, "2 … 1000");
  core::require(ring_px >= 1 && ring_px <= 64, "estimate.ring_px", ring_px, "1 … 64 (px)");
  core::require(min_bin_blocks >= 8, "estimate.min_bin_blocks", min_bin_blocks, ">= 8");
  core::require(std::isfinite(offset), "estimate.offset", offset, "finite");
}

NoiseModel estimate_noise(const core::Image& image, const NoiseEstimateParams& params,
                          std::span<const std::uint8_t> background_mask) {
  params.validate();
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  if (ny == 0 || nx == 0) throw InputError("image is empty", "image");
  for (float v : image.values())
    if (!std::isfinite(v)) throw InputError("image has a non-finite value", "image");
  if (!background_mask.empty() && background_mask.size() != ny * nx)
    throw InputError("background mask has " + std::to_string(background_mask.size()) +
                         " entries for an image of " + std::to_string(ny * nx) + " px",
                     "background_mask");

  // Summed-area table for the ring means.
  std::vector<double> sat((ny + 1) * (nx + 1), 0.0);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x)
      sat[(y + 1) * (nx + 1) + x + 1] = image(y, x) + sat[y * (nx + 1) + x + 1] +
                                        sat[(y + 1) * (nx + 1) + x] - sat[y * (nx + 1) + x];
  const auto box = [&](std::size_t y0, std::size_t x0, std::size_t y1, std::size_t x1) {
    return sat[y1 * (nx + 1) + x1] - sat[y0 * (nx + 1) + x1] - sat[y1 * (nx + 1) + x0] +
           sat[y0 * (nx + 1) + x0];
  };

  const auto r = static_cast<std::size_t>(params.ring_px);
  const double ring_count = double((2 + 2 * r) * (2 + 2 * r) - 4);
  std::vector<BlockSample> blocks;
  for (std::size_t y = r; y + 2 + r <= ny; y += 2)
    for (std::size_t x = r; x + 2 + r <= nx; x += 2) {
      const double a = image(y, x), b = image(y, x + 1), c = image(y + 1, x),
                   d = image(y + 1, x + 1);
      const double inner = a + b + c + d;
      const double ring = (box(y - r, x - r, y + 2 + r, x + 2 + r) - inner) / ring_count;
      bool bg = false;
      if (!background_mask.empty())
        bg = background_mask[y * nx + x] && background_mask[y * nx + x + 1] &&
             background_mask[(y + 1) * nx + x] && background_mask[(y + 1) * nx + x + 1];
      blocks.push_back({0.25 * inner, 0.5 * (a - b - c + d), ring, bg});
    }

  NoiseModel model;
  model.offset = params.offset;
  bool sigma_known = false;
  if (!background_mask.empty()) {
    std::vector<double> d;
    double mean = 0.0;
    for (const BlockSample& s : blocks)
      if (s.background) {
        d.push_back(s.detail);
        mean += s.mean;
      }
    if (d.size() < 16)
      throw InputError("background mask covers " + std::to_string(d.size()) +
                           " whole 2×2 blocks; at least 16 are needed",
                       "background_mask");
    model.offset = mean / static_cast<double>(d.size());
    model.sigma = std::sqrt(robust_variance(d));
    sigma_known = true;
  }

  // Level sets: equally populated bins of the ring mean (ties broken by position).
  std::vector<std::size_t> order(blocks.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return blocks[i].ring < blocks[j].ring; });
  const std::size_t bins =
      std::min(std::size_t(params.bins), blocks.size() / std::size_t(params.min_bin_blocks));
  if (bins < 2)
    throw InputError("image of " + std::to_string(ny) + "×" + std::to_string(nx) +
                         " px has too few 2×2 blocks to estimate the noise",
                     "image");
  double sw = 0.0, swx = 0.0, swy = 0.0, swxx = 0.0, swxy = 0.0;
  for (std::size_t b = 0; b < bins; ++b) {
    const std::size_t i0 = b * order.size() / bins, i1 = (b + 1) * order.size() / bins;
    std::vector<double> d;
    double mean = 0.0;
    for (std::size_t i = i0; i < i1; ++i) {
      d.push_back(blocks[order[i]].detail);
      mean += blocks[order[i]].mean;
    }
    mean /= static_cast<double>(d.size());
    const double var = robust_variance(d);
    if (!(var > 0.0)) continue;  // a flat bin (e.g. a clipped region) says nothing
    // The sampling variance of a variance estimate is ≈ 2 var²/n.
    const double w = static_cast<double>(d.size()) / (var * var);
    const double target = sigma_known ? var - model.sigma * model.sigma : var;
    const double x = sigma_known ? mean - model.offset : mean;
    sw += w;
    swx += w * x;
    swy += w * target;
    swxx += w * x * x;
    swxy += w * x * target;
  }
  if (!(sw > 0.0)) throw NumericsError("the image has no noise to measure", "estimate_noise");
  if (sigma_known) {
    // Var − σ² = α·(E[z] − μ): a line through the origin.
    model.alpha = swxx > 0.0 ? std::max(0.0, swxy / swxx) : 0.0;
  } else {
    const double det = sw * swxx - swx * swx;
    double a = det > 0.0 ? (sw * swxy - swx * swy) / det : 0.0;
    double b = 0.0;
    if (a <= 0.0) {
      a = 0.0;
      b = swy / sw;
    } else {
      b = (swy - a * swx) / sw;
    }
    // Var = α·E[z] + (σ² − α·μ).
    model.alpha = a;
    model.sigma = std::sqrt(std::max(0.0, b + a * model.offset));
  }
  if (model.alpha == 0.0 && model.sigma == 0.0)
    throw NumericsError("the estimated noise is zero", "estimate_noise");
  return model;
}

}  // namespace vitrum::inverse
