#pragma once
/// \file
/// Chemical short-range order in the first shell (PHYSICS.md §6–7).
///  - Coordination numbers CN_ab: mean number of b atoms within rc of an a atom.
///  - Warren–Cowley α_ab = 1 − P(b|a)/c_b, P(b|a) the fraction of b among the first-shell
///    neighbours of a atoms, c_b the concentration of b (Cowley, Phys. Rev. 77, 669 (1950),
///    eq. 1). 0 for a random alloy, < 0 when a–b pairs are favoured.
///  - Pseudo-binary A/X (seed 002: A = Zr, X = the rest): bond fractions P[X–X], P[A–X],
///    P[A–A] over first-shell bonds between atoms of the two groups, and the seed-002 α
///    (002 eqs. 1–2 with the sign PHYSICS.md §6 argues for):
///      P_max = 2 P_random = P[A–X] + 2 min(P[X–X], P[A–A]),  α = P[A–X]/P_random − 1,
///    which equals 2c_A − 1, not 0, for a random alloy; and the Warren–Cowley
///    α₁ = 1 − P(X|A)/c_X of the same groups.

#include <optional>
#include <string>
#include <vector>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/analysis/pair_distribution.hpp"
#include "vitrum/core/atomic_model.hpp"

namespace vitrum::analysis {

struct ShortRangeOrderParams {
  double rc_A = 3.6;  ///< first-shell cutoff (first valley of g(r)), Å
  /// Empty, or exactly two groups: A (e.g. Zr) then X (e.g. Cu, Ni, Al).
  std::vector<SpeciesGroup> pseudo_binary;
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

struct PseudoBinaryOrder {
  std::string a_name, x_name;
  double c_a = 0;                  ///< concentration of A among the atoms of both groups
  double p_xx = 0;                 ///< fraction of first-shell bonds that are X–X
  double p_ax = 0;                 ///< A–X
  double p_aa = 0;                 ///< A–A
  double alpha_seed002 = 0;        ///< P[A–X]/P_random − 1 (seed 002, plus sign)
  double alpha_warren_cowley = 0;  ///< 1 − P(X|A)/c_X
};

struct ShortRangeOrder {
  std::vector<int> species;           ///< Z, ascending
  std::vector<double> concentration;  ///< per species
  std::vector<double> coordination;   ///< [a][b] row-major: CN_ab
  std::vector<double> warren_cowley;  ///< [a][b] row-major: α_ab
  double cn_mean = 0;                 ///< mean first-shell CN over all atoms
  std::optional<PseudoBinaryOrder> pseudo_binary;
};

/// SRO of a model. `neighbors` must have a cutoff ≥ rc_A.
ShortRangeOrder short_range_order(const core::AtomicModel& model, const NeighborList& neighbors,
                                  const ShortRangeOrderParams& params);

}  // namespace vitrum::analysis
