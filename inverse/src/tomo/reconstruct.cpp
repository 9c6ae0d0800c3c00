#include "vitrum/inverse/tomo/reconstruct.hpp"

#include <utility>

#include "tomo/series_checks.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::inverse {

std::string to_string(TomoMethod method) {
  switch (method) {
    case TomoMethod::kResire:
      return "resire";
    case TomoMethod::kSirt:
      return "sirt";
    case TomoMethod::kWbp:
      return "wbp";
  }
  return "?";
}

SirtParams TomoParams::sirt() const {
  SirtParams p;
  p.iterations = resire.iterations;
  p.relaxation = sirt_relaxation;
  p.positivity = resire.positivity;
  p.report_interval = resire.report_interval;
  p.voxel_A = resire.voxel_A;
  p.size_voxels = resire.size_voxels;
  p.subsamples = resire.subsamples;
  return p;
}

WbpParams TomoParams::wbp() const {
  WbpParams p;
  p.filter = wbp_filter;
  p.max_off_axis_deg = wbp_max_off_axis_deg;
  p.voxel_A = resire.voxel_A;
  p.size_voxels = resire.size_voxels;
  p.subsamples = resire.subsamples;
  return p;
}

void TomoParams::validate() const {
  resire.validate();
  sirt().validate();
  wbp().validate();
  refine_angles.validate();
  scanning.validate();
  if (scanning.enabled && method != TomoMethod::kResire)
    throw InputError("scanning.enabled = true needs method = resire (got method = " +
                     to_string(method) + "); scanning AET's local volumes are RESIRE's");
}

core::ParamSet TomoParams::params() {
  core::ParamSet p = resire.params();
  p.add_choice(
       "method", method,
       {{"resire", TomoMethod::kResire}, {"sirt", TomoMethod::kSirt}, {"wbp", TomoMethod::kWbp}},
       "reconstruction: RESIRE, or the baselines SIRT and weighted back-projection "
       "(iterations, positivity, volume.* and projector.* apply to resire and sirt; "
       "volume.* and projector.* to wbp)")
      .add("sirt.relaxation", sirt_relaxation, "", "SIRT's relaxation λ, in (0, 2)")
      .add_choice("wbp.filter", wbp_filter,
                  {{"ram-lak", WbpFilter::kRamLak},
                   {"shepp-logan", WbpFilter::kSheppLogan},
                   {"cosine", WbpFilter::kCosine},
                   {"hann", WbpFilter::kHann}},
                  "window on WBP's ramp filter")
      .add("wbp.max_off_axis_deg", wbp_max_off_axis_deg, "deg",
           "largest |φ|, |ψ| WBP accepts (a single-axis method)")
      .add("refine_angles.rounds", refine_angles.rounds, "",
           "angle refinement rounds (RESIRE iterations + grid search each); 0: none")
      .add("refine_angles.iterations", refine_angles.iterations, "",
           "RESIRE iterations before each search (reference code: 30)")
      .add("refine_angles.range_deg", refine_angles.range_deg, "deg",
           "search half-range per Euler angle [φ, θ, ψ]; 0 keeps that angle")
      .add("refine_angles.step_deg", refine_angles.step_deg, "deg", "search grid step")
      .add_choice("refine_angles.gauge", refine_angles.gauge,
                  {{"mean", AngleGauge::kMean}, {"none", AngleGauge::kNone}},
                  "what fixes the common orientation: mean offset of each angle zero, or none");
  scanning.add_to(p);
  return p;
}

TomoResult reconstruct(const core::TiltSeries& series, const core::Vec3& center_A,
                       const TomoParams& params, const core::ExecutionContext& ctx,
                       const core::Logger& logger) {
  params.validate();
  detail::check_series(series);
  TomoResult result;
  core::TiltSeries refined;
  const core::TiltSeries* input = &series;
  core::Volume start;
  if (params.refine_angles.rounds > 0) {
    AngleRefineResult r =
        refine_angles(series, center_A, params.resire, params.refine_angles, ctx, logger);
    refined = series;
    refined.euler_deg = r.euler_deg;
    input = &refined;
    result.euler_offset_deg = std::move(r.offset_deg);
    result.refine_r1_before = std::move(r.r1_before);
    result.refine_r1_after = std::move(r.r1_after);
    start = std::move(r.volume);
  }
  result.euler_deg = input->euler_deg;
  switch (params.method) {
    case TomoMethod::kResire: {
      ResireResult r = start.size() > 0
                           ? resire(*input, center_A, params.resire, ctx, logger, std::move(start))
                           : resire(*input, center_A, params.resire, ctx, logger);
      result.volume = std::move(r.volume);
      result.r1_history = std::move(r.r1_history);
      result.r1_per_projection = std::move(r.r1_per_projection);
      break;
    }
    case TomoMethod::kSirt: {
      SirtResult r = sirt(*input, center_A, params.sirt(), ctx, logger);
      result.volume = std::move(r.volume);
      result.r1_history = std::move(r.r1_history);
      result.r1_per_projection = std::move(r.r1_per_projection);
      break;
    }
    case TomoMethod::kWbp: {
      WbpResult r = wbp(*input, center_A, params.wbp(), ctx, logger);
      result.volume = std::move(r.volume);
      result.r1_per_projection = std::move(r.r1_per_projection);
      result.r1_history = {detail::mean(result.r1_per_projection)};
      break;
    }
  }
  if (params.scanning.enabled) {
    ScanningResult s = scanning_reconstruct(*input, center_A, result.volume, params.resire,
                                            params.scanning, ctx, logger);
    result.volume = std::move(s.volume);
    result.r1_per_projection = std::move(s.r1_per_projection);
    result.scan_patches = std::move(s.patches);
  }
  return result;
}

}  // namespace vitrum::inverse
