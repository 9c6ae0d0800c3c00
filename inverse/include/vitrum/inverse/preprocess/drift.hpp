#pragma once
/// \file
/// Linear drift along the slow scan axis (seed 001 Methods "Image preprocessing" (1); PHYSICS.md
/// §4). A scan line iy (the slow axis is y) is recorded at the sample position displaced by
/// d·iy px, d = (d_x, d_y) px per line, measured from the first line (iy = 0) — the model of
/// `vitrum stem` (forward/acquisition.hpp). Line iy of the raw image then holds the object at
/// x' = ix + d_x·iy, y' = iy·(1 + d_y): a shear along x and a stretch along y.
///
/// What is estimable, from what:
///  - Two frames of the same view (repeated frames): registering their top halves and their
///    bottom halves separately gives shifts whose difference over the distance between the
///    halves' centres is the *relative* drift d_b − d_a (both components). A drift common to
///    all frames is indistinguishable from a sheared or stretched object and is not estimable.
///  - One frame per tilt (single-axis tilt about y): the y-profile Σ_x p(x, y) of a projection
///    does not change with tilt (y is the tilt axis; the common line), so each projection's y
///    drift — a stretch of its profile — is measured against the series' mean profile by
///    registering the top and bottom parts of the profiles (1D). The x drift can only come from
///    comparing consecutive projections' halves (as for frames), and that is biased by the
///    rotation itself (halves whose mass sits at different depths z move differently in x by
///    Δz·Δθ), so it is offered only on request. Either way the drifts are known up to one
///    common drift, fixed by the gauge "mean drift over the series = 0".

#include <array>
#include <vector>

#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/inverse/preprocess/registration.hpp"

namespace vitrum::inverse {

/// Which drift components preprocessing estimates and removes from a tilt series.
enum class DriftMode {
  kNone,  ///< no drift correction
  kY,     ///< slow-axis stretch only, from the common line (unbiased for tilt about y)
  kXY,    ///< both components (x biased at large tilt steps; see the file comment)
};

/// Settings of the drift estimates (px/line bound, registration grid, fixed-point rounds).
struct DriftParams {
  RegistrationParams registration;  ///< sub-pixel registration of the image halves
  /// Cap on |d| per component (px/line); a larger estimate is an InputError (a failed
  /// registration, not a drift: seed 001 reports drifts below 1 px per frame).
  double max_px_per_line = 0.1;
  /// Fixed-point rounds at most (undo the estimate, re-measure; see relative_drift).
  int max_rounds = 20;

  void validate() const;
};

/// The drift of `moving` relative to `reference` (px/line, (x, y)) from the registrations of
/// their top halves and of their bottom halves, iterated to the fixed point where the
/// drift-corrected `moving` registers at zero shift in both halves (at most max_rounds; stops when
/// a round changes the halves' shifts by less than half the registration grid). Images of the same
/// shape with ≥ 8 lines.
Shift2 relative_drift(const core::Image& reference, const core::Image& moving,
                      const DriftParams& params, core::FftPlanCache& ffts);

/// Undoes a linear drift d (px/line, from line 0): resamples each output pixel (ix, iy) from
/// the raw image at line iy/(1 + d_y) and column ix − d_x·iy/(1 + d_y) (separable cubic
/// convolution, Keys 1981, a = −0.5; edges clamped).
void correct_drift(core::Image& image, const Shift2& drift_px_per_line);

/// Per-projection drift of a single-frame tilt series (see the file comment): y from the
/// projections' y-profiles against their mean, iterated to the fixed point; x (mode kXY) from
/// consecutive projections in the file's order (by tilt, as `vitrum stem` writes them). Gauge:
/// mean over the series = 0; components not in `mode` are 0. InputError if an estimate exceeds
/// params.max_px_per_line.
std::vector<Shift2> estimate_series_drift(const core::TiltSeries& series, DriftMode mode,
                                          const DriftParams& params, core::FftPlanCache& ffts);

}  // namespace vitrum::inverse
