// Chemical SRO: a random alloy has Warren–Cowley α ≈ 0 and the seed-002 α = 2c − 1; an
// ordered L1₂ crystal has the α its structure dictates.

#include <gtest/gtest.h>

#include "structures.hpp"
#include "vitrum/analysis/sro.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

ShortRangeOrder sro_of(const core::AtomicModel& m, double rc,
                       std::vector<SpeciesGroup> groups = {}) {
  const NeighborList list(NeighborQuery(m, NeighborParams{rc}), core::ExecutionContext{2});
  ShortRangeOrderParams p;
  p.rc_A = rc;
  p.pseudo_binary = std::move(groups);
  return short_range_order(m, list, p);
}

TEST(ShortRangeOrder, RandomBinaryAlloyHasNoWarrenCowleyOrder) {
  // 10 976 atoms on fcc sites, 65 % Zr at random. Each α_ab is an average over ~10⁵ bonds:
  // its standard error is ~ sqrt((1−c)/(c·N·CN)) ≈ 0.005, so |α| < 0.025 is 5σ.
  auto m = cubic_crystal(fcc_basis(), 3.6, 14, 40, 0.05, 3);
  randomize_species(m, 40, 29, 0.65, 12);
  const auto s = sro_of(m, 3.1, {{"Zr", {40}}, {"X", {29}}});
  ASSERT_EQ(s.species, (std::vector<int>{29, 40}));
  for (double a : s.warren_cowley) EXPECT_NEAR(a, 0.0, 0.025);
  EXPECT_NEAR(s.cn_mean, 12.0, 1e-12);
  EXPECT_NEAR(s.coordination[0] + s.coordination[1], 12.0, 1e-12);
  ASSERT_TRUE(s.pseudo_binary.has_value());
  const auto& pb = *s.pseudo_binary;
  EXPECT_NEAR(pb.p_aa + pb.p_ax + pb.p_xx, 1.0, 1e-12);
  EXPECT_NEAR(pb.p_aa, pb.c_a * pb.c_a, 0.01);
  EXPECT_NEAR(pb.alpha_warren_cowley, 0.0, 0.025);
  // The seed-002 α is not an order parameter: for a random alloy it is 2c − 1 (PHYSICS.md §6).
  EXPECT_NEAR(pb.alpha_seed002, 2.0 * pb.c_a - 1.0, 0.02);
}

TEST(ShortRangeOrder, OrderedL12Crystal) {
  // Cu₃Au (L1₂): Au on the cube corners, Cu on the face centres. Each Au has 12 Cu neighbours,
  // each Cu 8 Cu and 4 Au. c_Au = 1/4: α_AuAu = 1 − 0/(1/4) = 1, α_AuCu = 1 − 1/(3/4) = −1/3,
  // α_CuAu = 1 − (4/12)/(1/4) = −1/3, α_CuCu = 1 − (8/12)/(3/4) = 1/9.
  auto m = cubic_crystal(fcc_basis(), 3.75, 4, 29);
  for (std::size_t i = 0; i < m.size(); i += 4) m.Z()[i] = 79;
  const auto s = sro_of(m, 3.0, {{"Au", {79}}, {"Cu", {29}}});
  ASSERT_EQ(s.species, (std::vector<int>{29, 79}));
  EXPECT_NEAR(s.warren_cowley[0], 1.0 / 9.0, 1e-12);   // Cu–Cu
  EXPECT_NEAR(s.warren_cowley[1], -1.0 / 3.0, 1e-12);  // Cu–Au
  EXPECT_NEAR(s.warren_cowley[2], -1.0 / 3.0, 1e-12);  // Au–Cu
  EXPECT_NEAR(s.warren_cowley[3], 1.0, 1e-12);         // Au–Au
  EXPECT_NEAR(s.coordination[2], 12.0, 1e-12);
  EXPECT_NEAR(s.coordination[1], 4.0, 1e-12);
  const auto& pb = *s.pseudo_binary;
  // Bonds: Au–Au 0, Au–Cu 12 per Au (= half of all 24/Au-formula-unit bonds), Cu–Cu the rest.
  EXPECT_NEAR(pb.p_aa, 0.0, 1e-12);
  EXPECT_NEAR(pb.p_ax, 0.5, 1e-12);
  EXPECT_NEAR(pb.p_xx, 0.5, 1e-12);
  EXPECT_NEAR(pb.alpha_warren_cowley, -1.0 / 3.0, 1e-12);
  // P_random = (0.5 + 2·0)/2 = 0.25 → α = 0.5/0.25 − 1 = 1.
  EXPECT_NEAR(pb.alpha_seed002, 1.0, 1e-12);
}

TEST(ShortRangeOrder, ValidatesItsParameters) {
  ShortRangeOrderParams p;
  p.pseudo_binary = {{"Zr", {40}}};
  EXPECT_THROW(p.validate(), InputError);
  const auto m = cubic_crystal(fcc_basis(), 3.6, 3, 40);
  EXPECT_THROW(sro_of(m, 3.0, {{"Zr", {40}}, {"X", {29}}}), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
