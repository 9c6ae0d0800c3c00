#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/rng.hpp"

namespace vitrum::core {
namespace {

// Draws a few values of every kind from the stream of each item, in parallel.
std::vector<double> draw_per_item(int threads, std::uint64_t seed, std::size_t items) {
  std::vector<double> out(items * 3);
  parallel_for(
      ExecutionContext{threads}, 0, items,
      [&](std::size_t i) {
        RngStream rng(seed, "test.noise", i);
        out[3 * i] = rng.uniform();
        out[3 * i + 1] = rng.normal();
        out[3 * i + 2] = static_cast<double>(rng.poisson(40.0 + static_cast<double>(i)));
      },
      Schedule::kDynamic);
  return out;
}

TEST(Rng, SameSeedGivesIdenticalStreamsWithOneAndTwoThreads) {
  const auto one = draw_per_item(1, 42, 1000);
  const auto two = draw_per_item(2, 42, 1000);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], two[i]) << "draw " << i;
}

TEST(Rng, SeedStageAndItemEachChangeTheStream) {
  const std::uint64_t base = RngStream(1, "a", 0).next_u64();
  EXPECT_NE(base, RngStream(2, "a", 0).next_u64());
  EXPECT_NE(base, RngStream(1, "b", 0).next_u64());
  EXPECT_NE(base, RngStream(1, "a", 1).next_u64());
  EXPECT_EQ(base, RngStream(1, "a", 0).next_u64());
}

// Sample mean and variance; checks against the true moments use 5 standard errors, so a
// correct generator fails with probability < 1e-6 (and the seed is fixed, so never flakes).
struct Moments {
  double mean = 0, variance = 0;
};
template <class Draw>
Moments moments(std::size_t n, Draw draw) {
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = draw();
    sum += x, sum2 += x * x;
  }
  const double mean = sum / static_cast<double>(n);
  return {mean, sum2 / static_cast<double>(n) - mean * mean};
}

TEST(Rng, UniformHasTheMomentsOfU01) {
  RngStream rng(7, "test", 0);
  const std::size_t n = 200000;
  const Moments m = moments(n, [&] { return rng.uniform(); });
  EXPECT_NEAR(m.mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(m.variance, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
}

TEST(Rng, NormalHasZeroMeanAndUnitVariance) {
  RngStream rng(7, "test", 1);
  const std::size_t n = 200000;
  const Moments m = moments(n, [&] { return rng.normal(); });
  EXPECT_NEAR(m.mean, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(m.variance, 1.0, 5 * std::sqrt(2.0 / n));
}

TEST(Rng, PoissonMeanEqualsVarianceInBothRegimes) {
  // Small means use inversion, large ones PTRS; both must give mean = variance = μ.
  for (double mu : {0.3, 3.0, 9.5, 10.0, 57.0, 2.5e4}) {
    RngStream rng(11, "test.poisson", static_cast<std::uint64_t>(mu * 10));
    const std::size_t n = 100000;
    const Moments m = moments(n, [&] { return static_cast<double>(rng.poisson(mu)); });
    // Var(sample mean) = μ/n; Var(sample variance) ≈ (μ + 2μ²)/n for a Poisson.
    EXPECT_NEAR(m.mean, mu, 5 * std::sqrt(mu / n)) << "mean " << mu;
    EXPECT_NEAR(m.variance, mu, 5 * std::sqrt((mu + 2 * mu * mu) / n)) << "mean " << mu;
  }
}

TEST(Rng, PoissonZeroMeanIsZeroAndBadMeanIsRejected) {
  RngStream rng(1, "test", 0);
  EXPECT_EQ(rng.poisson(0.0), 0u);
  EXPECT_THROW(rng.poisson(-1.0), InputError);
  EXPECT_THROW(rng.poisson(INFINITY), InputError);
}

TEST(Parallel, RethrowsTheFirstErrorOfABody) {
  EXPECT_THROW(parallel_for(ExecutionContext{2}, 0, 100,
                            [](std::size_t i) {
                              if (i == 37) throw NumericsError("item 37 failed");
                            }),
               NumericsError);
}

}  // namespace
}  // namespace vitrum::core
