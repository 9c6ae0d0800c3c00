#include "vitrum/analysis/interface.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::analysis {

using core::require;

void InterfaceParams::validate() const {
  require(std::isfinite(link_A) && link_A > 0.5 && link_A <= 20.0, "interface.link_A", link_A,
          "(0.5, 20] Å");
  require(min_nucleus_atoms >= 1, "interface.min_nucleus_atoms", min_nucleus_atoms, "≥ 1");
  require(std::isfinite(max_distance_A) && max_distance_A > 0.0 && max_distance_A <= 50.0,
          "interface.max_distance_A", max_distance_A, "(0, 50] Å");
  require(std::isfinite(bin_A) && bin_A > 0.0 && bin_A <= max_distance_A, "interface.bin_A", bin_A,
          "(0, max_distance_A]");
}

namespace {

/// For fixed d_c the model is linear in (a, b): least squares on u = e^{−x/d_c}.
ExponentialFit linear_part(std::span<const double> x, std::span<const double> y, double d_c) {
  double su = 0, suu = 0, sy = 0, suy = 0;
  const double n = double(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double u = std::exp(-x[k] / d_c);
    su += u;
    suu += u * u;
    sy += y[k];
    suy += u * y[k];
  }
  ExponentialFit f;
  f.d_c_A = d_c;
  const double det = n * suu - su * su;
  if (det > 1e-300) {
    f.a = (n * suy - su * sy) / det;
    f.b = (sy - f.a * su) / n;
  } else {
    f.a = 0;
    f.b = sy / n;
  }
  double ss = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double r = y[k] - (f.a * std::exp(-x[k] / d_c) + f.b);
    ss += r * r;
  }
  f.rms = std::sqrt(ss / n);
  f.points = x.size();
  return f;
}

}  // namespace

ExponentialFit fit_exponential_decay(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 3)
    throw InputError("exponential fit needs at least 3 points with one y per x");
  // Coarse: d_c from 0.05 to 50 Å, 200 logarithmic steps; then golden section on the
  // bracket around the best.
  const int steps = 200;
  const auto d_at = [&](int k) { return 0.05 * std::pow(1000.0, double(k) / steps); };
  int best = 0;
  double best_rms = std::numeric_limits<double>::infinity();
  for (int k = 0; k <= steps; ++k) {
    const double rms = linear_part(x, y, d_at(k)).rms;
    if (rms < best_rms) {
      best_rms = rms;
      best = k;
    }
  }
  double lo = d_at(std::max(0, best - 1)), hi = d_at(std::min(steps, best + 1));
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
  double fc = linear_part(x, y, c).rms, fd = linear_part(x, y, d).rms;
  for (int it = 0; it < 100 && hi - lo > 1e-10 * hi; ++it) {
    if (fc < fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - g * (hi - lo);
      fc = linear_part(x, y, c).rms;
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + g * (hi - lo);
      fd = linear_part(x, y, d).rms;
    }
  }
  ExponentialFit fit = linear_part(x, y, 0.5 * (lo + hi));
  fit.at_bound = best == 0 || best == steps;
  return fit;
}

InterfaceResult crystal_interface(const core::AtomicModel& model, std::span<const double> boo_norm,
                                  std::span<const std::uint8_t> crystalline,
                                  const InterfaceParams& p, const core::ExecutionContext& ctx) {
  p.validate();
  const std::size_t n = model.size();
  if (boo_norm.size() != n || crystalline.size() != n)
    throw InputError("interface: needs one BOO value and crystal label per atom");
  InterfaceResult out;
  out.signed_distance_A.assign(n, std::numeric_limits<double>::quiet_NaN());

  // Nuclei: connected components of crystalline atoms (union–find over links ≤ link_A).
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const NeighborQuery links(model, NeighborParams{p.link_A});
  for (std::size_t i = 0; i < n; ++i) {
    if (!crystalline[i]) continue;
    links.for_each_neighbor(i, [&](std::size_t j, const Vec3&, double) {
      if (!crystalline[j]) return;
      const std::size_t a = root(i), b = root(j);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    });
  }
  std::vector<std::size_t> size(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (crystalline[i]) ++size[root(i)];
  std::vector<std::uint8_t> in_nucleus(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (crystalline[i] && size[root(i)] >= std::size_t(p.min_nucleus_atoms)) in_nucleus[i] = 1;
  for (std::size_t i = 0; i < n; ++i)
    if (crystalline[i] && root(i) == i && size[i] >= std::size_t(p.min_nucleus_atoms))
      out.nucleus_atoms.push_back(size[i]);
  std::sort(out.nucleus_atoms.rbegin(), out.nucleus_atoms.rend());
  out.nuclei = out.nucleus_atoms.size();
  if (out.nuclei == 0) return out;

  // Distances to the other phase, within max_distance_A.
  const auto nearest_in = [&](const std::vector<std::uint8_t>& member) {
    core::AtomicModel subset(model.cell());
    for (std::size_t i = 0; i < n; ++i)
      if (member[i]) subset.add_atom(model.positions_A()[i], model.Z()[i]);
    std::vector<double> d(n, std::numeric_limits<double>::quiet_NaN());
    if (subset.empty()) return d;
    const NeighborQuery q(subset, NeighborParams{p.max_distance_A});
    core::parallel_for(ctx, 0, n, [&](std::size_t i) {
      if (member[i]) return;
      double best = std::numeric_limits<double>::infinity();
      q.for_each_near_point(model.positions_A()[i],
                            [&](std::size_t, const Vec3&, double r) { best = std::min(best, r); });
      if (std::isfinite(best)) d[i] = best;
    });
    return d;
  };
  const std::vector<double> to_nucleus = nearest_in(in_nucleus);
  std::vector<std::uint8_t> amorphous(n, 0);
  for (std::size_t i = 0; i < n; ++i) amorphous[i] = crystalline[i] ? 0 : 1;
  const std::vector<double> to_amorphous = nearest_in(amorphous);
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < n; ++i) {
    if (in_nucleus[i]) {
      out.signed_distance_A[i] = -to_amorphous[i];
    } else if (!crystalline[i] && std::isfinite(to_nucleus[i])) {
      out.signed_distance_A[i] = to_nucleus[i];
      xs.push_back(to_nucleus[i]);
      ys.push_back(boo_norm[i]);
    }
  }
  const auto bins = static_cast<std::size_t>(std::ceil(p.max_distance_A / p.bin_A));
  std::vector<double> sum(bins, 0.0);
  out.profile_count.assign(bins, 0);
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const auto b = std::min(bins - 1, static_cast<std::size_t>(xs[k] / p.bin_A));
    sum[b] += ys[k];
    ++out.profile_count[b];
  }
  for (std::size_t b = 0; b < bins; ++b) {
    out.profile_x_A.push_back((double(b) + 0.5) * p.bin_A);
    out.profile_boo.push_back(out.profile_count[b] ? sum[b] / double(out.profile_count[b])
                                                   : std::numeric_limits<double>::quiet_NaN());
  }
  if (xs.size() >= 3) out.fit = fit_exponential_decay(xs, ys);
  return out;
}

}  // namespace vitrum::analysis
