#pragma once
/// \file
/// RESIRE, the real-space iterative reconstruction of AET (PHYSICS.md §4; seed 001 Methods
/// eq. 1; Pham et al., "Real space iterative reconstruction engine", 2023): gradient descent on
///
///   ε(O) = ½ Σ_θ ‖Π_θ O − b_θ‖²,     ∇ε = Σ_θ Π_θᵀ (Π_θ O − b_θ),
///
///   O ← max(0, O − t ∇ε)   (simultaneous over all tilts; positivity optional),
///
/// with core's matched projector pair (core/projector.hpp): Π_θ is a line integral (value × Å),
/// Π_θᵀ its exact adjoint. Fit quality per projection: R₁,θ = Σ|Π_θO − b_θ| / Σ|b_θ|.
///
/// The step. The reference code sums voxels along a ray (Π_sum) and uses t = step/(N·n_x) for
/// N projections of n_x-voxel rays: ΠᵀΠ's largest eigenvalue (a volume filling the box) is
/// L_sum ≈ N·n_x (each voxel spreads weight 1 over the pixels, each pixel gathers ≈ n_x voxels),
/// and gradient descent is stable for t·L < 2. Here each voxel of size h is S³ sub-points
/// (spacing δ = h/S) carrying O·h³/S³, splatted bilinearly and divided by the pixel area
/// p_x·p_y. Bound L ≤ N·‖Π_θ‖₁‖Π_θ‖_∞: a voxel's weights over the pixels sum to h³/(p_x p_y)
/// (mass conservation); a pixel gathers from the ≈ n·S sub-points along its ray, each column
/// of them adding bilinear weights that sum to ≈ p_x p_y/δ² over the columns when δ² ≤ p_x p_y,
/// but up to 1 (a pixel on a column) when the sub-points are sparser than the pixels. So a row
/// sums to n·h·g, g = max(1, δ²/(p_x p_y)), and
///
///   L ≈ N·n·h⁴·g/(p_x p_y)   (= h²·L_sum when p = h, S = 1),
///   t = step · p_x p_y / (N · n · h⁴ · g)   [Å⁻²: ∇ε is in value·Å², O in value].
///
/// g is tight when sparse sub-points fall on pixel centres (at θ = 0 each column then feeds
/// one pixel): 1.6 Å voxels at S = 1 on 23 pixels of 0.8 Å about the same centre gave t·L ≈ 4.1
/// without it, and the iteration flipped between an overshoot and the zero volume. When they
/// fall between pixels, L is half that and g only slows the descent (t·L ≈ 0.5; tests).
///
/// step = 2 (the reference code's default) sits just under the limit: power iteration on the
/// test geometries gives t·L = 1.91 (36 tilts, ±85°) and 1.92 (25 tilts, ±60°). The box-filling
/// mode then flips sign each step and decays by |1 − t·L| ≈ 0.9 per step, which shows as a
/// damped oscillation of R₁ over the first ~10 iterations; every other mode converges about
/// twice as fast as with step = 1. Steps above ≈ 2.1 diverge without positivity.

#include <cstddef>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::inverse {

struct ResireParams {
  int iterations = 200;  ///< gradient steps (PHYSICS.md §4: 200–500)
  double step = 2.0;  ///< dimensionless step; t = step·p_x p_y/(N·n·h⁴) (see the file comment)
  bool positivity = true;    ///< clamp O ≥ 0 after every step (the object is a potential)
  int report_interval = 10;  ///< log the mean R₁ every this many iterations
  /// Reconstruction voxel h (Å); 0: the image pixel (x sampling of the tilt series).
  double voxel_A = 0.0;
  /// Cube edge n (voxels); 0: the image width (nx · pixel / voxel, rounded).
  int size_voxels = 0;
  int subsamples = 1;  ///< projector sub-points per voxel axis (core::ProjectorParams)

  void validate() const;
  core::ParamSet params();
  std::string params_toml() const { return ResireParams(*this).params().to_toml(); }
};

struct ResireResult {
  core::Volume volume;  ///< the reconstruction: n³ voxels of h, centred on the rotation centre
  /// Mean over projections of R₁ at O_k, k = 0 … iterations (O_0 = 0 gives 1).
  std::vector<double> r1_history;
  std::vector<double> r1_per_projection;  ///< R₁,θ of the final volume, one per tilt
  double step_A2 = 0.0;                   ///< the step t actually used (Å⁻²)
};

/// The reconstruction box `resire` uses: n³ voxels of h (params, or the defaults from the
/// series' pixel and width), centred on `center_A`.
core::Volume resire_volume(const core::TiltSeries& series, const core::Vec3& center_A,
                           const ResireParams& params);

/// Reconstructs `series` (images in value·Å, e.g. an ADF line integral; Euler angles in
/// degrees, the convention of core/projector.hpp) about the rotation centre `center_A` (Å).
/// InputError on an invalid or empty series, a non-finite value, a projection that is zero
/// everywhere (R₁ undefined), or bad params. Same bytes for every ctx.threads.
ResireResult resire(const core::TiltSeries& series, const core::Vec3& center_A,
                    const ResireParams& params, const core::ExecutionContext& ctx,
                    const core::Logger& logger);

/// As above, but descending from `start` instead of O = 0 (a warm start, e.g. between the
/// rounds of angle refinement, angle_refine.hpp); r1_history[0] is then R₁ of `start`.
/// InputError also if `start` is not the box resire_volume(series, center_A, params) gives
/// (shape, sampling and origin).
ResireResult resire(const core::TiltSeries& series, const core::Vec3& center_A,
                    const ResireParams& params, const core::ExecutionContext& ctx,
                    const core::Logger& logger, core::Volume start);

}  // namespace vitrum::inverse
