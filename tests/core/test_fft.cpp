#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <numbers>
#include <thread>

#include "vitrum/core/error.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/rng.hpp"

namespace vitrum::core {
namespace {

using cf = std::complex<float>;
using cd = std::complex<double>;

TEST(Fft, PlaneWaveTransformsToASingleSpike) {
  // x[n] = exp(2πi(k₀·n)/N) has forward transform N·δ[k − k₀].
  FftPlanCache cache;
  const std::size_t ny = 16, nx = 32, ky = 3, kx = 5;
  const std::array<std::size_t, 2> shape{ny, nx};
  const auto plan = cache.plan_double(shape);
  AlignedVector<cd> data(ny * nx);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x)
      data[y * nx + x] =
          std::polar(1.0, 2 * std::numbers::pi * (double(ky * y) / ny + double(kx * x) / nx));
  plan->forward(data);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const double expected = (y == ky && x == kx) ? double(ny * nx) : 0.0;
      EXPECT_NEAR(std::abs(data[y * nx + x]), expected, 1e-9);
    }
}

TEST(Fft, RoundTripMultipliesByNAndParsevalHolds) {
  // Parseval: Σ|X|² = N Σ|x|² for the unnormalised transform.
  FftPlanCache cache;
  for (auto shape : std::vector<std::vector<std::size_t>>{{128, 128}, {24, 20, 18}}) {
    const auto plan = cache.plan_float(shape);
    AlignedVector<cf> data(plan->size());
    RngStream rng(3, "test.fft", shape.size());
    for (auto& v : data) v = cf(float(rng.normal()), float(rng.normal()));
    const AlignedVector<cf> original = data;
    double energy = 0;
    for (auto v : data) energy += std::norm(std::complex<double>(v));
    plan->forward(data);
    double energy_k = 0;
    for (auto v : data) energy_k += std::norm(std::complex<double>(v));
    EXPECT_NEAR(energy_k / (energy * double(plan->size())), 1.0, 1e-5);
    plan->inverse(data);
    const float n = float(plan->size());
    for (std::size_t i = 0; i < data.size(); ++i)
      ASSERT_NEAR(std::abs(data[i] / n - original[i]), 0.0f, 2e-5f) << i;
  }
}

TEST(Fft, PlansAreCachedPerShapeAndPrecision) {
  FftPlanCache cache;
  const std::array<std::size_t, 2> a{64, 64}, b{64, 32};
  EXPECT_EQ(cache.plan_float(a), cache.plan_float(a));
  EXPECT_NE(cache.plan_float(a), cache.plan_float(b));
  cache.plan_double(a);
  EXPECT_EQ(cache.plan_count(), 3u);
}

TEST(Fft, ConcurrentPlanRequestsGiveOnePlan) {
  FftPlanCache cache;
  const std::array<std::size_t, 2> shape{96, 96};
  std::vector<std::shared_ptr<const FftPlan<float>>> plans(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < plans.size(); ++t)
    threads.emplace_back([&, t] { plans[t] = cache.plan_float(shape); });
  for (auto& t : threads) t.join();
  for (const auto& p : plans) EXPECT_EQ(p, plans[0]);
  EXPECT_EQ(cache.plan_count(), 1u);
}

TEST(Fft, WrongSizeAndMisalignmentAreRefused) {
  FftPlanCache cache;
  const std::array<std::size_t, 1> shape{64};
  const auto plan = cache.plan_float(shape);
  AlignedVector<cf> wrong(32);
  EXPECT_THROW(plan->forward(wrong), InputError);
  AlignedVector<cf> padded(65);
  EXPECT_THROW(plan->forward(std::span<cf>(padded.data() + 1, 64)), NumericsError);
  const std::array<std::size_t, 2> empty{0, 4};
  EXPECT_THROW(cache.plan_float(empty), InputError);
}

TEST(Fft, WisdomIsSavedAndReloaded) {
  const auto path =
      std::filesystem::temp_directory_path() /
      ("vitrum_wisdom_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove(path);
  {
    FftPlanCache cache({FftRigor::kMeasure, path});
    const std::array<std::size_t, 2> shape{32, 32};
    cache.plan_float(shape);
    cache.plan_double(shape);
    cache.save_wisdom();
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_NO_THROW(FftPlanCache({FftRigor::kMeasure, path}));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vitrum::core
