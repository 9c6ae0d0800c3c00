#pragma once
/// \file
/// Weighted (filtered) back-projection, WBP/FBP, the direct baseline to compare RESIRE against
/// (PHYSICS.md §4). For a single tilt axis along y, every object slice y = const is a 2D
/// parallel-beam problem, and the inverse Radon transform (Kak & Slaney, "Principles of
/// Computerized Tomographic Imaging", 1988, ch. 3, eq. 45) reads
///
///   O(x, z) = ∫₀^π q_θ(s_θ(x, z)) dθ,   q_θ = F⁻¹{ |ν| · W(ν) · F{p_θ} }   (along x),
///
/// with s_θ(x, z) the detector coordinate a point projects to, p_θ the projection (value × Å), ν
/// the spatial frequency along the detector row (1/Å) and W an optional apodising window.
/// Discretisation:
///
/// - the ramp is built in real space from the band-limited Ram-Lak kernel h(0) = 1/(4τ²),
///   h(nτ) = −1/(nπτ)² for odd n, 0 for even n (Kak & Slaney eq. 61; τ the pixel), on a row
///   zero-padded to ≥ 2 n_x (no wrap-around), and transformed with core's FFT; unlike sampling
///   |ν| directly this keeps the correct DC response, so the object's integral is right.
///   Windows: Shepp–Logan sinc(ν/2ν_N), cosine cos(πν/2ν_N), Hann ½(1 + cos(πν/ν_N))
///   (ν_N the Nyquist frequency of the padded row), as in scikit-image's `iradon`;
/// - the integral over θ becomes Σ_θ Δθ · q_θ with Δθ (radians) half the gap to each
///   neighbouring view, angles folded into one period of 180° (a view at θ + 180° is the same
///   line integral, mirrored); for views covering 180° the gaps wrap around, for a missing
///   wedge the end views get their one neighbour's gap (so uniform spacing gives equal weights);
/// - the back-projection is core::back_project, the adjoint of the RESIRE/SIRT projector,
///   scaled by p_x p_y / h³ so that it becomes the continuous smear (Πᵀ spreads a voxel's
///   weight h³/(p_x p_y) over the pixels it projects to; core/projector.hpp).
///
/// So a known object's densities come out in its own units (value), not up to a scale (tests:
/// the integral and peak of a Gaussian blob). General Euler angles are refused: the
/// single-axis formula is only approximate once φ or ψ is not zero; views with |φ|, |ψ| up
/// to `max_off_axis_deg` are accepted (the rows are then filtered along x as if φ = ψ = 0 and
/// back-projected along their true directions — an approximation, e.g. after angle refinement
/// of ψ by a fraction of a degree).

#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::inverse {

/// The apodising window W(ν) multiplying the ramp |ν| (ν_N: the row's Nyquist frequency).
enum class WbpFilter {
  kRamLak,      ///< W = 1: the plain band-limited ramp (sharpest, noisiest)
  kSheppLogan,  ///< W = sinc(ν / 2ν_N) = sin(πν/2ν_N) / (πν/2ν_N)
  kCosine,      ///< W = cos(πν / 2ν_N)
  kHann,        ///< W = ½(1 + cos(πν/ν_N)) (smoothest)
};

struct WbpParams {
  WbpFilter filter = WbpFilter::kRamLak;
  /// Largest |φ| or |ψ| (deg) accepted; beyond it the series is not single-axis and WBP
  /// refuses it (InputError).
  double max_off_axis_deg = 2.0;
  /// Reconstruction voxel h (Å); 0: the image pixel. The box is resire_volume's (resire.hpp).
  double voxel_A = 0.0;
  int size_voxels = 0;  ///< cube edge n (voxels); 0: the image width
  int subsamples = 1;   ///< projector sub-points per voxel axis (core::ProjectorParams)

  /// InputError naming the field, its value and the allowed range.
  void validate() const;
};

struct WbpResult {
  core::Volume volume;             ///< n³ voxels of h (value, the unit of b per Å), centred on c
  std::vector<double> weight_rad;  ///< Δθ per tilt (radians; Σ = π for full coverage)
  /// R₁,θ = Σ|Π_θO − b_θ| / Σ|b_θ| of the reconstruction, one per tilt (comparable with
  /// RESIRE's and SIRT's).
  std::vector<double> r1_per_projection;
};

/// Δθ (radians) per view for tilt angles θ (degrees, any order, any period): each view gets
/// half the gap to each neighbour after folding into one 180° period; the gaps wrap around the
/// period when the views cover it, otherwise an end view takes its neighbour's gap.
/// InputError on an empty list or a non-finite angle.
std::vector<double> wbp_angular_weights_rad(const std::vector<double>& theta_deg);

/// Filtered back-projection of a single-axis series (tilt about y; images in value·Å, Euler
/// angles in degrees as in core/projector.hpp) about the rotation centre `center_A` (Å).
/// InputError on an invalid or empty series (angle/projection count mismatch), a non-finite
/// value or centre, |φ| or |ψ| > max_off_axis_deg, or bad params. Same bytes for every
/// ctx.threads.
WbpResult wbp(const core::TiltSeries& series, const core::Vec3& center_A, const WbpParams& params,
              const core::ExecutionContext& ctx, const core::Logger& logger);

}  // namespace vitrum::inverse
