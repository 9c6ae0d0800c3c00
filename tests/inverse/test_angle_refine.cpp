// Angle refinement (inverse/tomo/angle_refine.hpp): θ errors injected into a noiseless
// single-axis series of Gaussian blobs are found again by alternating RESIRE and a grid search.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "tomo_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/tomo/angle_refine.hpp"
#include "vitrum/inverse/tomo/reconstruct.hpp"

namespace vitrum::inverse {
namespace {

using testing::TomoBlob;

constexpr double kH = 0.8;
constexpr std::size_t kN = 24;
const core::Vec3 kCenter{1.0, 2.0, -1.0};

/// Twelve sharp blobs (σ = 1 voxel) spread over the box, most of them far from the tilt axis
/// so that a change of θ moves their projections.
std::vector<TomoBlob> blobs() {
  core::RngStream rng(7, "test.angle_refine.blobs", 0);
  std::vector<TomoBlob> out;
  for (int i = 0; i < 12; ++i)
    out.push_back({5 + 14 * rng.uniform(), 5 + 14 * rng.uniform(), 5 + 14 * rng.uniform(),
                   0.5 + 0.5 * rng.uniform(), 1.0});
  return out;
}

struct Problem {
  core::Volume object;
  core::TiltSeries series;                       // recorded (nominal) angles
  std::vector<std::array<double, 3>> error_deg;  // actual − recorded
};

/// 31 tilts over ±75°; the projections are made at nominal + error, θ errors of σ = 1°.
Problem make_problem(double sigma_deg) {
  Problem p{
      core::Volume{}, testing::empty_series(testing::linspace(-75, 75, 31), kN, kH, kCenter), {}};
  p.object = testing::render_blobs(resire_volume(p.series, kCenter, ResireParams{}), blobs());
  core::TiltSeries actual = p.series;
  core::RngStream rng(11, "test.angle_refine.errors", 0);
  for (auto& e : actual.euler_deg) {
    const std::array<double, 3> err{0.0, sigma_deg * rng.normal(), 0.0};
    p.error_deg.push_back(err);
    e[1] += err[1];
  }
  core::project_series(p.object, kCenter, actual, {}, {});
  p.series.images = actual.images;
  return p;
}

TEST(AngleRefine, SearchOnTheTrueVolumeFindsTheErrors) {
  const Problem p = make_problem(1.0);
  AngleRefineParams params;
  params.range_deg = {0.0, 3.0, 0.0};
  params.step_deg = 0.25;
  const AngleSearchResult r = search_angles(p.object, p.series, kCenter, params, 1, {});
  double worst = 0;
  for (std::size_t t = 0; t < r.offset_deg.size(); ++t) {
    if (std::abs(p.error_deg[t][1]) > 3.0) continue;  // outside the searched range
    worst = std::max(worst, std::abs(r.offset_deg[t][1] - p.error_deg[t][1]));
    EXPECT_EQ(r.offset_deg[t][0], 0.0);
    EXPECT_EQ(r.offset_deg[t][2], 0.0);
    EXPECT_LE(r.r1_after[t], r.r1_before[t]);
  }
  std::printf("search on the true volume: worst θ error %g°\n", worst);
  EXPECT_LT(worst, 0.1);
}

TEST(AngleRefine, RecoversInjectedThetaErrorsAndLowersR1) {
  const Problem p = make_problem(1.0);
  AngleRefineParams params;
  params.rounds = 5;
  params.range_deg = {0.0, 2.0, 0.0};
  const AngleRefineResult r =
      refine_angles(p.series, kCenter, ResireParams{}, params, {}, testing::quiet_logger());
  ASSERT_EQ(r.offset_deg.size(), p.series.tilt_count());
  // The gauge keeps the mean θ: compare with the errors less their mean.
  double mean_error = 0;
  for (const auto& e : p.error_deg) mean_error += e[1] / double(p.error_deg.size());
  double worst = 0, rms_before = 0, rms_after = 0, mean_offset = 0;
  for (std::size_t t = 0; t < r.offset_deg.size(); ++t) {
    const double truth = p.error_deg[t][1] - mean_error;
    worst = std::max(worst, std::abs(r.offset_deg[t][1] - truth));
    rms_before += truth * truth;
    rms_after += std::pow(r.offset_deg[t][1] - truth, 2);
    mean_offset += r.offset_deg[t][1];
    EXPECT_DOUBLE_EQ(r.euler_deg[t][1], p.series.euler_deg[t][1] + r.offset_deg[t][1]);
  }
  rms_before = std::sqrt(rms_before / double(r.offset_deg.size()));
  rms_after = std::sqrt(rms_after / double(r.offset_deg.size()));
  std::printf("angle refinement: θ error rms %g° -> %g°, worst %g°; mean R1 per round:", rms_before,
              rms_after, worst);
  for (std::size_t k = 0; k < r.r1_before.size(); ++k)
    std::printf(" %g->%g", r.r1_before[k], r.r1_after[k]);
  std::printf("\n");
  EXPECT_LT(worst, 0.3);
  EXPECT_NEAR(mean_offset, 0.0, 1e-9);
  ASSERT_EQ(r.r1_before.size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) EXPECT_LE(r.r1_after[k], r.r1_before[k]) << k;
  EXPECT_LT(r.r1_after.back(), 0.5 * r.r1_before.front());

  // A RESIRE reconstruction with the refined angles fits the data better than with the
  // recorded ones.
  TomoParams with, without;
  with.refine_angles = params;
  with.resire.iterations = without.resire.iterations = 100;
  const TomoResult a = reconstruct(p.series, kCenter, with, {}, testing::quiet_logger());
  const TomoResult b = reconstruct(p.series, kCenter, without, {}, testing::quiet_logger());
  std::printf(
      "RESIRE 100 iterations: R1 %g with refined angles, %g with recorded; correlation "
      "%g vs %g\n",
      a.r1_history.back(), b.r1_history.back(), testing::correlation(a.volume, p.object),
      testing::correlation(b.volume, p.object));
  EXPECT_LT(a.r1_history.back(), 0.5 * b.r1_history.back());
  EXPECT_EQ(a.euler_offset_deg, r.offset_deg);
}

TEST(AngleRefine, SameBytesAtOneAndTwoThreads) {
  const Problem p = make_problem(1.0);
  AngleRefineParams params;
  params.rounds = 1;
  params.iterations = 5;
  params.range_deg = {0.5, 1.0, 0.5};
  params.step_deg = 0.5;
  const AngleRefineResult a =
      refine_angles(p.series, kCenter, ResireParams{}, params, {1}, testing::quiet_logger());
  const AngleRefineResult b =
      refine_angles(p.series, kCenter, ResireParams{}, params, {2}, testing::quiet_logger());
  EXPECT_EQ(a.offset_deg, b.offset_deg);
  EXPECT_EQ(a.r1_after, b.r1_after);
  EXPECT_EQ(std::memcmp(a.volume.data(), b.volume.data(), a.volume.size() * sizeof(float)), 0);
}

TEST(AngleRefine, RejectsBadInput) {
  const Problem p = make_problem(0.0);
  const auto& log = testing::quiet_logger();
  AngleRefineParams params;
  params.rounds = 1;
  params.iterations = 2;
  core::TiltSeries mismatch = p.series;
  mismatch.euler_deg.pop_back();
  EXPECT_THROW(refine_angles(mismatch, kCenter, {}, params, {}, log), InputError);
  EXPECT_THROW(search_angles(p.object, mismatch, kCenter, params, 1, {}), InputError);
  core::TiltSeries nan = p.series;
  nan.images(1, 2, 3) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(refine_angles(nan, kCenter, {}, params, {}, log), InputError);
  AngleRefineParams bad = params;
  bad.rounds = 0;
  EXPECT_THROW(refine_angles(p.series, kCenter, {}, bad, {}, log), InputError);
  bad = params;
  bad.range_deg = {1.0, 1.0};
  EXPECT_THROW(bad.validate(), InputError);
  bad.range_deg = {10.0, 10.0, 10.0};
  bad.step_deg = 0.1;  // 201³ grid points per projection
  EXPECT_THROW(bad.validate(), InputError);
  bad = params;
  bad.step_deg = 0.0;
  EXPECT_THROW(bad.validate(), InputError);
}

}  // namespace
}  // namespace vitrum::inverse
