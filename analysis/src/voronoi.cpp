#include "vitrum/analysis/voronoi.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>
#include <tuple>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"
#include "voronoi_cells.hpp"

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

using detail::CellNeighbor;
using detail::StartBox;

struct CellOutcome {
  bool surface = false;
  VoronoiIndex index{};
  std::int32_t cn = 0;
  double volume_A3 = 0;
};

/// Index and CN from a cell whose face neighbour ids are `ids`.
void count_faces(voro::voronoicell_neighbor& cell, const std::vector<int>& ids,
                 const std::vector<bool>* counted, CellOutcome& out) {
  std::vector<int> orders;
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

CellOutcome regulated_cell(detail::CellScratch& scratch, const std::vector<int>& ids,
                           const StartBox& box, const VoronoiParams& p) {
  voro::voronoicell_neighbor& cell = scratch.cell;
  const std::vector<CellNeighbor>& neighbors = scratch.neighbors;
  CellOutcome out;
  out.surface = std::any_of(ids.begin(), ids.end(), [](int id) { return id < 0; });
  out.volume_A3 = cell.volume();
  if (p.regulation == FaceRegulation::kNone || out.surface) {
    count_faces(cell, ids, nullptr, out);
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
    count_faces(cell, ids, &big, out);
    return out;
  }
  std::vector<bool> keep(neighbors.size(), false);
  for (std::size_t f = 0; f < ids.size(); ++f)
    if (big[f]) keep[static_cast<std::size_t>(ids[f])] = true;
  detail::cut_cell(scratch.rebuilt, box, neighbors, &keep);
  std::vector<int> rebuilt_ids;
  scratch.rebuilt.neighbors(rebuilt_ids);
  count_faces(scratch.rebuilt, rebuilt_ids, nullptr, out);
  return out;
}

}  // namespace

VoronoiResult voronoi_analysis(const core::AtomicModel& model, const VoronoiParams& p,
                               const core::ExecutionContext& ctx) {
  p.validate();
  const std::size_t n = model.size();
  if (n == 0) throw InputError("Voronoi analysis of a model without atoms");
  VoronoiResult out;
  out.index.assign(n, {0, 0, 0, 0});
  out.cn.assign(n, 0);
  out.volume_A3.assign(n, 0.0);
  out.surface.assign(n, 0);
  std::vector<std::vector<std::uint32_t>> touching(n);  // atoms sharing a face (unregulated)
  detail::for_each_voronoi_cell(
      model, p.wall_margin_A, ctx,
      [&](std::size_t i, detail::CellScratch& scratch, const StartBox& box) {
        std::vector<int> ids;
        scratch.cell.neighbors(ids);
        for (int id : ids)
          if (id >= 0) touching[i].push_back(scratch.neighbors[std::size_t(id)].j);
        const CellOutcome c = regulated_cell(scratch, ids, box, p);
        out.index[i] = c.index;
        out.cn[i] = c.cn;
        out.volume_A3[i] = c.volume_A3;
        out.surface[i] = c.surface ? 1 : 0;
      });

  out.near_surface.assign(n, 0);
  double strict_cn = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (out.surface[i]) continue;
    for (std::uint32_t j : touching[i]) out.near_surface[i] |= out.surface[j];
    if (!out.near_surface[i]) {
      ++out.strict_interior_cells;
      strict_cn += out.cn[i];
    }
  }
  out.cn_mean_strict_interior =
      strict_cn / double(std::max<std::size_t>(out.strict_interior_cells, 1));

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
