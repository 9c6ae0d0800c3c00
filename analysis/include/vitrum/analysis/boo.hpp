#pragma once
/// \file
/// Bond-orientational order (PHYSICS.md §7; seed 001 Methods; reference code of the AET
/// papers). For atom i with neighbours j at r_min < |r_ij| < rc (N_b of them):
///   q_lm(i) = (1/N_b) Σ_j Y_lm(r̂_ij)                      (Steinhardt et al., PRB 28, 784)
///   Q_l(i)  = sqrt(4π/(2l+1) Σ_m |q_lm(i)|²)               (not averaged)
///   Q̄_l(i) = sqrt(4π/(2l+1) Σ_m |(q_lm(i) + Σ_k q_lm(k)) / (N_b + 1)|²)
///                                  (Lechner & Dellago, JCP 129, 114707 (2008), eqs. 5–6)
/// Normalised BOO = sqrt(Q̄4² + Q̄6²) / sqrt(0.190941² + 0.574524²) (the fcc values).
/// Crystalline: normalised BOO > threshold (strict, as the reference code), then the
/// reference isolated-atom rule: a crystalline atom with fewer than `isolated_min_crystalline`
/// other crystalline atoms within `isolated_radius_A` is isolated; an isolated atom is
/// relabelled amorphous unless at least `core_min` core (non-isolated crystalline) atoms lie
/// within the same radius.

#include <cstdint>
#include <vector>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

/// Q̄4, Q̄6 of the perfect fcc lattice (12 neighbours): the normalisation of the BOO.
inline constexpr double kFccQ4 = 0.190941;
inline constexpr double kFccQ6 = 0.574524;

/// What happens to crystalline atoms with few crystalline neighbours.
enum class IsolatedAtomRule {
  kReference,  ///< the AET reference code's relabelling (see file comment)
  kNone,       ///< keep the threshold label as it is
};

struct BooParams {
  double rc_A = 3.6;     ///< neighbour cutoff rc (first valley of g(r)), Å
  double r_min_A = 0.1;  ///< neighbours closer than this are ignored (reference 0.1 Å), Å
  std::vector<int> degrees{4, 6};  ///< the l computed; normalised BOO needs 4 and 6
  double crystal_threshold = 0.5;  ///< normalised BOO above this is crystalline
  IsolatedAtomRule isolated_rule = IsolatedAtomRule::kReference;
  double isolated_radius_A = 8.0;     ///< radius of the isolated-atom rule, Å
  int isolated_min_crystalline = 13;  ///< fewer crystalline atoms than this: isolated
  int core_min = 2;                   ///< core atoms needed to keep an isolated atom
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

struct BooResult {
  std::vector<int> degrees;
  std::vector<std::vector<double>> q;         ///< [degree][atom] Q_l (Steinhardt)
  std::vector<std::vector<double>> qbar;      ///< [degree][atom] Q̄_l (Lechner–Dellago)
  std::vector<std::uint32_t> neighbor_count;  ///< N_b per atom
  std::vector<double> boo_norm;               ///< per atom; empty unless degrees hold 4 and 6
  std::vector<std::uint8_t> crystalline;      ///< per atom, 1 = crystal nucleus; empty likewise
  double crystalline_fraction = 0;            ///< crystalline atoms / all atoms
  /// Q̄_l of atom i for degree l; InputError if l was not computed.
  const std::vector<double>& qbar_of(int l) const;
};

/// BOO of every atom. `neighbors` must have a cutoff ≥ rc_A (InputError otherwise).
BooResult bond_orientational_order(const core::AtomicModel& model, const NeighborList& neighbors,
                                   const BooParams& params, const core::ExecutionContext& ctx);

}  // namespace vitrum::analysis
