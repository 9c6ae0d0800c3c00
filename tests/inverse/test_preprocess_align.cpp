// Alignment of a tilt series (inverse/preprocess/align.hpp) and the preprocess driver: shifts
// injected into projections of a known 3D object (core::project_series of Gaussian blobs, tilt
// about y) are recovered to < 0.2 px; bad input is refused; the defaults change nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/preprocess/preprocess.hpp"

namespace vitrum::inverse {
namespace {

constexpr std::size_t kVoxels = 32;
constexpr std::size_t kPixels = 48;
constexpr double kH = 1.0;  // voxel = pixel (Å)
const core::Vec3 kCenter{0.0, 0.0, 0.0};

struct Blob3 {
  double x, y, z, amplitude;
};
// Symmetric pairs about the centre plus one at it: the centre of mass is the rotation centre,
// so the centre-of-mass alignment is absolute in x (align.hpp).
const Blob3 kBlobs[] = {{4.0, 2.5, -3.0, 1.0},
                        {-4.0, -2.5, 3.0, 1.0},
                        {1.5, -6.0, 5.0, 0.7},
                        {-1.5, 6.0, -5.0, 0.7},
                        {0.0, 0.0, 0.0, 0.5}};

core::TiltSeries projections(std::size_t tilts) {
  const double half = 0.5 * double(kVoxels - 1) * kH;
  core::Volume v({kVoxels, kVoxels, kVoxels}, core::Volume::filled(kH),
                 {kCenter.z() - half, kCenter.y() - half, kCenter.x() - half});
  const double sigma = 1.3;  // Å
  for (std::size_t z = 0; z < kVoxels; ++z)
    for (std::size_t y = 0; y < kVoxels; ++y)
      for (std::size_t x = 0; x < kVoxels; ++x) {
        double sum = 0.0;
        for (const Blob3& b : kBlobs) {
          const double d2 = std::pow(v.coordinate(2, x) - b.x, 2) +
                            std::pow(v.coordinate(1, y) - b.y, 2) +
                            std::pow(v.coordinate(0, z) - b.z, 2);
          sum += b.amplitude * std::exp(-d2 / (2 * sigma * sigma));
        }
        v(z, y, x) = static_cast<float>(sum);
      }
  const core::Image det = core::detector_image(kPixels, kPixels, kH, kCenter);
  core::TiltSeries s{core::Grid<float, 3>({tilts, kPixels, kPixels}, {1.0, kH, kH},
                                          {0.0, det.origin()[0], det.origin()[1]}),
                     {}};
  for (std::size_t t = 0; t < tilts; ++t)
    s.euler_deg.push_back({0.0, -70.0 + 140.0 * double(t) / double(tilts - 1), 0.0});
  core::project_series(v, kCenter, s, {}, {});
  return s;
}

/// Translates each projection's content by a random shift in [−3, 3] px per axis.
std::vector<Shift2> inject_shifts(core::TiltSeries& s) {
  core::FftPlanCache ffts;
  std::vector<Shift2> shifts;
  const std::size_t pixels = kPixels * kPixels;
  for (std::size_t t = 0; t < s.tilt_count(); ++t) {
    core::RngStream rng(5, "test.preprocess.shifts", t);
    const Shift2 shift{6.0 * rng.uniform() - 3.0, 6.0 * rng.uniform() - 3.0};
    core::Image img = s.image(t);
    fourier_shift(img, shift, ffts);
    std::copy(img.values().begin(), img.values().end(), s.images.data() + t * pixels);
    shifts.push_back(shift);
  }
  return shifts;
}

const core::Logger& quiet() {
  static const core::Logger logger(core::Verbosity::kQuiet);
  return logger;
}

/// Per axis: the mean of applied + injected (the common offset) and the RMS and largest
/// deviation from it.
struct Residual {
  Shift2 offset{}, rms{}, worst{};
};
Residual residual(const std::vector<Shift2>& applied, const std::vector<Shift2>& injected) {
  Residual r;
  const double n = double(applied.size());
  for (std::size_t a = 0; a < 2; ++a) {
    for (std::size_t t = 0; t < applied.size(); ++t)
      r.offset[a] += (applied[t][a] + injected[t][a]) / n;
    for (std::size_t t = 0; t < applied.size(); ++t) {
      const double e = applied[t][a] + injected[t][a] - r.offset[a];
      r.rms[a] += e * e / n;
      r.worst[a] = std::max(r.worst[a], std::abs(e));
    }
    r.rms[a] = std::sqrt(r.rms[a]);
  }
  return r;
}

TEST(Align, CenterOfMassAndCommonLineRecoverInjectedShifts) {
  core::TiltSeries s = projections(15);
  const core::TiltSeries clean = s;
  const auto injected = inject_shifts(s);
  const AlignResult a = align_series(s, {}, {}, quiet());
  ASSERT_EQ(a.shift_px.size(), 15u);
  const Residual r = residual(a.shift_px, injected);
  std::printf(
      "com+common_line: %d rounds; residual RMS (%.4f, %.4f) px, worst (%.4f, %.4f) px, "
      "common offset (%.4f, %.4f) px\n",
      a.iterations, r.rms[0], r.rms[1], r.worst[0], r.worst[1], r.offset[0], r.offset[1]);
  EXPECT_LT(r.worst[0], 0.2);
  EXPECT_LT(r.worst[1], 0.2);
  // The object's centre of mass is on the rotation axis and the mean y centre of mass is put
  // at the image centre, so even the common offset is small here.
  EXPECT_LT(std::abs(r.offset[0]), 0.2);
  EXPECT_LT(std::abs(r.offset[1]), 0.2);
  // The aligned images are the clean projections again (up to that offset).
  double err = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < s.images.size(); ++i) {
    err += std::pow(double(s.images.values()[i]) - double(clean.images.values()[i]), 2);
    norm += std::pow(double(clean.images.values()[i]), 2);
  }
  EXPECT_LT(std::sqrt(err / norm), 0.05);
  // The common-line misfit falls.
  ASSERT_GE(a.misfit.size(), 2u);
  EXPECT_LT(a.misfit.back(), a.misfit.front());
}

TEST(Align, CenterOfMassAloneRecoversInjectedShifts) {
  core::TiltSeries s = projections(11);
  const auto injected = inject_shifts(s);
  AlignParams p;
  p.mode = AlignMode::kCenterOfMass;
  const Residual r = residual(align_series(s, p, {}, quiet()).shift_px, injected);
  std::printf("com: residual RMS (%.4f, %.4f) px, worst (%.4f, %.4f) px\n", r.rms[0], r.rms[1],
              r.worst[0], r.worst[1]);
  EXPECT_LT(r.worst[0], 0.2);
  EXPECT_LT(r.worst[1], 0.2);
}

TEST(Align, SameBytesForAnyThreadCount) {
  core::TiltSeries a = projections(9);
  inject_shifts(a);
  core::TiltSeries b = a;
  const AlignResult ra = align_series(a, {}, {.threads = 1}, quiet());
  const AlignResult rb = align_series(b, {}, {.threads = 2}, quiet());
  EXPECT_EQ(a.images.values(), b.images.values());
  for (std::size_t t = 0; t < ra.shift_px.size(); ++t) EXPECT_EQ(ra.shift_px[t], rb.shift_px[t]);
}

TEST(Preprocess, DefaultsLeaveTheSeriesUnchanged) {
  core::TiltSeries s = projections(5);
  const core::TiltSeries before = s;
  const PreprocessResult r = preprocess(s, {}, {}, quiet());
  EXPECT_TRUE(r.steps.empty());
  EXPECT_EQ(s.images.values(), before.images.values());
  ASSERT_EQ(r.shift_px.size(), 5u);
  for (const Shift2& sh : r.shift_px) EXPECT_EQ(sh, (Shift2{0.0, 0.0}));
}

TEST(Preprocess, BackgroundThenAlignmentOnAnOffsetSeries) {
  core::TiltSeries s = projections(13);
  const auto injected = inject_shifts(s);
  for (float& v : s.images.values()) v += 0.3f;  // a constant background (value·Å)
  PreprocessParams p;
  p.background = BackgroundMode::kLaplace;
  p.align = AlignMode::kCenterOfMassCommonLine;
  const PreprocessResult r = preprocess(s, p, {}, quiet());
  EXPECT_EQ(r.steps, (std::vector<std::string>{"background", "align"}));
  for (double f : r.mask_fraction) {
    EXPECT_GT(f, 0.05);
    EXPECT_LT(f, 0.8);
  }
  const Residual res = residual(r.shift_px, injected);
  std::printf("background + com+common_line: residual RMS (%.4f, %.4f) px, worst (%.4f, %.4f)\n",
              res.rms[0], res.rms[1], res.worst[0], res.worst[1]);
  EXPECT_LT(res.worst[0], 0.2);
  EXPECT_LT(res.worst[1], 0.2);
}

TEST(Preprocess, RecoversSlowAxisDriftFromTheCommonLine) {
  core::TiltSeries s = projections(13);
  const std::size_t pixels = kPixels * kPixels;
  std::vector<double> injected;
  for (std::size_t t = 0; t < s.tilt_count(); ++t) {
    core::RngStream rng(9, "test.preprocess.drift", t);
    const double dy = 0.02 * rng.uniform() - 0.01;  // px/line
    // Recording with drift d shows line L at L(1 + d): the inverse resampling of correct_drift.
    core::Image img = s.image(t);
    correct_drift(img, {0.0, 1.0 / (1.0 + dy) - 1.0});
    std::copy(img.values().begin(), img.values().end(), s.images.data() + t * pixels);
    injected.push_back(dy);
  }
  double mean = 0.0;
  for (double d : injected) mean += d / double(injected.size());
  PreprocessParams p;
  p.drift = DriftMode::kY;
  const PreprocessResult r = preprocess(s, p, {}, quiet());
  EXPECT_EQ(r.steps, (std::vector<std::string>{"drift"}));
  double rms = 0.0;
  for (std::size_t t = 0; t < injected.size(); ++t) {
    EXPECT_EQ(r.drift_px_per_line[t][0], 0.0);
    rms += std::pow(r.drift_px_per_line[t][1] - (injected[t] - mean), 2) / double(injected.size());
  }
  rms = std::sqrt(rms);
  std::printf("y drift from the common line: error RMS %.5f px/line\n", rms);
  EXPECT_LT(rms, 0.001);
}

TEST(Preprocess, RefusesBadInput) {
  const auto message = [](auto&& f) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no InputError)");
  };
  core::TiltSeries empty;
  PreprocessParams p;
  p.align = AlignMode::kCenterOfMass;
  EXPECT_NE(message([&] { preprocess(empty, p, {}, quiet()); }).find("empty"), std::string::npos);
  EXPECT_NE(message([&] { align_series(empty, {}, {}, quiet()); }).find("empty"),
            std::string::npos);
  core::TiltSeries nan = projections(3);
  nan.images(1, 5, 5) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(message([&] { preprocess(nan, p, {}, quiet()); }).find("non-finite"),
            std::string::npos);
  // A mask that covers the whole image: a sample filling the field of view after a huge
  // dilation.
  core::TiltSeries full = projections(3);
  p.align = AlignMode::kNone;
  p.background = BackgroundMode::kLaplace;
  p.background_params.dilation_px = 100;
  EXPECT_NE(message([&] { preprocess(full, p, {}, quiet()); }).find("covers the whole image"),
            std::string::npos);
  // Common line needs a tilt about y only.
  core::TiltSeries tilted = projections(3);
  tilted.euler_deg[1][0] = 10.0;
  EXPECT_NE(message([&] { align_series(tilted, {}, {}, quiet()); }).find("tilt about y"),
            std::string::npos);
  PreprocessParams bad;
  bad.align_params.tolerance_px = 0.0;
  EXPECT_NE(message([&] { bad.validate(); }).find("align_tolerance_px"), std::string::npos);
}

}  // namespace
}  // namespace vitrum::inverse
