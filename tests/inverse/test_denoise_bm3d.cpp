// BM3D and the whole denoiser (inverse/preprocess/denoise.hpp): PSNR gains on Poisson–Gaussian
// images of Gaussian "atoms", a noise-free image left alone, thread-count invariance, bad input.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"

namespace vitrum::inverse {
namespace {

/// An image of atoms (σ = 2 px, ≥ 7 px apart) on a background of `background` and peaks of
/// `peak` counts above it, with the noise `m`.
SimulatedImage atoms(const NoiseModel& m, double background, double peak, int size = 128,
                     std::uint64_t seed = 11) {
  const double unit = m.alpha > 0.0 ? m.alpha : 1.0;
  TuneParams p;
  p.size_px = size;
  p.atom_sigma_px = 2.0;
  p.atom_spacing_px = 7.0;
  p.background = background * unit;
  p.peak = peak * unit;
  p.seed = seed;
  return simulate_blob_image(m, p);
}

double relative_change(const core::Image& a, const core::Image& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = double(a.values()[i]) - double(b.values()[i]);
    num += d * d;
    den += double(b.values()[i]) * double(b.values()[i]);
  }
  return std::sqrt(num / den);
}

TEST(Bm3d, RemovesGaussianNoise) {
  const NoiseModel none{0.0, 1.0, 0.0};
  SimulatedImage sim = atoms(none, 0.0, 1.0);
  // Additive noise σ = 0.1 of a unit peak (PSNR ≈ 20 dB).
  core::RngStream rng(3, "test.bm3d.gauss", 0);
  core::Image noisy = sim.clean;
  for (float& v : noisy.values()) v += static_cast<float>(0.1 * rng.normal());
  const core::Image out = bm3d_gaussian(noisy, 0.1, {}, {1});
  const double before = psnr_db(noisy, sim.clean), after = psnr_db(out, sim.clean);
  std::printf("[ bm3d ] Gaussian σ = 0.1: PSNR %.2f → %.2f dB\n", before, after);
  EXPECT_GT(after - before, 8.0);
}

TEST(Denoise, ImprovesPsnrAtAFewCountsPerPixel) {
  // 1 count of background, atoms 8 counts high, readout σ of half a count, α = 3 units/count.
  const NoiseModel truth{3.0, 1.5, 20.0};
  const SimulatedImage sim = atoms(truth, 1.0, 8.0);
  DenoiseParams given;
  given.noise_source = NoiseSource::kGiven;
  given.noise = truth;
  const core::Image out_given = denoise_bm3d(sim.noisy, given, {1});
  DenoiseParams estimated;  // the default: α, σ from the image, μ = 0 assumed …
  estimated.estimate.offset = truth.offset;  // … unless the dark level is known
  const core::Image out_est = denoise_bm3d(sim.noisy, estimated, {1});
  DenoiseParams algebraic = given;
  algebraic.inverse = GatInverse::kAlgebraic;
  const core::Image out_alg = denoise_bm3d(sim.noisy, algebraic, {1});

  const double before = psnr_db(sim.noisy, sim.clean);
  const double after_given = psnr_db(out_given, sim.clean);
  const double after_est = psnr_db(out_est, sim.clean);
  const double after_alg = psnr_db(out_alg, sim.clean);
  std::printf(
      "[ denoise ] 1–9 counts/px: PSNR %.2f dB noisy, %.2f given model, %.2f estimated model, "
      "%.2f algebraic inverse\n",
      before, after_given, after_est, after_alg);
  EXPECT_GT(after_given - before, 5.0);
  EXPECT_GT(after_est - before, 5.0);
  // The biased inverse loses to the exact one: its mean is low by ≈ α/4.
  double mean_exact = 0.0, mean_alg = 0.0, mean_clean = 0.0;
  for (std::size_t i = 0; i < sim.clean.size(); ++i) {
    mean_exact += out_given.values()[i];
    mean_alg += out_alg.values()[i];
    mean_clean += sim.clean.values()[i];
  }
  const double n = double(sim.clean.size());
  std::printf("[ denoise ] mean bias: exact %.3f, algebraic %.3f counts\n",
              (mean_exact - mean_clean) / n / truth.alpha,
              (mean_alg - mean_clean) / n / truth.alpha);
  EXPECT_LT(std::abs(mean_exact - mean_clean), std::abs(mean_alg - mean_clean));
  EXPECT_LT(std::abs(mean_exact - mean_clean) / n, 0.1 * truth.alpha);
}

TEST(Denoise, ImprovesPsnrAtTensOfCounts) {
  const NoiseModel truth{1.0, 2.0, 0.0};
  const SimulatedImage sim = atoms(truth, 5.0, 40.0);
  DenoiseParams p;
  const core::Image out = denoise_bm3d(sim.noisy, p, {1});
  const double before = psnr_db(sim.noisy, sim.clean), after = psnr_db(out, sim.clean);
  std::printf("[ denoise ] 5–45 counts/px: PSNR %.2f → %.2f dB\n", before, after);
  EXPECT_GT(after - before, 5.0);
}

TEST(Denoise, LeavesANoiseFreeImageAlone) {
  const SimulatedImage sim = atoms(NoiseModel{1.0, 0.0, 0.0}, 1.0, 10.0);
  DenoiseParams p;
  p.noise_source = NoiseSource::kGiven;
  // A tiny Gaussian noise …
  p.noise = NoiseModel{0.0, 1e-4, 0.0};
  const double gauss = relative_change(denoise_bm3d(sim.clean, p, {1}), sim.clean);
  // … and a tiny Poisson–Gaussian one (10⁴–10⁵ counts per pixel, past the inverse's table).
  p.noise = NoiseModel{1e-4, 1e-4, 0.0};
  const double poisson = relative_change(denoise_bm3d(sim.clean, p, {1}), sim.clean);
  std::printf("[ denoise ] noise-free image: relative change %.2e (σ tiny), %.2e (α, σ tiny)\n",
              gauss, poisson);
  EXPECT_LT(gauss, 0.01);
  EXPECT_LT(poisson, 0.01);
}

TEST(Denoise, SameBytesForOneAndTwoThreads) {
  const NoiseModel truth{2.0, 1.0, 0.0};
  const SimulatedImage sim = atoms(truth, 2.0, 10.0, 96);
  const DenoiseParams p;
  const core::Image one = denoise_bm3d(sim.noisy, p, {1});
  const core::Image two = denoise_bm3d(sim.noisy, p, {2});
  ASSERT_EQ(one.size(), two.size());
  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)), 0);
}

TEST(Denoise, SeriesDenoisesEveryProjection) {
  const NoiseModel truth{2.0, 1.0, 0.0};
  core::TiltSeries series{core::Grid<float, 3>({2, 64, 64}), {{0, -10, 0}, {0, 10, 0}}};
  std::vector<SimulatedImage> sims;
  for (std::size_t t = 0; t < 2; ++t) {
    sims.push_back(atoms(truth, 2.0, 10.0, 64, 20 + t));
    std::memcpy(series.images.data() + t * 64 * 64, sims.back().noisy.data(),
                64 * 64 * sizeof(float));
  }
  const core::Logger quiet(core::Verbosity::kQuiet);
  const std::vector<NoiseModel> models = denoise_series(series, DenoiseParams{}, {1}, quiet);
  ASSERT_EQ(models.size(), 2u);
  for (std::size_t t = 0; t < 2; ++t) {
    EXPECT_GT(psnr_db(series.image(t), sims[t].clean), psnr_db(sims[t].noisy, sims[t].clean) + 3.0)
        << t;
    EXPECT_NEAR(models[t].alpha, truth.alpha, 0.3 * truth.alpha) << t;
  }
}

TEST(Denoise, SeriesTakesBackgroundMasks) {
  // Vacuum (y = 0) in the left quarter of each projection: the mask gives μ and σ there.
  const NoiseModel truth{2.0, 1.0, 5.0};
  const std::size_t n = 64;
  core::TiltSeries series{core::Grid<float, 3>({2, n, n}), {{0, -10, 0}, {0, 10, 0}}};
  std::vector<std::uint8_t> masks(2 * n * n, 0);
  core::RngStream rng(9, "test.series.vacuum", 0);
  for (std::size_t t = 0; t < 2; ++t) {
    const SimulatedImage sim = atoms(truth, 2.0, 10.0, int(n), 30 + t);
    std::memcpy(series.images.data() + t * n * n, sim.noisy.data(), n * n * sizeof(float));
    for (std::size_t y = 0; y < n; ++y)
      for (std::size_t x = 0; x < n / 4; ++x) {
        series.images(t, y, x) = static_cast<float>(truth.offset + truth.sigma * rng.normal());
        masks[(t * n + y) * n + x] = 1;
      }
  }
  const core::Logger quiet(core::Verbosity::kQuiet);
  core::TiltSeries copy = series;
  const std::vector<NoiseModel> models = denoise_series(copy, DenoiseParams{}, {1}, quiet, masks);
  for (const NoiseModel& m : models) {
    EXPECT_NEAR(m.offset, truth.offset, 0.1);
    EXPECT_NEAR(m.sigma, truth.sigma, 0.15 * truth.sigma);
  }
  try {
    denoise_series(series, DenoiseParams{}, {1}, quiet, std::span(masks).first(10));
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "background_masks") << e.what();
  }
}

TEST(Denoise, TuningPicksFromTheGrid) {
  const NoiseModel noise{1.0, 0.5, 0.0};
  TuneParams t;
  t.size_px = 64;
  t.background = 1.0;
  t.peak = 8.0;
  t.lambda_3d = {2.0, 2.7};
  t.sigma_scale = {1.0, 1.5};
  t.criterion = TuneCriterion::kPsnr;
  const DenoiseParams best = tune_on_simulation(noise, t, DenoiseParams{}, {1});
  std::printf("[ tune ] chosen lambda_3d = %.1f, sigma_scale = %.2f\n", best.bm3d.lambda_3d,
              best.sigma_scale);
  EXPECT_EQ(best.noise_source, NoiseSource::kGiven);
  EXPECT_EQ(best.noise.alpha, noise.alpha);
  EXPECT_TRUE(best.bm3d.lambda_3d == 2.0 || best.bm3d.lambda_3d == 2.7);
  EXPECT_TRUE(best.sigma_scale == 1.0 || best.sigma_scale == 1.5);
  // The choice is at least as good as every other point of the grid on the same image.
  const SimulatedImage sim = simulate_blob_image(noise, t);
  const double chosen = psnr_db(denoise_bm3d(sim.noisy, noise, best, {1}), sim.clean);
  DenoiseParams other = best;
  other.bm3d.lambda_3d = 2.0;
  other.sigma_scale = 1.0;
  EXPECT_GE(chosen, psnr_db(denoise_bm3d(sim.noisy, noise, other, {1}), sim.clean));
}

TEST(Denoise, BadInputNamesTheField) {
  const DenoiseParams p;
  core::Image nan_image({32, 32});
  nan_image(5, 5) = std::numeric_limits<float>::quiet_NaN();
  try {
    denoise_bm3d(nan_image, NoiseModel{1.0, 1.0, 0.0}, p, {1});
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "image") << e.what();
  }
  EXPECT_THROW(denoise_bm3d(core::Image(), NoiseModel{1.0, 1.0, 0.0}, p, {1}), InputError);
  EXPECT_THROW(denoise_bm3d(core::Image({4, 4}), NoiseModel{1.0, 1.0, 0.0}, p, {1}), InputError);

  const auto expect_field = [](const DenoiseParams& bad, const char* field) {
    try {
      bad.validate();
      FAIL() << "no exception for " << field;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  DenoiseParams bad = p;
  bad.noise_source = NoiseSource::kGiven;
  bad.noise.alpha = -1.0;
  expect_field(bad, "noise.alpha");
  bad = p;
  bad.bm3d.ht_group_max = 12;
  expect_field(bad, "bm3d.ht_group_max");
  bad = p;
  bad.bm3d.lambda_3d = std::nan("");
  expect_field(bad, "bm3d.lambda_3d");
  bad = p;
  bad.sigma_scale = 0.0;
  expect_field(bad, "sigma_scale");
}

TEST(Denoise, ParamsRoundTripThroughTheConfig) {
  DenoiseParams p;
  core::Config config = core::Config::from_string(
      "noise.source = \"given\"\nnoise.alpha = 2.5\nbm3d.lambda_3d = 3.0\ninverse = "
      "\"algebraic\"\n");
  p.params().load(config);
  EXPECT_EQ(p.noise_source, NoiseSource::kGiven);
  EXPECT_EQ(p.noise.alpha, 2.5);
  EXPECT_EQ(p.bm3d.lambda_3d, 3.0);
  EXPECT_EQ(p.inverse, GatInverse::kAlgebraic);
  const std::string toml = p.params_toml();
  EXPECT_NE(toml.find("[bm3d]"), std::string::npos);
  EXPECT_NE(toml.find("wiener_match = 0.64"), std::string::npos);
}

}  // namespace
}  // namespace vitrum::inverse
