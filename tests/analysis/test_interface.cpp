// Crystal–amorphous interface: nuclei, distances to their surface, and the fit of
// y = a e^{−x/d_c} + b.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "structures.hpp"
#include "vitrum/analysis/interface.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

TEST(Interface, ExponentialFitRecoversItsParameters) {
  std::vector<double> x, y;
  for (int k = 0; k < 200; ++k) {
    x.push_back(2.5 + 0.06 * k);
    y.push_back(0.45 * std::exp(-x.back() / 3.0) + 0.28);
  }
  const ExponentialFit f = fit_exponential_decay(x, y);
  EXPECT_NEAR(f.d_c_A, 3.0, 1e-6);
  EXPECT_NEAR(f.a, 0.45, 1e-6);
  EXPECT_NEAR(f.b, 0.28, 1e-7);
  EXPECT_LT(f.rms, 1e-8);
  EXPECT_FALSE(f.at_bound);
  // A straight line has no decay length (d_c → ∞): the search ends at its bound and says so.
  std::vector<double> line;
  for (double v : x) line.push_back(0.5 - 0.01 * v);
  EXPECT_TRUE(fit_exponential_decay(x, line).at_bound);
  EXPECT_THROW(fit_exponential_decay(std::vector<double>{1, 2}, std::vector<double>{1, 2}),
               InputError);
}

TEST(Interface, NucleusDistancesAndDecayLength) {
  // A crystalline slab (x < 12 Å) in a random packing; the amorphous atoms' BOO decays with
  // their distance d to the nearest slab atom as 0.3 + 0.5 e^{−d/4.2} plus deterministic
  // "noise" of ±0.02: the fit recovers d_c = 4.2 Å within the noise's effect.
  const auto m = ideal_gas(3000, 36.0, 8);
  std::vector<std::uint8_t> crystal(m.size());
  for (std::size_t i = 0; i < m.size(); ++i) crystal[i] = m.positions_A()[i].x() < 12.0;
  // Brute-force distance to the slab, periodic images included.
  std::vector<double> d(m.size(), std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (!crystal[j] || crystal[i]) continue;
      core::Vec3 v = m.positions_A()[j] - m.positions_A()[i];
      for (int a = 0; a < 3; ++a) v[a] -= 36.0 * std::round(v[a] / 36.0);
      d[i] = std::min(d[i], v.norm());
    }
  std::vector<double> boo(m.size(), 0.9);
  for (std::size_t i = 0; i < m.size(); ++i)
    if (!crystal[i]) boo[i] = 0.3 + 0.5 * std::exp(-d[i] / 4.2) + (i % 2 ? 0.02 : -0.02);
  InterfaceParams p;
  p.max_distance_A = 20.0;
  const InterfaceResult r = crystal_interface(m, boo, crystal, p, core::ExecutionContext{2});
  ASSERT_EQ(r.nuclei, 1u);  // the slab is one connected nucleus (mean spacing 2.5 Å)
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (crystal[i]) {
      EXPECT_LT(r.signed_distance_A[i], 0.0);
    } else {
      ASSERT_NEAR(r.signed_distance_A[i], d[i], 1e-9);
    }
  }
  EXPECT_NEAR(r.fit.d_c_A, 4.2, 0.05);
  EXPECT_NEAR(r.fit.b, 0.3, 0.01);
  EXPECT_NEAR(r.fit.rms, 0.02, 1e-3);
  // The profile's first bins follow the curve.
  EXPECT_GT(r.profile_boo[1], r.profile_boo[10]);
}

TEST(Interface, NoNucleusNoFit) {
  const auto m = ideal_gas(200, 15.0, 2);
  const std::vector<std::uint8_t> crystal(m.size(), 0);
  const std::vector<double> boo(m.size(), 0.3);
  const auto r = crystal_interface(m, boo, crystal, {}, core::ExecutionContext{1});
  EXPECT_EQ(r.nuclei, 0u);
  EXPECT_EQ(r.fit.points, 0u);
  InterfaceParams p;
  p.link_A = 0;
  EXPECT_THROW(p.validate(), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
