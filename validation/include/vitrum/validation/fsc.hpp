#pragma once
/// \file
/// Fourier shell correlation of two volumes on the same grid, and the rendering of an atomic
/// model onto a grid so that a truth can be compared with a reconstruction.
///
/// FSC(q) = Re Σ_{k∈shell} F₁(k) F₂*(k) / √(Σ|F₁(k)|² Σ|F₂(k)|²) (van Heel & Schatz, J. Struct.
/// Biol. 151, 250 (2005)), q = 1/d in Å⁻¹ (DESIGN.md "Units"), with k's frequency
/// q = √Σ_a (k_a / (n_a h_a))². Shells are Δq = max_a 1/(n_a h_a) wide (one Fourier sample of
/// the coarsest axis), from 0 to the Nyquist frequency of the coarsest axis, 1/(2 max_a h_a).
/// The resolution at a threshold is 1/q where the curve first falls below the threshold
/// (linear interpolation between shell centres): 0.143 (Rosenthal & Henderson, J. Mol. Biol.
/// 333, 721 (2003), the criterion for a map against a perfect reference, which a rendered
/// truth is) and 0.5. A curve that never falls below reports the Nyquist resolution 2·max h
/// and `reaches_nyquist`.

#include <cstddef>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::validation {

struct FscResult {
  std::vector<double> q_per_A;           ///< shell centres, Å⁻¹ (q = 1/d)
  std::vector<double> fsc;               ///< per shell (NaN for a shell without power)
  std::vector<std::size_t> shell_count;  ///< Fourier samples per shell
  double resolution_0143_A = 0;          ///< 1/q at FSC = 0.143, Å
  double resolution_05_A = 0;            ///< 1/q at FSC = 0.5, Å
  bool reaches_nyquist_0143 = false;     ///< the 0.143 crossing is beyond Nyquist
  bool reaches_nyquist_05 = false;
};

/// The FSC of `a` and `b`. InputError if the shapes or samplings differ (the grids must be
/// the same: render the truth with `render_model` on the reconstruction's grid), a volume is
/// empty or not finite, or a volume is constant zero.
FscResult fourier_shell_correlation(const core::Volume& a, const core::Volume& b,
                                    core::FftPlanCache& ffts);

/// 1/q where `fsc` first falls below `threshold` (linear interpolation between the shells'
/// q); NaN if it never does.
double fsc_resolution_A(const std::vector<double>& q_per_A, const std::vector<double>& fsc,
                        double threshold);

/// How atoms are drawn on a grid.
struct RenderParams {
  /// Gaussian width σ of each atom, Å: the blur of a reconstruction (probe, thermal motion,
  /// missing wedge). 0.4 Å is the `linear.width_A` the project's tests give `vitrum stem`.
  double sigma_A = 0.4;
  /// Amplitude ∝ Z^exponent: 1.7 is the usual ADF-STEM ("Z-contrast") scaling (Pennycook &
  /// Jesson, Ultramicroscopy 37, 14 (1991): intensity ∝ Z^1.6–2); for a single species it only
  /// scales the map, which FSC and a least-squares-scaled R₁ ignore.
  double z_exponent = 1.7;
  double cutoff_sigmas = 4.0;  ///< each Gaussian is drawn out to this many σ (4: 0.11 % cut)
  void validate() const;
};

/// The model drawn on the grid of `like` (shape, sampling, origin; values ignored): voxel
/// (iz, iy, ix) at (origin_x + ix·h_x, origin_y + iy·h_y, origin_z + iz·h_z) gets
/// Σ_atoms Z^p exp(−|r − r_j|²/2σ²) / (2πσ²)^{3/2}, i.e. each atom integrates to Z^p Å⁻³·Å³.
/// Periodic axes are ignored (atoms are drawn where they are). Parallel over z-planes; the
/// same bytes for any thread count. InputError for bad params or an empty grid.
core::Volume render_model(const core::AtomicModel& model, const core::Volume& like,
                          const RenderParams& params, const core::ExecutionContext& ctx);

}  // namespace vitrum::validation
