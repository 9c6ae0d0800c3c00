#include "vitrum/inverse/tomo/sirt.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "tomo/series_checks.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace vitrum::inverse {

void SirtParams::validate() const {
  detail::validate_iterative_box(iterations, report_interval, voxel_A, size_voxels, subsamples);
  core::require(std::isfinite(relaxation) && relaxation > 0.0 && relaxation < 2.0,
                "sirt.relaxation", relaxation, "(0, 2): SIRT converges for 0 < λ < 2");
}

namespace {

/// 1/s where s is a usable sum, 0 where s is (numerically) zero: a pixel whose ray misses the
/// box, a voxel no pixel sees. The threshold is relative to the largest sum, so a ray that
/// only grazes a corner voxel keeps its weight.
void invert_sums(std::vector<float>& sums) {
  float largest = 0.0f;
  for (float s : sums) largest = std::max(largest, s);
  const float floor = 1e-6f * largest;
  for (float& s : sums) s = s > floor ? 1.0f / s : 0.0f;
}

}  // namespace

SirtResult sirt(const core::TiltSeries& series, const core::Vec3& center_A,
                const SirtParams& params, const core::ExecutionContext& ctx,
                const core::Logger& logger) {
  params.validate();
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  const std::vector<double> b_norm = detail::projection_l1(series);
  ResireParams box;
  box.voxel_A = params.voxel_A;
  box.size_voxels = params.size_voxels;

  SirtResult result;
  result.volume = resire_volume(series, center_A, box);
  core::Volume& volume = result.volume;
  const core::ProjectorParams projector{params.subsamples};

  // R = 1/(Π 1): project a volume of ones. C = 1/(Πᵀ 1): back-project images of ones.
  core::TiltSeries row_weight = detail::zero_like(series);
  {
    core::Volume ones = volume;
    std::fill(ones.values().begin(), ones.values().end(), 1.0f);
    core::project_series(ones, center_A, row_weight, projector, ctx);
  }
  invert_sums(row_weight.images.values());
  core::Volume column_weight(volume.shape(), volume.sampling(), volume.origin());
  {
    core::TiltSeries ones = detail::zero_like(series);
    std::fill(ones.images.values().begin(), ones.images.values().end(), 1.0f);
    core::back_project_series(ones, center_A, column_weight, projector, ctx);
  }
  invert_sums(column_weight.values());

  core::TiltSeries residual = detail::zero_like(series);
  core::Volume update(volume.shape(), volume.sampling(), volume.origin());
  logger.info("SIRT: " + std::to_string(series.tilt_count()) + " projections → " +
              std::to_string(volume.extent(0)) + "³ voxels of " +
              core::format_number(volume.sampling()[0]) + " Å, " +
              std::to_string(params.iterations) +
              " iterations, λ = " + core::format_number(params.relaxation));
  const auto lambda = static_cast<float>(params.relaxation);
  const bool clamp = params.positivity;
  core::Progress progress(logger, "SIRT", static_cast<std::size_t>(params.iterations));
  for (int k = 0; k < params.iterations; ++k) {
    detail::residual_of(volume, series, center_A, projector, ctx, residual);  // ΠO − b
    result.r1_history.push_back(detail::mean(detail::r1_per_projection(residual, b_norm)));
    if (k % params.report_interval == 0)
      logger.info("SIRT iteration " + std::to_string(k) +
                  ": mean R₁ = " + core::format_number(result.r1_history.back()));
    float* r = residual.images.data();
    const float* w = row_weight.images.data();
    core::parallel_for(ctx, 0, residual.images.size(), [&](std::size_t i) { r[i] *= w[i]; });
    std::fill(update.values().begin(), update.values().end(), 0.0f);
    core::back_project_series(residual, center_A, update, projector, ctx);
    float* o = volume.data();
    const float* u = update.data();
    const float* c = column_weight.data();
    // The residual holds ΠO − b, so the step subtracts.
    core::parallel_for(ctx, 0, volume.size(), [&](std::size_t i) {
      const float v = o[i] - lambda * c[i] * u[i];
      o[i] = clamp ? std::max(v, 0.0f) : v;
    });
    progress.advance();
  }
  progress.finish();
  detail::residual_of(volume, series, center_A, projector, ctx, residual);
  result.r1_per_projection = detail::r1_per_projection(residual, b_norm);
  result.r1_history.push_back(detail::mean(result.r1_per_projection));
  logger.info("SIRT done: mean R₁ = " + core::format_number(result.r1_history.back()));
  return result;
}

}  // namespace vitrum::inverse
