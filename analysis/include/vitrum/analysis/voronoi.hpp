#pragma once
/// \file
/// Voronoi tessellation (Voro++, Rycroft, Chaos 19, 041111 (2009)) and its indices
/// (PHYSICS.md §7; seed 001 Methods). Each atom's cell is cut from the planes bisecting its
/// neighbours, nearest first, until no further neighbour can reach the cell (a neighbour at
/// distance d cuts only if d < 2·r_max, r_max the farthest vertex); neighbours come from the
/// shared NeighborQuery, so periodic (any triclinic cell), finite and mixed models are
/// handled alike, and cells are computed in parallel, each independently.
///
/// Index ⟨n3, n4, n5, n6⟩: number of faces with 3…6 edges. Faces with ≥ 7 edges are not in
/// the index but count in CN (reference code). Regulation of small faces (area < fraction ×
/// the cell's total surface area):
///  - kRetessellate (reference rule): the cell is rebuilt from the remaining neighbours only
///    and its faces counted;
///  - kDropFaces (OVITO's rule): small faces are just not counted;
///  - kNone: every face counts.
/// Volumes are those of the unregulated cell, Å³.
///
/// Finite samples: cells are clipped by the walls of a box `wall_margin_A` beyond the atoms'
/// bounding box. A cell touching a wall is a surface cell: flagged in `surface`, kept in the
/// per-atom arrays, and excluded from every statistic (top indices, CN mean, fractions). The
/// bounded cells next to them are distorted too: they are flagged `near_surface`, and the CN
/// of the strictly interior cells is reported beside that of all bounded cells.
/// Near-surface cells are searched for cutting neighbours up to 10 mean spacings; a cell
/// still reaching a wall then is a surface cell.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

enum class FaceRegulation { kRetessellate, kDropFaces, kNone };

struct VoronoiParams {
  FaceRegulation regulation = FaceRegulation::kRetessellate;
  double min_face_area_fraction = 0.01;  ///< faces below this × total area are regulated
  double wall_margin_A = 2.0;  ///< finite samples: box walls this far beyond the atoms, Å
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// ⟨n3, n4, n5, n6⟩.
using VoronoiIndex = std::array<int, 4>;

/// How often one index occurs among the interior cells.
struct IndexPopulation {
  VoronoiIndex index{};
  std::size_t count = 0;
  double fraction = 0;  ///< count / interior cells
};

struct VoronoiResult {
  std::vector<VoronoiIndex> index;    ///< per atom, after regulation
  std::vector<std::int32_t> cn;       ///< per atom: counted faces (incl. ≥ 7 edges)
  std::vector<double> volume_A3;      ///< per atom, unregulated cell
  std::vector<std::uint8_t> surface;  ///< per atom: 1 if the cell touches a wall
  /// Per atom: 1 if the cell is bounded (no wall) but shares a face with a surface cell.
  std::vector<std::uint8_t> near_surface;
  std::size_t interior_cells = 0;         ///< bounded cells: not touching a wall
  std::size_t strict_interior_cells = 0;  ///< bounded cells with no surface neighbour
  /// Mean CN of the strictly interior cells (PHYSICS.md: bounded and strictly interior cells
  /// are reported separately; on a 769-atom Ta particle CN is 12.4 vs 13.4).
  double cn_mean_strict_interior = 0;
  std::vector<IndexPopulation> populations;  ///< interior cells, most frequent first
  double cn_mean = 0;                        ///< over interior cells
  double five_edged_face_fraction = 0;       ///< Σn5 / ΣCN over interior cells
  /// Fraction of interior cells with index ⟨0,0,12,0⟩, ⟨0,1,10,2⟩, ⟨0,2,8,2⟩ or ⟨0,2,8,1⟩
  /// (distorted icosahedra, seed 001).
  double distorted_icosahedra_fraction = 0;
};

/// Voronoi analysis of every atom. InputError for an empty model.
VoronoiResult voronoi_analysis(const core::AtomicModel& model, const VoronoiParams& params,
                               const core::ExecutionContext& ctx);

}  // namespace vitrum::analysis
