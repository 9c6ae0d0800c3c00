#include "vitrum/analysis/sro.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "vitrum/core/error.hpp"

namespace vitrum::analysis {

void ShortRangeOrderParams::validate() const {
  if (!(std::isfinite(rc_A) && rc_A > 0.5 && rc_A <= 20.0)) {
    std::ostringstream msg;
    msg << "sro.rc_A = " << rc_A << " is out of range; allowed: (0.5, 20] Å";
    throw InputError(msg.str());
  }
  if (!pseudo_binary.empty() && pseudo_binary.size() != 2)
    throw InputError("sro: the pseudo-binary grouping needs exactly two groups (A and X), got " +
                     std::to_string(pseudo_binary.size()));
}

ShortRangeOrder short_range_order(const core::AtomicModel& model, const NeighborList& neighbors,
                                  const ShortRangeOrderParams& p) {
  p.validate();
  if (model.empty()) throw InputError("SRO of a model without atoms");
  if (neighbors.size() != model.size())
    throw InputError("the neighbour list does not belong to this model");
  if (neighbors.cutoff_A() < p.rc_A)
    throw InputError("the neighbour list's cutoff is below sro.rc_A");
  ShortRangeOrder out;
  for (std::uint8_t z : model.Z()) out.species.push_back(z);
  std::sort(out.species.begin(), out.species.end());
  out.species.erase(std::unique(out.species.begin(), out.species.end()), out.species.end());
  const std::size_t ns = out.species.size(), n = model.size();
  std::vector<std::size_t> kind(n);
  std::vector<double> atoms(ns, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    kind[i] = static_cast<std::size_t>(
        std::lower_bound(out.species.begin(), out.species.end(), model.Z()[i]) -
        out.species.begin());
    atoms[kind[i]] += 1.0;
  }
  // Directed first-shell pair counts a → b (exact integers, so summation order is irrelevant).
  std::vector<double> pairs(ns * ns, 0.0);
  double bonds = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto idx = neighbors.indices(i);
    const auto dist = neighbors.distances(i);
    for (std::size_t k = 0; k < idx.size() && dist[k] <= p.rc_A; ++k) {
      pairs[kind[i] * ns + kind[idx[k]]] += 1.0;
      bonds += 1.0;
    }
  }
  out.cn_mean = bonds / double(n);
  out.concentration.resize(ns);
  for (std::size_t a = 0; a < ns; ++a) out.concentration[a] = atoms[a] / double(n);
  out.coordination.assign(ns * ns, 0.0);
  out.warren_cowley.assign(ns * ns, 0.0);
  for (std::size_t a = 0; a < ns; ++a) {
    double from_a = 0;
    for (std::size_t b = 0; b < ns; ++b) from_a += pairs[a * ns + b];
    for (std::size_t b = 0; b < ns; ++b) {
      out.coordination[a * ns + b] = pairs[a * ns + b] / atoms[a];
      const double p_b_given_a = from_a > 0 ? pairs[a * ns + b] / from_a : 0.0;
      out.warren_cowley[a * ns + b] = 1.0 - p_b_given_a / out.concentration[b];
    }
  }
  if (p.pseudo_binary.empty()) return out;

  // Group of each species: 0 = A, 1 = X, 2 = neither.
  std::vector<int> group(ns, 2);
  for (int g = 0; g < 2; ++g)
    for (int z : p.pseudo_binary[static_cast<std::size_t>(g)].Z) {
      const auto it = std::lower_bound(out.species.begin(), out.species.end(), z);
      if (it != out.species.end() && *it == z)
        group[static_cast<std::size_t>(it - out.species.begin())] = g;
    }
  double count[2] = {0, 0}, link[2][2] = {{0, 0}, {0, 0}};
  for (std::size_t a = 0; a < ns; ++a) {
    if (group[a] < 2) count[group[a]] += atoms[a];
    for (std::size_t b = 0; b < ns; ++b)
      if (group[a] < 2 && group[b] < 2) link[group[a]][group[b]] += pairs[a * ns + b];
  }
  for (int g = 0; g < 2; ++g)
    if (count[g] == 0)
      throw InputError("sro: group " + p.pseudo_binary[static_cast<std::size_t>(g)].name +
                       " has no atoms in the model");
  const double all = link[0][0] + link[0][1] + link[1][0] + link[1][1];
  if (all == 0) throw InputError("sro: no first-shell bonds within rc; is rc_A too small?");
  PseudoBinaryOrder pb;
  pb.a_name = p.pseudo_binary[0].name;
  pb.x_name = p.pseudo_binary[1].name;
  pb.c_a = count[0] / (count[0] + count[1]);
  pb.p_aa = link[0][0] / all;
  pb.p_xx = link[1][1] / all;
  pb.p_ax = (link[0][1] + link[1][0]) / all;
  const double p_random = 0.5 * (pb.p_ax + 2.0 * std::min(pb.p_xx, pb.p_aa));
  pb.alpha_seed002 = p_random > 0 ? pb.p_ax / p_random - 1.0 : 0.0;
  const double from_a = link[0][0] + link[0][1];
  const double p_x_given_a = from_a > 0 ? link[0][1] / from_a : 0.0;
  pb.alpha_warren_cowley = 1.0 - p_x_given_a / (1.0 - pb.c_a);
  out.pseudo_binary = pb;
  return out;
}

}  // namespace vitrum::analysis
