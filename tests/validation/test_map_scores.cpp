// Map scores (validation/map_scores.hpp): a truth map against itself is perfect, against a
// pixel-permuted copy poor; linear and monotone transforms give the correlations they must;
// non-finite pixels are left out and counted.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "vitrum/core/error.hpp"
#include "vitrum/validation/map_scores.hpp"

namespace vitrum::validation {
namespace {

/// A smooth 64×64 map: a few Gaussian domains on a gradient, like a QoI map of a glass with
/// ordered regions (arbitrary unit).
core::Image domain_map() {
  core::Image map({64, 64}, {1.0, 1.0}, {0.0, 0.0});
  const double centres[][3] = {{15, 20, 6}, {40, 45, 9}, {50, 12, 5}, {22, 50, 7}};
  for (std::size_t y = 0; y < 64; ++y)
    for (std::size_t x = 0; x < 64; ++x) {
      double v = 2.7 + 0.002 * static_cast<double>(x + y);
      for (const auto& c : centres) {
        const double dx = static_cast<double>(x) - c[0], dy = static_cast<double>(y) - c[1];
        v += 0.1 * std::exp(-(dx * dx + dy * dy) / (2 * c[2] * c[2]));
      }
      map.values()[y * 64 + x] = static_cast<float>(v);
    }
  return map;
}

double stddev(const core::Image& map) {
  const auto& v = map.values();
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double s = 0;
  for (float x : v) s += (x - mean) * (x - mean);
  return std::sqrt(s / static_cast<double>(v.size()));
}

TEST(MapScores, TruthAgainstItselfIsPerfect) {
  const core::Image truth = domain_map();
  const MapScores s = score_map(truth, truth);
  EXPECT_DOUBLE_EQ(s.pearson_r, 1.0);
  EXPECT_DOUBLE_EQ(s.spearman_r, 1.0);
  EXPECT_EQ(s.rmse, 0.0);
  EXPECT_EQ(s.nrmse, 0.0);
  EXPECT_EQ(s.bias, 0.0);
  EXPECT_EQ(s.pixels, 64u * 64u);
  EXPECT_EQ(s.valid_fraction, 1.0);
}

TEST(MapScores, PermutedMapIsPoor) {
  // Same values, pixels shuffled: the histogram is right, the pattern is gone. For N
  // independent pixels r has standard deviation ≈ 1/√N = 0.016, and nrmse → √2.
  const core::Image truth = domain_map();
  core::Image permuted = truth;
  std::mt19937_64 rng(7);
  std::shuffle(permuted.values().begin(), permuted.values().end(), rng);
  const MapScores s = score_map(truth, permuted);
  EXPECT_LT(std::abs(s.pearson_r), 4.0 / 64.0);
  EXPECT_LT(std::abs(s.spearman_r), 4.0 / 64.0);
  EXPECT_NEAR(s.nrmse, std::sqrt(2.0), 0.1);
  EXPECT_NEAR(s.bias, 0.0, 1e-6);  // same values: the means agree
}

TEST(MapScores, LinearAndMonotoneTransforms) {
  const core::Image truth = domain_map();
  core::Image scaled = truth, cubed = truth;
  for (float& v : scaled.values()) v = 2.0f * v + 0.5f;
  for (float& v : cubed.values()) v = std::pow(v - 2.6f, 3.0f);
  const MapScores linear = score_map(truth, scaled);
  EXPECT_NEAR(linear.pearson_r, 1.0, 1e-6);
  EXPECT_NEAR(linear.spearman_r, 1.0, 1e-12);
  // result − truth = t + 0.5: bias is the truth's mean + 0.5, rmse ≥ |bias|.
  const double mean = std::accumulate(truth.values().begin(), truth.values().end(), 0.0) / 4096.0;
  EXPECT_NEAR(linear.bias, mean + 0.5, 1e-4);
  EXPECT_GE(linear.rmse, std::abs(linear.bias));
  const MapScores monotone = score_map(truth, cubed);
  EXPECT_NEAR(monotone.spearman_r, 1.0, 1e-12);  // ranks are unchanged
  EXPECT_LT(monotone.pearson_r, 0.99);           // the relation is not linear
}

TEST(MapScores, ConstantOffsetGivesItsRmseAndNrmse) {
  const core::Image truth = domain_map();
  core::Image shifted = truth;
  const double offset = 0.5 * stddev(truth);
  for (float& v : shifted.values()) v = static_cast<float>(v + offset);
  const MapScores s = score_map(truth, shifted);
  EXPECT_NEAR(s.rmse, offset, 1e-5);
  EXPECT_NEAR(s.bias, offset, 1e-5);
  EXPECT_NEAR(s.nrmse, 0.5, 1e-3);
}

TEST(MapScores, NonFinitePixelsAreLeftOutAndCounted) {
  const core::Image truth = domain_map();
  core::Image result = truth;
  for (std::size_t i = 0; i < 4096; i += 4)
    result.values()[i] = std::numeric_limits<float>::quiet_NaN();
  const MapScores s = score_map(truth, result);
  EXPECT_EQ(s.pixels, 3072u);
  EXPECT_DOUBLE_EQ(s.valid_fraction, 0.75);
  EXPECT_DOUBLE_EQ(s.pearson_r, 1.0);
  EXPECT_EQ(s.rmse, 0.0);
}

TEST(MapScores, BadInputIsRefused) {
  const core::Image truth = domain_map();
  const core::Image other({32, 64}, {1.0, 1.0}, {0.0, 0.0});
  EXPECT_THROW(score_map(truth, other), InputError);
  core::Image empty = truth;
  std::fill(empty.values().begin(), empty.values().end(), std::numeric_limits<float>::infinity());
  EXPECT_THROW(score_map(truth, empty), InputError);
  // A constant map has no correlation.
  core::Image flat = truth;
  std::fill(flat.values().begin(), flat.values().end(), 1.0f);
  EXPECT_TRUE(std::isnan(score_map(truth, flat).pearson_r));
}

TEST(MapScores, ScorecardNamesEveryMetricWithItsUnit) {
  const core::Image truth = domain_map();
  MapScores s = score_map(truth, truth);
  s.unit = "Å";
  const core::Scorecard card =
      make_map_scorecard({{"r1_A", s}}, "maps", {}, {}, default_metric_registry());
  EXPECT_EQ(card.chain, "maps");
  EXPECT_EQ(card.metrics.at("map_pearson_r@r1_A"), 1.0);
  EXPECT_EQ(card.units.at("map_rmse@r1_A"), "Å");
  EXPECT_EQ(card.units.at("map_valid_fraction@r1_A"), "1 (0 to 1)");
  EXPECT_EQ(card.metrics.size(), 6u);
  EXPECT_THROW(make_map_scorecard({}, "maps", {}, {}, default_metric_registry()), InputError);
}

}  // namespace
}  // namespace vitrum::validation
