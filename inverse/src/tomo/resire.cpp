#include "vitrum/inverse/tomo/resire.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "tomo/resire_descent.hpp"
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
  params.validate();
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  const Box box = reconstruction_box(series, center_A, params);
  if (start.shape() != core::Volume::Shape{box.n, box.n, box.n} ||
      start.sampling() != core::Volume::filled(box.h) || start.origin() != box.origin)
    throw InputError("the starting volume is not the reconstruction box resire_volume gives");
  return detail::resire_descent(series, {}, {}, center_A, params, ctx, logger, std::move(start));
}

namespace detail {

ResireResult resire_descent(const core::TiltSeries& measured,
                            const core::DetectorShifts& shift_yx_A, const std::vector<float>& mask,
                            const core::Vec3& center_A, const ResireParams& params,
                            const core::ExecutionContext& ctx, const core::Logger& logger,
                            core::Volume start) {
  params.validate();
  check_series(measured);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  if (start.size() == 0) throw InputError("the starting volume is empty");
  const auto& hv = start.sampling();
  if (hv[0] != hv[1] || hv[1] != hv[2])
    throw InputError("the starting volume's voxels are not cubic");
  if (!mask.empty() && mask.size() != measured.images.size())
    throw InputError("the pixel mask does not have one value per pixel of the series");
  const std::size_t n_tilt = measured.tilt_count();
  // With a mask, ε = ½ Σ ‖M(ΠO − b)‖² (M = M², 0 or 1): the data are M·b, the residual M(ΠO − b),
  // and a view the mask empties (or that sees only vacuum) drops out of R₁'s mean.
  core::TiltSeries masked;
  if (!mask.empty()) {
    masked = measured;
    for (std::size_t i = 0; i < mask.size(); ++i) masked.images.data()[i] *= mask[i];
  }
  const core::TiltSeries& series = mask.empty() ? measured : masked;
  const std::vector<double> b_norm = mask.empty() ? projection_l1(series) : l1_norms(series);
  const auto apply_mask = [&](core::TiltSeries& r) {
    if (mask.empty()) return;
    float* v = r.images.data();
    core::parallel_for(ctx, 0, mask.size(), [&](std::size_t i) { v[i] *= mask[i]; });
  };
  const auto mean_r1 = [&](const std::vector<double>& r1) {
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t t = 0; t < r1.size(); ++t)
      if (b_norm[t] > 0.0) sum += r1[t], ++count;
    return count > 0 ? sum / static_cast<double>(count) : 0.0;
  };

  ResireResult result;
  result.volume = std::move(start);
  core::Volume& volume = result.volume;
  const double h = volume.sampling()[0];
  const auto& s = series.images.sampling();
  // n: the longest edge of the box. For resire's cube this is the reference code's n_x; a box
  // that is not a cube (scanning AET's local slab) lies inside the cube of its longest edge, so
  // its ΠᵀΠ has a largest eigenvalue no greater than that cube's and the step stays stable
  // (a thin slab's rays are shorter, so it converges somewhat more slowly than the bound allows).
  const double n =
      static_cast<double>(std::max({volume.extent(0), volume.extent(1), volume.extent(2)}));
  // t = step·p_x p_y/(N·n·h⁴·g): the reference code's step/(N·n_x) for a voxel-sum projector,
  // scaled by 1/L of this line-integral projector, g = max(1, δ²/(p_x p_y)) for sub-points
  // (spacing δ = h/S) sparser than the pixels (resire.hpp).
  const double delta = h / static_cast<double>(params.subsamples);
  const double sparse = std::max(1.0, delta * delta / (s[1] * s[2]));
  result.step_A2 =
      params.step * s[1] * s[2] / (static_cast<double>(n_tilt) * n * h * h * h * h * sparse);
  const float t_step = static_cast<float>(result.step_A2);
  const core::ProjectorParams projector{params.subsamples};

  core::TiltSeries residual = zero_like(series);
  core::Volume gradient(volume.shape(), volume.sampling(), volume.origin());
  logger.info("RESIRE: " + std::to_string(n_tilt) + " projections of " +
              std::to_string(series.images.extent(1)) + "×" +
              std::to_string(series.images.extent(2)) + " px → " +
              std::to_string(volume.extent(0)) + "×" + std::to_string(volume.extent(1)) + "×" +
              std::to_string(volume.extent(2)) + " voxels of " + core::format_number(h) + " Å, " +
              std::to_string(params.iterations) +
              " iterations, t = " + core::format_number(result.step_A2) + " Å⁻²");
  core::Progress progress(logger, "RESIRE", static_cast<std::size_t>(params.iterations));
  for (int k = 0; k < params.iterations; ++k) {
    residual_of(volume, series, shift_yx_A, center_A, projector, ctx, residual);
    apply_mask(residual);
    result.r1_history.push_back(mean_r1(r1_per_projection(residual, b_norm)));
    if (k % params.report_interval == 0)
      logger.info("RESIRE iteration " + std::to_string(k) +
                  ": mean R₁ = " + core::format_number(result.r1_history.back()));
    std::fill(gradient.values().begin(), gradient.values().end(), 0.0f);
    core::back_project_series(residual, shift_yx_A, center_A, gradient, projector, ctx);
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
  residual_of(volume, series, shift_yx_A, center_A, projector, ctx, residual);
  apply_mask(residual);
  result.r1_per_projection = r1_per_projection(residual, b_norm);
  result.r1_history.push_back(mean_r1(result.r1_per_projection));
  logger.info("RESIRE done: mean R₁ = " + core::format_number(result.r1_history.back()));
  return result;
}

}  // namespace detail

}  // namespace vitrum::inverse
