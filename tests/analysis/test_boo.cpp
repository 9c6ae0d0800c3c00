// Bond-orientational order: spherical harmonics against the C++17 special functions, and the
// Q4/Q6 of perfect lattices (PHYSICS.md §7 reference values; sc derived below).

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "structures.hpp"
#include "vitrum/analysis/boo.hpp"
#include "vitrum/analysis/spherical_harmonics.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

TEST(SphericalHarmonics, MatchStdSphLegendreTimesPhase) {
  const int l_max = 12;
  std::vector<std::complex<double>> y(harmonic_index(l_max, l_max) + 1);
  for (const Vec3& r :
       {Vec3(0.3, -0.4, 0.86), Vec3(-1, 2, -0.5), Vec3(0, 0, 2), Vec3(0, 0, -1), Vec3(1, 0, 0)}) {
    spherical_harmonics(l_max, r, y);
    const double theta = std::acos(r.z() / r.norm());
    const double phi = std::atan2(r.y(), r.x());
    for (int l = 0; l <= l_max; ++l)
      for (int m = 0; m <= l; ++m) {
        const std::complex<double> expected =
            std::sph_legendre(unsigned(l), unsigned(m), theta) * std::polar(1.0, m * phi);
        EXPECT_NEAR(std::abs(y[harmonic_index(l, m)] - expected), 0.0, 1e-12)
            << "l=" << l << " m=" << m;
      }
  }
}

TEST(SphericalHarmonics, AdditionTheoremSumRule) {
  // Σ_m |Y_lm|² = (2l+1)/(4π) for every direction (Unsöld's theorem).
  std::vector<std::complex<double>> y(harmonic_index(16, 16) + 1);
  spherical_harmonics(16, Vec3(0.2, 0.7, -0.3), y);
  for (int l = 0; l <= 16; ++l) {
    double s = std::norm(y[harmonic_index(l, 0)]);
    for (int m = 1; m <= l; ++m) s += 2.0 * std::norm(y[harmonic_index(l, m)]);
    EXPECT_NEAR(s, (2.0 * l + 1.0) / (4.0 * std::numbers::pi), 1e-12) << "l=" << l;
  }
  EXPECT_THROW(spherical_harmonics(17, Vec3(1, 0, 0), y), InputError);
}

struct Expected {
  double q4, q6;
};

void expect_lattice(const core::AtomicModel& m, double rc, Expected e, std::uint32_t neighbours) {
  const NeighborList list(NeighborQuery(m, NeighborParams{rc}), core::ExecutionContext{2});
  BooParams p;
  p.rc_A = rc;
  const BooResult boo = bond_orientational_order(m, list, p, core::ExecutionContext{2});
  for (std::size_t i = 0; i < m.size(); ++i) {
    ASSERT_EQ(boo.neighbor_count[i], neighbours);
    // In a perfect lattice every atom is alike, so Q̄_l = Q_l.
    EXPECT_NEAR(boo.q[0][i], e.q4, 1e-6);
    EXPECT_NEAR(boo.q[1][i], e.q6, 1e-6);
    EXPECT_NEAR(boo.qbar[0][i], e.q4, 1e-6);
    EXPECT_NEAR(boo.qbar[1][i], e.q6, 1e-6);
  }
}

TEST(Boo, FccLattice) {
  // 12 neighbours at a/√2 = 2.55 Å; the next shell is at a = 3.6 Å.
  expect_lattice(cubic_crystal(fcc_basis(), 3.6, 4), 3.0, {0.190941, 0.574524}, 12);
}

TEST(Boo, BccLatticeWithBothShells) {
  // The reference values hold for the 8 + 6 neighbours at √3a/2 = 2.86 Å and a = 3.3 Å.
  expect_lattice(cubic_crystal(bcc_basis(), 3.3, 5), 4.0, {0.036370, 0.510688}, 14);
}

TEST(Boo, HcpLattice) { expect_lattice(hcp_crystal(3.2, 4, 3, 3), 3.6, {0.097222, 0.484762}, 12); }

TEST(Boo, SimpleCubicLatticeMatchesTheAdditionTheorem) {
  // Q_l² = (1/N_b²) Σ_{j,k} P_l(cos γ_jk) (addition theorem). Six neighbours ±x, ±y, ±z: 6
  // pairs with γ = 0, 6 with γ = π (P_l(−1) = 1 for even l), 24 with γ = π/2, so
  // Q_l² = (12 + 24 P_l(0))/36: P_4(0) = 3/8 → Q4 = √(7/12) = 0.763763;
  // P_6(0) = −5/16 → Q6 = √(1/8) = 0.353553.
  expect_lattice(cubic_crystal(sc_basis(), 2.7, 5), 3.2, {std::sqrt(7.0 / 12.0), std::sqrt(0.125)},
                 6);
}

TEST(Boo, TriclinicCellGivesTheOrthorhombicResult) {
  // The same periodic system described by a sheared cell (b' = b + a, a lattice vector of
  // the same periodicity), with noise so that every atom differs.
  const auto ortho = cubic_crystal(fcc_basis(), 3.6, 5, 73, 0.15, 21);
  auto tri = ortho;
  tri.cell().vectors_A.row(1) += tri.cell().vectors_A.row(0);
  tri.cell().vectors_A.row(2) -= 2.0 * tri.cell().vectors_A.row(1);
  BooParams p;
  p.rc_A = 3.1;
  const core::ExecutionContext ctx{2};
  const auto a = bond_orientational_order(
      ortho, NeighborList(NeighborQuery(ortho, NeighborParams{3.1}), ctx), p, ctx);
  const auto b = bond_orientational_order(
      tri, NeighborList(NeighborQuery(tri, NeighborParams{3.1}), ctx), p, ctx);
  for (std::size_t i = 0; i < ortho.size(); ++i) {
    EXPECT_NEAR(a.qbar_of(6)[i], b.qbar_of(6)[i], 1e-12);
    EXPECT_NEAR(a.qbar_of(4)[i], b.qbar_of(4)[i], 1e-12);
    EXPECT_EQ(a.crystalline[i], b.crystalline[i]);
  }
}

TEST(Boo, CrystallineLabelsAndTheIsolatedAtomRule) {
  const core::ExecutionContext ctx{2};
  // A perfect crystal: every atom has normalised BOO 1 and is crystalline.
  const auto fcc = cubic_crystal(fcc_basis(), 3.6, 4);
  BooParams p;
  p.rc_A = 3.0;
  auto boo = bond_orientational_order(
      fcc, NeighborList(NeighborQuery(fcc, NeighborParams{3.0}), ctx), p, ctx);
  EXPECT_NEAR(boo.boo_norm[0], 1.0, 1e-6);
  EXPECT_EQ(boo.crystalline_fraction, 1.0);

  // An ideal gas at a metal's density is disordered: Q̄ is small, few atoms pass 0.5, and
  // the isolated-atom rule removes the scattered ones.
  const auto gas = ideal_gas(4000, 40.0, 3);
  BooParams g;
  g.rc_A = 3.4;
  const NeighborList gl(NeighborQuery(gas, NeighborParams{3.4}), ctx);
  g.isolated_rule = IsolatedAtomRule::kNone;
  const auto raw = bond_orientational_order(gas, gl, g, ctx);
  g.isolated_rule = IsolatedAtomRule::kReference;
  const auto ruled = bond_orientational_order(gas, gl, g, ctx);
  EXPECT_LT(raw.crystalline_fraction, 0.2);
  EXPECT_LE(ruled.crystalline_fraction, raw.crystalline_fraction);
  for (std::size_t i = 0; i < gas.size(); ++i) EXPECT_LE(ruled.crystalline[i], raw.crystalline[i]);

  // A lone crystalline cluster: 13 fcc atoms (a centre and its 12 neighbours) in vacuum. Each
  // has ≤ 12 crystalline atoms within 8 Å, so all are isolated with no core: relabelled.
  core::AtomicModel cluster(core::Cell::orthorhombic(30, 30, 30, {false, false, false}));
  for (const Vec3& r : fcc.positions_A())
    if ((r - Vec3(7.2, 7.2, 7.2)).norm() < 3.0) cluster.add_atom(r, 73);
  ASSERT_EQ(cluster.size(), 13u);
  BooParams c;
  c.rc_A = 3.0;
  c.crystal_threshold = 0.01;  // every atom passes the threshold ...
  const NeighborList cl(NeighborQuery(cluster, NeighborParams{3.0}), ctx);
  const auto kept = bond_orientational_order(cluster, cl, c, ctx);
  EXPECT_EQ(kept.crystalline_fraction, 0.0);  // ... and the rule relabels all of them
  c.isolated_min_crystalline = 12;            // now 12 others within 8 Å suffices for "core"
  const auto core_kept = bond_orientational_order(cluster, cl, c, ctx);
  EXPECT_EQ(core_kept.crystalline_fraction, 1.0);
}

TEST(Boo, ResultDoesNotDependOnThreads) {
  const auto m = cubic_crystal(fcc_basis(), 3.6, 6, 73, 0.2, 5);
  BooParams p;
  p.rc_A = 3.2;
  const auto one = bond_orientational_order(
      m, NeighborList(NeighborQuery(m, NeighborParams{3.2}), core::ExecutionContext{1}), p,
      core::ExecutionContext{1});
  const auto three = bond_orientational_order(
      m, NeighborList(NeighborQuery(m, NeighborParams{3.2}), core::ExecutionContext{3}), p,
      core::ExecutionContext{3});
  EXPECT_EQ(one.qbar, three.qbar);
  EXPECT_EQ(one.crystalline, three.crystalline);
}

TEST(Boo, ValidatesItsParameters) {
  BooParams p;
  p.rc_A = -1;
  EXPECT_THROW(p.validate(), InputError);
  p = BooParams{};
  p.degrees = {4, 40};
  EXPECT_THROW(p.validate(), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
