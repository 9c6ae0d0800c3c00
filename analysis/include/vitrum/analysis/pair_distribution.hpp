#pragma once
/// \file
/// Pair distribution function g(r), total and partial (PHYSICS.md §7, seed 001 Methods):
/// a histogram of pair distances in shells of width Δr, divided by the ideal-gas count of each
/// shell, so that g → 1 at large r.
///
/// Periodic models: g_ab(r) = Σ_{i∈a} n_{i,b}(r) / (N_a ρ'_b V_shell(r)), with
/// V_shell = 4π/3 (r_hi³ − r_lo³) (Å³) and ρ'_b = (N_b − δ_ab)/V_cell the density of the other
/// b atoms around an a atom (the convention of LAMMPS `compute rdf`; it matters for small
/// boxes); the total is the same with all atoms, ρ' = (N − 1)/V.
///
/// Finite particles (no periodic axis): near the surface part of each shell lies outside the
/// particle, and dividing by the full shell volume gives a tail that falls towards 0 (or, with
/// the box volume for ρ, a tail near 2 — the bug PHYSICS.md warns about). Here the particle
/// is the window W = the morphological closing of the atom centres by a ball of radius α:
/// a point is outside W if an empty ball (no atom centre inside) of radius α contains it. That
/// is the α-hull of the centres, the continuous counterpart of the reference code's alpha
/// shape (union of Delaunay tetrahedra of circumradius < α, α = 4 Å), dilated by half the mean
/// atomic spacing δ = ½ ρ₀^(−1/3): the closing's boundary runs through the outermost atom
/// centres, about half a layer inside the region the atoms fill (without the dilation a 22 Å
/// sphere of a dense packing has ρ 15 % too high and g(r) ~7 % too low). W is built on a grid of
/// spacing `window_grid_A` (empty-ball centres from direct neighbour queries, the dilation by
/// an exact Euclidean distance transform, Felzenszwalb & Huttenlocher, Theory Comput. 8, 415
/// (2012)). Then ρ = N/|W| and g_ab(r) = Σ_{i∈a} n_{i,b}(r) / (N_a ρ'_b V_shell(r) f(r)) where
/// f(r) is the mean fraction of the sphere of radius r around an atom lying inside W, sampled
/// on `window_directions` Fibonacci-sphere directions around up to `window_max_centres` atoms
/// (a fixed stride through the model, so the result is deterministic).

#include <cstddef>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

/// A named set of elements, e.g. the pseudo-binary Zr / X of seed 002 (X = Cu, Ni, Al).
struct SpeciesGroup {
  std::string name;
  std::vector<int> Z;
};

/// How shell volumes are normalised.
enum class ShellNormalization {
  kAuto,          ///< periodic box if all axes are periodic, finite window if none is
  kPeriodicBox,   ///< ρ = N / V_cell, full shells (periodic models only)
  kFiniteWindow,  ///< ρ = N / |W| and shells weighted by the fraction inside W (see above)
};

struct PairDistributionParams {
  double r_max_A = 10.0;  ///< largest r histogrammed, Å
  double bin_A = 0.1;     ///< shell width Δr (0.1 Å in seed 001), Å
  ShellNormalization normalization = ShellNormalization::kAuto;
  double alpha_A = 4.0;              ///< closing radius of the finite window (reference α = 4 Å)
  double window_grid_A = 0.5;        ///< grid spacing of the finite window, Å
  int window_directions = 256;       ///< sphere directions sampled per centre for f(r)
  int window_max_centres = 4096;     ///< atoms used as centres for f(r) (evenly strided)
  std::vector<SpeciesGroup> groups;  ///< optional groupings; partials between groups too
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// First coordination shell read from g(r).
struct FirstShell {
  double peak_A = 0;    ///< position of the first maximum, Å
  double peak_g = 0;    ///< g at the first maximum
  double valley_A = 0;  ///< first minimum after the peak: the neighbour cutoff rc, Å
  double valley_g = 0;
};

/// One partial g_ab(r).
struct PartialPair {
  std::string name;  ///< "A-B" (element symbols or group names), A ≤ B in species order
  std::vector<double> g;
};

struct PairDistribution {
  std::vector<double> r_A;                  ///< shell centres, Å
  std::vector<double> g;                    ///< total g(r)
  std::vector<PartialPair> partials;        ///< per element pair
  std::vector<PartialPair> group_partials;  ///< per group pair (empty without groups)
  ShellNormalization normalization = ShellNormalization::kPeriodicBox;  ///< the one used
  double density_per_A3 = 0;            ///< number density ρ used, atoms/Å³
  double volume_A3 = 0;                 ///< V_cell, or |W| for a finite window, Å³
  std::vector<double> window_fraction;  ///< f(r) per shell (all 1 for periodic boxes)
  FirstShell first_shell;
};

/// g(r) of a model. InputError for an empty model, a mixed periodic/finite cell, or
/// kPeriodicBox on a finite model.
PairDistribution pair_distribution(const core::AtomicModel& model,
                                   const PairDistributionParams& params,
                                   const core::ExecutionContext& ctx);

/// First peak (global maximum of g smoothed over 3 shells, moved to the largest raw g among
/// it and its two neighbours) and the first minimum (of the smoothed g) after it
/// within 1.8 × the peak position; a flat minimum (g = 0 between crystal shells) gives the
/// middle of the flat run; otherwise a parabola through the lowest three points refines it.
/// valley_A is NaN if the peak is the last shell. InputError if g has fewer than 5 shells.
FirstShell find_first_shell(const std::vector<double>& r_A, const std::vector<double>& g);

}  // namespace vitrum::analysis
