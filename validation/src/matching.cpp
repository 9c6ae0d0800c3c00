#include "vitrum/validation/matching.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::validation {

namespace {

constexpr double kMaxRadiusA = 10.0;

void check_radius(const std::string& field, double r) {
  if (!(std::isfinite(r) && r > 0.0 && r <= kMaxRadiusA))
    throw InputError(field + " = " + core::format_number(r) + " is out of range; allowed: (0, " +
                     core::format_number(kMaxRadiusA) + "] Å");
}

/// A candidate pair: truth atom, result atom, residual r_result − offset − r_truth (Å).
struct Edge {
  std::size_t truth = 0;
  std::size_t result = 0;
  core::Vec3 d_A = core::Vec3::Zero();
  double d2 = 0;
};

/// Every (truth, result) pair within the radius, the nearest periodic image only, ordered by
/// result atom then truth atom (deterministic).
std::vector<Edge> candidate_edges(const core::AtomicModel& truth, const core::AtomicModel& result,
                                  double radius_A, const core::Vec3& offset_A) {
  const analysis::NeighborQuery query(truth, analysis::NeighborParams{radius_A});
  std::vector<Edge> edges;
  const auto positions = result.positions_A();
  for (std::size_t j = 0; j < positions.size(); ++j) {
    const std::size_t first = edges.size();
    query.for_each_near_point(positions[j] - offset_A,
                              [&](std::size_t i, const core::Vec3& d, double r) {
                                for (std::size_t k = first; k < edges.size(); ++k)
                                  if (edges[k].truth == i) {
                                    if (r * r < edges[k].d2) edges[k] = {i, j, -d, r * r};
                                    return;
                                  }
                                edges.push_back({i, j, -d, r * r});
                              });
    std::sort(edges.begin() + std::ptrdiff_t(first), edges.end(),
              [](const Edge& a, const Edge& b) { return a.truth < b.truth; });
  }
  return edges;
}

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

/// Minimum-cost assignment of every row to a distinct column (rows ≤ columns): the Hungarian
/// algorithm with potentials (Kuhn–Munkres in Jonker–Volgenant's shortest-augmenting-path
/// form), O(rows² · columns). cost is row-major rows × columns. Returns the column of each row.
std::vector<std::size_t> hungarian(const std::vector<double>& cost, std::size_t rows,
                                   std::size_t cols) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(rows + 1, 0.0), v(cols + 1, 0.0);
  std::vector<std::size_t> p(cols + 1, 0), way(cols + 1, 0);
  for (std::size_t i = 1; i <= rows; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::vector<double> minv(cols + 1, inf);
    std::vector<char> used(cols + 1, 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = p[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= cols; ++j) {
        if (used[j]) continue;
        const double cur = cost[(i0 - 1) * cols + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= cols; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<std::size_t> column(rows, 0);
  for (std::size_t j = 1; j <= cols; ++j)
    if (p[j] != 0) column[p[j] - 1] = j - 1;
  return column;
}

/// The chosen edges of one component: exact (most pairs, then least Σd²) or greedy.
std::vector<std::size_t> solve_component(const std::vector<Edge>& edges,
                                         const std::vector<std::size_t>& component_edges,
                                         double radius_A, int max_exact, bool& greedy) {
  std::vector<std::size_t> truth_ids, result_ids;
  for (std::size_t e : component_edges) {
    truth_ids.push_back(edges[e].truth);
    result_ids.push_back(edges[e].result);
  }
  for (auto* ids : {&truth_ids, &result_ids}) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  }
  std::vector<std::size_t> chosen;
  greedy = truth_ids.size() + result_ids.size() > static_cast<std::size_t>(max_exact);
  if (greedy) {
    std::vector<std::size_t> order = component_edges;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return edges[a].d2 < edges[b].d2; });
    std::vector<std::size_t> used_t, used_r;
    for (std::size_t e : order) {
      if (std::find(used_t.begin(), used_t.end(), edges[e].truth) != used_t.end() ||
          std::find(used_r.begin(), used_r.end(), edges[e].result) != used_r.end())
        continue;
      used_t.push_back(edges[e].truth);
      used_r.push_back(edges[e].result);
      chosen.push_back(e);
    }
    return chosen;
  }
  // Rows: the smaller side. Columns: the other side, then one "unmatched" column per row at
  // cost 0. A real pair costs d² − big with big > (pairs possible)·r², so one more pair always
  // beats any saving in Σd² (lexicographic objective); a pair outside the radius is forbidden.
  const bool rows_are_truth = truth_ids.size() <= result_ids.size();
  const auto& row_ids = rows_are_truth ? truth_ids : result_ids;
  const auto& col_ids = rows_are_truth ? result_ids : truth_ids;
  const std::size_t rows = row_ids.size(), cols = col_ids.size() + rows;
  const double big = (static_cast<double>(rows) + 1.0) * radius_A * radius_A + 1.0;
  const double forbidden = 1e3 * big * static_cast<double>(rows + 1);
  std::vector<double> cost(rows * cols, forbidden);
  std::vector<std::size_t> edge_of(rows * cols, edges.size());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = col_ids.size(); c < cols; ++c) cost[r * cols + c] = 0.0;
  for (std::size_t e : component_edges) {
    const std::size_t t = edges[e].truth, s = edges[e].result;
    const std::size_t r = static_cast<std::size_t>(
        std::lower_bound(row_ids.begin(), row_ids.end(), rows_are_truth ? t : s) - row_ids.begin());
    const std::size_t c = static_cast<std::size_t>(
        std::lower_bound(col_ids.begin(), col_ids.end(), rows_are_truth ? s : t) - col_ids.begin());
    cost[r * cols + c] = edges[e].d2 - big;
    edge_of[r * cols + c] = e;
  }
  const std::vector<std::size_t> column = hungarian(cost, rows, cols);
  for (std::size_t r = 0; r < rows; ++r)
    if (column[r] < col_ids.size()) chosen.push_back(edge_of[r * cols + column[r]]);
  return chosen;
}

}  // namespace

void MatchParams::validate() const {
  if (radii_A.empty()) throw InputError("radii_A is empty; give at least one radius in (0, 10] Å");
  for (double r : radii_A) check_radius("radii_A", r);
  check_radius("offset_radius_A", offset_radius_A);
  if (offset_iterations < 0 || offset_iterations > 1000)
    throw InputError("offset_iterations = " + std::to_string(offset_iterations) +
                     " is out of range; allowed: 0 to 1000");
  if (!(std::isfinite(offset_tolerance_A) && offset_tolerance_A > 0.0))
    throw InputError("offset_tolerance_A = " + core::format_number(offset_tolerance_A) +
                     " must be finite and > 0 Å");
  if (max_exact_component < 2)
    throw InputError("max_exact_component = " + std::to_string(max_exact_component) +
                     " is out of range; allowed: ≥ 2");
}

const RadiusMatch& MatchResult::at(double radius_A) const {
  for (const RadiusMatch& m : radii)
    if (std::abs(m.radius_A - radius_A) <= 1e-9) return m;
  throw InputError("no matching was scored at radius " + core::format_number(radius_A) + " Å");
}

RadiusMatch match_at_radius(const core::AtomicModel& truth, const core::AtomicModel& result,
                            double radius_A, const core::Vec3& offset_A, int max_exact_component) {
  check_radius("radius_A", radius_A);
  if (truth.empty()) throw InputError("the true model has no atoms");
  if (result.empty()) throw InputError("the result model has no atoms");
  if (!offset_A.allFinite()) throw InputError("the offset is not finite");
  const std::vector<Edge> edges = candidate_edges(truth, result, radius_A, offset_A);
  const std::size_t nt = truth.size(), nr = result.size();
  std::vector<std::size_t> parent(nt + nr);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  for (const Edge& e : edges) parent[find_root(parent, e.truth)] = find_root(parent, nt + e.result);
  // Components in order of their first edge, so the result does not depend on root labels.
  std::vector<std::size_t> component_of_root(nt + nr, edges.size());
  std::vector<std::vector<std::size_t>> components;
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const std::size_t root = find_root(parent, edges[e].truth);
    if (component_of_root[root] == edges.size()) {
      component_of_root[root] = components.size();
      components.emplace_back();
    }
    components[component_of_root[root]].push_back(e);
  }
  RadiusMatch m;
  m.radius_A = radius_A;
  m.truth_atoms = nt;
  m.result_atoms = nr;
  std::vector<std::size_t> chosen;
  for (const auto& component : components) {
    bool greedy = false;
    const auto c = solve_component(edges, component, radius_A, max_exact_component, greedy);
    chosen.insert(chosen.end(), c.begin(), c.end());
    m.greedy_components += greedy ? 1 : 0;
  }
  std::sort(chosen.begin(), chosen.end(),
            [&](std::size_t a, std::size_t b) { return edges[a].truth < edges[b].truth; });
  core::Vec3 sum2 = core::Vec3::Zero();
  for (std::size_t e : chosen) {
    m.pairs.emplace_back(edges[e].truth, edges[e].result);
    m.residuals_A.push_back(edges[e].d_A);
    sum2 += edges[e].d_A.cwiseProduct(edges[e].d_A);
  }
  const double n = static_cast<double>(m.pairs.size());
  m.recall = n / static_cast<double>(nt);
  m.precision = n / static_cast<double>(nr);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m.rmsd_pm = m.pairs.empty() ? nan : 100.0 * std::sqrt(sum2.sum() / n);
  for (int a = 0; a < 3; ++a)
    m.rmsd_axis_pm[a] = m.pairs.empty() ? nan : 100.0 * std::sqrt(sum2[a] / n);
  return m;
}

MatchResult match_atoms(const core::AtomicModel& truth, const core::AtomicModel& result,
                        const MatchParams& params) {
  params.validate();
  if (truth.empty()) throw InputError("the true model has no atoms");
  if (result.empty()) throw InputError("the result model has no atoms");
  MatchResult out;
  for (int it = 0; it < params.offset_iterations; ++it) {
    const RadiusMatch m = match_at_radius(truth, result, params.offset_radius_A, out.offset_A,
                                          params.max_exact_component);
    out.offset_iterations = it + 1;
    if (m.pairs.empty()) break;
    // Mean residual of the pairs: the correction of the offset.
    core::Vec3 mean = core::Vec3::Zero();
    for (const core::Vec3& d : m.residuals_A) mean += d;
    mean /= static_cast<double>(m.pairs.size());
    out.offset_A += mean;
    if (mean.norm() < params.offset_tolerance_A) break;
  }
  for (double radius : params.radii_A)
    out.radii.push_back(
        match_at_radius(truth, result, radius, out.offset_A, params.max_exact_component));
  return out;
}

}  // namespace vitrum::validation
