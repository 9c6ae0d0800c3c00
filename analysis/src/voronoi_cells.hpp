#pragma once
// The per-atom Voronoi cell driver shared by the Voronoi analysis and the Delaunay tetrahedra
// of the polytetrahedral analysis (internal; Voro++ types stay in src/). See voronoi.hpp for
// the method: each cell is cut from its neighbours' bisecting planes, nearest first, with the
// search radius doubled for cells it cannot certify.

#include <omp.h>
#include <voro++/voro++.hh>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis::detail {

struct CellNeighbor {
  double r2;  // squared distance, Å²
  std::uint32_t j;
  Vec3 d;  // r_j − r_i, Å
};

/// The box a cell starts from, relative to its atom: the clipping walls along finite axes,
/// and along periodic axes a cube larger than any cell the search radius can certify.
struct StartBox {
  Vec3 lo, hi;
};

/// Cuts `cell` from `box` by the planes of `neighbors` (sorted by distance; those with
/// keep[k] false are skipped). Plane ids are indices into `neighbors`; walls have ids < 0.
inline void cut_cell(voro::voronoicell_neighbor& cell, const StartBox& box,
                     const std::vector<CellNeighbor>& neighbors, const std::vector<bool>* keep) {
  cell.init(box.lo.x(), box.hi.x(), box.lo.y(), box.hi.y(), box.lo.z(), box.hi.z());
  // Voro++ keeps doubled coordinates: max_radius_squared() is (2 r_max)². A plane at half
  // the neighbour distance cannot cut once that distance exceeds 2 r_max. The bound is
  // refreshed every fourth plane (it only shrinks; an extra plane that misses costs little).
  double bound = cell.max_radius_squared();
  for (std::size_t k = 0, cuts = 0; k < neighbors.size(); ++k) {
    if (keep && !(*keep)[k]) continue;
    const CellNeighbor& nb = neighbors[k];
    if (nb.r2 > bound) {
      bound = cell.max_radius_squared();
      if (nb.r2 > bound) break;
    }
    cell.nplane(nb.d.x(), nb.d.y(), nb.d.z(), nb.r2, static_cast<int>(k));
    if (++cuts % 4 == 0) bound = cell.max_radius_squared();
  }
}

/// Per-thread scratch: Voro++ cells allocate their vertex and edge tables on construction, so
/// each thread keeps its own and reuses them for every atom.
struct CellScratch {
  voro::voronoicell_neighbor cell;
  voro::voronoicell_neighbor rebuilt;  // for callers that re-tessellate
  std::vector<CellNeighbor> neighbors;
};

/// Calls on_cell(i, scratch, box) once for every atom i, in parallel, with its Voronoi cell in
/// scratch.cell and its neighbours (sorted by distance) in scratch.neighbors. Finite axes are
/// clipped by walls `wall_margin_A` beyond the atoms; a cell still reaching a wall after a search
/// of 10 mean spacings is passed as it is (a surface cell). `on_cell` must write only to atom i's
/// results.
template <class OnCell>
void for_each_voronoi_cell(const core::AtomicModel& model, double wall_margin_A,
                           const core::ExecutionContext& ctx, OnCell&& on_cell) {
  const std::size_t n = model.size();
  const auto& pbc = model.cell().pbc;
  const bool all_finite = !pbc[0] && !pbc[1] && !pbc[2];
  Vec3 lo = Vec3::Constant(std::numeric_limits<double>::infinity()), hi = -lo;
  for (const Vec3& r : model.positions_A()) {
    lo = lo.cwiseMin(r);
    hi = hi.cwiseMax(r);
  }
  // Mean spacing (V/N)^(1/3): the search starts at 2 spacings and doubles where needed.
  double volume = 1.0;
  for (int a = 0; a < 3; ++a) volume *= std::max(hi[a] - lo[a], 1.0);
  if (!all_finite && model.cell().is_valid()) volume = model.cell().volume_A3();
  const double spacing = std::cbrt(volume / double(n));
  const double largest_A = (hi - lo).norm() + 2.0 * wall_margin_A + 1.0;

  std::vector<std::size_t> pending(n);
  for (std::size_t i = 0; i < n; ++i) pending[i] = i;
  double radius = 2.0 * spacing;
  std::vector<CellScratch> scratch(static_cast<std::size_t>(ctx.resolved_threads()));
  while (!pending.empty()) {
    const NeighborQuery query(model, NeighborParams{std::min(radius, 100.0)});
    // Finite samples: growing the search to the whole sample would cost O(N) per surface atom.
    const bool last_round =
        radius >= largest_A || radius >= 100.0 || (all_finite && radius >= 10.0 * spacing);
    std::vector<std::uint8_t> done(pending.size(), 0);
    core::parallel_for(
        ctx, 0, pending.size(),
        [&](std::size_t k) {
          const std::size_t i = pending[k];
          const Vec3& x = model.positions_A()[i];
          CellScratch& mine = scratch[static_cast<std::size_t>(omp_get_thread_num())];
          std::vector<CellNeighbor>& neighbors = mine.neighbors;
          neighbors.clear();
          query.for_each_neighbor(i, [&](std::size_t j, const Vec3& d, double r) {
            neighbors.push_back({r * r, static_cast<std::uint32_t>(j), d});
          });
          std::sort(neighbors.begin(), neighbors.end(),
                    [](const CellNeighbor& a, const CellNeighbor& b) {
                      if (a.r2 != b.r2) return a.r2 < b.r2;
                      if (a.j != b.j) return a.j < b.j;
                      return std::lexicographical_compare(a.d.data(), a.d.data() + 3, b.d.data(),
                                                          b.d.data() + 3);
                    });
          StartBox box;
          for (int a = 0; a < 3; ++a) {
            box.lo[a] = pbc[a] ? -radius : lo[a] - wall_margin_A - x[a];
            box.hi[a] = pbc[a] ? radius : hi[a] + wall_margin_A - x[a];
          }
          cut_cell(mine.cell, box, neighbors, nullptr);
          // Certified once every neighbour within 2 r_max was in the search.
          const bool complete = mine.cell.max_radius_squared() <= radius * radius;
          if (!complete && !last_round) return;
          on_cell(i, mine, box);
          done[k] = 1;
        },
        core::Schedule::kDynamic);
    std::vector<std::size_t> next;
    for (std::size_t k = 0; k < pending.size(); ++k)
      if (!done[k]) next.push_back(pending[k]);
    pending.swap(next);
    radius *= 2.0;
  }
}

}  // namespace vitrum::analysis::detail
