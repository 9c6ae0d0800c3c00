// Medium-range order: solute superlattices in a matrix are found as networks of the right
// template, with their lattice constant; random solutes form none.

#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include "structures.hpp"
#include "vitrum/analysis/mro.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

// Solute (Pt) atoms on a lattice plus a random Cu matrix (every matrix atom ≥ 1.5 Å from
// every solute atom), periodic.
core::AtomicModel embedded(const core::AtomicModel& lattice) {
  core::AtomicModel m = lattice;
  for (std::size_t i = 0; i < m.size(); ++i) m.Z()[i] = 78;
  const double box = m.cell().vectors_A(0, 0);
  const auto gas = ideal_gas(m.size() * 3, box, 77, 29, 29, 1.0);
  for (const core::Vec3& r : gas.positions_A()) {
    bool clear = true;
    for (const core::Vec3& s : lattice.positions_A()) {
      core::Vec3 d = r - s;
      for (int a = 0; a < 3; ++a) d[a] -= box * std::round(d[a] / box);
      clear = clear && d.norm() > 1.5;
    }
    if (clear) m.add_atom(r, 29);
  }
  return m;
}

MroResult run(const core::AtomicModel& m, std::span<const double> boo = {}) {
  MroParams p;
  p.solute_Z = {78};
  return medium_range_order(m, boo, p, core::ExecutionContext{2});
}

void expect_one_network(const core::AtomicModel& lattice, MroTemplate kind, double a) {
  const auto m = embedded(lattice);
  const auto r = run(m);
  EXPECT_EQ(r.solute_atoms, lattice.size());
  ASSERT_FALSE(r.networks.empty());
  const MroNetwork& net = r.networks[0];
  EXPECT_EQ(to_string(net.kind), to_string(kind));
  EXPECT_EQ(net.atoms.size(), lattice.size());
  EXPECT_NEAR(net.lattice_A, a, 1e-6);
  EXPECT_LT(net.rms_A, 1e-6);
  for (std::uint32_t i : net.atoms) EXPECT_LT(i, lattice.size());  // only solute atoms
}

TEST(MediumRangeOrder, FccSuperlattice) {
  // NN 6/√2 = 4.24 Å, inside the 3.858–6.079 Å link range (as is the second shell, 6 Å).
  expect_one_network(cubic_crystal(fcc_basis(), 6.0, 3), MroTemplate::kFcc, 6.0);
}

TEST(MediumRangeOrder, BccSuperlattice) {
  expect_one_network(cubic_crystal(bcc_basis(), 5.0, 4), MroTemplate::kBcc, 5.0);
}

TEST(MediumRangeOrder, SimpleCubicSuperlattice) {
  expect_one_network(cubic_crystal(sc_basis(), 4.5, 5), MroTemplate::kSc, 4.5);
}

TEST(MediumRangeOrder, HcpSuperlatticeIsNotFcc) {
  const auto hcp = hcp_crystal(4.4, 4, 3, 3, 78);
  const auto r = run(embedded(hcp));
  ASSERT_FALSE(r.networks.empty());
  EXPECT_EQ(to_string(r.networks[0].kind), "hcp");
  EXPECT_EQ(r.networks[0].atoms.size(), hcp.size());
  EXPECT_NEAR(r.networks[0].lattice_A, 4.4, 1e-6);
}

TEST(MediumRangeOrder, IcosahedralSuperclusterIsIcosahedral) {
  // 13 solute centres on the template itself: a centre and the 12 vertices of an icosahedron
  // 5 Å from it (vertex–vertex 5.26 Å, both inside the link range). The crystal templates fit
  // it badly (the closest cuboctahedron vertex is ≈ 0.23 × 5 Å = 1.2 Å from an icosahedron
  // vertex, beyond the 0.75 Å tolerance), so the largest network is icosahedral, holds all 13
  // and has the centre–vertex distance as its "lattice constant".
  expect_one_network(icosahedron(5.0), MroTemplate::kIcosahedral, 5.0);
  // Rotated and with σ = 0.1 Å noise it is still all 13, with an RMS of the order of the noise.
  auto noisy = icosahedron(5.0);
  const core::Mat3 rot =
      Eigen::AngleAxisd(0.7, core::Vec3(1, 2, 3).normalized()).toRotationMatrix();
  for (std::size_t i = 0; i < noisy.size(); ++i) {
    core::RngStream rng(11, "test.ico", i);
    noisy.positions_A()[i] = core::Vec3(10, 10, 10) +
                             rot * (noisy.positions_A()[i] - core::Vec3(10, 10, 10)) +
                             0.1 * core::Vec3(rng.normal(), rng.normal(), rng.normal());
  }
  const auto r = run(embedded(noisy));
  ASSERT_FALSE(r.networks.empty());
  EXPECT_EQ(to_string(r.networks[0].kind), "ico");
  EXPECT_EQ(r.networks[0].atoms.size(), 13u);
  EXPECT_NEAR(r.networks[0].lattice_A, 5.0, 0.1);
  EXPECT_GT(r.networks[0].rms_A, 0.02);
  EXPECT_LT(r.networks[0].rms_A, 0.3);
  // Without the icosahedral template no network holds all 13.
  MroParams crystal;
  crystal.solute_Z = {78};
  crystal.templates = {MroTemplate::kFcc, MroTemplate::kHcp, MroTemplate::kBcc, MroTemplate::kSc};
  const auto c = medium_range_order(embedded(noisy), {}, crystal, core::ExecutionContext{1});
  for (const MroNetwork& net : c.networks) EXPECT_LT(net.atoms.size(), 13u);
}

TEST(MediumRangeOrder, NoisySuperlatticeStillMatches) {
  // σ = 0.15 Å per axis: every atom stays well within 0.75 Å of its site.
  const auto noisy = cubic_crystal(fcc_basis(), 6.0, 3, 78, 0.15, 5);
  const auto r = run(embedded(noisy));
  ASSERT_FALSE(r.networks.empty());
  EXPECT_EQ(to_string(r.networks[0].kind), "fcc");
  EXPECT_EQ(r.networks[0].atoms.size(), noisy.size());
  EXPECT_NEAR(r.networks[0].rms_A, 0.15 * std::sqrt(3.0), 0.05);
}

TEST(MediumRangeOrder, RandomSolutesAndCrystallineSeedsGiveNoLargeNetwork) {
  auto gas = ideal_gas(300, 30.0, 9, 78, 78, 1.0);
  const auto r = run(gas);
  ASSERT_FALSE(r.networks.empty());            // small chance groups of 4 exist ...
  EXPECT_LT(r.networks[0].atoms.size(), 20u);  // ... but nothing like a superlattice
  // Seeds must be amorphous: with every atom crystalline (BOO 0.9) nothing is grown.
  const auto fcc = cubic_crystal(fcc_basis(), 6.0, 3, 78);
  const std::vector<double> boo(fcc.size(), 0.9);
  const auto none = run(fcc, boo);
  EXPECT_EQ(none.seeds, 0u);
  EXPECT_TRUE(none.networks.empty());
  MroParams bad;
  EXPECT_THROW(bad.validate(), InputError);  // no solute named
}

}  // namespace
}  // namespace vitrum::analysis

namespace vitrum::analysis {
namespace {

TEST(MediumRangeOrder, ResultDoesNotDependOnThreads) {
  // A noisy fcc solute lattice with a third of its sites emptied: many seeds, overlapping
  // candidate networks, the same accepted networks for 1 and 3 threads.
  auto lattice = testing::cubic_crystal(testing::fcc_basis(), 6.0, 4, 78, 0.2, 12);
  const auto holes =
      core::carve(lattice, [](const core::Vec3&, int, std::size_t i) { return i % 3 != 0; });
  MroParams p;
  p.solute_Z = {78};
  const auto one = medium_range_order(holes, {}, p, core::ExecutionContext{1});
  const auto three = medium_range_order(holes, {}, p, core::ExecutionContext{3});
  ASSERT_EQ(one.networks.size(), three.networks.size());
  ASSERT_FALSE(one.networks.empty());
  for (std::size_t k = 0; k < one.networks.size(); ++k) {
    EXPECT_EQ(one.networks[k].atoms, three.networks[k].atoms);
    EXPECT_EQ(one.networks[k].rms_A, three.networks[k].rms_A);
  }
}

}  // namespace
}  // namespace vitrum::analysis
