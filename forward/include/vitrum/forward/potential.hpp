#pragma once
/// \file
/// Slices of projected potential and their transmission functions (PHYSICS.md §2).
///
/// The specimen is cut into slices of equal thickness Δz along the beam (+z). Every atom
/// belongs to exactly one slice — the one holding its centre — and contributes its whole
/// projected potential there, so no atom is cut between slices (Kirkland 2010, §6.4; the
/// error of this is the slice-thickness convergence tested in tests/forward). A slice's
/// projected potential is built in Fourier space on a periodic lateral grid of area LxLy:
///
///   v(q) = (1 / LxLy) Σ_j 2πa₀e f_e,j(|q|) exp(−2πi q·r_j),   v(r) = Σ_q v(q) exp(2πi q·r)
///
/// (Kirkland 2010, eqs. 5.17 and 6.33; 2πa₀e = 47.878 V·Å²), with f_e from Kirkland (2010)
/// or Lobato & Van Dyck (2014). The transmission function t(r) = exp(iσ v(r)) (σ the
/// interaction parameter, Kirkland eq. 5.20) is band-limited to |q| ≤ ⅔ q_Nyquist so that
/// products of the wave and t do not alias (Kirkland 2010, §6.8).

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/scattering.hpp"

namespace vitrum::forward {

/// A periodic lateral grid of square pixels: sample (iy, ix) is at
/// (origin_x_A + ix·sampling_A, origin_y_A + iy·sampling_A).
struct LateralGrid {
  std::size_t nx = 0, ny = 0;
  double sampling_A = 0.05;
  double origin_x_A = 0.0, origin_y_A = 0.0;

  double extent_x_A() const { return static_cast<double>(nx) * sampling_A; }
  double extent_y_A() const { return static_cast<double>(ny) * sampling_A; }
  /// Largest spatial frequency kept after the ⅔ band limit: q = 1/(3·sampling) (Å⁻¹).
  double band_limit_invA() const { return 1.0 / (3.0 * sampling_A); }
  /// Throws InputError unless the grid is non-empty and its sampling positive.
  void validate() const;
};

struct SliceParams {
  double slice_thickness_A = 2.0;  ///< Δz; 2 Å is the peers' benchmark setting (PHYSICS.md §2)
  core::ScatteringParametrization parametrization = core::ScatteringParametrization::kLobato2014;

  void validate() const;
};

/// The slices of a specimen along the beam.
struct SliceStack {
  LateralGrid grid;
  double slice_thickness_A = 0.0;
  double entrance_z_A = 0.0;  ///< z of the entrance surface of slice 0
  /// Transmission function of each slice, [iy][ix] row-major, band-limited.
  std::vector<core::AlignedVector<std::complex<float>>> transmission;
  /// Where each slice holds matter: [slice][block y][block x] on blocks of kOccupancyBlock²
  /// pixels, 1 if an atom of the slice lies within kVacuumMargin_A of the block. Elsewhere the
  /// slice is vacuum to within the band limit's ringing (|t − 1| ≤ 1.3e-4 beyond 4 Å of a Ta
  /// atom at 0.033 Å pixels, 7.5e-4 at 0.078 Å; measured), so a probe whose window meets no
  /// occupied block may skip it. Empty: every slice is treated as occupied.
  std::vector<std::vector<std::uint8_t>> occupied;

  static constexpr std::size_t kOccupancyBlock = 16;
  static constexpr double kVacuumMargin_A = 4.0;

  std::size_t slice_count() const { return transmission.size(); }
  std::size_t blocks_x() const { return (grid.nx + kOccupancyBlock - 1) / kOccupancyBlock; }
  std::size_t blocks_y() const { return (grid.ny + kOccupancyBlock - 1) / kOccupancyBlock; }
};

/// Where each atom goes: slice n holds the atoms with entrance_z_A + nΔz ≤ z < entrance_z_A +
/// (n+1)Δz. Returns the entrance z (just above the topmost atom's centre) and the count.
struct Slicing {
  double entrance_z_A = 0.0;
  std::size_t slices = 0;
};
Slicing slicing_for(const core::AtomicModel& model, double slice_thickness_A);

/// Projected potential of every slice (V·Å) on `grid`, band-limited to |q| ≤ ⅔ q_Nyquist.
/// Atoms outside the lateral grid are wrapped periodically. Parallel over slices.
std::vector<core::Image> projected_potentials(const core::AtomicModel& model,
                                              const LateralGrid& grid, const SliceParams& params,
                                              const Slicing& slicing,
                                              const core::ExecutionContext& ctx,
                                              core::FftPlanCache& ffts);

/// The transmission functions exp(iσ v) of a model's slices at beam energy `energy_keV`.
SliceStack transmission_functions(const core::AtomicModel& model, const LateralGrid& grid,
                                  const SliceParams& params, double energy_keV,
                                  const core::ExecutionContext& ctx, core::FftPlanCache& ffts);

}  // namespace vitrum::forward
