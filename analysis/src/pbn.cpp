#include "vitrum/analysis/pbn.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::analysis {

using core::Vec3;

void PbnParams::validate() const {
  core::require(fold >= 4 && fold <= 6, "pbn.fold", fold, "4, 5 or 6 (closed bipyramids)");
  core::require(min_network_size >= 2, "pbn.min_network_size", min_network_size, "≥ 2");
  core::require(partial_min_pbs >= 2 && partial_min_pbs <= 11, "pbn.partial_min_pbs",
                partial_min_pbs, "2 … 11");
}

namespace {

/// Positions (relative to the motif's cap_a) of every atom of a motif, from its tetrahedra.
std::map<std::uint32_t, Vec3> motif_positions(const PolytetrahedralResult& r, const Motif& m) {
  std::map<std::uint32_t, Vec3> out;
  for (std::uint32_t t : m.tetrahedra) {
    const Tetrahedron& tet = r.tetrahedra[t];
    const auto cap = static_cast<std::size_t>(
        std::find(tet.atoms.begin(), tet.atoms.end(), m.cap_a) - tet.atoms.begin());
    for (std::size_t k = 0; k < 4; ++k)
      out.emplace(tet.atoms[k], tet.relative_A[k] - tet.relative_A[cap]);
  }
  return out;
}

double angle_deg(const Vec3& a, const Vec3& b) {
  const double c = std::clamp(a.dot(b) / (a.norm() * b.norm()), -1.0, 1.0);
  return std::acos(c) * 180.0 / std::numbers::pi;
}

/// Per centre atom: its PBs and their largest edge-sharing component (breadth-first over the
/// links between PBs it caps); full and partial icosahedra from those (fold 5 only).
void icosahedral_centres(const std::map<std::uint32_t, std::vector<std::size_t>>& capped,
                         const std::vector<std::vector<std::size_t>>& edge_links,
                         const PbnParams& p, PbnResult& out) {
  std::vector<int> visited(edge_links.size(), 0);
  for (const auto& [atom, list] : capped) {
    for (std::size_t k : list) visited[k] = 0;
    int largest = 0;
    for (std::size_t start : list) {
      if (visited[start]) continue;
      visited[start] = 1;
      std::vector<std::size_t> queue{start};
      for (std::size_t q = 0; q < queue.size(); ++q)
        for (std::size_t next : edge_links[queue[q]])
          if (!visited[next] && std::find(list.begin(), list.end(), next) != list.end()) {
            visited[next] = 1;
            queue.push_back(next);
          }
      largest = std::max(largest, int(queue.size()));
    }
    out.centre_atom.push_back(atom);
    out.centre_pbs.push_back(int(list.size()));
    out.centre_connected_pbs.push_back(largest);
    if (out.connected_histogram.size() <= std::size_t(largest))
      out.connected_histogram.resize(std::size_t(largest) + 1, 0);
    ++out.connected_histogram[std::size_t(largest)];
    if (p.fold != 5) continue;
    if (largest >= 12)
      ++out.full_icosahedra;
    else if (largest >= p.partial_min_pbs)
      ++out.partial_icosahedra;
  }
}

}  // namespace

PbnResult pbn_analysis(const PolytetrahedralResult& motifs, const PbnParams& p) {
  const PolytetrahedralResult& r = motifs;
  p.validate();
  std::vector<const Motif*> pbs;
  for (const Motif& m : r.motifs)
    if (m.fold == p.fold) pbs.push_back(&m);
  const std::size_t n = pbs.size();
  PbnResult out;
  out.pentagonal_bipyramids = n;
  out.vertex_sharing.assign(n, 0);
  out.edge_sharing.assign(n, 0);

  std::vector<std::map<std::uint32_t, Vec3>> positions(n);
  std::vector<Vec3> axis(n);
  std::map<std::uint32_t, std::vector<std::size_t>> capped;  // atom → the PBs it caps
  for (std::size_t k = 0; k < n; ++k) {
    const Motif& m = *pbs[k];
    positions[k] = motif_positions(r, m);
    axis[k] = positions[k].at(m.cap_b);  // cap_a is the origin
    capped[m.cap_a].push_back(k);
    capped[m.cap_b].push_back(k);
    // Bond ratios and the tilt of the axis from the ring plane's normal.
    double beta = 0, gamma = 0;
    Vec3 centre = Vec3::Zero();
    const std::size_t ring = m.ring.size();
    for (std::size_t i = 0; i < ring; ++i) {
      const Vec3& x = positions[k].at(m.ring[i]);
      const Vec3& y = positions[k].at(m.ring[(i + 1) % ring]);
      beta += 0.5 * (x.norm() + (x - axis[k]).norm());
      gamma += (x - y).norm();
      centre += x;
    }
    beta /= double(ring);
    gamma /= double(ring);
    centre /= double(ring);
    core::Mat3 scatter = core::Mat3::Zero();
    for (std::uint32_t a : m.ring) {
      const Vec3 d = positions[k].at(a) - centre;
      scatter += d * d.transpose();
    }
    const Eigen::SelfAdjointEigenSolver<core::Mat3> eig(scatter);
    const Vec3 normal = eig.eigenvectors().col(0);  // smallest eigenvalue
    const double tilt = angle_deg(axis[k], normal);
    out.alpha_over_gamma.push_back(axis[k].norm() / gamma);
    out.beta_over_gamma.push_back(beta / gamma);
    out.theta_deg.push_back(std::min(tilt, 180.0 - tilt));
  }
  // PBs sharing tetrahedra: pairs from each tetrahedron's list of PBs.
  std::map<std::uint32_t, std::vector<std::size_t>> pbs_of_tet;
  for (std::size_t k = 0; k < n; ++k)
    for (std::uint32_t t : pbs[k]->tetrahedra) pbs_of_tet[t].push_back(k);
  std::map<std::pair<std::size_t, std::size_t>, int> shared;
  for (const auto& [t, list] : pbs_of_tet)
    for (std::size_t a = 0; a < list.size(); ++a)
      for (std::size_t b = a + 1; b < list.size(); ++b) ++shared[{list[a], list[b]}];
  std::vector<std::vector<std::size_t>> edge_links(n);
  for (const auto& [pair, count] : shared) {
    if (count == 1) {
      ++out.vertex_sharing[pair.first];
      ++out.vertex_sharing[pair.second];
    } else if (count >= 2) {
      ++out.edge_sharing[pair.first];
      ++out.edge_sharing[pair.second];
      edge_links[pair.first].push_back(pair.second);
      edge_links[pair.second].push_back(pair.first);
      const double acute = std::min(angle_deg(axis[pair.first], axis[pair.second]),
                                    180.0 - angle_deg(axis[pair.first], axis[pair.second]));
      out.dihedral_deg.push_back(180.0 - acute);
    }
  }
  icosahedral_centres(capped, edge_links, p, out);

  std::size_t no_vertex = 0, with_edge = 0;
  for (std::size_t k = 0; k < n; ++k) {
    no_vertex += out.vertex_sharing[k] == 0 ? 1 : 0;
    with_edge += out.edge_sharing[k] > 0 ? 1 : 0;
  }
  out.fraction_sharing_no_vertex = n ? double(no_vertex) / double(n) : 0.0;
  out.fraction_with_edge_sharing = n ? double(with_edge) / double(n) : 0.0;

  // Networks: breadth-first over edge-sharing links, placing each PB by the atoms it shares
  // with the PB it was reached from (a pure translation between their frames).
  std::vector<int> seen(n, 0);
  for (std::size_t start = 0; start < n; ++start) {
    if (seen[start]) continue;
    std::vector<std::size_t> queue{start};
    std::vector<Vec3> origin(n, Vec3::Zero());
    std::map<std::uint32_t, Vec3> placed;
    seen[start] = 1;
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const std::size_t k = queue[q];
      for (const auto& [atom, x] : positions[k]) placed.emplace(atom, origin[k] + x);
      for (std::size_t next : edge_links[k]) {
        if (seen[next]) continue;
        seen[next] = 1;
        for (const auto& [atom, x] : positions[next]) {
          const auto it = positions[k].find(atom);
          if (it != positions[k].end()) {
            origin[next] = origin[k] + it->second - x;
            break;
          }
        }
        queue.push_back(next);
      }
    }
    if (queue.size() < std::size_t(p.min_network_size)) continue;
    PbnNetwork net;
    net.pbs = queue.size();
    net.atoms = placed.size();
    std::vector<Vec3> xs;
    xs.reserve(placed.size());
    for (const auto& [atom, x] : placed) xs.push_back(x);
    double longest2 = 0;
    for (std::size_t a = 0; a < xs.size(); ++a)
      for (std::size_t b = a + 1; b < xs.size(); ++b)
        longest2 = std::max(longest2, (xs[a] - xs[b]).squaredNorm());
    net.length_A = std::sqrt(longest2);
    out.networks.push_back(net);
  }
  std::stable_sort(out.networks.begin(), out.networks.end(),
                   [](const PbnNetwork& a, const PbnNetwork& b) { return a.pbs > b.pbs; });
  return out;
}

}  // namespace vitrum::analysis
