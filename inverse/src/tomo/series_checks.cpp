#include "tomo/series_checks.hpp"

#include <cmath>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse::detail {

void check_series(const core::TiltSeries& series) {
  series.validate();
  if (series.tilt_count() == 0 || series.images.extent(1) == 0 || series.images.extent(2) == 0)
    throw InputError("the tilt series is empty");
  for (float v : series.images.values())
    if (!std::isfinite(v)) throw InputError("the tilt series has a non-finite value");
}

std::vector<double> l1_norms(const core::TiltSeries& series) {
  const std::size_t n_pix = series.images.extent(1) * series.images.extent(2);
  std::vector<double> norm(series.tilt_count());
  for (std::size_t t = 0; t < norm.size(); ++t) {
    const float* b = series.images.data() + t * n_pix;
    double sum = 0.0;
    for (std::size_t i = 0; i < n_pix; ++i) sum += std::abs(static_cast<double>(b[i]));
    norm[t] = sum;
  }
  return norm;
}

std::vector<double> projection_l1(const core::TiltSeries& series) {
  std::vector<double> norm = l1_norms(series);
  for (std::size_t t = 0; t < norm.size(); ++t)
    if (!(norm[t] > 0.0))
      throw InputError("projection " + std::to_string(t) + " is zero everywhere; R₁ is undefined");
  return norm;
}

std::vector<double> r1_per_projection(const core::TiltSeries& residual,
                                      const std::vector<double>& b_norm) {
  const std::size_t n_pix = residual.images.extent(1) * residual.images.extent(2);
  std::vector<double> r1(residual.tilt_count());
  for (std::size_t t = 0; t < r1.size(); ++t) {
    const float* r = residual.images.data() + t * n_pix;
    double sum = 0.0;
    for (std::size_t i = 0; i < n_pix; ++i) sum += std::abs(static_cast<double>(r[i]));
    r1[t] = b_norm[t] > 0.0 ? sum / b_norm[t] : 0.0;
  }
  return r1;
}

double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

void residual_of(const core::Volume& volume, const core::TiltSeries& series,
                 const core::Vec3& center_A, const core::ProjectorParams& projector,
                 const core::ExecutionContext& ctx, core::TiltSeries& residual) {
  residual_of(volume, series, {}, center_A, projector, ctx, residual);
}

void residual_of(const core::Volume& volume, const core::TiltSeries& series,
                 const core::DetectorShifts& shift_yx_A, const core::Vec3& center_A,
                 const core::ProjectorParams& projector, const core::ExecutionContext& ctx,
                 core::TiltSeries& residual) {
  core::project_series(volume, center_A, residual, shift_yx_A, projector, ctx);
  float* r = residual.images.data();
  const float* b = series.images.data();
  core::parallel_for(ctx, 0, residual.images.size(), [&](std::size_t i) { r[i] -= b[i]; });
}

core::TiltSeries zero_like(const core::TiltSeries& series) {
  return {
      core::Grid<float, 3>(series.images.shape(), series.images.sampling(), series.images.origin()),
      series.euler_deg};
}

void validate_iterative_box(int iterations, int report_interval, double voxel_A, int size_voxels,
                            int subsamples) {
  core::require(iterations >= 1, "iterations", iterations, ">= 1");
  core::require(report_interval >= 1, "report_interval", report_interval, ">= 1");
  core::require(std::isfinite(voxel_A) && voxel_A >= 0.0, "volume.voxel_A", voxel_A,
                ">= 0 (0: the image pixel)");
  core::require(size_voxels >= 0 && size_voxels <= 4096, "volume.size_voxels", size_voxels,
                "0 … 4096 (0: the image width)");
  core::ProjectorParams{subsamples}.validate();
}

}  // namespace vitrum::inverse::detail
