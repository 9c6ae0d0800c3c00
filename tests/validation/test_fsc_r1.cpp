#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/validation/fsc.hpp"
#include "vitrum/validation/r1.hpp"

namespace vitrum::validation {
namespace {

core::Volume noise_volume(std::size_t n, std::uint64_t seed) {
  core::Volume v({n, n, n}, {0.5, 0.5, 0.5});
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  for (float& x : v.values()) x = g(rng);
  return v;
}

TEST(Fsc, IdenticalVolumesCorrelatePerfectlyAtEveryShell) {
  const core::Volume a = noise_volume(24, 1);
  core::FftPlanCache ffts;
  const FscResult r = fourier_shell_correlation(a, a, ffts);
  ASSERT_EQ(r.fsc.size(), 13u);  // shells 0 … Nyquist (12 Fourier samples of 1/(24·0.5 Å))
  for (double f : r.fsc) EXPECT_NEAR(f, 1.0, 1e-12);
  EXPECT_TRUE(r.reaches_nyquist_0143);
  EXPECT_DOUBLE_EQ(r.resolution_0143_A, 1.0);  // 2 × 0.5 Å
  EXPECT_NEAR(r.q_per_A.back(), 1.0, 1e-12);   // Nyquist 1/(2·0.5 Å)
}

// Independent white noise: each shell's FSC is a correlation of ~count/2 independent complex
// pairs (Friedel symmetry), standard error ≈ 1/√(count/2); every shell with ≥ 50 samples
// must lie within 5 standard errors of 0, and the mean over them is ≈ 0.
TEST(Fsc, IndependentNoiseIsUncorrelated) {
  core::FftPlanCache ffts;
  const FscResult r = fourier_shell_correlation(noise_volume(32, 2), noise_volume(32, 3), ffts);
  double sum = 0;
  int shells = 0;
  for (std::size_t s = 0; s < r.fsc.size(); ++s) {
    if (r.shell_count[s] < 50) continue;
    const double se = 1.0 / std::sqrt(0.5 * double(r.shell_count[s]));
    EXPECT_LT(std::abs(r.fsc[s]), 5.0 * se) << "shell " << s;
    sum += r.fsc[s];
    ++shells;
  }
  EXPECT_GT(shells, 10);
  RecordProperty("mean_fsc", std::to_string(sum / shells));
  EXPECT_LT(std::abs(sum / shells), 0.05);
  EXPECT_GT(r.resolution_0143_A, 10.0);  // falls below 0.143 at the first shells
}

TEST(Fsc, BlurLowersTheResolution) {
  const core::AtomicModel m = test::random_packing(40, 12.0, 2.4, 4);
  const core::Volume grid({32, 32, 32}, {0.4, 0.4, 0.4}, {-0.4, -0.4, -0.4});
  RenderParams sharp, blurred;
  sharp.sigma_A = 0.3;
  blurred.sigma_A = 0.6;
  core::FftPlanCache ffts;
  const core::ExecutionContext ctx{1};
  const FscResult r = fourier_shell_correlation(render_model(m, grid, sharp, ctx),
                                                render_model(m, grid, blurred, ctx), ffts);
  RecordProperty("resolution_0143_A", std::to_string(r.resolution_0143_A));
  RecordProperty("resolution_05_A", std::to_string(r.resolution_05_A));
  EXPECT_FALSE(r.reaches_nyquist_0143);
  EXPECT_GT(r.resolution_0143_A, 0.8);
  EXPECT_GT(r.resolution_05_A, r.resolution_0143_A);
}

TEST(Render, EachAtomIntegratesToZToThePower) {
  core::AtomicModel m(core::Cell::orthorhombic(10, 10, 10, {false, false, false}));
  m.add_atom({5.0, 5.1, 4.9}, 46);
  const core::Volume grid({50, 50, 50}, {0.2, 0.2, 0.2});
  const core::Volume v = render_model(m, grid, RenderParams{}, core::ExecutionContext{1});
  double sum = 0;
  for (float x : v.values()) sum += x;
  // The 4σ cut drops P(χ₃ > 4) = 0.11 % of the mass.
  EXPECT_NEAR(sum * 0.008, (1.0 - 1.1e-3) * std::pow(46.0, 1.7), 2e-4 * std::pow(46.0, 1.7));
  // Same bytes for 1 and 2 threads.
  EXPECT_EQ(render_model(m, grid, RenderParams{}, core::ExecutionContext{2}).values(), v.values());
}

TEST(Fsc, BadInputIsRefused) {
  core::FftPlanCache ffts;
  const core::Volume a = noise_volume(16, 1);
  EXPECT_THROW(fourier_shell_correlation(a, noise_volume(18, 1), ffts), InputError);
  core::Volume other_sampling({16, 16, 16}, {0.6, 0.5, 0.5});
  other_sampling.values() = a.values();
  EXPECT_THROW(fourier_shell_correlation(a, other_sampling, ffts), InputError);
  EXPECT_THROW(fourier_shell_correlation(a, core::Volume({16, 16, 16}, {0.5, 0.5, 0.5}), ffts),
               InputError);
  EXPECT_THROW(fourier_shell_correlation(core::Volume(), core::Volume(), ffts), InputError);
  RenderParams bad;
  bad.sigma_A = 0;
  EXPECT_THROW(bad.validate(), InputError);
}

// A tilt series made exactly as r1_against_series renders the model (same box, same projector):
// R₁ of the model against it is 0 up to float rounding, also when the series is scaled.
class R1Test : public ::testing::Test {
 protected:
  core::AtomicModel model = test::random_packing(30, 10.0, 2.4, 8);
  core::Vec3 center{5.0, 5.0, 5.0};
  R1Params params;
  core::ExecutionContext ctx{1};

  core::TiltSeries series_of(const core::AtomicModel& m) const {
    const double pixel = 0.5;
    core::Vec3 lo = m.positions_A()[0], hi = lo;
    for (const core::Vec3& p : m.positions_A()) {
      lo = lo.cwiseMin(p);
      hi = hi.cwiseMax(p);
    }
    lo.array() -= params.margin_A;
    hi.array() += params.margin_A;
    const auto n = [&](int a) { return std::size_t(std::ceil((hi[a] - lo[a]) / pixel)) + 1; };
    const core::Volume box({n(2), n(1), n(0)}, {pixel, pixel, pixel}, {lo.z(), lo.y(), lo.x()});
    const core::Volume v = render_model(m, box, params.render, ctx);
    const core::Image det = core::detector_image(40, 40, pixel, center);
    core::TiltSeries s{core::Grid<float, 3>({5, 40, 40}, {1.0, pixel, pixel},
                                            {0.0, det.origin()[0], det.origin()[1]}),
                       {}};
    for (double t : {-60.0, -30.0, 0.0, 30.0, 60.0}) s.euler_deg.push_back({0.0, t, 0.0});
    core::project_series(v, center, s, params.projector, ctx);
    return s;
  }
};

TEST_F(R1Test, ModelAgainstItsOwnProjectionsIsZero) {
  const core::TiltSeries s = series_of(model);
  const R1Result r = r1_against_series(model, s, center, params, ctx);
  RecordProperty("r1", std::to_string(r.r1));
  EXPECT_LT(r.r1, 1e-5);
  ASSERT_EQ(r.per_projection.size(), 5u);
  for (double s1 : r.scale) EXPECT_NEAR(s1, 1.0, 1e-5);
  core::TiltSeries scaled = s;
  for (float& x : scaled.images.values()) x *= 3.7f;
  const R1Result rs = r1_against_series(model, scaled, center, params, ctx);
  EXPECT_LT(rs.r1, 1e-5);
  EXPECT_NEAR(rs.scale[2], 3.7, 1e-4);
}

TEST_F(R1Test, AMissingAtomRaisesR1) {
  const core::TiltSeries s = series_of(model);
  core::AtomicModel fewer =
      core::carve(model, [](const core::Vec3&, int, std::size_t i) { return i >= 3; });
  const R1Result r = r1_against_series(fewer, s, center, params, ctx);
  RecordProperty("r1", std::to_string(r.r1));
  EXPECT_GT(r.r1, 0.02);
  EXPECT_THROW(r1_against_series(core::AtomicModel(model.cell()), s, center, params, ctx),
               InputError);
}

}  // namespace
}  // namespace vitrum::validation
