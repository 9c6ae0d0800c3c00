#include "vitrum/inverse/preprocess/preprocess.hpp"

#include <algorithm>
#include <cmath>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

void PreprocessParams::validate() const {
  registration.validate();
  drift_params.validate();
  background_params.validate();
  align_params.validate();
  denoise_params.validate();
}

void PreprocessParams::add_to(core::ParamSet& set, const std::string& prefix) {
  const std::string p = prefix;
  set.add_choice(p + "drift", drift,
                 {{"none", DriftMode::kNone}, {"y", DriftMode::kY}, {"xy", DriftMode::kXY}},
                 "linear slow-axis drift correction from consecutive projections (y: the "
                 "stretch along the tilt axis, unbiased; xy: also the shear, biased by the tilt)")
      .add(p + "drift_max_px_per_line", drift_params.max_px_per_line, "px/line",
           "largest drift accepted (a larger estimate is an error)")
      .add_choice(p + "denoise", denoise,
                  {{"none", DenoiseMode::kNone}, {"bm3d", DenoiseMode::kBm3d}},
                  "denoising: BM3D after a generalised Anscombe transform, exact unbiased "
                  "inverse (seed 001; settings under denoising.)")
      .add_choice(p + "background", background,
                  {{"none", BackgroundMode::kNone}, {"laplace", BackgroundMode::kLaplace}},
                  "background subtraction: threshold mask + Laplacian interpolation (seed 001)")
      .add(p + "background_blur_sigma_px", background_params.blur_sigma_px, "px",
           "Gaussian blur before thresholding")
      .add(p + "background_threshold_fraction", background_params.threshold_fraction, "",
           "mask threshold between the edge median (0) and the maximum (1)")
      .add(p + "background_dilation_px", background_params.dilation_px, "px",
           "growth of the mask beyond the threshold")
      .add_choice(p + "align", align,
                  {{"none", AlignMode::kNone},
                   {"com", AlignMode::kCenterOfMass},
                   {"com+common_line", AlignMode::kCenterOfMassCommonLine}},
                  "alignment: centre of mass (x, y), or centre of mass (x) + common line (y)")
      .add(p + "align_max_iterations", align_params.max_iterations, "", "alignment rounds at most")
      .add(p + "align_tolerance_px", align_params.tolerance_px, "px",
           "stop when no shift changes by more than this")
      .add(p + "registration_upsampling", registration.upsampling, "",
           "sub-pixel registration grid 1/upsampling px (20: 0.05 px, seed 001)");
  denoise_params.add_to(set, p + "denoising.");
}

PreprocessResult preprocess(core::TiltSeries& series, const PreprocessParams& params,
                            const core::ExecutionContext& ctx, const core::Logger& logger) {
  params.validate();
  if (series.tilt_count() == 0 || series.images.size() == 0)
    throw InputError("preprocess: the tilt series is empty");
  series.validate();
  for (float v : series.images.values())
    if (!std::isfinite(v)) throw InputError("preprocess: the tilt series holds a non-finite value");
  const std::size_t n = series.tilt_count();
  const std::size_t pixels = series.images.extent(1) * series.images.extent(2);
  PreprocessResult r;
  r.drift_px_per_line.assign(n, Shift2{0.0, 0.0});
  r.mask_fraction.assign(n, 0.0);
  r.shift_px.assign(n, Shift2{0.0, 0.0});
  const auto put = [&](std::size_t t, const core::Image& image) {
    std::copy(image.values().begin(), image.values().end(), series.images.data() + t * pixels);
  };

  // (1) Drift along the slow scan axis.
  if (params.drift != DriftMode::kNone) {
    core::FftPlanCache ffts;
    DriftParams drift = params.drift_params;
    drift.registration = params.registration;
    r.drift_px_per_line = estimate_series_drift(series, params.drift, drift, ffts);
    core::parallel_for(ctx, 0, n, [&](std::size_t t) {
      core::Image image = series.image(t);
      correct_drift(image, r.drift_px_per_line[t]);
      put(t, image);
    });
    double largest = 0.0;
    for (const Shift2& d : r.drift_px_per_line)
      largest = std::max({largest, std::abs(d[0]), std::abs(d[1])});
    r.steps.emplace_back("drift");
    logger.info("preprocess: drift corrected, largest " + core::format_number(largest) +
                " px/line (relative to the series mean)");
  }

  // (2) Denoising (BM3D after the generalised Anscombe transform; seed 001 Methods).
  if (params.denoise == DenoiseMode::kBm3d) {
    r.noise = denoise_series(series, params.denoise_params, ctx, logger);
    double alpha = 0.0, sigma = 0.0;
    for (const NoiseModel& m : r.noise) {
      alpha += m.alpha / static_cast<double>(n);
      sigma += m.sigma / static_cast<double>(n);
    }
    r.steps.emplace_back("denoise");
    logger.info("preprocess: BM3D denoising, mean noise model α = " + core::format_number(alpha) +
                ", σ = " + core::format_number(sigma) + " (image units)");
  }

  // (3) Background.
  if (params.background == BackgroundMode::kLaplace) {
    core::parallel_for(ctx, 0, n, [&](std::size_t t) {
      core::Image image = series.image(t);
      try {
        r.mask_fraction[t] = subtract_background(image, params.background_params).mask_fraction;
      } catch (const InputError& e) {
        throw InputError("projection " + std::to_string(t) + ": " + e.what());
      }
      put(t, image);
    });
    double lo = 1.0, hi = 0.0;
    for (double f : r.mask_fraction) lo = std::min(lo, f), hi = std::max(hi, f);
    r.steps.emplace_back("background");
    logger.info("preprocess: background subtracted; masks cover " + core::format_number(lo) +
                " … " + core::format_number(hi) + " of the images");
  }

  // (4) Alignment.
  if (params.align != AlignMode::kNone) {
    AlignParams align = params.align_params;
    align.mode = params.align;
    align.registration = params.registration;
    const AlignResult a = align_series(series, align, ctx, logger);
    r.shift_px = a.shift_px;
    r.align_iterations = a.iterations;
    double rms = 0.0;
    for (const Shift2& s : a.shift_px) rms += s[0] * s[0] + s[1] * s[1];
    rms = std::sqrt(rms / static_cast<double>(n));
    r.steps.emplace_back("align");
    logger.info("preprocess: aligned in " + std::to_string(a.iterations) + " round(s); RMS shift " +
                core::format_number(rms) + " px");
  }
  return r;
}

}  // namespace vitrum::inverse
