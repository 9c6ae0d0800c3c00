#include "vitrum/inverse/tomo/wbp.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>
#include <string>

#include "tomo/series_checks.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace vitrum::inverse {

void WbpParams::validate() const {
  core::require(
      std::isfinite(max_off_axis_deg) && max_off_axis_deg >= 0.0 && max_off_axis_deg <= 10.0,
      "wbp.max_off_axis_deg", max_off_axis_deg,
      "0 … 10 (WBP is a single-axis method; beyond that it is not even approximate)");
  core::require(std::isfinite(voxel_A) && voxel_A >= 0.0, "volume.voxel_A", voxel_A,
                ">= 0 (0: the image pixel)");
  core::require(size_voxels >= 0 && size_voxels <= 4096, "volume.size_voxels", size_voxels,
                "0 … 4096 (0: the image width)");
  core::ProjectorParams{subsamples}.validate();
}

std::vector<double> wbp_angular_weights_rad(const std::vector<double>& theta_deg) {
  if (theta_deg.empty()) throw InputError("WBP needs at least one tilt angle");
  for (double t : theta_deg)
    if (!std::isfinite(t)) throw InputError("a tilt angle is not finite");
  const std::size_t n = theta_deg.size();
  // Fold into [−90°, 90°): θ and θ + 180° measure the same line integrals (mirrored).
  std::vector<double> folded(n);
  for (std::size_t i = 0; i < n; ++i)
    folded[i] = theta_deg[i] - 180.0 * std::floor((theta_deg[i] + 90.0) / 180.0);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return folded[a] < folded[b]; });
  // Distinct angles (views closer than 1e-9° are one view measured several times: they share
  // its weight).
  std::vector<double> distinct;
  std::vector<std::size_t> group(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double f = folded[order[k]];
    if (distinct.empty() || f - distinct.back() > 1e-9) distinct.push_back(f);
    group[order[k]] = distinct.size() - 1;
  }
  const std::size_t m = distinct.size();
  std::vector<double> weight_deg(m, 180.0);
  if (m > 1) {
    const double wrap = distinct.front() + 180.0 - distinct.back();
    for (std::size_t j = 0; j < m; ++j) {
      const double below =
          j > 0 ? distinct[j] - distinct[j - 1] : std::min(wrap, distinct[1] - distinct[0]);
      const double above = j + 1 < m ? distinct[j + 1] - distinct[j]
                                     : std::min(wrap, distinct[m - 1] - distinct[m - 2]);
      weight_deg[j] = 0.5 * (below + above);
    }
  }
  std::vector<std::size_t> copies(m, 0);
  for (std::size_t i = 0; i < n; ++i) ++copies[group[i]];
  std::vector<double> weight(n);
  for (std::size_t i = 0; i < n; ++i)
    weight[i] =
        weight_deg[group[i]] * std::numbers::pi / 180.0 / static_cast<double>(copies[group[i]]);
  return weight;
}

namespace {

/// The ramp filter's frequency response H_k on a padded row of m pixels of τ Å: τ·DFT of the
/// band-limited Ram-Lak kernel (Kak & Slaney eq. 61), times the window; units 1/Å. Applied as
/// q = IDFT(H · DFT(p)) / m, it is the convolution q(s) = τ Σ h(s − s') p(s').
std::vector<double> ramp_response(std::size_t m, double tau, WbpFilter filter,
                                  core::FftPlanCache& ffts) {
  core::AlignedVector<std::complex<double>> h(m);
  h[0] = 1.0 / (4.0 * tau * tau);
  for (std::size_t k = 1; k <= m / 2; ++k)
    if (k % 2 == 1) {
      const double v = -1.0 / std::pow(static_cast<double>(k) * std::numbers::pi * tau, 2);
      h[k] = v;
      h[m - k] = v;
    }
  const std::array<std::size_t, 1> shape{m};
  ffts.plan_double(shape)->forward(h);
  std::vector<double> response(m);
  for (std::size_t k = 0; k < m; ++k) {
    // Frequency over the Nyquist frequency, 0 … 1.
    const double f = 2.0 * static_cast<double>(std::min(k, m - k)) / static_cast<double>(m);
    double window = 1.0;
    switch (filter) {
      case WbpFilter::kRamLak:
        break;
      case WbpFilter::kSheppLogan:
        window =
            f > 0.0 ? std::sin(0.5 * std::numbers::pi * f) / (0.5 * std::numbers::pi * f) : 1.0;
        break;
      case WbpFilter::kCosine:
        window = std::cos(0.5 * std::numbers::pi * f);
        break;
      case WbpFilter::kHann:
        window = 0.5 * (1.0 + std::cos(std::numbers::pi * f));
        break;
    }
    response[k] = tau * h[k].real() * window;
  }
  return response;
}

}  // namespace

WbpResult wbp(const core::TiltSeries& series, const core::Vec3& center_A, const WbpParams& params,
              const core::ExecutionContext& ctx, const core::Logger& logger) {
  params.validate();
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  const std::vector<double> b_norm = detail::projection_l1(series);
  std::vector<double> theta_deg;
  for (std::size_t t = 0; t < series.tilt_count(); ++t) {
    const auto& e = series.euler_deg[t];
    if (std::abs(e[0]) > params.max_off_axis_deg || std::abs(e[2]) > params.max_off_axis_deg)
      throw InputError(
          "WBP needs a single tilt axis (y): projection " + std::to_string(t) +
          " has φ = " + core::format_number(e[0]) + "°, ψ = " + core::format_number(e[2]) +
          "°, beyond wbp.max_off_axis_deg = " + core::format_number(params.max_off_axis_deg) + "°");
    theta_deg.push_back(e[1]);
  }

  WbpResult result;
  result.weight_rad = wbp_angular_weights_rad(theta_deg);
  ResireParams box;
  box.voxel_A = params.voxel_A;
  box.size_voxels = params.size_voxels;
  result.volume = resire_volume(series, center_A, box);
  core::Volume& volume = result.volume;
  const double h = volume.sampling()[0];
  const auto& s = series.images.sampling();
  const std::size_t ny = series.images.extent(1), nx = series.images.extent(2);
  std::size_t m = 64;
  while (m < 2 * nx) m *= 2;
  core::FftPlanCache ffts;
  const std::vector<double> response = ramp_response(m, s[2], params.filter, ffts);
  const std::array<std::size_t, 1> shape{m};
  const auto plan = ffts.plan_double(shape);
  logger.info("WBP: " + std::to_string(series.tilt_count()) + " projections → " +
              std::to_string(volume.extent(0)) + "³ voxels of " + core::format_number(h) +
              " Å, rows padded to " + std::to_string(m));

  // q_θ · Δθ · p_x p_y / h³ for every tilt: back-projected with Πᵀ this is Σ Δθ q_θ(s_θ).
  core::TiltSeries filtered = detail::zero_like(series);
  const double scale = s[1] * s[2] / (h * h * h);
  core::parallel_for(ctx, 0, series.tilt_count(), [&](std::size_t t) {
    core::AlignedVector<std::complex<double>> row(m);
    const double factor = result.weight_rad[t] * scale / static_cast<double>(m);
    for (std::size_t y = 0; y < ny; ++y) {
      const float* in = &series.images(t, y, 0);
      float* out = &filtered.images(t, y, 0);
      std::fill(row.begin(), row.end(), std::complex<double>(0.0, 0.0));
      for (std::size_t x = 0; x < nx; ++x) row[x] = in[x];
      plan->forward(row);
      for (std::size_t k = 0; k < m; ++k) row[k] *= response[k];
      plan->inverse(row);
      for (std::size_t x = 0; x < nx; ++x) out[x] = static_cast<float>(row[x].real() * factor);
    }
  });
  const core::ProjectorParams projector{params.subsamples};
  core::back_project_series(filtered, center_A, volume, projector, ctx);

  core::TiltSeries residual = detail::zero_like(series);
  detail::residual_of(volume, series, center_A, projector, ctx, residual);
  result.r1_per_projection = detail::r1_per_projection(residual, b_norm);
  logger.info("WBP done: mean R₁ = " + core::format_number(detail::mean(result.r1_per_projection)));
  return result;
}

}  // namespace vitrum::inverse
