#include "vitrum/inverse/tomo/resire.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "tomo/series_checks.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

void ResireParams::validate() const {
  detail::validate_iterative_box(iterations, report_interval, voxel_A, size_voxels, subsamples);
  core::require(std::isfinite(step) && step > 0.0 && step <= 2.0, "step", step,
                "(0, 2]: t·L < 2 (resire.hpp)");
}

core::ParamSet ResireParams::params() {
  core::ParamSet p;
  p.add("iterations", iterations, "", "RESIRE gradient steps (PHYSICS.md §4: 200–500)")
      .add("step", step, "",
           "dimensionless step; t = step·p_x·p_y/(N·n·h⁴) (2: the reference code's default)")
      .add("positivity", positivity, "", "clamp the volume to ≥ 0 after every step")
      .add("report_interval", report_interval, "", "log the mean R₁ every this many iterations")
      .add("volume.voxel_A", voxel_A, "Å", "reconstruction voxel (0: the image pixel)")
      .add("volume.size_voxels", size_voxels, "", "cube edge in voxels (0: the image width)")
      .add("projector.subsamples", subsamples, "", "projector sub-points per voxel axis");
  return p;
}

namespace {

/// The box resire_volume makes: edge n, voxel h, origin (z, y, x), without allocating it.
struct Box {
  std::size_t n;
  double h;
  core::Volume::Coords origin;
};

Box reconstruction_box(const core::TiltSeries& series, const core::Vec3& center_A,
                       const ResireParams& params) {
  const auto& s = series.images.sampling();
  const double h = params.voxel_A > 0.0 ? params.voxel_A : s[2];
  const std::size_t n =
      params.size_voxels > 0
          ? static_cast<std::size_t>(params.size_voxels)
          : static_cast<std::size_t>(
                std::max(1.0, std::round(static_cast<double>(series.images.extent(2)) * s[2] / h)));
  const double half = 0.5 * static_cast<double>(n - 1) * h;
  return {n, h, {center_A.z() - half, center_A.y() - half, center_A.x() - half}};
}

}  // namespace

core::Volume resire_volume(const core::TiltSeries& series, const core::Vec3& center_A,
                           const ResireParams& params) {
  const Box b = reconstruction_box(series, center_A, params);
  return core::Volume({b.n, b.n, b.n}, core::Volume::filled(b.h), b.origin);
}

ResireResult resire(const core::TiltSeries& series, const core::Vec3& center_A,
                    const ResireParams& params, const core::ExecutionContext& ctx,
                    const core::Logger& logger) {
  params.validate();
  return resire(series, center_A, params, ctx, logger, resire_volume(series, center_A, params));
}

ResireResult resire(const core::TiltSeries& series, const core::Vec3& center_A,
                    const ResireParams& params, const core::ExecutionContext& ctx,
                    const core::Logger& logger, core::Volume start) {
  using detail::mean;
  using detail::r1_per_projection;
  using detail::residual_of;
  params.validate();
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  const std::size_t n_tilt = series.tilt_count();
  const std::vector<double> b_norm = detail::projection_l1(series);
  const Box box = reconstruction_box(series, center_A, params);
  if (start.shape() != core::Volume::Shape{box.n, box.n, box.n} ||
      start.sampling() != core::Volume::filled(box.h) || start.origin() != box.origin)
    throw InputError("the starting volume is not the reconstruction box resire_volume gives");

  ResireResult result;
  result.volume = std::move(start);
  core::Volume& volume = result.volume;
  const double h = volume.sampling()[0];
  const auto& s = series.images.sampling();
  const double n = static_cast<double>(volume.extent(2));
  // t = step·p_x p_y/(N·n·h⁴·g): the reference code's step/(N·n_x) for a voxel-sum projector,
  // scaled by 1/L of this line-integral projector, g = max(1, δ²/(p_x p_y)) for sub-points
  // (spacing δ = h/S) sparser than the pixels (resire.hpp).
  const double delta = h / static_cast<double>(params.subsamples);
  const double sparse = std::max(1.0, delta * delta / (s[1] * s[2]));
  result.step_A2 =
      params.step * s[1] * s[2] / (static_cast<double>(n_tilt) * n * h * h * h * h * sparse);
  const float t_step = static_cast<float>(result.step_A2);
  const core::ProjectorParams projector{params.subsamples};

  core::TiltSeries residual = detail::zero_like(series);
  core::Volume gradient(volume.shape(), volume.sampling(), volume.origin());
  logger.info("RESIRE: " + std::to_string(n_tilt) + " projections of " +
              std::to_string(series.images.extent(1)) + "×" +
              std::to_string(series.images.extent(2)) + " px → " +
              std::to_string(volume.extent(0)) + "³ voxels of " + core::format_number(h) + " Å, " +
              std::to_string(params.iterations) +
              " iterations, t = " + core::format_number(result.step_A2) + " Å⁻²");
  core::Progress progress(logger, "RESIRE", static_cast<std::size_t>(params.iterations));
  for (int k = 0; k < params.iterations; ++k) {
    residual_of(volume, series, center_A, projector, ctx, residual);
    result.r1_history.push_back(mean(r1_per_projection(residual, b_norm)));
    if (k % params.report_interval == 0)
      logger.info("RESIRE iteration " + std::to_string(k) +
                  ": mean R₁ = " + core::format_number(result.r1_history.back()));
    std::fill(gradient.values().begin(), gradient.values().end(), 0.0f);
    core::back_project_series(residual, center_A, gradient, projector, ctx);
    float* o = volume.data();
    const float* g = gradient.data();
    const bool clamp = params.positivity;
    core::parallel_for(ctx, 0, volume.size(), [&](std::size_t i) {
      const float v = o[i] - t_step * g[i];
      o[i] = clamp ? std::max(v, 0.0f) : v;
    });
    progress.advance();
  }
  progress.finish();
  residual_of(volume, series, center_A, projector, ctx, residual);
  result.r1_per_projection = r1_per_projection(residual, b_norm);
  result.r1_history.push_back(mean(result.r1_per_projection));
  logger.info("RESIRE done: mean R₁ = " + core::format_number(result.r1_history.back()));
  return result;
}

}  // namespace vitrum::inverse
