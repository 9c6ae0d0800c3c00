#pragma once
/// \file
/// SIRT, the simultaneous iterative reconstruction technique (Gilbert, J. Theor. Biol. 36, 105
/// (1972)), a baseline to compare RESIRE against (PHYSICS.md §4), in the form the ASTRA toolbox
/// uses (van Aarle et al., Ultramicroscopy 157, 35 (2015), eq. 4):
///
///   O ← O + λ · C Πᵀ R (b − Π O),    R = diag(1 / Π 1),   C = diag(1 / Πᵀ 1),
///
/// simultaneous over all tilts, with core's matched projector pair (core/projector.hpp; Π a
/// line integral, value × Å). R holds the inverse row sums of Π (each pixel's ray length
/// through the box, from projecting a volume of ones), C the inverse column sums (each voxel's
/// total weight over all pixels, from back-projecting images of ones); a pixel the box does not
/// reach, or a voxel no pixel sees, gets weight 0. Both are positive diagonal scalings of a
/// non-negative matrix, so ‖C^½ ΠᵀRΠ C^½‖ ≤ 1 and the iteration converges for 0 < λ < 2
/// (Jiang & Wang, IEEE TMI 22, 569 (2003)) to the minimiser of ‖b − ΠO‖²_R (C-weighted);
/// with positivity, O is clamped to ≥ 0 after every step (ASTRA's MinConstraint).
/// Unlike RESIRE's gradient step, no step size depends on the geometry: C and R carry it.

#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::inverse {

struct SirtParams {
  int iterations = 200;      ///< SIRT sweeps (each one Π and one Πᵀ of the whole series)
  double relaxation = 1.0;   ///< λ, dimensionless, in (0, 2)
  bool positivity = true;    ///< clamp O ≥ 0 after every step
  int report_interval = 10;  ///< log the mean R₁ every this many iterations
  /// Reconstruction voxel h (Å); 0: the image pixel. The box is resire_volume's (resire.hpp).
  double voxel_A = 0.0;
  int size_voxels = 0;  ///< cube edge n (voxels); 0: the image width
  int subsamples = 1;   ///< projector sub-points per voxel axis (core::ProjectorParams)

  /// InputError naming the field, its value and the allowed range.
  void validate() const;
};

struct SirtResult {
  core::Volume volume;  ///< n³ voxels of h, centred on the rotation centre
  /// Mean over projections of R₁,θ = Σ|Π_θO − b_θ| / Σ|b_θ| at O_k, k = 0 … iterations
  /// (O_0 = 0 gives 1).
  std::vector<double> r1_history;
  std::vector<double> r1_per_projection;  ///< R₁,θ of the final volume, one per tilt
};

/// SIRT reconstruction of `series` (images in value·Å; Euler angles in degrees, the convention
/// of core/projector.hpp) about the rotation centre `center_A` (Å), from O = 0. InputError on
/// an invalid or empty series (angle/projection count mismatch), a non-finite value or
/// centre, a projection that is zero everywhere, or bad params. Same bytes for every
/// ctx.threads.
SirtResult sirt(const core::TiltSeries& series, const core::Vec3& center_A,
                const SirtParams& params, const core::ExecutionContext& ctx,
                const core::Logger& logger);

}  // namespace vitrum::inverse
