#pragma once
/// \file
/// Step 3 of atom tracing (PHYSICS.md §4; seed 001 Methods (1); reference code
/// AET-MetallicGlass/Supplementary-Data-Codes, 4_Tracing_and_classification/
/// Main_polynomial_tracing.m): a local maximum is refined to sub-voxel precision by fitting a
/// 4th-order 3D polynomial, P(r) = Σ_{i+j+k≤4} c_ijk x^i y^j z^k (35 terms), by weighted linear
/// least squares to the voxels within a sphere of radius R about the maximum's voxel, with
/// Gaussian least-squares weights w = exp(−|r − p|²/R²) centred on the current estimate p (the
/// reference code multiplies the residuals by w, i.e. weights w²; with R ≈ 0.75 Å both span
/// the atom's core, and w keeps more of the sphere in the fit). One step moves p
/// to the polynomial's peak by Newton's method, p ← p − H⁻¹∇P(p), clamped to ±max_step
/// voxels per axis. A step that needed no clamping is "small"; the fit is accepted after
/// `converge_steps` consecutive small steps and abandoned after `max_iterations` fits, when
/// H is not negative definite (no maximum), or when p leaves the sphere. The window stays on
/// the starting voxel (as in the reference code), so the least-squares design matrix is shared
/// by every peak and only the weights change.

#include <array>
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "vitrum/core/grid.hpp"

namespace vitrum::inverse {

/// How a polynomial peak fit ended.
enum class PeakFitStatus {
  kConverged,     ///< converge_steps consecutive unclamped steps
  kNoMaximum,     ///< the fitted Hessian was not negative definite at the estimate
  kLeftWindow,    ///< the estimate moved further than the radius from the start voxel
  kNotConverged,  ///< max_iterations fits without converging
};

struct PeakFitParams {
  double radius_voxels = 6.0;    ///< sphere radius R (voxels of the grid fitted)
  double max_step_voxels = 0.5;  ///< largest move per step along each axis (voxels)
  int converge_steps = 7;        ///< consecutive small steps that accept a peak
  int max_iterations = 14;       ///< fits before giving up

  void validate() const;  ///< InputError naming the field, its value and the allowed range
};

struct PeakFit {
  PeakFitStatus status = PeakFitStatus::kNotConverged;
  /// The fitted peak in voxel indices (z, y, x) of the grid (fractional).
  std::array<double, 3> position_voxels{};
  int iterations = 0;  ///< fits made
};

/// Fits peaks of one grid; holds the shared design matrix (the monomials of the sphere's
/// voxel offsets). Thread-safe: fit() is const and allocates its own work space.
class PolynomialPeakFitter {
 public:
  explicit PolynomialPeakFitter(const PeakFitParams& params);

  /// Refines the maximum at voxel `start` (z, y, x) of `grid`; voxels outside the grid count
  /// as zero (the reference code pads the volume with zeros).
  PeakFit fit(const core::Volume& grid, const std::array<std::size_t, 3>& start) const;

  std::size_t stencil_size() const { return offsets_.size(); }

 private:
  PeakFitParams params_;
  std::vector<std::array<int, 3>> offsets_;  ///< (dz, dy, dx) of the sphere's voxels
  Eigen::MatrixXd design_;                   ///< monomials of offsets / R, one row per voxel
};

}  // namespace vitrum::inverse
