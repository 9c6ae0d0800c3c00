#include "vitrum/forward/acquisition.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "vitrum/core/rng.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::forward {

void AcquisitionParams::validate() const {
  const auto non_negative = [](const char* field, double v) {
    core::require(v >= 0.0 && std::isfinite(v), field, v, "≥ 0 and finite");
  };
  non_negative("acquisition.source_sigma_A", source_sigma_A);
  non_negative("acquisition.dose_e_per_A2", dose_e_per_A2);
  non_negative("acquisition.background_counts", background_counts);
  non_negative("acquisition.read_noise_counts", read_noise_counts);
  non_negative("acquisition.shift_sigma_px", shift_sigma_px);
  non_negative("acquisition.drift_sigma_px_per_line", drift_sigma_px_per_line);
  non_negative("acquisition.angle_error_sigma_deg", angle_error_sigma_deg);
}

ProjectionImperfections draw_imperfections(const AcquisitionParams& params, std::uint64_t seed,
                                           std::uint64_t index) {
  core::RngStream rng(seed, "forward.acquisition", index);
  ProjectionImperfections p;
  for (double& s : p.shift_px) s = params.shift_sigma_px * rng.normal();
  for (double& d : p.drift_px_per_line) d = params.drift_sigma_px_per_line * rng.normal();
  for (double& a : p.angle_error_deg) a = params.angle_error_sigma_deg * rng.normal();
  return p;
}

namespace {

/// Separable convolution with a normalised Gaussian of σ = sigma_px pixels, truncated at 4σ,
/// with mirrored edges (the image's sum is kept up to the edge reflection).
void gaussian_blur(core::Image& image, double sigma_px) {
  const auto radius = static_cast<long>(std::ceil(4.0 * sigma_px));
  std::vector<double> kernel(static_cast<std::size_t>(2 * radius + 1));
  double total = 0;
  for (long k = -radius; k <= radius; ++k)
    total += kernel[static_cast<std::size_t>(k + radius)] =
        std::exp(-0.5 * static_cast<double>(k * k) / (sigma_px * sigma_px));
  for (double& k : kernel) k /= total;
  const auto ny = static_cast<long>(image.extent(0)), nx = static_cast<long>(image.extent(1));
  const auto mirror = [](long i, long n) {
    while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
    return i;
  };
  std::vector<float> out(image.size());
  for (int pass = 0; pass < 2; ++pass) {  // pass 0 along x, pass 1 along y
    for (long y = 0; y < ny; ++y)
      for (long x = 0; x < nx; ++x) {
        double sum = 0;
        for (long k = -radius; k <= radius; ++k) {
          const long xx = pass == 0 ? mirror(x + k, nx) : x;
          const long yy = pass == 1 ? mirror(y + k, ny) : y;
          sum += kernel[static_cast<std::size_t>(k + radius)] *
                 image.values()[static_cast<std::size_t>(yy * nx + xx)];
        }
        out[static_cast<std::size_t>(y * nx + x)] = static_cast<float>(sum);
      }
    image.values() = out;
  }
}

}  // namespace

void apply_source_blur(core::Image& image, double sigma_A) {
  if (sigma_A > 0.0) gaussian_blur(image, sigma_A / image.sampling()[1]);
}

void apply_counting_noise(core::Image& image, const AcquisitionParams& params, std::uint64_t seed,
                          std::uint64_t index) {
  if (!params.counts()) return;
  // Expected counts = dose × pixel area × collected fraction (PHYSICS.md §2).
  const double electrons_per_pixel =
      params.dose_e_per_A2 * image.sampling()[0] * image.sampling()[1];
  core::RngStream rng(seed, "forward.noise", index);
  for (float& v : image.values()) {
    const double mean = electrons_per_pixel * std::max(0.0, static_cast<double>(v));
    const double counts = static_cast<double>(rng.poisson(mean)) + params.background_counts +
                          params.read_noise_counts * rng.normal();
    v = static_cast<float>(counts);
  }
}

}  // namespace vitrum::forward
