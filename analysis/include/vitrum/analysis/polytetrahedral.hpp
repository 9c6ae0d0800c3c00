#pragma once
/// \file
/// Polytetrahedral packing (PHYSICS.md §7; seed 001 Methods and its reference code).
///
/// Tetrahedra: the Delaunay tetrahedra of the atoms, read from the Voronoi cells (the dual:
/// each Voronoi vertex where exactly three faces of atom i's cell meet is the circumcentre of
/// the tetrahedron of i and those three neighbours). Vertices where more faces meet
/// (degenerate, e.g. perfect crystals) and vertices on the clipping walls of finite samples are
/// skipped: on perfect crystals the tetrahedra are not unique and motifs are arbitrary
/// (PHYSICS.md). Periodic cells must be wider than 2 rc so that an atom pair names one edge.
///
/// A tetrahedron passes at δ_max if its longest edge is ≤ rc and its distortion
/// δ = e_max/e_avg − 1 ≤ δ_max (and, given crystal labels, at least 3 of its atoms are
/// amorphous). Around every edge A–B (the two capping atoms) the Delaunay tetrahedra form a
/// ring (closed inside the sample, open at a free surface):
///  - a closed ring of n passing tetrahedra is an n-fold motif: 4 quadrilateral, 5 pentagonal
///    (PB), 6 hexagonal bipyramid; a closed ring of 3 counts as 3-fold;
///  - a triplet (3-fold) is a run of exactly 3 consecutive passing tetrahedra in a ring that is
///    not all passing, discarded if one of its tetrahedra lies on a closed 4–8-fold ring.
/// Motif fraction of fold n = tetrahedra in n-fold motifs / passing tetrahedra (a tetrahedron
/// may be in several motifs, so the fractions can sum to more than 1). The skeleton of a motif
/// is the polygon through its tetrahedra's centroids.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

struct PolytetrahedralParams {
  double rc_A = 3.6;              ///< longest edge allowed (first valley of g(r)), Å
  double wall_margin_A = 2.0;     ///< finite samples: clipping walls for the Voronoi cells, Å
  double delta_min = 0.05;        ///< first δ_max of the scan
  double delta_max = 0.35;        ///< last δ_max of the scan
  double delta_step = 0.01;       ///< step of the scan
  double delta_analysis = 0.255;  ///< δ_max of the motif list (seed 001)
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// A Delaunay tetrahedron: atoms (ascending) and their positions relative to atoms[0] (Å).
struct Tetrahedron {
  std::array<std::uint32_t, 4> atoms{};
  std::array<core::Vec3, 4> relative_A{};
  double max_edge_A = 0;
  double delta = 0;  ///< e_max / e_avg − 1
};

/// One motif: tetrahedra around the capping edge A–B.
struct Motif {
  int fold = 0;                           ///< 3 (triplet or closed 3-ring), 4, 5, 6
  std::uint32_t cap_a = 0, cap_b = 0;     ///< capping atoms, cap_a < cap_b
  std::vector<std::uint32_t> ring;        ///< ring atoms, in ring order
  std::vector<std::uint32_t> tetrahedra;  ///< indices into PolytetrahedralResult::tetrahedra
  /// Skeleton (seed 001 Fig. 2a): centroids of the tetrahedra in ring order (a closed polygon
  /// for a closed ring, an open chain for a triplet), relative to cap_a (Å).
  std::vector<core::Vec3> skeleton_A;
};

struct PolytetrahedralResult {
  std::vector<Tetrahedron> tetrahedra;          ///< every Delaunay tetrahedron found
  std::vector<double> delta;                    ///< the δ_max scan
  std::vector<std::array<double, 4>> fraction;  ///< [δ][3, 4, 5, 6-fold] motif fractions
  std::vector<std::size_t> passing;             ///< [δ] passing tetrahedra
  std::vector<double> atoms_in_tetrahedra;      ///< [δ] fraction of atoms in a passing one
  std::vector<Motif> motifs;                    ///< the motifs at delta_analysis
  std::array<double, 4> analysis_fraction{};    ///< motif fractions at delta_analysis
  std::size_t analysis_passing = 0;             ///< passing tetrahedra at delta_analysis
  double analysis_atoms_in_tetrahedra = 0;      ///< at delta_analysis
};

/// Tetrahedra and motifs of a model. `crystalline` is empty or one label per atom (1 =
/// crystalline; such tetrahedra are left out as the reference code does). InputError for an
/// empty model or labels of the wrong length.
PolytetrahedralResult polytetrahedral_analysis(const core::AtomicModel& model,
                                               std::span<const std::uint8_t> crystalline,
                                               const PolytetrahedralParams& params,
                                               const core::ExecutionContext& ctx);

}  // namespace vitrum::analysis
