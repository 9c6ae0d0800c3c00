#include "vitrum/inverse/preprocess/align.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

namespace {

/// Median of the outermost ring of pixels (the background level the centre of mass ignores).
double edge_level(const core::Image& image) {
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  std::vector<double> ring;
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x)
      if (y == 0 || x == 0 || y + 1 == ny || x + 1 == nx) ring.push_back(image(y, x));
  const auto mid = ring.begin() + static_cast<std::ptrdiff_t>(ring.size() / 2);
  std::nth_element(ring.begin(), mid, ring.end());
  return *mid;
}

/// Intensity centre of mass (x, y) in px of max(v − b, 0).
Shift2 center_of_mass(const core::Image& image, double level, std::size_t tilt) {
  double m = 0.0, mx = 0.0, my = 0.0;
  for (std::size_t y = 0; y < image.extent(0); ++y)
    for (std::size_t x = 0; x < image.extent(1); ++x) {
      const double v = std::max(0.0, static_cast<double>(image(y, x)) - level);
      m += v, mx += v * static_cast<double>(x), my += v * static_cast<double>(y);
    }
  if (!(m > 0.0))
    throw InputError("align: projection " + std::to_string(tilt) +
                     " has no intensity above its edge level (centre of mass undefined)");
  return {mx / m, my / m};
}

std::vector<double> y_profile(const core::Image& image) {
  std::vector<double> p(image.extent(0), 0.0);
  for (std::size_t y = 0; y < image.extent(0); ++y)
    for (std::size_t x = 0; x < image.extent(1); ++x) p[y] += image(y, x);
  return p;
}

void check_series(const core::TiltSeries& series, AlignMode mode) {
  if (series.tilt_count() == 0 || series.images.size() == 0)
    throw InputError("align: the tilt series is empty");
  series.validate();
  if (series.images.extent(1) < 2 || series.images.extent(2) < 2)
    throw InputError("align: images need at least 2×2 pixels");
  for (float v : series.images.values())
    if (!std::isfinite(v)) throw InputError("align: the tilt series holds a non-finite value");
  if (mode == AlignMode::kCenterOfMassCommonLine)
    for (std::size_t t = 0; t < series.tilt_count(); ++t)
      if (std::abs(series.euler_deg[t][0]) > 1e-9 || std::abs(series.euler_deg[t][2]) > 1e-9)
        throw InputError("align: common-line alignment needs a tilt about y only, but projection " +
                         std::to_string(t) +
                         " has φ = " + core::format_number(series.euler_deg[t][0]) +
                         "°, ψ = " + core::format_number(series.euler_deg[t][2]) + "°");
}

}  // namespace

void AlignParams::validate() const {
  core::require(max_iterations >= 1 && max_iterations <= 1000, "align_max_iterations",
                max_iterations, "1 … 1000");
  core::require(std::isfinite(tolerance_px) && tolerance_px > 0.0, "align_tolerance_px",
                tolerance_px, "> 0 px");
  registration.validate();
}

AlignResult align_series(core::TiltSeries& series, const AlignParams& params,
                         const core::ExecutionContext& ctx, const core::Logger& logger) {
  params.validate();
  AlignResult result;
  if (params.mode == AlignMode::kNone) {
    result.shift_px.assign(series.tilt_count(), Shift2{0.0, 0.0});
    return result;
  }
  check_series(series, params.mode);
  const std::size_t n = series.tilt_count();
  const double cx = 0.5 * static_cast<double>(series.images.extent(2) - 1);
  const double cy = 0.5 * static_cast<double>(series.images.extent(1) - 1);
  const bool common_line = params.mode == AlignMode::kCenterOfMassCommonLine;
  core::FftPlanCache ffts;
  std::vector<core::Image> original(n), current(n);
  std::vector<double> level(n);
  for (std::size_t t = 0; t < n; ++t) {
    original[t] = series.image(t);
    level[t] = edge_level(original[t]);
  }
  std::vector<Shift2> total(n, Shift2{0.0, 0.0}), previous = total;
  std::vector<Shift2> com(n);
  std::vector<std::vector<double>> profile(n);
  double last_misfit = std::numeric_limits<double>::infinity();
  for (int round = 1; round <= params.max_iterations; ++round) {
    core::parallel_for(ctx, 0, n, [&](std::size_t t) {
      current[t] = original[t];
      fourier_shift(current[t], total[t], ffts);
      com[t] = center_of_mass(current[t], level[t], t);
      if (common_line) profile[t] = y_profile(current[t]);
    });
    std::vector<double> mean_profile;
    if (common_line) {
      mean_profile.assign(series.images.extent(1), 0.0);
      for (const auto& p : profile)
        for (std::size_t y = 0; y < p.size(); ++y) mean_profile[y] += p[y] / static_cast<double>(n);
      double misfit = 0.0;
      for (const auto& p : profile)
        for (std::size_t y = 0; y < p.size(); ++y) misfit += std::pow(p[y] - mean_profile[y], 2);
      // No improvement: undo the last round and stop (seed 001: "until no further improvement").
      if (round > 2 && misfit >= last_misfit) {
        total = previous;
        break;
      }
      result.misfit.push_back(misfit);
      last_misfit = misfit;
    }
    std::vector<Shift2> delta(n);
    core::parallel_for(ctx, 0, n, [&](std::size_t t) {
      delta[t][0] = cx - com[t][0];
      // Round 1 starts the common line from the centres of mass: the mean of unaligned
      // profiles would be too blurred a reference.
      if (!common_line || round == 1)
        delta[t][1] = cy - com[t][1];
      else
        delta[t][1] = -register_profile(mean_profile, profile[t], params.registration, ffts);
    });
    if (common_line && round > 1) {
      // The common line is blind to a common y offset: put the mean y centre of mass (after
      // this round's shifts) at the image centre.
      double mean_y = 0.0;
      for (std::size_t t = 0; t < n; ++t)
        mean_y += (com[t][1] + delta[t][1]) / static_cast<double>(n);
      for (Shift2& d : delta) d[1] += cy - mean_y;
    }
    double change = 0.0;
    previous = total;
    for (std::size_t t = 0; t < n; ++t) {
      total[t] = {total[t][0] + delta[t][0], total[t][1] + delta[t][1]};
      change = std::max({change, std::abs(delta[t][0]), std::abs(delta[t][1])});
    }
    result.iterations = round;
    logger.debug("align round " + std::to_string(round) + ": largest change " +
                 core::format_number(change) + " px");
    if (change < params.tolerance_px) break;
  }
  core::parallel_for(ctx, 0, n, [&](std::size_t t) {
    core::Image img = original[t];
    fourier_shift(img, total[t], ffts);
    std::copy(img.values().begin(), img.values().end(), series.images.data() + t * img.size());
  });
  result.shift_px = total;
  return result;
}

}  // namespace vitrum::inverse
