#pragma once
/// \file
/// Pentagonal-bipyramid networks (PHYSICS.md §7; seed 001 Methods), built on the motifs of
/// polytetrahedral.hpp at δ_analysis; the same analysis runs for quadrilateral or hexagonal
/// bipyramids with `fold` = 4 or 6 ("PB" below is then that bipyramid).
///  - Two PBs sharing one tetrahedron are vertex-sharing, sharing two (five atoms)
///    edge-sharing. Per PB: counts of both; fractions of PBs that share no vertex and that
///    have ≥ 1 edge-sharing neighbour.
///  - Networks: connected components of the edge-sharing graph with ≥ min_network_size PBs;
///    size = PBs, atoms = distinct atoms, length = largest atom–atom distance (atoms placed by
///    walking the network from PB to PB, so periodic images are followed consistently).
///  - Per PB: bond ratios α/γ and β/γ (α the cap–cap bond, β the mean cap–ring bond, γ the mean
///    ring–ring bond between ring neighbours; 1.05 and ≈1 for an ideal PB) and θ, the angle
///    between α and the normal of the ring's least-squares plane (0° for an ideal PB).
///  - Per edge-sharing pair: dihedral φ = 180° − the acute angle between the two PB axes
///    (116.57° between neighbouring PBs of an icosahedron).
///  - Icosahedra (fold 5 only). Two edge-sharing PBs always share one capping atom (their two
///    common tetrahedra hold both axes, so the axes meet in an atom). For every atom that caps a
///    PB: the PBs it caps, and the largest set of them connected by edge sharing around it
///    ("connected PBs"). A full icosahedron is a centre with 12 connected PBs ("an icosahedron
///    requires the tight packing of 12 pentagonal bipyramids by edge sharing", seed 001 main
///    text); a partial icosahedron is a centre with k connected PBs, partial_min_pbs ≤ k < 12.
///    Seed 001 uses the term (Fig. 5g, 5h: "a PBN comprising five partial icosahedra", Fig. 6c)
///    without a number; the default k ≥ 3 is the smallest fragment whose PB axes span 3D around
///    the centre (two edge-sharing PBs are already counted by edge_sharing). The 13-atom
///    icosahedron gives 12; without one outer atom 6 (the 5 PBs around its neighbours lose
///    their closed ring), without two neighbouring outer atoms 4.

#include <cstdint>
#include <vector>

#include "vitrum/analysis/polytetrahedral.hpp"

namespace vitrum::analysis {

struct PbnParams {
  int fold = 5;              ///< bipyramids analysed: 4, 5 (pentagonal, default) or 6
  int min_network_size = 5;  ///< networks smaller than this are not reported (seed 001: 5)
  /// A centre with at least this many (and < 12) connected PBs is a partial icosahedron.
  int partial_min_pbs = 3;
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

struct PbnNetwork {
  std::size_t pbs = 0;    ///< size: number of PBs
  std::size_t atoms = 0;  ///< distinct atoms
  double length_A = 0;    ///< largest atom–atom distance, Å
};

struct PbnResult {
  std::size_t pentagonal_bipyramids = 0;  ///< bipyramids of the chosen fold
  std::vector<int> vertex_sharing;        ///< per PB (order of the 5-fold motifs)
  std::vector<int> edge_sharing;          ///< per PB
  double fraction_sharing_no_vertex = 0;
  double fraction_with_edge_sharing = 0;
  std::vector<PbnNetwork> networks;      ///< ≥ min_network_size, largest first
  std::vector<double> alpha_over_gamma;  ///< per PB
  std::vector<double> beta_over_gamma;   ///< per PB
  std::vector<double> theta_deg;         ///< per PB
  std::vector<double> dihedral_deg;      ///< per edge-sharing pair
  /// Atoms capping ≥ 1 PB (ascending), the PBs each caps and the largest edge-connected set
  /// of those around it (see the file comment).
  std::vector<std::uint32_t> centre_atom;
  std::vector<int> centre_pbs;
  std::vector<int> centre_connected_pbs;
  /// [k]: centres with k connected PBs, k = 0 … max (0 is always empty).
  std::vector<std::size_t> connected_histogram;
  std::size_t full_icosahedra = 0;     ///< centres with ≥ 12 connected PBs (fold 5)
  std::size_t partial_icosahedra = 0;  ///< centres with partial_min_pbs … 11 (fold 5)
};

/// PBN analysis of the 5-fold motifs of `motifs` (positions come from its tetrahedra).
PbnResult pbn_analysis(const PolytetrahedralResult& motifs, const PbnParams& p);

}  // namespace vitrum::analysis
