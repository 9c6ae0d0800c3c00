#include "vitrum/analysis/polytetrahedral.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "voronoi_cells.hpp"

namespace vitrum::analysis {

using core::require;

void PolytetrahedralParams::validate() const {
  require(std::isfinite(rc_A) && rc_A > 0.5 && rc_A <= 20.0, "motifs.rc_A", rc_A, "(0.5, 20] Å");
  require(std::isfinite(wall_margin_A) && wall_margin_A > 0.0 && wall_margin_A <= 100.0,
          "motifs.wall_margin_A", wall_margin_A, "(0, 100] Å");
  require(std::isfinite(delta_min) && delta_min >= 0.0 && delta_min <= 1.0, "motifs.delta_min",
          delta_min, "[0, 1]");
  require(std::isfinite(delta_max) && delta_max >= delta_min && delta_max <= 1.0,
          "motifs.delta_max", delta_max, "[delta_min, 1]");
  require(std::isfinite(delta_step) && delta_step > 0.0 && delta_step <= 1.0, "motifs.delta_step",
          delta_step, "(0, 1]");
  require(std::isfinite(delta_analysis) && delta_analysis >= 0.0 && delta_analysis <= 1.0,
          "motifs.delta_analysis", delta_analysis, "[0, 1]");
}

namespace {

using detail::CellNeighbor;

/// Edge lengths, longest edge and δ = e_max/e_avg − 1 (PHYSICS.md §7).
void measure(Tetrahedron& t) {
  double sum = 0, longest = 0;
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b) {
      const double e = (t.relative_A[std::size_t(a)] - t.relative_A[std::size_t(b)]).norm();
      sum += e;
      longest = std::max(longest, e);
    }
  t.max_edge_A = longest;
  t.delta = longest / (sum / 6.0) - 1.0;
}

/// The Delaunay tetrahedra with atom i as their smallest index, from i's Voronoi cell.
std::vector<Tetrahedron> tetrahedra_of_cell(std::size_t i, voro::voronoicell_neighbor& cell,
                                            const std::vector<CellNeighbor>& neighbors) {
  std::vector<int> ids, face_vertices;
  cell.neighbors(ids);
  cell.face_vertices(face_vertices);
  // Faces meeting at each vertex (face_vertices: per face, its vertex count then the vertices).
  std::vector<std::vector<int>> faces_at(static_cast<std::size_t>(cell.p));
  for (std::size_t f = 0, pos = 0; f < ids.size(); ++f) {
    const auto count = static_cast<std::size_t>(face_vertices[pos]);
    for (std::size_t k = 1; k <= count; ++k)
      faces_at[static_cast<std::size_t>(face_vertices[pos + k])].push_back(static_cast<int>(f));
    pos += count + 1;
  }
  std::vector<Tetrahedron> out;
  for (const std::vector<int>& faces : faces_at) {
    if (faces.size() != 3) continue;  // degenerate vertex: the tetrahedra are not unique
    std::array<std::size_t, 3> k{};
    bool wall = false;
    for (std::size_t m = 0; m < 3; ++m) {
      const int id = ids[static_cast<std::size_t>(faces[m])];
      wall = wall || id < 0;
      k[m] = static_cast<std::size_t>(std::max(id, 0));
    }
    if (wall) continue;
    std::array<std::pair<std::uint32_t, Vec3>, 4> atoms{
        {{static_cast<std::uint32_t>(i), Vec3::Zero()},
         {neighbors[k[0]].j, neighbors[k[0]].d},
         {neighbors[k[1]].j, neighbors[k[1]].d},
         {neighbors[k[2]].j, neighbors[k[2]].d}}};
    std::sort(atoms.begin(), atoms.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    // Found once, in the cell of its smallest atom; an atom twice (an image) is no tetrahedron.
    if (atoms[0].first != i || atoms[1].first == atoms[0].first ||
        atoms[2].first == atoms[1].first || atoms[3].first == atoms[2].first)
      continue;
    Tetrahedron t;
    for (std::size_t m = 0; m < 4; ++m) {
      t.atoms[m] = atoms[m].first;
      t.relative_A[m] = atoms[m].second;
    }
    measure(t);
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(),
            [](const Tetrahedron& a, const Tetrahedron& b) { return a.atoms < b.atoms; });
  return out;
}

/// The tetrahedra around one edge in ring order, and whether the ring closes.
struct EdgeRing {
  std::uint32_t a = 0, b = 0;
  bool closed = false;
  std::vector<std::uint32_t> tetrahedra;  // ring order
  std::vector<std::uint32_t> ring_atoms;  // closed: one per tetrahedron; open: one more
};

/// Orders the tetrahedra sharing edge a–b into a ring: each contributes the edge c–d between
/// its two other atoms, and these edges must form one cycle or one path. False otherwise (a
/// ring broken by a skipped degenerate vertex).
bool order_ring(const std::vector<Tetrahedron>& tets, EdgeRing& ring) {
  // Links atom → (other atom, tetrahedron); rings are small (≲ 10), so plain vectors.
  struct Link {
    std::uint32_t atom, other, tet;
  };
  std::vector<Link> links;
  for (std::uint32_t t : ring.tetrahedra) {
    std::array<std::uint32_t, 2> other{};
    std::size_t m = 0;
    for (std::uint32_t x : tets[t].atoms)
      if (x != ring.a && x != ring.b) other[m++] = x;
    links.push_back({other[0], other[1], t});
    links.push_back({other[1], other[0], t});
  }
  std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
    return std::tie(x.atom, x.tet) < std::tie(y.atom, y.tet);
  });
  std::uint32_t start = links.front().atom;
  std::size_t ends = 0;
  for (std::size_t k = 0; k < links.size();) {
    std::size_t end = k;
    while (end < links.size() && links[end].atom == links[k].atom) ++end;
    if (end - k > 2) return false;
    if (end - k == 1) {
      if (ends == 0) start = links[k].atom;
      ++ends;
    }
    k = end;
  }
  if (ends != 0 && ends != 2) return false;
  ring.closed = ends == 0;
  std::vector<std::uint32_t> order_t, order_a{start};
  std::uint32_t current = start, came_by = static_cast<std::uint32_t>(-1);
  while (order_t.size() < ring.tetrahedra.size()) {
    const auto next = std::find_if(links.begin(), links.end(), [&](const Link& l) {
      return l.atom == current && l.tet != came_by;
    });
    if (next == links.end()) break;
    order_t.push_back(next->tet);
    came_by = next->tet;
    current = next->other;
    if (current == start) break;
    order_a.push_back(current);
  }
  if (order_t.size() != ring.tetrahedra.size()) return false;  // more than one component
  ring.tetrahedra = order_t;
  ring.ring_atoms = order_a;
  return true;
}

Motif make_motif(const std::vector<Tetrahedron>& tets, const EdgeRing& ring, int fold,
                 std::size_t first, std::size_t count) {
  Motif m;
  m.fold = fold;
  m.cap_a = ring.a;
  m.cap_b = ring.b;
  const std::size_t n = ring.tetrahedra.size();
  for (std::size_t k = 0; k < count; ++k) {
    const std::uint32_t t = ring.tetrahedra[(first + k) % n];
    m.tetrahedra.push_back(t);
    const Tetrahedron& tet = tets[t];
    const auto cap = static_cast<std::size_t>(
        std::find(tet.atoms.begin(), tet.atoms.end(), ring.a) - tet.atoms.begin());
    Vec3 centroid = Vec3::Zero();
    for (const Vec3& r : tet.relative_A) centroid += r;
    m.skeleton_A.emplace_back(centroid / 4.0 - tet.relative_A[cap]);
  }
  const std::size_t atoms = ring.closed && count == n ? n : count + 1;
  for (std::size_t k = 0; k < atoms; ++k)
    m.ring.push_back(ring.ring_atoms[(first + k) % ring.ring_atoms.size()]);
  return m;
}

/// A motif found at one δ_max: `count` tetrahedra of ring `ring` from position `first`.
struct MotifRef {
  int fold;
  std::uint32_t ring, first, count;
};

/// Motifs at one δ_max; `passing` marks the passing tetrahedra.
std::vector<MotifRef> find_motifs(const std::vector<Tetrahedron>& tets,
                                  const std::vector<EdgeRing>& rings,
                                  const std::vector<std::uint8_t>& passing) {
  std::vector<MotifRef> found, triplets;
  std::vector<std::uint8_t> on_closed_ring(tets.size(), 0);  // closed 4–8-fold ring
  for (std::size_t r = 0; r < rings.size(); ++r) {
    const EdgeRing& ring = rings[r];
    const auto ri = static_cast<std::uint32_t>(r);
    const std::size_t n = ring.tetrahedra.size();
    std::size_t pass = 0;
    for (std::uint32_t t : ring.tetrahedra) pass += passing[t];
    if (ring.closed && pass == n) {
      if (n >= 4 && n <= 8)
        for (std::uint32_t t : ring.tetrahedra) on_closed_ring[t] = 1;
      if (n >= 3 && n <= 6) found.push_back({int(n), ri, 0, std::uint32_t(n)});
      continue;
    }
    if (pass < 3) continue;
    // Runs of exactly three passing tetrahedra, bounded by failing ones or a free end.
    const auto ok = [&](std::size_t k) { return passing[ring.tetrahedra[k % n]] != 0; };
    if (ring.closed) {
      std::size_t begin = 0;
      while (ok(begin)) ++begin;  // a failing tetrahedron exists: start after it
      for (std::size_t k = begin + 1; k < begin + 1 + n;) {
        std::size_t len = 0;
        while (len < n && k + len < begin + 1 + n && ok(k + len)) ++len;
        if (len == 3) triplets.push_back({3, ri, std::uint32_t(k % n), 3});
        k += len + 1;
      }
    } else {
      for (std::size_t k = 0; k < n;) {
        std::size_t len = 0;
        while (k + len < n && ok(k + len)) ++len;
        if (len == 3) triplets.push_back({3, ri, std::uint32_t(k), 3});
        k += len + 1;
      }
    }
  }
  for (const MotifRef& m : triplets) {
    const EdgeRing& ring = rings[m.ring];
    bool on_ring = false;
    for (std::uint32_t k = 0; k < m.count; ++k)
      on_ring =
          on_ring || on_closed_ring[ring.tetrahedra[(m.first + k) % ring.tetrahedra.size()]] != 0;
    if (!on_ring) found.push_back(m);
  }
  return found;
}

}  // namespace

PolytetrahedralResult polytetrahedral_analysis(const core::AtomicModel& model,
                                               std::span<const std::uint8_t> crystalline,
                                               const PolytetrahedralParams& p,
                                               const core::ExecutionContext& ctx) {
  p.validate();
  const std::size_t n = model.size();
  if (n == 0) throw InputError("polytetrahedral analysis of a model without atoms");
  if (!crystalline.empty() && crystalline.size() != n)
    throw InputError("crystal labels: " + std::to_string(crystalline.size()) + " for " +
                     std::to_string(n) + " atoms");
  std::vector<std::vector<Tetrahedron>> per_atom(n);
  detail::for_each_voronoi_cell(
      model, p.wall_margin_A, ctx,
      [&](std::size_t i, detail::CellScratch& scratch, const detail::StartBox&) {
        per_atom[i] = tetrahedra_of_cell(i, scratch.cell, scratch.neighbors);
      });
  PolytetrahedralResult out;
  for (auto& list : per_atom)
    for (Tetrahedron& t : list) out.tetrahedra.push_back(t);
  const auto& tets = out.tetrahedra;

  // Tetrahedra around every edge, then each edge's ring order.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> edges;
  for (std::size_t t = 0; t < tets.size(); ++t)
    for (int a = 0; a < 4; ++a)
      for (int b = a + 1; b < 4; ++b)
        edges.emplace_back(
            (std::uint64_t(tets[t].atoms[std::size_t(a)]) << 32) | tets[t].atoms[std::size_t(b)],
            static_cast<std::uint32_t>(t));
  std::sort(edges.begin(), edges.end());
  std::vector<EdgeRing> rings;
  for (std::size_t k = 0; k < edges.size();) {
    std::size_t end = k;
    while (end < edges.size() && edges[end].first == edges[k].first) ++end;
    if (end - k >= 3) {
      EdgeRing ring;
      ring.a = static_cast<std::uint32_t>(edges[k].first >> 32);
      ring.b = static_cast<std::uint32_t>(edges[k].first & 0xffffffffu);
      for (std::size_t m = k; m < end; ++m) ring.tetrahedra.push_back(edges[m].second);
      if (order_ring(tets, ring)) rings.push_back(std::move(ring));
    }
    k = end;
  }

  const auto passing_at = [&](double delta_max) {
    std::vector<std::uint8_t> pass(tets.size(), 0);
    for (std::size_t t = 0; t < tets.size(); ++t) {
      int amorphous = 0;
      for (std::uint32_t a : tets[t].atoms) amorphous += crystalline.empty() || !crystalline[a];
      pass[t] = tets[t].max_edge_A <= p.rc_A && tets[t].delta <= delta_max && amorphous >= 3;
    }
    return pass;
  };
  struct Step {
    std::array<double, 4> fraction{};
    std::size_t passing = 0;
    double atoms_in_tetrahedra = 0;
  };
  const auto step_at = [&](double delta) {
    const std::vector<std::uint8_t> pass = passing_at(delta);
    Step step;
    std::vector<std::uint8_t> atom_in(n, 0);
    for (std::size_t t = 0; t < tets.size(); ++t)
      if (pass[t]) {
        ++step.passing;
        for (std::uint32_t a : tets[t].atoms) atom_in[a] = 1;
      }
    std::array<std::vector<std::uint8_t>, 4> in_fold;
    for (auto& v : in_fold) v.assign(tets.size(), 0);
    for (const MotifRef& m : find_motifs(tets, rings, pass)) {
      const auto& ring = rings[m.ring].tetrahedra;
      for (std::uint32_t k = 0; k < m.count; ++k)
        in_fold[std::size_t(m.fold - 3)][ring[(m.first + k) % ring.size()]] = 1;
    }
    for (std::size_t f = 0; f < 4; ++f) {
      std::size_t c = 0;
      for (std::uint8_t x : in_fold[f]) c += x;
      step.fraction[f] = step.passing > 0 ? double(c) / double(step.passing) : 0.0;
    }
    std::size_t atoms = 0;
    for (std::uint8_t x : atom_in) atoms += x;
    step.atoms_in_tetrahedra = double(atoms) / double(n);
    return step;
  };
  const auto steps =
      static_cast<std::size_t>(std::floor((p.delta_max - p.delta_min) / p.delta_step + 1e-9) + 1);
  std::vector<Step> scan(steps);
  core::parallel_for(
      ctx, 0, steps,
      [&](std::size_t s) { scan[s] = step_at(p.delta_min + double(s) * p.delta_step); },
      core::Schedule::kDynamic);
  for (std::size_t s = 0; s < steps; ++s) {
    out.delta.push_back(p.delta_min + double(s) * p.delta_step);
    out.fraction.push_back(scan[s].fraction);
    out.passing.push_back(scan[s].passing);
    out.atoms_in_tetrahedra.push_back(scan[s].atoms_in_tetrahedra);
  }
  const Step analysis = step_at(p.delta_analysis);
  out.analysis_fraction = analysis.fraction;
  out.analysis_passing = analysis.passing;
  out.analysis_atoms_in_tetrahedra = analysis.atoms_in_tetrahedra;
  for (const MotifRef& m : find_motifs(tets, rings, passing_at(p.delta_analysis)))
    out.motifs.push_back(make_motif(tets, rings[m.ring], m.fold, m.first, m.count));
  return out;
}

}  // namespace vitrum::analysis
