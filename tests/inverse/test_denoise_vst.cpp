// The generalised Anscombe transform, its exact unbiased inverse and the noise estimate
// (inverse/preprocess/denoise.hpp): statistics of Poisson–Gaussian samples.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"

namespace vitrum::inverse {
namespace {

/// One draw of z = α·Poisson(y/α) + N(μ, σ²).
double draw(core::RngStream& rng, double y, const NoiseModel& m) {
  return m.alpha * static_cast<double>(rng.poisson(y / m.alpha)) + m.sigma * rng.normal() +
         m.offset;
}

struct Moments {
  double mean, variance;
};

/// Mean and variance of f(z) over n draws at signal y.
Moments gat_moments(double y, const NoiseModel& m, std::size_t n, std::uint64_t item) {
  core::RngStream rng(7, "test.gat", item);
  double s = 0.0, s2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double f = gat_forward(draw(rng, y, m), m);
    s += f;
    s2 += f * f;
  }
  const double mean = s / double(n);
  return {mean, s2 / double(n) - mean * mean};
}

// A Poisson–Gaussian model of an ADF detector: 2 image units per count, σ of 1.5 counts,
// a dark level of 10.
const NoiseModel kModel{2.0, 3.0, 10.0};

TEST(Gat, StabilisesTheVarianceToOneFromTwoCounts) {
  // Exact values for σ̃ = 1.5 (quadrature): 1.118 at 2 counts, 1.084 at 3, 1.042 at 5, 1.011 at
  // 10 — the GAT's known overshoot at low counts (Mäkitalo & Foi 2013, Fig. 1).
  for (double counts : {2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1000.0}) {
    const Moments m = gat_moments(counts * kModel.alpha, kModel, 200000, std::uint64_t(counts));
    std::printf("[ gat ] %6.0f counts: Var[f(z)] = %.3f\n", counts, m.variance);
    EXPECT_NEAR(m.variance, 1.0, counts < 5.0 ? 0.14 : 0.06) << "counts = " << counts;
  }
  // Pure Poisson (Anscombe 1948): the classical behaviour, variance ≈ 1 above a few counts.
  const NoiseModel poisson{1.0, 0.0, 0.0};
  // (exact: 0.924 at 2 counts, 0.983 at 3, 1.001 at 10)
  for (double counts : {2.0, 3.0, 10.0, 100.0})
    EXPECT_NEAR(gat_moments(counts, poisson, 200000, 50).variance, 1.0, 0.09) << counts;
  // Gaussian only: exactly the standardisation.
  const NoiseModel gauss{0.0, 4.0, 1.0};
  EXPECT_DOUBLE_EQ(gat_forward(9.0, gauss), 2.0);
}

TEST(Gat, ExactInverseIsUnbiasedWhereTheAlgebraicIsNot) {
  const GatExactInverse inverse(kModel);
  for (double counts : {5.0, 8.0, 20.0, 50.0, 200.0}) {
    const double y = counts * kModel.alpha;
    const Moments m = gat_moments(y, kModel, 400000, 100 + std::uint64_t(counts));
    // The table's E[f | y] is the Monte-Carlo mean (its standard error is ≈ 0.0016).
    EXPECT_NEAR(inverse.expected_forward(y), m.mean, 0.006) << counts;
    const double exact = inverse(m.mean) - kModel.offset;
    const double algebraic = gat_inverse_algebraic(m.mean, kModel) - kModel.offset;
    std::printf("[ gat ] %5.0f counts: bias of the exact inverse %+.3f %%, algebraic %+.2f %%\n",
                counts, 100.0 * (exact - y) / y, 100.0 * (algebraic - y) / y);
    EXPECT_LT(std::abs(exact - y) / y, 0.01) << "counts = " << counts;
    // f⁻¹(E f) is low by ≈ α/4 (Mäkitalo & Foi 2011): 5 % at 5 counts.
    if (counts <= 20.0) {
      EXPECT_GT(std::abs(algebraic - y) / y, 0.01) << counts;
    }
  }
  // At a count or two the exact inverse still holds in absolute terms.
  for (double counts : {0.5, 1.0, 2.0}) {
    const double y = counts * kModel.alpha;
    const Moments m = gat_moments(y, kModel, 400000, 200 + std::uint64_t(4 * counts));
    EXPECT_NEAR(inverse(m.mean), y + kModel.offset, 0.03 * kModel.alpha) << counts;
  }
}

TEST(Gat, ExactInverseIsMonotoneAndJoinsTheAsymptoticForm) {
  const GatExactInverse inverse(kModel);
  double previous = -1e300;
  for (double d = 0.0; d < 200.0; d += 0.01) {
    const double v = inverse(d);
    ASSERT_GE(v, previous) << d;
    previous = v;
  }
  // Across the end of the table (λ = 1000 counts, D ≈ 63.3) the two forms meet.
  const double d_end = inverse.expected_forward(1000.0 * kModel.alpha);
  EXPECT_NEAR(inverse(d_end - 1e-9), inverse(d_end + 1e-9), 1e-2 * kModel.alpha);
  // Below E[f | 0] the inverse returns the dark level.
  EXPECT_DOUBLE_EQ(inverse(0.0), kModel.offset);
}

TEST(Gat, BadModelsNameTheField) {
  try {
    GatExactInverse bad(NoiseModel{-1.0, 1.0, 0.0});
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("noise.alpha"), std::string::npos) << e.what();
  }
  EXPECT_THROW(GatExactInverse(NoiseModel{0.0, 0.0, 0.0}), InputError);
  EXPECT_THROW(GatExactInverse(NoiseModel{1.0, std::nan(""), 0.0}), InputError);
}

/// A smooth image with means from one to tens of counts, and its noisy draw. The regression
/// extrapolates the variance to E[z] = μ, so σ is only identifiable when part of the image is
/// near zero counts (here a background of 1 count between atoms 20 px apart); on an image
/// covered by atoms (means ≥ 5 counts) σ = 0.5 α came out as 0.
SimulatedImage estimation_image(const NoiseModel& m, std::uint64_t seed) {
  TuneParams p;
  p.size_px = 256;
  p.atom_sigma_px = 4.0;
  p.atom_spacing_px = 20.0;
  p.background = 1.0 * m.alpha;
  p.peak = 40.0 * m.alpha;
  p.seed = seed;
  return simulate_blob_image(m, p);
}

TEST(NoiseEstimate, RecoversAlphaAndSigmaFromTheMeanVarianceRegression) {
  for (const NoiseModel truth :
       {NoiseModel{2.0, 3.0, 0.0}, NoiseModel{1.0, 0.5, 0.0}, NoiseModel{5.0, 20.0, 0.0}}) {
    const SimulatedImage sim = estimation_image(truth, 3);
    const NoiseModel est = estimate_noise(sim.noisy);
    std::printf("[ estimate ] alpha %.3f (true %.3f), sigma %.3f (true %.3f)\n", est.alpha,
                truth.alpha, est.sigma, truth.sigma);
    EXPECT_NEAR(est.alpha, truth.alpha, 0.1 * truth.alpha) << truth.alpha << " " << truth.sigma;
    EXPECT_NEAR(est.sigma, truth.sigma, 0.1 * truth.sigma) << truth.alpha << " " << truth.sigma;
    EXPECT_EQ(est.offset, 0.0);
  }
}

TEST(NoiseEstimate, ABackgroundMaskGivesTheOffsetAndSigma) {
  const NoiseModel truth{2.0, 3.0, 25.0};
  SimulatedImage sim = estimation_image(truth, 4);
  // Vacuum (y = 0) in the left quarter.
  const std::size_t n = sim.noisy.extent(0);
  core::RngStream rng(5, "test.vacuum", 0);
  std::vector<std::uint8_t> mask(n * n, 0);
  for (std::size_t y = 0; y < n; ++y)
    for (std::size_t x = 0; x < n / 4; ++x) {
      sim.noisy(y, x) = static_cast<float>(truth.sigma * rng.normal() + truth.offset);
      mask[y * n + x] = 1;
    }
  const NoiseModel est = estimate_noise(sim.noisy, {}, mask);
  EXPECT_NEAR(est.offset, truth.offset, 0.1);
  EXPECT_NEAR(est.sigma, truth.sigma, 0.05 * truth.sigma);
  EXPECT_NEAR(est.alpha, truth.alpha, 0.1 * truth.alpha);
}

TEST(NoiseEstimate, BadInputNamesTheField) {
  core::Image image({64, 64});
  image(3, 4) = std::nanf("");
  try {
    estimate_noise(image);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "image");
  }
  EXPECT_THROW(estimate_noise(core::Image()), InputError);
  const std::vector<std::uint8_t> short_mask(10, 1);
  EXPECT_THROW(estimate_noise(core::Image({64, 64}), {}, short_mask), InputError);
  NoiseEstimateParams p;
  p.bins = 1;
  try {
    estimate_noise(core::Image({64, 64}), p);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("estimate.bins"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vitrum::inverse
