#include "vitrum/analysis/boo.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <sstream>

#include "vitrum/analysis/spherical_harmonics.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::analysis {

using core::require;

void BooParams::validate() const {
  require(std::isfinite(rc_A) && rc_A > 0.5 && rc_A <= 20.0, "boo.rc_A", rc_A, "(0.5, 20] Å");
  require(std::isfinite(r_min_A) && r_min_A >= 0.0 && r_min_A < rc_A, "boo.r_min_A", r_min_A,
          "[0, rc_A)");
  if (degrees.empty()) throw InputError("boo.degrees is empty; give at least one l, e.g. [4, 6]");
  for (int l : degrees)
    require(l >= 1 && l <= kMaxHarmonicDegree, "boo.degrees", l,
            "1 to " + std::to_string(kMaxHarmonicDegree));
  require(std::isfinite(crystal_threshold) && crystal_threshold > 0.0 && crystal_threshold < 2.0,
          "boo.crystal_threshold", crystal_threshold, "(0, 2)");
  require(std::isfinite(isolated_radius_A) && isolated_radius_A > 0.0 && isolated_radius_A <= 30.0,
          "boo.isolated_radius_A", isolated_radius_A, "(0, 30] Å");
  require(isolated_min_crystalline >= 0, "boo.isolated_min_crystalline", isolated_min_crystalline,
          "≥ 0");
  require(core_min >= 0, "boo.core_min", core_min, "≥ 0");
}

const std::vector<double>& BooResult::qbar_of(int l) const {
  for (std::size_t k = 0; k < degrees.size(); ++k)
    if (degrees[k] == l) return qbar[k];
  throw InputError("Q̄_" + std::to_string(l) + " was not computed");
}

namespace {

/// Counts, for each atom of `from`, the atoms of `subset` within `radius_A` (excluding itself),
/// up to `limit` (the rule only asks whether the count reaches it).
std::vector<int> count_within(const core::AtomicModel& model, const std::vector<std::size_t>& from,
                              const std::vector<std::size_t>& subset, double radius_A, int limit,
                              const core::ExecutionContext& ctx) {
  core::AtomicModel sub(model.cell());
  for (std::size_t i : subset) sub.add_atom(model.positions_A()[i], model.Z()[i]);
  const NeighborQuery query(sub, NeighborParams{radius_A});
  std::vector<int> counts(from.size(), 0);
  core::parallel_for(ctx, 0, from.size(), [&](std::size_t k) {
    int c = 0;
    query.for_each_near_point(model.positions_A()[from[k]],
                              [&](std::size_t, const Vec3&, double r) {
                                c += r > 0.0 ? 1 : 0;
                                return c >= limit;
                              });
    counts[k] = c;
  });
  return counts;
}

}  // namespace

BooResult bond_orientational_order(const core::AtomicModel& model, const NeighborList& neighbors,
                                   const BooParams& p, const core::ExecutionContext& ctx) {
  p.validate();
  if (neighbors.size() != model.size())
    throw InputError("the neighbour list does not belong to this model");
  if (neighbors.cutoff_A() < p.rc_A)
    throw InputError("the neighbour list's cutoff " + std::to_string(neighbors.cutoff_A()) +
                     " Å is below boo.rc_A = " + std::to_string(p.rc_A) + " Å");
  const std::size_t n = model.size();
  const int l_max = *std::max_element(p.degrees.begin(), p.degrees.end());
  const std::size_t per_atom = harmonic_index(l_max, l_max) + 1;

  BooResult out;
  out.degrees = p.degrees;
  out.neighbor_count.assign(n, 0);
  // q_lm(i) for m ≥ 0 (q_{l,−m} = (−1)^m conj(q_lm) carries the same |·|²).
  std::vector<std::complex<double>> qlm(n * per_atom);
  const auto in_shell = [&](double r) { return r > p.r_min_A && r < p.rc_A; };
  core::parallel_for(ctx, 0, n, [&](std::size_t i) {
    std::vector<std::complex<double>> y(per_atom);
    std::complex<double>* acc = qlm.data() + i * per_atom;
    const auto vectors = neighbors.vectors(i);
    const auto distances = neighbors.distances(i);
    std::uint32_t nb = 0;
    for (std::size_t k = 0; k < vectors.size(); ++k) {
      if (!in_shell(distances[k])) continue;
      spherical_harmonics(l_max, vectors[k], y);
      for (std::size_t c = 0; c < per_atom; ++c) acc[c] += y[c];
      ++nb;
    }
    if (nb > 0)
      for (std::size_t c = 0; c < per_atom; ++c) acc[c] /= double(nb);
    out.neighbor_count[i] = nb;
  });

  // Q = sqrt(4π/(2l+1) Σ_{m=−l..l} |q_lm|²) = sqrt(4π/(2l+1) (|q_l0|² + 2 Σ_{m>0} |q_lm|²)).
  const auto invariant = [](const std::complex<double>* q, int l) {
    double s = std::norm(q[harmonic_index(l, 0)]);
    for (int m = 1; m <= l; ++m) s += 2.0 * std::norm(q[harmonic_index(l, m)]);
    return std::sqrt(4.0 * std::numbers::pi / (2.0 * l + 1.0) * s);
  };
  out.q.assign(p.degrees.size(), std::vector<double>(n));
  out.qbar.assign(p.degrees.size(), std::vector<double>(n));
  core::parallel_for(ctx, 0, n, [&](std::size_t i) {
    std::vector<std::complex<double>> avg(qlm.begin() + long(i * per_atom),
                                          qlm.begin() + long((i + 1) * per_atom));
    const auto idx = neighbors.indices(i);
    const auto distances = neighbors.distances(i);
    double count = 1.0;
    for (std::size_t k = 0; k < idx.size(); ++k) {
      if (!in_shell(distances[k])) continue;
      const std::complex<double>* qk = qlm.data() + std::size_t(idx[k]) * per_atom;
      for (std::size_t c = 0; c < per_atom; ++c) avg[c] += qk[c];
      count += 1.0;
    }
    for (auto& v : avg) v /= count;
    for (std::size_t d = 0; d < p.degrees.size(); ++d) {
      out.q[d][i] = invariant(qlm.data() + i * per_atom, p.degrees[d]);
      out.qbar[d][i] = invariant(avg.data(), p.degrees[d]);
    }
  });

  const auto has = [&](int l) {
    return std::find(p.degrees.begin(), p.degrees.end(), l) != p.degrees.end();
  };
  if (!has(4) || !has(6)) return out;
  const std::vector<double>& q4 = out.qbar_of(4);
  const std::vector<double>& q6 = out.qbar_of(6);
  const double fcc = std::hypot(kFccQ4, kFccQ6);
  out.boo_norm.resize(n);
  out.crystalline.assign(n, 0);
  std::vector<std::size_t> crystal;
  for (std::size_t i = 0; i < n; ++i) {
    out.boo_norm[i] = std::hypot(q4[i], q6[i]) / fcc;
    if (out.boo_norm[i] > p.crystal_threshold) {
      out.crystalline[i] = 1;
      crystal.push_back(i);
    }
  }
  if (p.isolated_rule == IsolatedAtomRule::kReference && !crystal.empty()) {
    const std::vector<int> crystalline_near =
        count_within(model, crystal, crystal, p.isolated_radius_A, p.isolated_min_crystalline, ctx);
    std::vector<std::size_t> core_atoms, isolated;
    for (std::size_t k = 0; k < crystal.size(); ++k)
      (crystalline_near[k] < p.isolated_min_crystalline ? isolated : core_atoms)
          .push_back(crystal[k]);
    const std::vector<int> core_near =
        core_atoms.empty()
            ? std::vector<int>(isolated.size(), 0)
            : count_within(model, isolated, core_atoms, p.isolated_radius_A, p.core_min, ctx);
    for (std::size_t k = 0; k < isolated.size(); ++k)
      if (core_near[k] < p.core_min) out.crystalline[isolated[k]] = 0;
  }
  std::size_t total = 0;
  for (std::uint8_t c : out.crystalline) total += c;
  out.crystalline_fraction = double(total) / double(std::max<std::size_t>(n, 1));
  return out;
}

}  // namespace vitrum::analysis
