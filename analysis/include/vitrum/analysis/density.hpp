#pragma once
/// \file
/// Local mass-density field (PHYSICS.md §7; seed 001 Methods): each atom's density is its
/// mass over its Voronoi volume, ρ_i = m_i / V_i (1 u/Å³ = 1.66053907 g/cm³); the grid takes at
/// each sample the density of the nearest atom (the Voronoi cell it lies in), and is convolved
/// with a normalised Gaussian of width σ (default rc) by FFT, transfer exp(−2π²σ²|q|²) with q
/// = 1/d (which keeps the integral). Periodic orthorhombic cells give a periodic grid that
/// spans the cell exactly; finite samples a grid over the atoms plus 3σ, where samples nearer
/// to a surface cell's atom than to any other (outside the sample) are 0 before the blur.

#include <cstdint>
#include <span>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

struct DensityFieldParams {
  double grid_A = 1.0;   ///< sample spacing (periodic cells: the nearest that divides the cell), Å
  double sigma_A = 3.6;  ///< Gaussian width (rc), Å
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// Mass density in g/cm³ on a [z][y][x] grid (origin and sampling in Å). `volume_A3` and
/// `surface` are the Voronoi volumes and surface flags (voronoi.hpp). InputError for a
/// triclinic or partly periodic cell, mismatched lengths, or a grid above 2×10⁸ samples.
core::Volume mass_density_field(const core::AtomicModel& model, std::span<const double> volume_A3,
                                std::span<const std::uint8_t> surface,
                                const DensityFieldParams& params, core::FftPlanCache& ffts,
                                const core::ExecutionContext& ctx);

}  // namespace vitrum::analysis
