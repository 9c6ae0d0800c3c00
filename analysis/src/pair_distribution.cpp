#include "vitrum/analysis/pair_distribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>

#include "finite_window.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::analysis {

using core::require;

namespace {

/// Unit vectors spread evenly over the sphere (Fibonacci lattice, golden-angle spiral).
std::vector<core::Vec3> fibonacci_sphere(int count) {
  std::vector<core::Vec3> u;
  u.reserve(static_cast<std::size_t>(count));
  const double golden = std::numbers::pi * (3.0 - std::sqrt(5.0));
  for (int j = 0; j < count; ++j) {
    const double z = 1.0 - (2.0 * j + 1.0) / count;
    const double rho = std::sqrt(std::max(0.0, 1.0 - z * z));
    u.emplace_back(rho * std::cos(golden * j), rho * std::sin(golden * j), z);
  }
  return u;
}

/// Mean fraction f(r) of the sphere of radius r (each shell centre) inside the window.
std::vector<double> window_fraction(const core::AtomicModel& model,
                                    const detail::FiniteWindow& window,
                                    const std::vector<double>& r_A, const PairDistributionParams& p,
                                    const core::ExecutionContext& ctx) {
  const std::vector<core::Vec3> dirs = fibonacci_sphere(p.window_directions);
  const std::size_t n = model.size();
  const std::size_t stride =
      std::max<std::size_t>(1, (n + p.window_max_centres - 1) / p.window_max_centres);
  const std::size_t centres = (n + stride - 1) / stride;
  const std::size_t nb = r_A.size();
  std::vector<std::uint32_t> hits(centres * nb, 0);
  core::parallel_for(ctx, 0, centres, [&](std::size_t c) {
    const core::Vec3& x = model.positions_A()[c * stride];
    for (std::size_t k = 0; k < nb; ++k) {
      std::uint32_t h = 0;
      for (const core::Vec3& u : dirs) h += window.inside(x + r_A[k] * u) ? 1u : 0u;
      hits[c * nb + k] = h;
    }
  });
  std::vector<double> f(nb, 0.0);
  for (std::size_t k = 0; k < nb; ++k) {
    std::uint64_t total = 0;
    for (std::size_t c = 0; c < centres; ++c) total += hits[c * nb + k];
    f[k] = double(total) / (double(centres) * double(dirs.size()));
  }
  return f;
}

}  // namespace

void PairDistributionParams::validate() const {
  require(std::isfinite(r_max_A) && r_max_A > 0.0 && r_max_A <= 50.0, "gr.r_max_A", r_max_A,
          "(0, 50] Å");
  require(std::isfinite(bin_A) && bin_A >= 0.001 && bin_A <= r_max_A / 5.0, "gr.bin_A", bin_A,
          "[0.001 Å, r_max_A/5]");
  require(std::isfinite(alpha_A) && alpha_A >= 1.0 && alpha_A <= 20.0, "gr.alpha_A", alpha_A,
          "[1, 20] Å");
  require(std::isfinite(window_grid_A) && window_grid_A >= 0.05 && window_grid_A <= alpha_A / 2,
          "gr.window_grid_A", window_grid_A, "[0.05 Å, alpha_A/2]");
  require(window_directions >= 16 && window_directions <= 100000, "gr.window_directions",
          window_directions, "16 to 100000");
  require(window_max_centres >= 1, "gr.window_max_centres", window_max_centres, "≥ 1");
  std::map<int, std::string> owner;
  for (const SpeciesGroup& g : groups) {
    if (g.name.empty() || g.Z.empty())
      throw InputError("gr.groups: every group needs a name and at least one element");
    for (int z : g.Z) {
      core::element(z);
      if (!owner.emplace(z, g.name).second)
        throw InputError("gr.groups: element " + std::string(core::element(z).symbol) +
                         " is in both " + owner[z] + " and " + g.name);
    }
  }
}

FirstShell find_first_shell(const std::vector<double>& r_A, const std::vector<double>& g) {
  const std::size_t n = g.size();
  if (n < 5 || r_A.size() != n) throw InputError("g(r) needs at least 5 shells to find rc");
  std::vector<double> s(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t a = k == 0 ? 0 : k - 1, b = std::min(n - 1, k + 1);
    double sum = 0;
    for (std::size_t j = a; j <= b; ++j) sum += g[j];
    s[k] = sum / double(b - a + 1);
  }
  // The smoothed maximum locates the peak; the raw maximum next to it places it (a crystal's
  // one-shell spike is flat over three shells after smoothing).
  auto peak = static_cast<std::size_t>(std::max_element(s.begin(), s.end()) - s.begin());
  if (peak + 1 < n && g[peak + 1] > g[peak]) ++peak;
  if (peak > 0 && g[peak - 1] > g[peak]) --peak;
  std::size_t end = peak + 1;
  while (end < n && r_A[end] <= 1.8 * r_A[peak]) ++end;
  FirstShell shell;
  shell.peak_A = r_A[peak];
  shell.peak_g = s[peak];
  if (end <= peak + 1) {
    shell.valley_A = shell.valley_g = std::numeric_limits<double>::quiet_NaN();
    return shell;
  }
  const auto valley = static_cast<std::size_t>(
      std::min_element(s.begin() + long(peak) + 1, s.begin() + long(end)) - s.begin());
  // A flat minimum (empty shells between crystal peaks): take the middle of the run.
  std::size_t last = valley;
  while (last + 1 < end && s[last + 1] == s[valley]) ++last;
  if (last > valley) {
    shell.valley_A = 0.5 * (r_A[valley] + r_A[last]);
    shell.valley_g = s[valley];
    return shell;
  }
  shell.valley_A = r_A[valley];
  shell.valley_g = s[valley];
  if (valley + 1 < n) {
    // Vertex of the parabola through the three lowest points (uniform spacing h).
    const double a = s[valley - 1], b = s[valley], c = s[valley + 1];
    const double denom = a - 2.0 * b + c;
    if (denom > 0.0) {
      const double h = r_A[valley + 1] - r_A[valley];
      const double offset = 0.5 * (a - c) / denom;
      shell.valley_A = r_A[valley] + std::clamp(offset, -0.5, 0.5) * h;
      shell.valley_g = b - 0.25 * (a - c) * offset;
    }
  }
  return shell;
}

PairDistribution pair_distribution(const core::AtomicModel& model, const PairDistributionParams& p,
                                   const core::ExecutionContext& ctx) {
  p.validate();
  if (model.empty()) throw InputError("g(r) of a model without atoms");
  const auto& pbc = model.cell().pbc;
  const int periodic_axes = int(pbc[0]) + int(pbc[1]) + int(pbc[2]);
  ShellNormalization mode = p.normalization;
  if (mode == ShellNormalization::kAuto) {
    if (periodic_axes == 3)
      mode = ShellNormalization::kPeriodicBox;
    else if (periodic_axes == 0)
      mode = ShellNormalization::kFiniteWindow;
    else
      throw InputError(
          "g(r) of a partly periodic model (a film) is not supported; make it periodic or "
          "finite");
  }
  if (mode == ShellNormalization::kPeriodicBox && periodic_axes != 3)
    throw InputError("gr.normalization = periodic_box needs a model periodic along x, y and z");
  if (mode == ShellNormalization::kFiniteWindow && periodic_axes != 0)
    throw InputError("gr.normalization = finite_window needs a model with no periodic axis");

  // Species in ascending Z, each atom's species index.
  std::vector<int> species;
  for (std::uint8_t z : model.Z()) species.push_back(z);
  std::sort(species.begin(), species.end());
  species.erase(std::unique(species.begin(), species.end()), species.end());
  const std::size_t ns = species.size();
  std::vector<std::uint16_t> kind(model.size());
  std::vector<double> count_of(ns, 0.0);
  for (std::size_t i = 0; i < model.size(); ++i) {
    kind[i] = static_cast<std::uint16_t>(
        std::lower_bound(species.begin(), species.end(), model.Z()[i]) - species.begin());
    count_of[kind[i]] += 1.0;
  }

  const auto nb = static_cast<std::size_t>(std::llround(p.r_max_A / p.bin_A));
  PairDistribution out;
  out.normalization = mode;
  out.r_A.resize(nb);
  for (std::size_t k = 0; k < nb; ++k) out.r_A[k] = (double(k) + 0.5) * p.bin_A;

  // Pair counts per (species a → species b, shell): integer histograms per block of atoms,
  // summed afterwards, so the result does not depend on how blocks map to threads.
  const NeighborQuery query(model, NeighborParams{double(nb) * p.bin_A});
  const std::size_t n = model.size();
  const std::size_t blocks = std::min<std::size_t>(n, 256);
  std::vector<std::vector<std::uint64_t>> partial_counts(blocks);
  core::parallel_for(
      ctx, 0, blocks,
      [&](std::size_t b) {
        std::vector<std::uint64_t> h(ns * ns * nb, 0);
        for (std::size_t i = b * n / blocks; i < (b + 1) * n / blocks; ++i) {
          const std::size_t row = kind[i] * ns;
          // Each pair once: i → j and j → i both counted here (an image of i itself is met
          // once per direction, so it counts once).
          query.for_each_neighbor_half(i, [&](std::size_t j, const core::Vec3&, double r) {
            const auto k = static_cast<std::size_t>(r / p.bin_A);
            if (k >= nb) return;
            ++h[(row + kind[j]) * nb + k];
            if (j != i) ++h[(kind[j] * ns + kind[i]) * nb + k];
          });
        }
        partial_counts[b] = std::move(h);
      },
      core::Schedule::kDynamic);
  std::vector<std::uint64_t> counts(ns * ns * nb, 0);
  for (const auto& h : partial_counts)
    for (std::size_t k = 0; k < h.size(); ++k) counts[k] += h[k];

  if (mode == ShellNormalization::kPeriodicBox) {
    out.volume_A3 = model.cell().volume_A3();
    out.window_fraction.assign(nb, 1.0);
  } else {
    const detail::FiniteWindow window(model, p.alpha_A, p.window_grid_A, ctx);
    out.volume_A3 = window.volume_A3();
    if (!(out.volume_A3 > 0.0))
      throw InputError(
          "the finite window of the model is empty: the atoms are too sparse for "
          "gr.alpha_A = " +
          std::to_string(p.alpha_A) + " Å");
    out.window_fraction = window_fraction(model, window, out.r_A, p, ctx);
  }
  out.density_per_A3 = double(n) / out.volume_A3;

  // g for a set of centre species A and neighbour species B:
  // Σ_{i∈A} n_{i,B}(r) / (N_A ρ'_B V_shell f(r)), where ρ'_B = (N_B − N_{A∩B}/N_A)/V is the
  // density of the *other* B atoms an A atom sees (N − 1 for the total, as LAMMPS compute rdf).
  const auto g_of = [&](const std::vector<bool>& centre, const std::vector<bool>& neighbour) {
    double n_centre = 0, n_neighbour = 0, n_both = 0;
    for (std::size_t s = 0; s < ns; ++s) {
      if (centre[s]) n_centre += count_of[s];
      if (neighbour[s]) n_neighbour += count_of[s];
      if (centre[s] && neighbour[s]) n_both += count_of[s];
    }
    std::vector<double> g(nb, 0.0);
    const double rho_b = (n_neighbour - n_both / n_centre) / out.volume_A3;
    for (std::size_t k = 0; k < nb; ++k) {
      std::uint64_t c = 0;
      for (std::size_t a = 0; a < ns; ++a)
        for (std::size_t bsp = 0; bsp < ns; ++bsp)
          if (centre[a] && neighbour[bsp]) c += counts[(a * ns + bsp) * nb + k];
      const double lo = double(k) * p.bin_A, hi = lo + p.bin_A;
      const double shell = 4.0 / 3.0 * std::numbers::pi * (hi * hi * hi - lo * lo * lo);
      const double expected = n_centre * rho_b * shell * out.window_fraction[k];
      g[k] = expected > 0.0 ? double(c) / expected : 0.0;
    }
    return g;
  };
  out.g = g_of(std::vector<bool>(ns, true), std::vector<bool>(ns, true));
  const auto symbol = [&](std::size_t s) { return std::string(core::element(species[s]).symbol); };
  for (std::size_t a = 0; a < ns; ++a)
    for (std::size_t b = a; b < ns; ++b) {
      std::vector<bool> ca(ns, false), cb(ns, false);
      ca[a] = true;
      cb[b] = true;
      out.partials.push_back({symbol(a) + "-" + symbol(b), g_of(ca, cb)});
    }
  std::vector<std::vector<bool>> members;
  for (const SpeciesGroup& grp : p.groups) {
    std::vector<bool> m(ns, false);
    bool any = false;
    for (int z : grp.Z) {
      const auto it = std::lower_bound(species.begin(), species.end(), z);
      if (it != species.end() && *it == z) {
        m[static_cast<std::size_t>(it - species.begin())] = true;
        any = true;
      }
    }
    if (!any) throw InputError("gr.groups: group " + grp.name + " has no atoms in the model");
    members.push_back(m);
  }
  for (std::size_t a = 0; a < members.size(); ++a)
    for (std::size_t b = a; b < members.size(); ++b)
      out.group_partials.push_back(
          {p.groups[a].name + "-" + p.groups[b].name, g_of(members[a], members[b])});
  out.first_shell = find_first_shell(out.r_A, out.g);
  return out;
}

}  // namespace vitrum::analysis
