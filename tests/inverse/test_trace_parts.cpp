// The pieces of atom tracing: spline upsampling, the polynomial peak fit, 1D K-means and the
// corrections file.

#include <gtest/gtest.h>

#include <cmath>

#include "trace_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/inverse/trace/kmeans.hpp"
#include "vitrum/inverse/trace/peak_fit.hpp"
#include "vitrum/inverse/trace/trace.hpp"
#include "vitrum/inverse/trace/upsample.hpp"

namespace vitrum::inverse {
namespace {

using testing::Blob;
using testing::render;

TEST(Upsample, KeepsTheSamplesAndInterpolatesASmoothBlob) {
  // σ = 1.4 voxels, centred in a box of ±5σ (the mirror boundary then sees a flat edge).
  const double h = 0.35, sigma = 0.5;
  const core::Vec3 c{3.1, 2.95, 3.2};
  const core::Volume v = render({{c, 1.0}}, 18, h, sigma, 3.0 - 8.5 * h);
  const core::Volume up = upsample_spline(VolumeView(v), 3, {});
  ASSERT_EQ(up.extent(0), 52u);
  EXPECT_DOUBLE_EQ(up.sampling()[2], h / 3);
  EXPECT_DOUBLE_EQ(up.origin()[1], v.origin()[1]);
  double worst_node = 0.0, worst = 0.0;
  for (std::size_t z = 0; z < up.extent(0); ++z)
    for (std::size_t y = 0; y < up.extent(1); ++y)
      for (std::size_t x = 0; x < up.extent(2); ++x) {
        const core::Vec3 p{up.coordinate(2, x), up.coordinate(1, y), up.coordinate(0, z)};
        const double exact = std::exp(-(p - c).squaredNorm() / (2 * sigma * sigma));
        if (z % 3 == 0 && y % 3 == 0 && x % 3 == 0)
          worst_node = std::max(worst_node, double(std::abs(up(z, y, x) - v(z / 3, y / 3, x / 3))));
        worst = std::max(worst, std::abs(up(z, y, x) - exact));
      }
  EXPECT_LT(worst_node, 1e-6);
  // The interpolation error of a cubic spline through these samples: 2.6·10⁻³ of the peak in
  // 1D (scipy's CubicSpline on the same σ/h), up to about three times that over three axes.
  EXPECT_LT(worst, 8e-3);
  std::printf("spline 3x of a sigma = 1.4 voxel Gaussian: worst error %.2e of the peak\n", worst);
}

TEST(Upsample, IdenticalForAnyThreadCountAndRejectsEmpty) {
  const core::Volume v = render({{{2.0, 2.5, 3.0}, 1.0}}, 16, 0.35, 0.45);
  const core::Volume a = upsample_spline(VolumeView(v), 3, {1});
  const core::Volume b = upsample_spline(VolumeView(v), 3, {2});
  EXPECT_EQ(a.values(), b.values());
  EXPECT_THROW(upsample_spline(VolumeView(core::Volume{}), 3, {}), InputError);
  EXPECT_THROW(upsample_spline(VolumeView(v), 0, {}), InputError);
}

TEST(PeakFit, RecoversASubVoxelOffset) {
  // A Gaussian of σ = 3.8 voxels (0.45 Å on 0.117 Å voxels) off the grid by a fraction of a
  // voxel along each axis; the fit starts at the nearest voxel.
  PeakFitParams p;
  p.radius_voxels = 6.4;  // 0.75 Å
  const PolynomialPeakFitter fitter(p);
  const double sigma = 3.8;
  core::RngStream rng(7, "peak-fit-offsets", 0);
  double worst = 0.0;
  for (int trial = 0; trial < 20; ++trial) {
    const std::array<double, 3> c{15 + rng.uniform() - 0.5, 15 + rng.uniform() - 0.5,
                                  15 + rng.uniform() - 0.5};
    core::Volume g({31, 31, 31});
    for (int z = 0; z < 31; ++z)
      for (int y = 0; y < 31; ++y)
        for (int x = 0; x < 31; ++x) {
          const double d2 = std::pow(z - c[0], 2) + std::pow(y - c[1], 2) + std::pow(x - c[2], 2);
          g(z, y, x) = static_cast<float>(std::exp(-d2 / (2 * sigma * sigma)));
        }
    const std::array<std::size_t, 3> start{static_cast<std::size_t>(std::lround(c[0])),
                                           static_cast<std::size_t>(std::lround(c[1])),
                                           static_cast<std::size_t>(std::lround(c[2]))};
    const PeakFit f = fitter.fit(g, start);
    ASSERT_EQ(f.status, PeakFitStatus::kConverged);
    EXPECT_GE(f.iterations, p.converge_steps);
    for (std::size_t a = 0; a < 3; ++a)
      worst = std::max(worst, std::abs(f.position_voxels[a] - c[a]));
  }
  EXPECT_LT(worst, 0.05);
  std::printf("polynomial fit: worst sub-voxel error %.4f voxel over 20 offsets\n", worst);
}

TEST(PeakFit, StartingBesideThePeakWalksToIt) {
  // Two voxels off: the first steps are clamped to 0.5 voxel, then seven small steps.
  const PolynomialPeakFitter fitter({});
  core::Volume g({25, 25, 25});
  for (int z = 0; z < 25; ++z)
    for (int y = 0; y < 25; ++y)
      for (int x = 0; x < 25; ++x) {
        const double d2 = std::pow(z - 12.0, 2) + std::pow(y - 12.3, 2) + std::pow(x - 11.8, 2);
        g(z, y, x) = static_cast<float>(std::exp(-d2 / (2 * 16.0)));
      }
  const PeakFit f = fitter.fit(g, {12, 14, 12});
  ASSERT_EQ(f.status, PeakFitStatus::kConverged);
  EXPECT_GT(f.iterations, 7);
  EXPECT_NEAR(f.position_voxels[1], 12.3, 0.05);
  // A flat region has no maximum.
  core::Volume flat({25, 25, 25});
  for (float& v : flat.values()) v = 1.0f;
  EXPECT_NE(fitter.fit(flat, {12, 12, 12}).status, PeakFitStatus::kConverged);
}

TEST(PeakFit, ParamsAreValidated) {
  PeakFitParams p;
  p.max_iterations = 3;
  EXPECT_THROW(p.validate(), InputError);
  p = {};
  p.radius_voxels = 1.0;
  EXPECT_THROW(PolynomialPeakFitter{p}, InputError);
}

TEST(KMeans, SeparatesTwoClassesAndPinsZero) {
  std::vector<double> v;
  core::RngStream rng(3, "kmeans", 0);
  for (int i = 0; i < 100; ++i) v.push_back(10 + rng.normal());
  for (int i = 0; i < 50; ++i) v.push_back(30 + rng.normal());
  const KMeansResult free = kmeans_1d(v, 2, KMeansZero::kFree);
  ASSERT_EQ(free.centers.size(), 2u);
  EXPECT_NEAR(free.centers[0], 10, 0.5);
  EXPECT_NEAR(free.centers[1], 30, 0.5);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(free.classes[i], i < 100 ? 0 : 1);
  // With a centre pinned at zero, weak values (noise peaks) join it.
  std::vector<double> w(v.begin(), v.begin() + 100);
  for (int i = 0; i < 10; ++i) w.push_back(1.0 + 0.1 * i);
  const KMeansResult pinned = kmeans_1d(w, 1, KMeansZero::kPinned);
  EXPECT_NEAR(pinned.centers[0], 10, 0.5);
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_EQ(pinned.classes[i], i < 100 ? 0 : -1);
  EXPECT_THROW(kmeans_1d(v, 0, KMeansZero::kFree), InputError);
  v[3] = std::nan("");
  EXPECT_THROW(kmeans_1d(v, 2, KMeansZero::kFree), InputError);
}

TEST(Corrections, ParseAddRemoveAndNameTheLineOfAnError) {
  const auto c = parse_corrections(
      "# replayed by hand\n\nadd 1 2.5 3  # a missed atom\nremove -1 0 4e-1\nadd 0 0 0 2\n",
      "fix.txt");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].action, CorrectionAction::kAdd);
  EXPECT_EQ(c[0].type, -1);
  EXPECT_EQ(c[0].position_A, core::Vec3(1, 2.5, 3));
  EXPECT_EQ(c[0].where, "fix.txt:3");
  EXPECT_EQ(c[1].action, CorrectionAction::kRemove);
  EXPECT_EQ(c[1].position_A, core::Vec3(-1, 0, 0.4));
  EXPECT_EQ(c[2].type, 2);
  const auto where = [](const std::string& text) {
    try {
      parse_corrections(text, "f");
    } catch (const InputError& e) {
      return describe(e);
    }
    return std::string();
  };
  EXPECT_NE(where("add 1 2 3\nmove 1 2 3\n").find("f:2"), std::string::npos);
  EXPECT_NE(where("add 1 2\n").find("f:1"), std::string::npos);
  EXPECT_NE(where("remove 1 2 3 1\n").find("unexpected"), std::string::npos);
  EXPECT_NE(where("add 1 2 3 -1\n").find("type index"), std::string::npos);
  EXPECT_NE(where("add 1 2 3 x\n").find("type index"), std::string::npos);
  EXPECT_THROW(read_corrections("/nonexistent/corrections.txt"), IoError);
}

}  // namespace
}  // namespace vitrum::inverse
