#include "vitrum/analysis/voronoi.hpp"

#include <voro++/voro++.hh>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>
#include <tuple>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {

void VoronoiParams::validate() const {
  if (!(std::isfinite(min_face_area_fraction) && min_face_area_fraction >= 0.0 &&
        min_face_area_fraction < 0.2)) {
    std::ostringstream msg;
    msg << "voronoi.min_face_area_fraction = " << min_face_area_fraction
        << " is out of range; allowed: [0, 0.2)";
    throw InputError(msg.str());
  }
  if (!(std::isfinite(wall_margin_A) && wall_margin_A > 0.0 && wall_margin_A <= 100.0)) {
    std::ostringstream msg;
    msg << "voronoi.wall_margin_A = " << wall_margin_A << " is out of range; allowed: (0, 100] Å";
    throw InputError(msg.str());
  }
}

namespace {

struct Neighbor {
  double r2;
  std::uint32_t j;
  Vec3 d;
};

struct CellOutcome {
  bool complete = false;  // every neighbour that could cut the cell was within reach
  bool surface = false;
  VoronoiIndex index{};
  std::int32_t cn = 0;
  double volume_A3 = 0;
};

/// The box a cell starts from, relative to the atom: the clipping walls of a finite sample
/// or, for periodic axes, a cube larger than any cell the search radius can certify.
struct StartBox {
  Vec3 lo, hi;
};

void cut(voro::voronoicell_neighbor& cell, const StartBox& box,
         const std::vector<Neighbor>& neighbors, const std::vector<bool>* keep) {
  cell.init(box.lo.x(), box.hi.x(), box.lo.y(), box.hi.y(), box.lo.z(), box.hi.z());
  for (std::size_t k = 0; k < neighbors.size(); ++k) {
    if (keep && !(*keep)[k]) continue;
    const Neighbor& nb = neighbors[k];
    // Voro++ keeps doubled coordinates: max_radius_squared() is (2 r_max)². A plane at half
    // the neighbour distance cannot cut once that distance exceeds 2 r_max.
    if (nb.r2 > cell.max_radius_squared()) break;
    cell.nplane(nb.d.x(), nb.d.y(), nb.d.z(), nb.r2, static_cast<int>(k));
  }
}

void count_faces(voro::voronoicell_neighbor& cell, const std::vector<bool>* counted,
                 CellOutcome& out) {
  std::vector<int> ids, orders;
  cell.neighbors(ids);
  cell.face_orders(orders);
  out.index = {0, 0, 0, 0};
  out.cn = 0;
  for (std::size_t f = 0; f < ids.size(); ++f) {
    if (ids[f] < 0) continue;  // a wall, not a neighbour
    if (counted && !(*counted)[f]) continue;
    ++out.cn;
    if (orders[f] >= 3 && orders[f] <= 6) ++out.index[static_cast<std::size_t>(orders[f] - 3)];
  }
}

CellOutcome compute_cell(const std::vector<Neighbor>& neighbors, const StartBox& box,
                         double search_radius_A, const VoronoiParams& p) {
  CellOutcome out;
  voro::voronoicell_neighbor cell;
  cut(cell, box, neighbors, nullptr);
  std::vector<int> ids;
  cell.neighbors(ids);
  out.surface = std::any_of(ids.begin(), ids.end(), [](int id) { return id < 0; });
  out.complete = cell.max_radius_squared() <= search_radius_A * search_radius_A;
  out.volume_A3 = cell.volume();
  if (p.regulation == FaceRegulation::kNone || out.surface) {
    count_faces(cell, nullptr, out);
    return out;
  }
  std::vector<double> areas;
  cell.face_areas(areas);
  double total = 0;
  for (double a : areas) total += a;
  const double threshold = p.min_face_area_fraction * total;
  std::vector<bool> big(areas.size());
  bool any_small = false;
  for (std::size_t f = 0; f < areas.size(); ++f) {
    big[f] = areas[f] >= threshold;
    any_small = any_small || !big[f];
  }
  if (p.regulation == FaceRegulation::kDropFaces || !any_small) {
    count_faces(cell, &big, out);
    return out;
  }
  std::vector<bool> keep(neighbors.size(), false);
  for (std::size_t f = 0; f < ids.size(); ++f)
    if (big[f]) keep[static_cast<std::size_t>(ids[f])] = true;
  voro::voronoicell_neighbor rebuilt;
  cut(rebuilt, box, neighbors, &keep);
  count_faces(rebuilt, nullptr, out);
  return out;
}

}  // namespace

VoronoiResult voronoi_analysis(const core::AtomicModel& model, const VoronoiParams& p,
                               const core::ExecutionContext& ctx) {
  p.validate();
  const std::size_t n = model.size();
  if (n == 0) throw InputError("Voronoi analysis of a model without atoms");
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
  const double largest_A = (hi - lo).norm() + 2.0 * p.wall_margin_A + 1.0;

  VoronoiResult out;
  out.index.assign(n, {0, 0, 0, 0});
  out.cn.assign(n, 0);
  out.volume_A3.assign(n, 0.0);
  out.surface.assign(n, 0);
  std::vector<std::size_t> pending(n);
  for (std::size_t i = 0; i < n; ++i) pending[i] = i;
  double radius = 2.0 * spacing;
  while (!pending.empty()) {
    const NeighborQuery query(model, NeighborParams{std::min(radius, 100.0)});
    // Finite samples: a cell still reaching a wall after 10 spacings is taken as a surface
    // cell (growing the search to the whole sample would cost O(N) per surface atom).
    const bool last_round =
        radius >= largest_A || radius >= 100.0 || (all_finite && radius >= 10.0 * spacing);
    std::vector<std::uint8_t> done(pending.size(), 0);
    core::parallel_for(
        ctx, 0, pending.size(),
        [&](std::size_t k) {
          const std::size_t i = pending[k];
          const Vec3& x = model.positions_A()[i];
          std::vector<Neighbor> neighbors;
          query.for_each_neighbor(i, [&](std::size_t j, const Vec3& d, double r) {
            neighbors.push_back({r * r, static_cast<std::uint32_t>(j), d});
          });
          std::sort(neighbors.begin(), neighbors.end(), [](const Neighbor& a, const Neighbor& b) {
            return std::tie(a.r2, a.j) < std::tie(b.r2, b.j) ||
                   (a.r2 == b.r2 && a.j == b.j &&
                    std::lexicographical_compare(a.d.data(), a.d.data() + 3, b.d.data(),
                                                 b.d.data() + 3));
          });
          StartBox box;
          for (int a = 0; a < 3; ++a) {
            if (pbc[a]) {
              box.lo[a] = -radius;
              box.hi[a] = radius;
            } else {
              box.lo[a] = lo[a] - p.wall_margin_A - x[a];
              box.hi[a] = hi[a] + p.wall_margin_A - x[a];
            }
          }
          const CellOutcome cell = compute_cell(neighbors, box, radius, p);
          // A periodic-axis start face left on the cell means the search radius was short.
          if (!cell.complete && !last_round) return;
          out.index[i] = cell.index;
          out.cn[i] = cell.cn;
          out.volume_A3[i] = cell.volume_A3;
          out.surface[i] = cell.surface ? 1 : 0;
          done[k] = 1;
        },
        core::Schedule::kDynamic);
    std::vector<std::size_t> next;
    for (std::size_t k = 0; k < pending.size(); ++k)
      if (!done[k]) next.push_back(pending[k]);
    pending.swap(next);
    radius *= 2.0;
  }

  std::map<VoronoiIndex, std::size_t> histogram;
  double cn_sum = 0, n5_sum = 0, icosahedral = 0;
  const std::array<VoronoiIndex, 4> distorted{
      {{0, 0, 12, 0}, {0, 1, 10, 2}, {0, 2, 8, 2}, {0, 2, 8, 1}}};
  for (std::size_t i = 0; i < n; ++i) {
    if (out.surface[i]) continue;
    ++out.interior_cells;
    ++histogram[out.index[i]];
    cn_sum += out.cn[i];
    n5_sum += out.index[i][2];
    if (std::find(distorted.begin(), distorted.end(), out.index[i]) != distorted.end())
      icosahedral += 1.0;
  }
  const double interior = double(std::max<std::size_t>(out.interior_cells, 1));
  for (const auto& [index, count] : histogram)
    out.populations.push_back({index, count, double(count) / interior});
  std::stable_sort(
      out.populations.begin(), out.populations.end(),
      [](const IndexPopulation& a, const IndexPopulation& b) { return a.count > b.count; });
  out.cn_mean = cn_sum / interior;
  out.five_edged_face_fraction = cn_sum > 0 ? n5_sum / cn_sum : 0.0;
  out.distorted_icosahedra_fraction = icosahedral / interior;
  return out;
}

}  // namespace vitrum::analysis
