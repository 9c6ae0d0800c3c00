#pragma once
/// \file
/// Alignment of a single-axis tilt series (tilt about y) by centre of mass and common line
/// (seed 001 Methods "Image preprocessing" (4), after Scott et al., Nature 483, 444 (2012) and
/// Chen et al., Nature 496, 74 (2013), the paper's refs 33, 34; PHYSICS.md §4).
///
///  - Centre of mass (x): the projection of the object's centre of mass lies on the rotation
///    axis for every tilt, so each projection is translated until its intensity centre of mass
///    sits at the image centre ((n_x − 1)/2 px). This fixes x absolutely if the object's centre
///    of mass is on the rotation axis (in `vitrum stem` the scan is centred on the model's
///    centroid), else up to a tilt-dependent term that makes the reconstruction's frame centred
///    on the centre of mass instead.
///  - Common line (y): for tilt about y, Σ_x p_θ(x, y) = ∫∫ O dx dz is the same 1D curve for
///    every θ, provided the object stays inside the field of view at every tilt (a particle;
///    thin films need a reference region, seed 001, not done here). Each projection's y-profile is
///    registered (1D cross-correlation, sub-pixel, registration.hpp) to the mean profile of the
///    series; the common y offset, which the common line cannot see, is fixed by putting the mean y
///    centre of mass at the image centre. In mode kCenterOfMass, y is set by each projection's own
///    centre of mass instead (noisier: it is moved by whatever enters or leaves the field of view).
///
/// Centres of mass use max(v − b, 0), b the median of the image's outermost ring of pixels,
/// so a constant background does not pull them toward the centre. The iteration re-translates
/// the original images (Fourier shift, one interpolation only) by the accumulated shifts and
/// stops when the largest change of a shift is below tolerance_px, or when the common-line
/// misfit Σ_θ‖profile_θ − mean‖² stops decreasing (the last step is then undone).

#include <array>
#include <vector>

#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/inverse/preprocess/registration.hpp"

namespace vitrum::inverse {

/// Which alignment preprocessing runs.
enum class AlignMode {
  kNone,                    ///< no alignment
  kCenterOfMass,            ///< centre of mass in x and y
  kCenterOfMassCommonLine,  ///< centre of mass in x, common line in y (seed 001, particles)
};

/// Settings of align_series (seed 001 Methods (4): "repeated … until no further improvement").
struct AlignParams {
  AlignMode mode = AlignMode::kCenterOfMassCommonLine;
  int max_iterations = 20;          ///< alignment rounds
  double tolerance_px = 0.01;       ///< stop when no shift changes by more than this (px)
  RegistrationParams registration;  ///< 1D registration of the y-profiles (0.05 px default)

  void validate() const;
};

/// What align_series did.
struct AlignResult {
  /// (x, y) px by which each projection's content was translated (new(r) = old(r − shift)).
  std::vector<Shift2> shift_px;
  int iterations = 0;          ///< rounds run
  std::vector<double> misfit;  ///< common-line misfit after each round (kCenterOfMassCommonLine)
};

/// Aligns `series` in place (see the file comment). InputError on an empty series, a
/// non-finite value, a projection with no intensity above its edge level, or common-line mode
/// on a series that is not tilted about y only (φ = ψ = 0). Same bytes for every ctx.threads.
AlignResult align_series(core::TiltSeries& series, const AlignParams& params,
                         const core::ExecutionContext& ctx, const core::Logger& logger);

}  // namespace vitrum::inverse
