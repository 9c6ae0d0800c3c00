#include "vitrum/analysis/mro.hpp"

#include <Eigen/Geometry>
#include <Eigen/SVD>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::analysis {

using core::require;

std::string to_string(MroTemplate t) {
  switch (t) {
    case MroTemplate::kFcc:
      return "fcc";
    case MroTemplate::kHcp:
      return "hcp";
    case MroTemplate::kBcc:
      return "bcc";
    case MroTemplate::kSc:
      return "sc";
    case MroTemplate::kIcosahedral:
      return "ico";
  }
  return "?";
}

void MroParams::validate() const {
  if (solute_Z.empty()) throw InputError("mro.solute: name at least one solute element");
  for (int z : solute_Z) core::element(z);
  require(std::isfinite(link_min_A) && link_min_A >= 0.0, "mro.link_min_A", link_min_A, "≥ 0 Å");
  require(std::isfinite(link_max_A) && link_max_A > link_min_A && link_max_A <= 20.0,
          "mro.link_max_A", link_max_A, "(link_min_A, 20] Å");
  require(std::isfinite(tolerance_A) && tolerance_A > 0.0 && tolerance_A < link_min_A + 2.0,
          "mro.tolerance_A", tolerance_A, "(0, link_min_A + 2) Å");
  require(std::isfinite(angle_tolerance_deg) && angle_tolerance_deg > 0.0 &&
              angle_tolerance_deg <= 30.0,
          "mro.angle_tolerance_deg", angle_tolerance_deg, "(0, 30] deg");
  require(min_network_size >= 2, "mro.min_network_size", min_network_size, "≥ 2");
  if (templates.empty()) throw InputError("mro.templates is empty");
}

namespace {

using core::Mat3;
using core::Vec3;

/// Nearest-neighbour vectors of a template at unit NN distance. hcp: `sublattice` 0 (A) or
/// 1 (B); its out-of-plane vectors (index ≥ 6) switch sublattice.
std::vector<Vec3> template_vectors(MroTemplate t, int sublattice) {
  std::vector<Vec3> v;
  switch (t) {
    case MroTemplate::kFcc:
      for (int a = 0; a < 3; ++a)
        for (int s1 : {-1, 1})
          for (int s2 : {-1, 1}) {
            Vec3 x = Vec3::Zero();
            x[a] = s1;
            x[(a + 1) % 3] = s2;
            v.emplace_back(x / std::sqrt(2.0));
          }
      break;
    case MroTemplate::kBcc:
      for (int s1 : {-1, 1})
        for (int s2 : {-1, 1})
          for (int s3 : {-1, 1}) v.emplace_back(Vec3(s1, s2, s3) / std::sqrt(3.0));
      break;
    case MroTemplate::kSc:
      for (int a = 0; a < 3; ++a)
        for (int s : {-1, 1}) {
          Vec3 x = Vec3::Zero();
          x[a] = s;
          v.emplace_back(x);
        }
      break;
    case MroTemplate::kIcosahedral: {
      // Vertices (0, ±1, ±φ) and their cyclic permutations, at unit centre–vertex distance.
      const double phi = std::numbers::phi;
      const double norm = std::sqrt(1.0 + phi * phi);
      for (int s1 : {-1, 1})
        for (int s2 : {-1, 1}) {
          v.emplace_back(Vec3(0, s1, s2 * phi) / norm);
          v.emplace_back(Vec3(s1, s2 * phi, 0) / norm);
          v.emplace_back(Vec3(s2 * phi, 0, s1) / norm);
        }
      break;
    }
    case MroTemplate::kHcp: {
      for (int k = 0; k < 6; ++k) {
        const double phi = k * std::numbers::pi / 3.0;
        v.emplace_back(std::cos(phi), std::sin(phi), 0.0);
      }
      const double y = (sublattice == 0 ? 1.0 : -1.0) / std::sqrt(3.0);
      const double z = std::sqrt(2.0 / 3.0);
      for (int k = 0; k < 3; ++k) {
        const double phi = 2.0 * k * std::numbers::pi / 3.0;
        const Vec3 r(-std::sin(phi) * y, std::cos(phi) * y, 0.0);
        v.emplace_back(r + Vec3(0, 0, z));
        v.emplace_back(r - Vec3(0, 0, z));
      }
      break;
    }
  }
  return v;
}

/// Lattice constant over NN distance.
double lattice_factor(MroTemplate t) {
  switch (t) {
    case MroTemplate::kFcc:
      return std::sqrt(2.0);
    case MroTemplate::kBcc:
      return 2.0 / std::sqrt(3.0);
    default:
      return 1.0;
  }
}

/// Orthonormal frame of two non-parallel vectors (columns: â, n̂, â × n̂).
Mat3 frame(const Vec3& a, const Vec3& b) {
  Mat3 f;
  const Vec3 x = a.normalized();
  const Vec3 n = x.cross(b).normalized();
  f.col(0) = x;
  f.col(1) = n;
  f.col(2) = x.cross(n);
  return f;
}

struct Member {
  std::uint32_t solute;  // index among solute atoms
  Vec3 position;         // unwrapped, relative to the seed, Å
  Vec3 site;             // template frame, unit NN distance
  int sublattice;
};

struct Fit {
  Mat3 R = Mat3::Identity();
  double scale = 1.0;
  Vec3 origin = Vec3::Zero();
};

/// x ≈ origin + scale R site, least squares (Umeyama, IEEE TPAMI 13, 376 (1991)).
Fit fit_similarity(const std::vector<Member>& members, const Fit& previous) {
  if (members.size() < 3) return previous;
  Vec3 mx = Vec3::Zero(), ms = Vec3::Zero();
  for (const Member& m : members) {
    mx += m.position;
    ms += m.site;
  }
  mx /= double(members.size());
  ms /= double(members.size());
  Mat3 cov = Mat3::Zero();
  double var = 0;
  for (const Member& m : members) {
    cov += (m.position - mx) * (m.site - ms).transpose();
    var += (m.site - ms).squaredNorm();
  }
  const Eigen::JacobiSVD<Mat3> svd(cov, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Mat3 d = Mat3::Identity();
  if ((svd.matrixU() * svd.matrixV().transpose()).determinant() < 0) d(2, 2) = -1;
  Fit f;
  f.R = svd.matrixU() * d * svd.matrixV().transpose();
  f.scale = (svd.singularValues().asDiagonal() * d).trace() / var;
  f.origin = mx - f.scale * f.R * ms;
  return f;
}

std::array<long, 3> site_key(const Vec3& s) {
  return {std::lround(s.x() * 1000.0), std::lround(s.y() * 1000.0), std::lround(s.z() * 1000.0)};
}

struct Grown {
  std::vector<Member> members;
  Fit fit;
};

/// Point queries in a frame whose origin is at x0.
struct ShiftedQuery {
  const NeighborQuery& query;
  Vec3 x0;
  template <class Visit>
  void for_each_near_point(const Vec3& point, Visit&& visit) const {
    query.for_each_near_point(x0 + point, std::forward<Visit>(visit));
  }
};

using Links = std::vector<std::vector<std::pair<std::uint32_t, Vec3>>>;

/// Grows template t from solute seed `seed` (see the file comment); `sites` answers point
/// queries (within tolerance_A) in the seed's frame, the seed at the origin.
template <class Query>
Grown grow(std::uint32_t seed, MroTemplate t, const Links& links, const Query& sites,
           const MroParams& p) {
  Grown best;
  const auto& seed_links = links[seed];
  if (seed_links.size() < 2) return best;
  const std::vector<Vec3> tv0 = template_vectors(t, 0);
  // Scale: the mean of the first link shell (links within 1.1 × the shortest), so that a
  // second neighbour shell inside the link range does not inflate it.
  double shortest = std::numeric_limits<double>::infinity();
  for (const auto& l : seed_links) shortest = std::min(shortest, l.second.norm());
  double mean_link = 0, shell = 0;
  for (const auto& l : seed_links)
    if (l.second.norm() <= 1.1 * shortest) {
      mean_link += l.second.norm();
      shell += 1;
    }
  mean_link /= shell;
  const double cos_tol = p.angle_tolerance_deg * std::numbers::pi / 180.0;
  // Orientation: align (u1, u2) with every link pair of matching angle; u1 runs over the
  // template's distinct vector classes (one for the cubic lattices, in-/out-of-plane for hcp).
  std::vector<std::size_t> first{0};
  if (t == MroTemplate::kHcp) first.push_back(6);
  std::size_t best_score = 0;
  double best_residual = std::numeric_limits<double>::infinity();
  Mat3 best_R = Mat3::Identity();
  for (std::size_t i1 : first)
    for (std::size_t i2 = 0; i2 < tv0.size(); ++i2) {
      const double ct = tv0[i1].dot(tv0[i2]);
      if (std::abs(ct) > 0.99) continue;
      const double theta_t = std::acos(ct);
      const Mat3 ft = frame(tv0[i1], tv0[i2]).transpose();
      for (std::size_t j = 0; j < seed_links.size(); ++j)
        for (std::size_t k = 0; k < seed_links.size(); ++k) {
          if (j == k) continue;
          const Vec3& lj = seed_links[j].second;
          const Vec3& lk = seed_links[k].second;
          const double cl = std::clamp(lj.dot(lk) / (lj.norm() * lk.norm()), -1.0, 1.0);
          if (std::abs(std::acos(cl) - theta_t) > cos_tol || std::abs(cl) > 0.99) continue;
          const Mat3 R = frame(lj, lk) * ft;
          std::size_t score = 0;
          double residual = 0;
          for (const auto& l : seed_links) {
            double closest = std::numeric_limits<double>::infinity();
            for (const Vec3& u : tv0)
              closest = std::min(closest, (mean_link * R * u - l.second).norm());
            if (closest <= p.tolerance_A) {
              ++score;
              residual += closest;
            }
          }
          if (score > best_score || (score == best_score && residual < best_residual)) {
            best_score = score;
            best_residual = residual;
            best_R = R;
          }
        }
    }
  if (best_score < 1) return best;

  Fit fit;
  fit.R = best_R;
  fit.scale = mean_link;
  std::vector<Member>& members = best.members;
  std::map<std::array<long, 3>, std::uint32_t> occupied;
  std::vector<std::uint32_t> used;  // solute indices in the network
  members.push_back({seed, Vec3::Zero(), Vec3::Zero(), 0});
  occupied[site_key(Vec3::Zero())] = seed;
  used.push_back(seed);
  std::size_t layer_begin = 0;
  while (layer_begin < members.size()) {
    const std::size_t layer_end = members.size();
    for (std::size_t m = layer_begin; m < layer_end; ++m) {
      const Member from = members[m];
      const std::vector<Vec3> tv = template_vectors(t, from.sublattice);
      for (std::size_t v = 0; v < tv.size(); ++v) {
        const Vec3 site = from.site + tv[v];
        const auto key = site_key(site);
        if (occupied.count(key)) continue;
        const Vec3 predicted = fit.origin + fit.scale * fit.R * site;
        // Nearest solute atom to the predicted site, in the frame of the seed.
        double nearest = std::numeric_limits<double>::infinity();
        std::uint32_t pick = 0;
        Vec3 offset = Vec3::Zero();
        sites.for_each_near_point(predicted, [&](std::size_t j, const Vec3& d, double r) {
          if (r < nearest || (r == nearest && j < pick)) {
            nearest = r;
            pick = static_cast<std::uint32_t>(j);
            offset = d;
          }
        });
        if (!std::isfinite(nearest)) continue;
        if (std::find(used.begin(), used.end(), pick) != used.end()) continue;
        const int sub = t == MroTemplate::kHcp && v >= 6 ? 1 - from.sublattice : from.sublattice;
        members.push_back({pick, predicted + offset, site, sub});
        occupied[key] = pick;
        used.push_back(pick);
      }
    }
    layer_begin = layer_end;
    fit = fit_similarity(members, fit);
  }
  best.fit = fit;
  return best;
}

}  // namespace

MroResult medium_range_order(const core::AtomicModel& model, std::span<const double> boo_norm,
                             const MroParams& p, const core::ExecutionContext& ctx) {
  p.validate();
  const std::size_t n = model.size();
  if (!boo_norm.empty() && boo_norm.size() != n)
    throw InputError("mro: one normalised BOO per atom expected");
  // The solute atoms as their own model; positions are taken relative to each seed.
  core::AtomicModel solute(model.cell());
  std::vector<std::uint32_t> original;
  for (std::size_t i = 0; i < n; ++i)
    if (std::find(p.solute_Z.begin(), p.solute_Z.end(), int(model.Z()[i])) != p.solute_Z.end()) {
      solute.add_atom(model.positions_A()[i], model.Z()[i]);
      original.push_back(static_cast<std::uint32_t>(i));
    }
  MroResult out;
  out.solute_atoms = solute.size();
  if (solute.empty()) throw InputError("mro: the model has no atoms of the solute elements");
  const NeighborQuery link_query(solute, NeighborParams{p.link_max_A});
  Links links(solute.size());
  for (std::size_t s = 0; s < solute.size(); ++s)
    link_query.for_each_neighbor(s, [&](std::size_t j, const Vec3& d, double r) {
      if (r >= p.link_min_A) links[s].push_back({static_cast<std::uint32_t>(j), d});
    });
  std::vector<std::uint32_t> seeds;
  for (std::size_t s = 0; s < solute.size(); ++s)
    if (boo_norm.empty() || boo_norm[original[s]] < p.crystal_threshold)
      seeds.push_back(static_cast<std::uint32_t>(s));
  out.seeds = seeds.size();

  // Site queries are made in each seed's frame (seed at the origin): the query point is the
  // seed's position plus the predicted offset, and found atoms come back as displacements.
  const NeighborQuery site_query(solute, NeighborParams{p.tolerance_A});
  std::vector<MroNetwork> candidates(seeds.size());
  core::parallel_for(
      ctx, 0, seeds.size(),
      [&](std::size_t k) {
        const std::uint32_t seed = seeds[k];
        const Vec3 x0 = solute.positions_A()[seed];
        MroNetwork bestnet;
        for (MroTemplate t : p.templates) {
          const Grown g = grow(seed, t, links, ShiftedQuery{site_query, x0}, p);
          if (g.members.size() <= bestnet.atoms.size()) continue;
          MroNetwork net;
          net.kind = t;
          for (const Member& m : g.members) net.atoms.push_back(original[m.solute]);
          net.lattice_A = g.fit.scale * lattice_factor(t);
          double ss = 0;
          for (const Member& m : g.members)
            ss += (m.position - (g.fit.origin + g.fit.scale * g.fit.R * m.site)).squaredNorm();
          net.rms_A = std::sqrt(ss / double(g.members.size()));
          bestnet = std::move(net);
        }
        candidates[k] = std::move(bestnet);
      },
      core::Schedule::kDynamic);

  std::vector<std::size_t> order(candidates.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return candidates[a].atoms.size() > candidates[b].atoms.size();
  });
  std::vector<std::uint8_t> taken(n, 0);
  for (std::size_t k : order) {
    MroNetwork& c = candidates[k];
    if (c.atoms.size() < std::size_t(p.min_network_size)) continue;
    if (std::any_of(c.atoms.begin(), c.atoms.end(), [&](std::uint32_t a) { return taken[a]; }))
      continue;
    for (std::uint32_t a : c.atoms) taken[a] = 1;
    out.networks.push_back(std::move(c));
  }
  return out;
}

}  // namespace vitrum::analysis
