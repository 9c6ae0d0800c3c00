// The reconstruction baselines: SIRT (inverse/tomo/sirt.hpp) and WBP (inverse/tomo/wbp.hpp) on
// noiseless projections of Gaussian blobs made with core's projector.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>

#include "tomo_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/inverse/tomo/reconstruct.hpp"
#include "vitrum/inverse/tomo/sirt.hpp"
#include "vitrum/inverse/tomo/wbp.hpp"

namespace vitrum::inverse {
namespace {

using testing::TomoBlob;

constexpr double kH = 0.8;  // voxel = pixel (Å)
const core::Vec3 kCenter{5.0, -3.0, 2.0};
const std::vector<TomoBlob> kBlobs = {
    {12, 12, 12, 1.0, 1.5}, {8, 14, 16, 0.8, 1.5}, {15, 7, 9, 0.6, 1.5}};

struct Problem {
  core::Volume object;
  core::TiltSeries series;
};

/// Blobs on the default reconstruction grid of a `pixels`² detector, projected at θ.
Problem make_problem(const std::vector<double>& theta_deg, std::size_t pixels,
                     const std::vector<TomoBlob>& blobs) {
  Problem p{core::Volume{}, testing::empty_series(theta_deg, pixels, kH, kCenter)};
  p.object = testing::render_blobs(resire_volume(p.series, kCenter, ResireParams{}), blobs);
  core::project_series(p.object, kCenter, p.series, {}, {});
  return p;
}

double sum_of(const core::Volume& v) {
  double s = 0;
  for (float x : v.values()) s += x;
  return s;
}

std::array<std::size_t, 3> argmax(const core::Volume& v) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < v.size(); ++i)
    if (v.data()[i] > v.data()[best]) best = i;
  const std::size_t nx = v.extent(2), ny = v.extent(1);
  return {best / (ny * nx), (best / nx) % ny, best % nx};
}

// ---- SIRT -----------------------------------------------------------------------------------

TEST(Sirt, ReducesTheResidualMonotonicallyAndRecoversTheBlobs) {
  const Problem p = make_problem(testing::linspace(-85, 85, 36), 24, kBlobs);
  SirtParams params;
  params.iterations = 100;
  const SirtResult r = sirt(p.series, kCenter, params, {}, testing::quiet_logger());
  ASSERT_EQ(r.r1_history.size(), 101u);
  EXPECT_DOUBLE_EQ(r.r1_history.front(), 1.0);
  // SIRT minimises the R-weighted residual with a step inside its stability bound: no
  // overshoot, R₁ falls from the first iteration on.
  for (std::size_t k = 0; k + 1 < r.r1_history.size(); ++k)
    EXPECT_LE(r.r1_history[k + 1], r.r1_history[k] * (1 + 1e-6)) << "k=" << k;
  const double c = testing::correlation(r.volume, p.object);
  std::printf("SIRT 36 tilts ±85°: R1 %g -> %g (after 10: %g), correlation %g\n",
              r.r1_history.front(), r.r1_history.back(), r.r1_history[10], c);
  EXPECT_GT(c, 0.98);
  EXPECT_LT(r.r1_history.back(), 0.05);
  EXPECT_EQ(argmax(r.volume), (std::array<std::size_t, 3>{12, 12, 12}));
  ASSERT_EQ(r.r1_per_projection.size(), 36u);
}

TEST(Sirt, WithAMissingWedgeAndWithoutPositivity) {
  const Problem p = make_problem(testing::linspace(-60, 60, 25), 24, kBlobs);
  for (bool positivity : {true, false}) {
    SirtParams params;
    params.iterations = 60;
    params.positivity = positivity;
    params.relaxation = 1.5;
    const SirtResult r = sirt(p.series, kCenter, params, {}, testing::quiet_logger());
    for (std::size_t k = 0; k + 1 < r.r1_history.size(); ++k)
      EXPECT_LE(r.r1_history[k + 1], r.r1_history[k] * (1 + 1e-6)) << "k=" << k;
    const double c = testing::correlation(r.volume, p.object);
    std::printf("SIRT 25 tilts ±60°, positivity %d: R1 %g, correlation %g\n", int(positivity),
                r.r1_history.back(), c);
    EXPECT_GT(c, 0.9);
  }
}

TEST(Sirt, SameBytesAtOneAndTwoThreads) {
  const Problem p = make_problem(testing::linspace(-60, 60, 9), 24, kBlobs);
  SirtParams params;
  params.iterations = 10;
  const SirtResult a = sirt(p.series, kCenter, params, {1}, testing::quiet_logger());
  const SirtResult b = sirt(p.series, kCenter, params, {2}, testing::quiet_logger());
  EXPECT_EQ(std::memcmp(a.volume.data(), b.volume.data(), a.volume.size() * sizeof(float)), 0);
  EXPECT_EQ(a.r1_history, b.r1_history);
}

// ---- WBP ------------------------------------------------------------------------------------

TEST(Wbp, AngularWeights) {
  // Uniform over a full period: equal weights summing to π.
  const std::vector<double> full = testing::linspace(-90, 87, 60);
  const std::vector<double> w = wbp_angular_weights_rad(full);
  double total = 0;
  for (double x : w) {
    EXPECT_NEAR(x, 3.0 * std::numbers::pi / 180, 1e-12);
    total += x;
  }
  EXPECT_NEAR(total, std::numbers::pi, 1e-12);
  // ±90° both present are one view: each gets half a step, the sum is still π.
  const std::vector<double> both = wbp_angular_weights_rad(testing::linspace(-90, 90, 61));
  EXPECT_NEAR(both.front(), 1.5 * std::numbers::pi / 180, 1e-12);
  EXPECT_NEAR(both.back(), 1.5 * std::numbers::pi / 180, 1e-12);
  total = 0;
  for (double x : both) total += x;
  EXPECT_NEAR(total, std::numbers::pi, 1e-12);
  // A missing wedge, ±60° by 5°: end views take their neighbour's gap.
  for (double x : wbp_angular_weights_rad(testing::linspace(-60, 60, 25)))
    EXPECT_NEAR(x, 5.0 * std::numbers::pi / 180, 1e-12);
  // Non-uniform, unsorted: half the gaps either side.
  const std::vector<double> u = wbp_angular_weights_rad({10, -10, 0, 4});
  const double deg = std::numbers::pi / 180;
  EXPECT_NEAR(u[0], 6 * deg, 1e-12);   // 10: (6 + 6)/2, its outer gap = its inner one
  EXPECT_NEAR(u[1], 10 * deg, 1e-12);  // −10: (10 + 10)/2
  EXPECT_NEAR(u[2], 7 * deg, 1e-12);   // 0: (10 + 4)/2
  EXPECT_NEAR(u[3], 5 * deg, 1e-12);   // 4: (4 + 6)/2
  // θ and θ + 180° are the same view.
  const std::vector<double> wrapped = wbp_angular_weights_rad({-30, 0, 150});
  EXPECT_NEAR(wrapped[0], wrapped[2], 1e-12);
  EXPECT_THROW(wbp_angular_weights_rad({}), InputError);
  EXPECT_THROW(wbp_angular_weights_rad({0, std::nan("")}), InputError);
}

TEST(Wbp, RecoversTheIntegralPeakAndPositionOfAGaussianBlob) {
  // One blob of σ = 2 voxels off the rotation centre (so a sign error of any axis moves the
  // peak), amplitude 1: its integral is (2π)^{3/2} σ³ h³ (value × Å³).
  const double sigma = 2.0;
  const std::vector<TomoBlob> blob = {{12, 19, 21, 1.0, sigma}};
  const Problem p = make_problem(testing::linspace(-90, 88, 90), 32, blob);
  const double integral = std::pow(2 * std::numbers::pi, 1.5) * std::pow(sigma * kH, 3);
  float previous_peak = 2.0f;
  for (WbpFilter f :
       {WbpFilter::kRamLak, WbpFilter::kSheppLogan, WbpFilter::kCosine, WbpFilter::kHann}) {
    WbpParams params;
    params.filter = f;
    const WbpResult r = wbp(p.series, kCenter, params, {}, testing::quiet_logger());
    const double h3 = std::pow(r.volume.sampling()[0], 3);
    // The integral within 4σ of the blob; the whole box holds a few % more, from the corners
    // outside the cylinder every view sees.
    double near = 0;
    for (std::size_t z = 0; z < 32; ++z)
      for (std::size_t y = 0; y < 32; ++y)
        for (std::size_t x = 0; x < 32; ++x)
          if (std::hypot(double(z) - 12, double(y) - 19, double(x) - 21) <= 4 * sigma)
            near += r.volume(z, y, x);
    const float peak = r.volume(12, 19, 21);
    std::printf("WBP filter %d: integral near %g, whole box %g (truth %g), peak %g (truth 1)\n",
                int(f), near * h3, sum_of(r.volume) * h3, integral, double(peak));
    EXPECT_EQ(argmax(r.volume), (std::array<std::size_t, 3>{12, 19, 21})) << int(f);
    // Measured +0.04 % (Ram-Lak) to −0.3 % (Hann): every window passes the DC unchanged.
    EXPECT_NEAR(near * h3 / integral, 1.0, 0.01) << int(f);
    EXPECT_NEAR(sum_of(r.volume) * h3 / integral, 1.0, 0.08) << int(f);
    // The peak is lowered by the two bilinear interpolations (projection splat, back-projection
    // gather; ≈ (σ²/(σ² + 1/3 px²))^{3/2} = 0.89 for σ = 2 px) and by each window's smoothing,
    // in the order of the windows: measured 0.94, 0.92, 0.88, 0.83.
    EXPECT_GT(peak, f == WbpFilter::kRamLak ? 0.92 : 0.8) << int(f);
    EXPECT_LT(peak, previous_peak) << int(f);
    previous_peak = peak;
  }
}

TEST(Wbp, ManyUniformTiltsReproduceTheObject) {
  const Problem p = make_problem(testing::linspace(-90, 87, 60), 24, kBlobs);
  const WbpResult r = wbp(p.series, kCenter, WbpParams{}, {}, testing::quiet_logger());
  const double c = testing::correlation(r.volume, p.object);
  double max_r1 = 0;
  for (double x : r.r1_per_projection) max_r1 = std::max(max_r1, x);
  std::printf("WBP 60 tilts over 180°: correlation %g, R1 max %g\n", c, max_r1);
  EXPECT_GT(c, 0.95);
  EXPECT_LT(max_r1, 0.1);
  EXPECT_EQ(argmax(r.volume), (std::array<std::size_t, 3>{12, 12, 12}));
}

TEST(Wbp, SameBytesAtOneAndTwoThreads) {
  const Problem p = make_problem(testing::linspace(-60, 60, 9), 24, kBlobs);
  const WbpResult a = wbp(p.series, kCenter, {}, {1}, testing::quiet_logger());
  const WbpResult b = wbp(p.series, kCenter, {}, {2}, testing::quiet_logger());
  EXPECT_EQ(std::memcmp(a.volume.data(), b.volume.data(), a.volume.size() * sizeof(float)), 0);
}

TEST(Wbp, RefusesGeneralEulerAngles) {
  Problem p = make_problem(testing::linspace(-60, 60, 5), 24, kBlobs);
  p.series.euler_deg[2][2] = 1.0;  // within the default 2°: accepted, approximately
  EXPECT_NO_THROW(wbp(p.series, kCenter, {}, {}, testing::quiet_logger()));
  p.series.euler_deg[2][0] = 15.0;
  EXPECT_THROW(wbp(p.series, kCenter, {}, {}, testing::quiet_logger()), InputError);
}

// ---- bad input, for both --------------------------------------------------------------------

TEST(SirtWbp, RejectBadInput) {
  const Problem p = make_problem(testing::linspace(-60, 60, 5), 24, kBlobs);
  const auto& log = testing::quiet_logger();
  core::TiltSeries mismatch = p.series;
  mismatch.euler_deg.pop_back();
  core::TiltSeries nan = p.series;
  nan.images(2, 3, 4) = std::numeric_limits<float>::quiet_NaN();
  core::TiltSeries nan_angle = p.series;
  nan_angle.euler_deg[1][1] = std::nan("");
  for (const core::TiltSeries* s : {&mismatch, &nan, &nan_angle}) {
    EXPECT_THROW(sirt(*s, kCenter, {}, {}, log), InputError);
    EXPECT_THROW(wbp(*s, kCenter, {}, {}, log), InputError);
    EXPECT_THROW(reconstruct(*s, kCenter, {}, {}, log), InputError);
  }
  EXPECT_THROW(sirt(p.series, {0, std::nan(""), 0}, {}, {}, log), InputError);
  EXPECT_THROW(wbp(p.series, {0, std::nan(""), 0}, {}, {}, log), InputError);
  SirtParams bad_sirt;
  bad_sirt.relaxation = 2.0;
  EXPECT_THROW(bad_sirt.validate(), InputError);
  bad_sirt = {};
  bad_sirt.iterations = 0;
  EXPECT_THROW(sirt(p.series, kCenter, bad_sirt, {}, log), InputError);
  WbpParams bad_wbp;
  bad_wbp.max_off_axis_deg = -1;
  EXPECT_THROW(bad_wbp.validate(), InputError);
}

TEST(Reconstruct, DispatchesOnTheMethodAndReadsItsKeys) {
  const Problem p = make_problem(testing::linspace(-60, 60, 9), 24, kBlobs);
  TomoParams params;
  core::Config config = core::Config::from_string(
      "method = \"sirt\"\niterations = 7\nsirt.relaxation = 1.2\nwbp.filter = \"hann\"\n");
  params.params().load(config);
  EXPECT_EQ(params.method, TomoMethod::kSirt);
  EXPECT_EQ(params.sirt().iterations, 7);
  EXPECT_DOUBLE_EQ(params.sirt().relaxation, 1.2);
  EXPECT_EQ(params.wbp().filter, WbpFilter::kHann);
  const TomoResult sirt_result =
      reconstruct(p.series, kCenter, params, {}, testing::quiet_logger());
  EXPECT_EQ(sirt_result.r1_history.size(), 8u);
  EXPECT_TRUE(sirt_result.euler_offset_deg.empty());
  EXPECT_EQ(sirt_result.euler_deg, p.series.euler_deg);
  params.method = TomoMethod::kWbp;
  EXPECT_EQ(reconstruct(p.series, kCenter, params, {}, testing::quiet_logger()).r1_history.size(),
            1u);
  EXPECT_EQ(to_string(TomoMethod::kWbp), "wbp");
  core::Config bad = core::Config::from_string("method = \"art\"\n");
  EXPECT_THROW(params.params().load(bad), InputError);
}

}  // namespace
}  // namespace vitrum::inverse
