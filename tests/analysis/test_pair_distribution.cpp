// g(r): ideal gas → 1, crystal shells, the finite-particle shell correction against the bulk,
// partials and groups, first-shell detection, triclinic cells, thread independence.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "structures.hpp"
#include "vitrum/analysis/pair_distribution.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

double mean_over(const PairDistribution& g, const std::vector<double>& values, double lo,
                 double hi) {
  double s = 0, k = 0;
  for (std::size_t i = 0; i < g.r_A.size(); ++i)
    if (g.r_A[i] >= lo && g.r_A[i] <= hi) {
      s += values[i];
      k += 1;
    }
  return s / k;
}

TEST(PairDistribution, IdealGasTendsToOne) {
  // 10⁵ points at 0.05 Å⁻³: the 0.1 Å shell at 3 Å holds ≈ 2.8×10⁴ distinct pairs, so a
  // shell's relative noise beyond 3 Å is ≤ 0.6 % (0.025 is 4σ); the mean over 3–10 Å
  // (70 shells, more pairs further out) is 1 within ≈ 10⁻³ (0.003 is ~3σ).
  const auto gas = ideal_gas(100000, std::cbrt(100000 / 0.05), 17, 40, 29, 0.65);
  const auto g = pair_distribution(gas, {}, core::ExecutionContext{2});
  EXPECT_EQ(g.normalization, ShellNormalization::kPeriodicBox);
  EXPECT_NEAR(g.density_per_A3, 0.05, 1e-12);
  EXPECT_NEAR(mean_over(g, g.g, 3.0, 10.0), 1.0, 0.003);
  for (std::size_t k = 0; k < g.r_A.size(); ++k)
    if (g.r_A[k] > 3.0) {
      EXPECT_NEAR(g.g[k], 1.0, 0.025) << g.r_A[k];
    }
  // Partials of independent species are ideal too.
  ASSERT_EQ(g.partials.size(), 3u);
  EXPECT_EQ(g.partials[0].name, "Cu-Cu");
  EXPECT_EQ(g.partials[1].name, "Cu-Zr");
  EXPECT_EQ(g.partials[2].name, "Zr-Zr");
  for (const auto& part : g.partials) EXPECT_NEAR(mean_over(g, part.g, 3.0, 10.0), 1.0, 0.005);
}

TEST(PairDistribution, FccShellsHoldTheirNeighbours) {
  const double a = 3.6;
  const auto m = cubic_crystal(fcc_basis(), a, 6);
  PairDistributionParams p;
  p.r_max_A = 8.0;
  const auto g = pair_distribution(m, p, core::ExecutionContext{2});
  // ∫ 4πr² ρ' g dr over a shell counts its neighbours (ρ' = (N − 1)/V, the other atoms):
  // 12 at a/√2, 6 at a.
  const double rho_other = (double(m.size()) - 1.0) / m.cell().volume_A3();
  const auto count = [&](double lo, double hi) {
    double n = 0;
    for (std::size_t k = 0; k < g.r_A.size(); ++k)
      if (g.r_A[k] > lo && g.r_A[k] < hi) {
        const double r0 = g.r_A[k] - 0.05, r1 = g.r_A[k] + 0.05;
        n += g.g[k] * rho_other * 4.0 / 3.0 * std::numbers::pi * (r1 * r1 * r1 - r0 * r0 * r0);
      }
    return n;
  };
  EXPECT_NEAR(count(2.3, 2.8), 12.0, 1e-9);
  EXPECT_NEAR(count(3.3, 3.9), 6.0, 1e-9);
  EXPECT_NEAR(g.first_shell.peak_A, 2.55, 0.051);
  // The valley is the middle of the empty run between the shells at 2.55 and 3.6 Å.
  EXPECT_GT(g.first_shell.valley_A, 2.7);
  EXPECT_LT(g.first_shell.valley_A, 3.5);
  EXPECT_EQ(g.first_shell.valley_g, 0.0);
}

TEST(PairDistribution, SmallCellCountsEveryPeriodicImage) {
  // The two-atom bcc unit cell (a = 3.3 Å, smaller than r_max): the shells hold 8 atoms at
  // √3a/2, 6 at a, 12 at √2a, as in a large supercell; many are images of the atom itself.
  const double a = 3.3;
  for (int cells : {1, 4}) {
    const auto m = cubic_crystal(bcc_basis(), a, cells);
    PairDistributionParams p;
    p.r_max_A = 6.0;
    const auto g = pair_distribution(m, p, core::ExecutionContext{2});
    const double rho_other = (double(m.size()) - 1.0) / m.cell().volume_A3();
    const auto count = [&](double centre) {
      double n = 0;
      for (std::size_t k = 0; k < g.r_A.size(); ++k)
        if (std::abs(g.r_A[k] - centre) < 0.15) {
          const double r0 = g.r_A[k] - 0.05, r1 = g.r_A[k] + 0.05;
          n += g.g[k] * rho_other * 4.0 / 3.0 * std::numbers::pi * (r1 * r1 * r1 - r0 * r0 * r0);
        }
      return n;
    };
    EXPECT_NEAR(count(std::sqrt(3.0) * a / 2), 8.0, 1e-9) << cells;
    EXPECT_NEAR(count(a), 6.0, 1e-9) << cells;
    EXPECT_NEAR(count(std::sqrt(2.0) * a), 12.0, 1e-9) << cells;
  }
}

TEST(PairDistribution, FiniteSphereMatchesTheBulk) {
  // A strongly disordered fcc (σ = 0.3 Å, first peak broadened like a liquid's) as bulk, and
  // a sphere of radius 22 Å (3835 atoms) cut from a larger, independently drawn copy. Without
  // the shell correction the sphere's g(r) would fall to 0.68 at 10 Å (the fraction of shells
  // inside); with it both agree within the sphere's counting noise (≈ 2 % per shell).
  const double a = 3.6;
  const auto bulk = cubic_crystal(fcc_basis(), a, 12, 73, 0.3, 5);
  const auto big = cubic_crystal(fcc_basis(), a, 16, 73, 0.3, 6);
  const Vec3 c = Vec3::Constant(8 * a);
  auto ball =
      core::carve(big, [&](const Vec3& r, int, std::size_t) { return (r - c).norm() < 22.0; });
  ball.cell().pbc = {false, false, false};
  const core::ExecutionContext ctx{2};
  const auto gb = pair_distribution(bulk, {}, ctx);
  const auto gs = pair_distribution(ball, {}, ctx);
  EXPECT_EQ(gs.normalization, ShellNormalization::kFiniteWindow);
  // The window is the particle: density of the bulk within a percent or two.
  EXPECT_NEAR(gs.density_per_A3 / gb.density_per_A3, 1.0, 0.02);
  // Where pairs exist (r ≥ 1.5 Å), f(r) is that of centres uniform in a ball of radius 22 Å,
  // 1 − 3r/4R + r³/16R³, to about a percent. (Closer in, f → 1: no atom sits on the boundary.)
  for (std::size_t k = 15; k < gs.r_A.size(); ++k) {
    const double r = gs.r_A[k], R = 22.0;
    EXPECT_NEAR(gs.window_fraction[k], 1 - 0.75 * r / R + r * r * r / (16 * R * R * R), 0.015);
  }
  double sq = 0, n = 0;
  for (std::size_t k = 0; k < gb.r_A.size(); ++k)
    if (gb.r_A[k] >= 2.0) {
      sq += (gs.g[k] - gb.g[k]) * (gs.g[k] - gb.g[k]);
      n += 1;
      EXPECT_NEAR(gs.g[k], gb.g[k], 0.08) << "r = " << gb.r_A[k];
    }
  EXPECT_LT(std::sqrt(sq / n), 0.03);
  EXPECT_NEAR(mean_over(gs, gs.g, 8.0, 10.0), 1.0, 0.03);
  EXPECT_NEAR(gs.first_shell.peak_A, gb.first_shell.peak_A, 0.11);
}

TEST(PairDistribution, GroupsCombineSpecies) {
  auto m = cubic_crystal(fcc_basis(), 3.6, 6, 40, 0.1, 2);
  for (std::size_t i = 0; i < m.size(); ++i)
    m.Z()[i] = static_cast<std::uint8_t>(i % 3 == 0 ? 29 : (i % 3 == 1 ? 40 : 28));
  PairDistributionParams p;
  p.groups = {{"Zr", {40}}, {"X", {29, 28, 13}}};
  const auto g = pair_distribution(m, p, core::ExecutionContext{2});
  ASSERT_EQ(g.group_partials.size(), 3u);
  EXPECT_EQ(g.group_partials[0].name, "Zr-Zr");
  EXPECT_EQ(g.group_partials[1].name, "Zr-X");
  EXPECT_EQ(g.group_partials[2].name, "X-X");
  // Pair counts add up: N(N−1) g = Σ over ordered group pairs of N_a (N_b − δ_ab) g_ab.
  const double n = double(m.size()), nz = n / 3.0, nx = n - nz;
  for (std::size_t k = 0; k < g.r_A.size(); ++k) {
    EXPECT_NEAR(n * (n - 1) * g.g[k],
                nz * (nz - 1) * g.group_partials[0].g[k] + 2 * nz * nx * g.group_partials[1].g[k] +
                    nx * (nx - 1) * g.group_partials[2].g[k],
                1e-9 * n * n);
  }
  p.groups = {{"Zr", {40}}, {"Y", {39}}};
  EXPECT_THROW(pair_distribution(m, p, core::ExecutionContext{2}), InputError);
}

TEST(PairDistribution, TriclinicCellAndThreadsGiveIdenticalResults) {
  const auto ortho = cubic_crystal(fcc_basis(), 3.6, 6, 73, 0.25, 9);
  auto tri = ortho;
  tri.cell().vectors_A.row(0) += 2.0 * tri.cell().vectors_A.row(2);
  const auto a = pair_distribution(ortho, {}, core::ExecutionContext{1});
  const auto b = pair_distribution(tri, {}, core::ExecutionContext{3});
  for (std::size_t k = 0; k < a.g.size(); ++k) EXPECT_NEAR(a.g[k], b.g[k], 1e-9);
  const auto c = pair_distribution(ortho, {}, core::ExecutionContext{4});
  EXPECT_EQ(a.g, c.g);
}

TEST(PairDistribution, FirstShellOfASmoothCurve) {
  // g = 1 + 2 e^{−(r−2.8)²/0.05} − 0.8 e^{−(r−4.1)²/0.1}: peak at 2.8, valley near 4.1.
  std::vector<double> r, g;
  for (int k = 0; k < 100; ++k) {
    r.push_back(0.05 + 0.1 * k);
    g.push_back(1 + 2 * std::exp(-std::pow(r.back() - 2.8, 2) / 0.05) -
                0.8 * std::exp(-std::pow(r.back() - 4.1, 2) / 0.1));
  }
  const FirstShell s = find_first_shell(r, g);
  EXPECT_NEAR(s.peak_A, 2.75, 0.051);
  EXPECT_NEAR(s.valley_A, 4.1, 0.03);
  EXPECT_THROW(find_first_shell({1, 2}, {1, 2}), InputError);
}

TEST(PairDistribution, RejectsBadInput) {
  PairDistributionParams p;
  p.bin_A = 0;
  EXPECT_THROW(p.validate(), InputError);
  EXPECT_THROW(pair_distribution(core::AtomicModel{}, {}, core::ExecutionContext{1}), InputError);
  auto film = ideal_gas(100, 10.0);
  film.cell().pbc = {true, true, false};
  EXPECT_THROW(pair_distribution(film, {}, core::ExecutionContext{1}), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
