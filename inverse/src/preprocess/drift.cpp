#include "vitrum/inverse/preprocess/drift.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

namespace {

/// Lines [first, first + count) of `image`.
core::Image rows(const core::Image& image, std::size_t first, std::size_t count) {
  const std::size_t nx = image.extent(1);
  core::Image out({count, nx}, image.sampling());
  std::copy_n(image.data() + first * nx, count * nx, out.data());
  return out;
}

/// Keys (1981) cubic convolution weights (a = −0.5) for the four samples around t ∈ [0, 1).
std::array<double, 4> cubic_weights(double t) {
  const auto w = [](double s) {
    s = std::abs(s);
    if (s < 1.0) return (1.5 * s - 2.5) * s * s + 1.0;
    if (s < 2.0) return ((-0.5 * s + 2.5) * s - 4.0) * s + 2.0;
    return 0.0;
  };
  return {w(t + 1.0), w(t), w(1.0 - t), w(2.0 - t)};
}

}  // namespace

void DriftParams::validate() const {
  registration.validate();
  core::require(std::isfinite(max_px_per_line) && max_px_per_line > 0.0, "drift_max_px_per_line",
                max_px_per_line, "> 0");
  core::require(max_rounds >= 1 && max_rounds <= 1000, "drift_max_rounds", max_rounds, "1 … 1000");
}

Shift2 relative_drift(const core::Image& reference, const core::Image& moving,
                      const DriftParams& params, core::FftPlanCache& ffts) {
  params.validate();
  if (reference.shape() != moving.shape()) throw InputError("drift: images of different shapes");
  const std::size_t ny = reference.extent(0);
  if (ny < 8) throw InputError("drift: an image needs at least 8 lines, got " + std::to_string(ny));
  const std::size_t h = ny / 2;
  // Line iy of an image drifting by d shows the object displaced by −d·iy, so the halves'
  // shifts differ by −(d_moving − d_reference)·(lever arm). The lever arm is the distance
  // between the halves' centres only for evenly spread texture, and the cut edges, common to
  // both halves, pull each registration toward zero (a gain of 0.6 in the tests). So iterate
  // to the fixed point instead: undo the estimate, measure what is left, add it. When the
  // corrected image matches the reference, each pair of halves is an autocorrelation, whose
  // peak is at zero: the fixed point is unbiased whatever the content's weighting.
  const double lines = static_cast<double>(ny - h);
  Shift2 d{0.0, 0.0};
  for (int round = 0; round < params.max_rounds; ++round) {
    core::Image corrected = moving;
    correct_drift(corrected, d);
    const Shift2 top = register_translation(rows(reference, 0, h), rows(corrected, 0, h),
                                            params.registration, ffts);
    const Shift2 bottom = register_translation(
        rows(reference, ny - h, h), rows(corrected, ny - h, h), params.registration, ffts);
    const Shift2 step{-(bottom[0] - top[0]) / lines, -(bottom[1] - top[1]) / lines};
    d = {d[0] + step[0], d[1] + step[1]};
    for (std::size_t a = 0; a < 2; ++a)
      if (!(std::abs(d[a]) <= params.max_px_per_line))
        throw InputError("drift: estimated " + core::format_number(d[a]) + " px/line along " +
                         (a == 0 ? "x" : "y") + " exceeds drift_max_px_per_line = " +
                         core::format_number(params.max_px_per_line) +
                         " (registration of the image halves failed?)");
    if (std::max(std::abs(step[0]), std::abs(step[1])) * lines <
        0.5 / params.registration.upsampling)
      break;
  }
  return d;
}

void correct_drift(core::Image& image, const Shift2& drift_px_per_line) {
  const auto [dx, dy] = drift_px_per_line;
  if (dx == 0.0 && dy == 0.0) return;
  if (!std::isfinite(dx) || !std::isfinite(dy) || dy <= -0.5)
    throw InputError("correct_drift: drift must be finite with d_y > −0.5 px/line");
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  const core::Image raw = image;
  const auto clamp = [](long i, std::size_t n) {
    return static_cast<std::size_t>(std::clamp<long>(i, 0, static_cast<long>(n) - 1));
  };
  for (std::size_t iy = 0; iy < ny; ++iy) {
    const double line = static_cast<double>(iy) / (1.0 + dy);
    const double fy = std::floor(line);
    const auto wy = cubic_weights(line - fy);
    for (std::size_t ix = 0; ix < nx; ++ix) {
      const double col = static_cast<double>(ix) - dx * line;
      const double fx = std::floor(col);
      const auto wx = cubic_weights(col - fx);
      double v = 0.0;
      for (int a = 0; a < 4; ++a) {
        const std::size_t y = clamp(static_cast<long>(fy) - 1 + a, ny);
        double row = 0.0;
        for (int b = 0; b < 4; ++b)
          row += wx[static_cast<std::size_t>(b)] * raw(y, clamp(static_cast<long>(fx) - 1 + b, nx));
        v += wy[static_cast<std::size_t>(a)] * row;
      }
      image(iy, ix) = static_cast<float>(v);
    }
  }
}

namespace {

/// p resampled as a profile recorded with slow-axis drift d_y: out(Y) = p(Y/(1 + d_y)) (cubic).
std::vector<double> undrift_profile(const std::vector<double>& p, double dy) {
  std::vector<double> out(p.size());
  const auto n = static_cast<long>(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double at = static_cast<double>(i) / (1.0 + dy);
    const double f = std::floor(at);
    const auto w = cubic_weights(at - f);
    double v = 0.0;
    for (long k = 0; k < 4; ++k)
      v += w[static_cast<std::size_t>(k)] *
           p[static_cast<std::size_t>(std::clamp(static_cast<long>(f) - 1 + k, 0L, n - 1))];
    out[i] = v;
  }
  return out;
}

/// The y drift of every projection from its y-profile Σ_x p(x, y), which tilt about y leaves
/// unchanged: the top and bottom parts of each profile are registered (1D) against those of
/// the series' mean profile, iterated to the fixed point, with the gauge mean = 0.
std::vector<double> profile_y_drift(const core::TiltSeries& series, const DriftParams& params,
                                    core::FftPlanCache& ffts) {
  const std::size_t n = series.tilt_count(), ny = series.images.extent(1),
                    nx = series.images.extent(2);
  if (ny < 8) throw InputError("drift: an image needs at least 8 lines, got " + std::to_string(ny));
  std::vector<std::vector<double>> raw(n, std::vector<double>(ny, 0.0));
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) raw[t][y] += series.images(t, y, x);
  const std::size_t h = ny / 2;
  const double lines = static_cast<double>(ny - h);
  const auto part = [](const std::vector<double>& p, std::size_t first, std::size_t count) {
    return std::vector<double>(p.begin() + static_cast<std::ptrdiff_t>(first),
                               p.begin() + static_cast<std::ptrdiff_t>(first + count));
  };
  // Cut profiles register with a gain well below 1 (their cut edges pull toward zero), so a
  // 0.05 px grid would hide drifts of 0.005 px/line; 1D is cheap enough for 0.002 px.
  RegistrationParams fine = params.registration;
  fine.upsampling = std::max(fine.upsampling, 500);
  std::vector<double> d(n, 0.0);
  for (int round = 0; round < params.max_rounds; ++round) {
    std::vector<std::vector<double>> p(n);
    std::vector<double> mean(ny, 0.0);
    for (std::size_t t = 0; t < n; ++t) {
      p[t] = undrift_profile(raw[t], d[t]);
      for (std::size_t y = 0; y < ny; ++y) mean[y] += p[t][y] / static_cast<double>(n);
    }
    double largest = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
      const double top = register_profile(part(mean, 0, h), part(p[t], 0, h), fine, ffts);
      const double bottom =
          register_profile(part(mean, ny - h, h), part(p[t], ny - h, h), fine, ffts);
      const double step = -(bottom - top) / lines;
      d[t] += step;
      largest = std::max(largest, std::abs(step) * lines);
    }
    double m = 0.0;
    for (double v : d) m += v / static_cast<double>(n);
    for (double& v : d) v -= m;
    if (largest < 2.0 / fine.upsampling) break;
  }
  for (std::size_t t = 0; t < n; ++t)
    if (!(std::abs(d[t]) <= params.max_px_per_line))
      throw InputError(
          "drift: estimated " + core::format_number(d[t]) + " px/line along y for projection " +
          std::to_string(t) +
          " exceeds drift_max_px_per_line = " + core::format_number(params.max_px_per_line));
  return d;
}

}  // namespace

std::vector<Shift2> estimate_series_drift(const core::TiltSeries& series, DriftMode mode,
                                          const DriftParams& params, core::FftPlanCache& ffts) {
  params.validate();
  const std::size_t n = series.tilt_count();
  std::vector<Shift2> d(n, Shift2{0.0, 0.0});
  if (mode == DriftMode::kNone || n < 2) return d;
  if (mode == DriftMode::kXY) {
    // x from consecutive projections (biased by the rotation; drift.hpp), cumulated.
    for (std::size_t t = 1; t < n; ++t)
      d[t][0] = d[t - 1][0] + relative_drift(series.image(t - 1), series.image(t), params, ffts)[0];
    double mean = 0.0;
    for (const Shift2& s : d) mean += s[0] / static_cast<double>(n);
    for (Shift2& s : d) s[0] -= mean;
  }
  const std::vector<double> dy = profile_y_drift(series, params, ffts);
  for (std::size_t t = 0; t < n; ++t) d[t][1] = dy[t];
  return d;
}

}  // namespace vitrum::inverse
