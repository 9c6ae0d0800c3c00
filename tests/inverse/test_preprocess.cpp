// Registration, frame averaging, drift and background subtraction (inverse/preprocess): each
// against an analytic case — a known sub-pixel shift, √N noise reduction, an injected linear
// drift, an exactly harmonic background.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/preprocess/background.hpp"
#include "vitrum/inverse/preprocess/drift.hpp"
#include "vitrum/inverse/preprocess/registration.hpp"

namespace vitrum::inverse {
namespace {

struct Blob {
  double x, y, amplitude, width;
};

/// A texture of Gaussian blobs (px), drawn from a fixed stream, inside a margin of the edges.
std::vector<Blob> texture(std::size_t n, std::size_t count, double margin) {
  core::RngStream rng(7, "test.preprocess.texture", n);
  std::vector<Blob> blobs;
  for (std::size_t i = 0; i < count; ++i)
    blobs.push_back({margin + rng.uniform() * (double(n) - 2 * margin),
                     margin + rng.uniform() * (double(n) - 2 * margin), 0.5 + rng.uniform(),
                     1.2 + 1.5 * rng.uniform()});
  return blobs;
}

/// The texture sampled analytically with its content translated by `shift` and a linear scan
/// drift d (px/line): pixel (iy, ix) shows the object at (ix + d_x·iy − s_x, iy(1 + d_y) − s_y).
core::Image render(const std::vector<Blob>& blobs, std::size_t n, Shift2 shift,
                   Shift2 drift = {0.0, 0.0}, double offset = 0.0) {
  core::Image image({n, n});
  for (std::size_t iy = 0; iy < n; ++iy)
    for (std::size_t ix = 0; ix < n; ++ix) {
      const double x = double(ix) + drift[0] * double(iy) - shift[0];
      const double y = double(iy) * (1.0 + drift[1]) - shift[1];
      double v = offset;
      for (const Blob& b : blobs)
        v += b.amplitude *
             std::exp(-((x - b.x) * (x - b.x) + (y - b.y) * (y - b.y)) / (2 * b.width * b.width));
      image(iy, ix) = static_cast<float>(v);
    }
  return image;
}

/// Poisson counts with `scale` counts per unit of the image, from stream `item`.
core::Image poisson(const core::Image& image, double scale, std::uint64_t item) {
  core::RngStream rng(11, "test.preprocess.poisson", item);
  core::Image out = image;
  for (float& v : out.values()) v = static_cast<float>(rng.poisson(scale * double(v)));
  return out;
}

double rms_difference(const core::Image& a, const core::Image& b, std::size_t margin = 0) {
  double sum = 0.0;
  std::size_t count = 0;
  for (std::size_t y = margin; y + margin < a.extent(0); ++y)
    for (std::size_t x = margin; x + margin < a.extent(1); ++x, ++count)
      sum += std::pow(double(a(y, x)) - double(b(y, x)), 2);
  return std::sqrt(sum / double(count));
}

constexpr std::size_t kN = 64;
const Shift2 kShift{2.37, -1.62};

TEST(Registration, RecoversASubPixelShiftOfATexturedImage) {
  const auto blobs = texture(kN, 40, 8.0);
  core::FftPlanCache ffts;
  const core::Image reference = render(blobs, kN, {0.0, 0.0});
  const core::Image moving = render(blobs, kN, kShift);
  const Shift2 s = register_translation(reference, moving, {}, ffts);
  std::printf("registration error (%.4f, %.4f) px\n", s[0] - kShift[0], s[1] - kShift[1]);
  // A 1/20 px grid and a parabola between its points: measured 0.0007 px (the issue asks 0.05).
  EXPECT_NEAR(s[0], kShift[0], 0.05);
  EXPECT_NEAR(s[1], kShift[1], 0.05);
  // Upsampling 1 gives the nearest integer shift.
  const Shift2 coarse = register_translation(reference, moving, {.upsampling = 1}, ffts);
  EXPECT_EQ(coarse[0], 2.0);
  EXPECT_EQ(coarse[1], -2.0);
}

TEST(Registration, RecoversASubPixelShiftUnderPoissonNoise) {
  const auto blobs = texture(kN, 40, 8.0);
  core::FftPlanCache ffts;
  // ~100 counts at a blob's peak over a 5-count background: a noisy but textured image.
  const core::Image reference = poisson(render(blobs, kN, {0.0, 0.0}, {}, 0.05), 100.0, 1);
  const core::Image moving = poisson(render(blobs, kN, kShift, {}, 0.05), 100.0, 2);
  const Shift2 s = register_translation(reference, moving, {}, ffts);
  std::printf("registration error with Poisson noise (%.4f, %.4f) px\n", s[0] - kShift[0],
              s[1] - kShift[1]);
  EXPECT_NEAR(s[0], kShift[0], 0.05);
  EXPECT_NEAR(s[1], kShift[1], 0.05);
}

TEST(Registration, FourierShiftMatchesTheAnalyticTranslation) {
  const auto blobs = texture(kN, 30, 10.0);
  core::FftPlanCache ffts;
  core::Image shifted = render(blobs, kN, {0.0, 0.0});
  fourier_shift(shifted, kShift, ffts);
  const core::Image expected = render(blobs, kN, kShift);
  // The narrowest blobs (σ = 1.2 px) are not quite band-limited: 8e-4 of their spectrum is
  // beyond Nyquist.
  EXPECT_LT(rms_difference(shifted, expected), 1e-3);
  // An integer shift is a cyclic roll.
  core::Image rolled = render(blobs, kN, {0.0, 0.0});
  const core::Image original = rolled;
  fourier_shift(rolled, {3.0, -2.0}, ffts);
  EXPECT_NEAR(rolled(10, 13), original(12, 10), 1e-5);
  // Profiles: 1D registration and shift agree with each other.
  std::vector<double> p(50), q(50);
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = std::exp(-std::pow(double(i) - 20.0, 2) / 18.0) +
           0.5 * std::exp(-std::pow(double(i) - 28.0, 2) / 8.0);
  q = p;
  fourier_shift_profile(q, -1.33, ffts);
  EXPECT_NEAR(register_profile(p, q, {}, ffts), -1.33, 0.03);
}

TEST(Registration, AveragingRegisteredFramesRaisesTheSnrAsSqrtN) {
  const auto blobs = texture(kN, 40, 10.0);
  core::FftPlanCache ffts;
  const core::Image clean = render(blobs, kN, {0.0, 0.0});
  const double sigma = 0.1;
  constexpr std::size_t kFrames = 4;
  std::vector<core::Image> frames;
  const Shift2 shifts[kFrames] = {{0.0, 0.0}, {0.7, -0.4}, {-1.3, 0.45}, {0.25, 1.1}};
  for (std::size_t f = 0; f < kFrames; ++f) {
    core::Image frame = render(blobs, kN, shifts[f]);
    core::RngStream rng(3, "test.preprocess.frames", f);
    for (float& v : frame.values()) v += static_cast<float>(sigma * rng.normal());
    frames.push_back(frame);
  }
  const FrameAverage avg = average_frames(frames, {}, ffts);
  for (std::size_t f = 0; f < kFrames; ++f) {
    EXPECT_NEAR(avg.shifts[f][0], shifts[f][0], 0.05) << f;
    EXPECT_NEAR(avg.shifts[f][1], shifts[f][1], 0.05) << f;
  }
  const double single = rms_difference(frames[0], clean, 4);
  const double averaged = rms_difference(avg.average, clean, 4);
  std::printf("noise RMS: one frame %.4f, average of %zu %.4f (ratio %.3f, sqrt N = 2)\n", single,
              kFrames, averaged, single / averaged);
  EXPECT_NEAR(single / averaged, std::sqrt(double(kFrames)), 0.3);
}

TEST(Drift, RecoversAnInjectedLinearDriftAndUndoesIt) {
  const auto blobs = texture(kN, 60, 6.0);
  core::FftPlanCache ffts;
  const Shift2 drift{0.012, -0.008};  // px/line: 0.76 and 0.5 px over the frame
  const core::Image reference = render(blobs, kN, {0.0, 0.0});
  core::Image drifted = render(blobs, kN, {0.0, 0.0}, drift);
  const Shift2 d = relative_drift(reference, drifted, {}, ffts);
  std::printf("drift estimate (%.5f, %.5f) px/line, truth (%.5f, %.5f)\n", d[0], d[1], drift[0],
              drift[1]);
  EXPECT_NEAR(d[0], drift[0], 0.0015);
  EXPECT_NEAR(d[1], drift[1], 0.0015);
  const double before = rms_difference(drifted, reference, 8);
  correct_drift(drifted, d);
  const double after = rms_difference(drifted, reference, 8);
  std::printf("RMS difference to the undrifted image: %.4f before, %.4f after\n", before, after);
  EXPECT_LT(after, 0.1 * before);
}

TEST(Drift, SeriesDriftIsRecoveredUpToItsMean) {
  const auto blobs = texture(kN, 60, 6.0);
  core::FftPlanCache ffts;
  const double dy[4] = {0.006, -0.004, 0.0, 0.01};
  core::TiltSeries series{core::Grid<float, 3>({4, kN, kN}), {}};
  for (std::size_t t = 0; t < 4; ++t) {
    const core::Image img = render(blobs, kN, {0.0, 0.0}, {0.0, dy[t]});
    std::copy(img.values().begin(), img.values().end(), series.images.data() + t * kN * kN);
    series.euler_deg.push_back({0.0, 0.0, 0.0});
  }
  const auto d = estimate_series_drift(series, DriftMode::kY, {}, ffts);
  const double mean = (dy[0] + dy[1] + dy[2] + dy[3]) / 4;
  for (std::size_t t = 0; t < 4; ++t) {
    EXPECT_EQ(d[t][0], 0.0);
    EXPECT_NEAR(d[t][1], dy[t] - mean, 0.0015) << t;
  }
}

TEST(Background, LaplaceInterpolationReproducesAHarmonicBackground) {
  // a + b·x + c·y is discrete-harmonic: the interpolation inside any mask off the edges is exact.
  core::Image ramp({48, 56});
  for (std::size_t y = 0; y < 48; ++y)
    for (std::size_t x = 0; x < 56; ++x)
      ramp(y, x) = static_cast<float>(3.0 + 0.02 * double(x) - 0.015 * double(y));
  std::vector<std::uint8_t> mask(ramp.size(), 0);
  for (std::size_t y = 5; y < 40; ++y)
    for (std::size_t x = 8; x < 30 + y / 2; ++x) mask[y * 56 + x] = 1;
  core::Image holed = ramp;
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) holed.values()[i] = 100.0f;  // the "sample": must not leak into B
  const core::Image b = laplace_interpolate(holed, mask);
  double worst = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i)
    worst = std::max(worst, std::abs(double(b.values()[i]) - double(ramp.values()[i])));
  std::printf("harmonic background: max relative error %.2e\n", worst / 3.0);
  EXPECT_LT(worst / 3.0, 1e-6);
}

TEST(Background, SubtractionLeavesTheSample) {
  constexpr std::size_t n = 64;
  const std::vector<Blob> sample{{30.0, 34.0, 10.0, 2.5}, {36.0, 28.0, 6.0, 2.0}};
  const core::Image clean = render(sample, n, {0.0, 0.0});
  core::Image image = clean;
  for (std::size_t y = 0; y < n; ++y)
    for (std::size_t x = 0; x < n; ++x)
      image(y, x) += static_cast<float>(2.0 + 0.002 * double(x) + 0.004 * double(y));
  BackgroundParams p;
  p.threshold_fraction = 0.05;  // 0.5 above the edge level; the ramp spans ±0.2 about it
  p.dilation_px = 4;
  const BackgroundResult r = subtract_background(image, p);
  EXPECT_GT(r.mask_fraction, 0.05);
  EXPECT_LT(r.mask_fraction, 0.5);
  // The blobs' tails below the threshold are lost with the background; the rest is the sample.
  double worst = 0.0;
  for (std::size_t i = 0; i < image.size(); ++i)
    worst = std::max(worst, std::abs(double(image.values()[i]) - double(clean.values()[i])));
  std::printf("background subtraction: mask %.3f of the image, max error %.2e of a peak of 10\n",
              r.mask_fraction, worst);
  EXPECT_LT(worst, 0.02);
}

TEST(Background, RefusesBadInput) {
  core::Image flat({16, 16});
  for (float& v : flat.values()) v = 1.0f;
  EXPECT_THROW(subtract_background(flat, {}), InputError);  // nothing above the threshold
  const std::vector<std::uint8_t> all(flat.size(), 1);
  try {
    laplace_interpolate(flat, all);
    FAIL() << "a mask covering the image was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("covers the whole image"), std::string::npos) << e.what();
  }
  core::Image nan = flat;
  nan(3, 4) = std::numeric_limits<float>::quiet_NaN();
  try {
    subtract_background(nan, {});
    FAIL() << "NaN accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
  }
  try {
    BackgroundParams{.blur_sigma_px = -1.0}.validate();
    FAIL() << "negative blur accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("background_blur_sigma_px"), std::string::npos);
  }
  EXPECT_THROW(RegistrationParams{.upsampling = 0}.validate(), InputError);
  core::FftPlanCache ffts;
  EXPECT_THROW(register_translation(flat, nan, {}, ffts), InputError);
  EXPECT_THROW(register_translation(flat, core::Image({8, 16}), {}, ffts), InputError);
}

}  // namespace
}  // namespace vitrum::inverse
