#include "vitrum/core/projector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <numbers>
#include <numeric>

#include "vitrum/core/error.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/rng.hpp"

namespace vitrum::core {
namespace {

using Euler = std::array<double, 3>;

Volume random_volume(Volume::Shape shape, Volume::Coords sampling, Volume::Coords origin,
                     std::uint64_t item) {
  Volume v(shape, sampling, origin);
  RngStream rng(7, "test.projector.volume", item);
  for (float& x : v.values()) x = static_cast<float>(rng.uniform());
  return v;
}

Image random_image(Image image, std::uint64_t item) {
  RngStream rng(7, "test.projector.image", item);
  for (float& x : image.values()) x = static_cast<float>(rng.normal());
  return image;
}

Euler random_euler(RngStream& rng) {
  return {360.0 * rng.uniform() - 180.0, 180.0 * rng.uniform() - 90.0,
          360.0 * rng.uniform() - 180.0};
}

template <class A, class B>
double dot(const A& a, const B& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    s += static_cast<double>(a.values()[i]) * static_cast<double>(b.values()[i]);
  return s;
}

double total(const std::vector<float>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0,
                         [](double s, float x) { return s + static_cast<double>(x); });
}

TEST(Projector, AdjointIsExactForRandomVolumesAndAngles) {
  // Non-cubic voxels, a volume off the rotation centre, pixels of another size: the pair is
  // adjoint whatever the geometry, because both directions walk the same traversal.
  const Vec3 c(0.3, -0.2, 0.5);
  RngStream angles(7, "test.projector.angles", 0);
  double worst = 0;
  for (int subsamples : {1, 2}) {
    ProjectorParams params;
    params.subsamples = subsamples;
    for (std::uint64_t trial = 0; trial < 6; ++trial) {
      const Volume x = random_volume({14, 17, 19}, {0.5, 0.4, 0.45}, {-3.0, -3.5, -4.0}, trial);
      const Image y = random_image(detector_image(21, 23, 0.42, c), trial);
      const Euler euler = random_euler(angles);
      Image px = y;
      project(x, euler, c, px, params, {});
      Volume pty(x.shape(), x.sampling(), x.origin());
      back_project(y, euler, c, pty, params, {});
      const double lhs = dot(px, y), rhs = dot(x, pty);
      worst = std::max(worst, std::abs(lhs - rhs) / std::abs(lhs));
      EXPECT_NEAR(lhs, rhs, 1e-5 * std::abs(lhs)) << "S = " << subsamples << ", Euler (" << euler[0]
                                                  << ", " << euler[1] << ", " << euler[2] << ")";
    }
  }
  std::cout << "largest |<Px, y> - <x, P'y>| / |<Px, y>|: " << worst << "\n";
}

TEST(Projector, SeriesAdjointMatchesTheSumOfSingleViews) {
  const Volume x = random_volume({12, 12, 12}, {0.5, 0.5, 0.5}, {-2.75, -2.75, -2.75}, 11);
  const Vec3 c = volume_center(x);
  TiltSeries series;
  series.images = Grid<float, 3>({5, 16, 16}, {1.0, 0.5, 0.5}, {0.0, -3.75, -3.75});
  RngStream angles(7, "test.projector.series", 0);
  for (int t = 0; t < 5; ++t) series.euler_deg.push_back(random_euler(angles));
  RngStream values(7, "test.projector.series.values", 0);
  for (float& v : series.images.values()) v = static_cast<float>(values.normal());
  const TiltSeries residuals = series;

  TiltSeries projected = series;
  project_series(x, c, projected, {}, {});
  Volume back(x.shape(), x.sampling(), x.origin());
  back_project_series(residuals, c, back, {}, {});
  const double lhs = dot(projected.images, residuals.images), rhs = dot(x, back);
  EXPECT_NEAR(lhs, rhs, 1e-5 * std::abs(lhs));

  // Each series image is the same bytes as the single projection.
  for (std::size_t t = 0; t < 5; ++t) {
    Image one = series.image(t);
    project(x, series.euler_deg[t], c, one, {}, {2});
    EXPECT_EQ(std::memcmp(one.data(), projected.images.data() + t * 256, 256 * sizeof(float)), 0)
        << "tilt " << t;
  }
}

/// A volume of 33³ voxels of 0.25 Å centred on c with one voxel of 1 at offset (dx, dy, dz)
/// voxels from the centre; its image on a 33² detector of 0.25 Å centred on c.
struct PointCase {
  Euler euler;
  std::array<int, 3> offset_xyz;  // voxels
  std::array<int, 2> expect_yx;   // pixels from the detector centre
};

TEST(Projector, PointProjectsWhereTheStemConventionSays) {
  // R = Rz(φ)Ry(θ)Rx(ψ), r' = R(r − c) + c, image of (x', y'). Worked by hand:
  //   Ry(90°): +z → +x, +x → −z (so an x offset lands on the centre);
  //   Rz(90°): +x → +y;  Rx(90°): +y → +z, +z → −y;
  //   Rz(90°)Ry(90°): +z → +x → +y;  Ry(90°)Rx(90°): +y → +z → +x.
  const std::vector<PointCase> cases = {
      {{0, 0, 0}, {3, -2, 5}, {-2, 3}}, {{0, 90, 0}, {0, 0, 4}, {0, 4}},
      {{0, 90, 0}, {4, 0, 0}, {0, 0}},  {{0, -90, 0}, {0, 0, 4}, {0, -4}},
      {{90, 0, 0}, {4, 0, 0}, {4, 0}},  {{0, 0, 90}, {0, 0, 4}, {-4, 0}},
      {{90, 90, 0}, {0, 0, 4}, {4, 0}}, {{0, 90, 90}, {0, 4, 0}, {0, 4}},
  };
  const Vec3 c(1.0, 2.0, 3.0);
  const double h = 0.25;
  for (const auto& pc : cases) {
    Volume v({33, 33, 33}, {h, h, h}, {c.z() - 16 * h, c.y() - 16 * h, c.x() - 16 * h});
    v(16 + pc.offset_xyz[2], 16 + pc.offset_xyz[1], 16 + pc.offset_xyz[0]) = 1.0f;
    Image image = detector_image(33, 33, h, c);
    project(v, pc.euler, c, image, {}, {});
    const auto peak = static_cast<std::size_t>(
        std::max_element(image.values().begin(), image.values().end()) - image.values().begin());
    const std::string where = "Euler (" + std::to_string(pc.euler[0]) + ", " +
                              std::to_string(pc.euler[1]) + ", " + std::to_string(pc.euler[2]) +
                              ")";
    EXPECT_EQ(static_cast<int>(peak / 33) - 16, pc.expect_yx[0]) << where;
    EXPECT_EQ(static_cast<int>(peak % 33) - 16, pc.expect_yx[1]) << where;
    // The whole voxel lands on that pixel centre: value × h³ / h².
    EXPECT_NEAR(image.values()[peak], h, 1e-6) << where;
  }
}

TEST(Projector, GaussianBlobCentroidFollowsTheRotation) {
  // A Gaussian blob at a general offset: the image centroid is (R·offset)_xy for any angles.
  const Vec3 c(0.0, 0.0, 0.0), offset(1.1, -0.7, 1.6);
  const double h = 0.2, w = 0.5;
  Volume v({49, 49, 49}, {h, h, h}, {-24 * h, -24 * h, -24 * h});
  for (std::size_t iz = 0; iz < 49; ++iz)
    for (std::size_t iy = 0; iy < 49; ++iy)
      for (std::size_t ix = 0; ix < 49; ++ix) {
        const Vec3 r(v.coordinate(2, ix), v.coordinate(1, iy), v.coordinate(0, iz));
        v(iz, iy, ix) = static_cast<float>(std::exp(-(r - offset).squaredNorm() / (2 * w * w)));
      }
  for (const Euler& e : {Euler{30, 40, 50}, Euler{-120, 75, 10}, Euler{0, -63, 0}}) {
    Image image = detector_image(61, 61, h, c);
    project(v, e, c, image, {}, {});
    double m = 0, mx = 0, my = 0;
    for (std::size_t iy = 0; iy < 61; ++iy)
      for (std::size_t ix = 0; ix < 61; ++ix) {
        const double p = image(iy, ix);
        m += p, mx += p * image.coordinate(1, ix), my += p * image.coordinate(0, iy);
      }
    const Vec3 expect = euler_zyx_matrix(e[0], e[1], e[2]) * offset;
    EXPECT_NEAR(mx / m, expect.x(), 1e-4);
    EXPECT_NEAR(my / m, expect.y(), 1e-4);
  }
}

TEST(Projector, ConservesMassAtAnyAngle) {
  // Σ p·pixel area = Σ O·voxel volume when the detector covers the projected volume: the
  // 16³ box of 0.25 Å has a diagonal of 6.9 Å; the detector spans 32 × 0.3 = 9.6 Å.
  const Volume x = random_volume({16, 16, 16}, {0.25, 0.25, 0.25}, {-1.9, -1.9, -1.9}, 3);
  const double mass = total(x.values()) * 0.25 * 0.25 * 0.25;
  RngStream angles(7, "test.projector.mass", 0);
  for (int subsamples : {1, 3}) {
    ProjectorParams params;
    params.subsamples = subsamples;
    for (int trial = 0; trial < 5; ++trial) {
      const Euler e = random_euler(angles);
      Image image = detector_image(32, 32, 0.3, volume_center(x));
      project(x, e, volume_center(x), image, params, {});
      EXPECT_NEAR(total(image.values()) * 0.3 * 0.3, mass, 1e-6 * mass);
    }
  }
}

TEST(Projector, SameBytesOnOneAndTwoThreads) {
  const Volume x = random_volume({40, 30, 36}, {0.3, 0.3, 0.3}, {-6, -4.5, -5.4}, 5);
  const Vec3 c = volume_center(x);
  const Euler e{17, 33, -41};
  ProjectorParams params;
  params.subsamples = 2;
  Image one = detector_image(48, 48, 0.3, c), two = one;
  project(x, e, c, one, params, {1});
  project(x, e, c, two, params, {2});
  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)), 0);

  const Image y = random_image(one, 9);
  Volume b1(x.shape(), x.sampling(), x.origin()), b2 = b1;
  back_project(y, e, c, b1, params, {1});
  back_project(y, e, c, b2, params, {2});
  EXPECT_EQ(std::memcmp(b1.data(), b2.data(), b1.size() * sizeof(float)), 0);

  TiltSeries s1;
  s1.images = Grid<float, 3>({4, 48, 48}, {1, 0.3, 0.3}, {0, one.origin()[0], one.origin()[1]});
  s1.euler_deg = {{0, -60, 0}, {0, -20, 0}, {10, 20, 5}, {0, 60, 0}};
  TiltSeries s2 = s1;
  project_series(x, c, s1, params, {1});
  project_series(x, c, s2, params, {2});
  EXPECT_EQ(std::memcmp(s1.images.data(), s2.images.data(), s1.images.size() * sizeof(float)), 0);
  Volume v1(x.shape(), x.sampling(), x.origin()), v2 = v1;
  back_project_series(s1, c, v1, params, {1});
  back_project_series(s1, c, v2, params, {2});
  EXPECT_EQ(std::memcmp(v1.data(), v2.data(), v1.size() * sizeof(float)), 0);
}

TEST(Projector, BackProjectionAccumulates) {
  const Volume x = random_volume({8, 8, 8}, {0.5, 0.5, 0.5}, {-1.75, -1.75, -1.75}, 1);
  const Image y = random_image(detector_image(12, 12, 0.5, volume_center(x)), 2);
  Volume once(x.shape(), x.sampling(), x.origin()), twice = once;
  back_project(y, {0, 30, 0}, volume_center(x), once, {}, {});
  back_project(y, {0, 30, 0}, volume_center(x), twice, {}, {});
  back_project(y, {0, 30, 0}, volume_center(x), twice, {}, {});
  for (std::size_t i = 0; i < once.size(); ++i)
    EXPECT_FLOAT_EQ(twice.values()[i], 2 * once.values()[i]);
}

TEST(Projector, FourierSliceAgreesWithTheRealSpacePairAndTheAnalyticProjection) {
  // Three Gaussian blobs (w = 0.5 Å) within 2 Å of the centre of a 48³ volume of 0.2 Å; the
  // exact projection of each is √(2π)·w·exp(−ρ²/2w²) at its rotated (x, y).
  const double h = 0.2, w = 0.5;
  const Vec3 c(0.4, -0.3, 0.2);
  const std::vector<Vec3> blobs{c + Vec3(0.0, 0.0, 0.0), c + Vec3(1.2, -0.8, 0.9),
                                c + Vec3(-0.7, 1.1, -1.3)};
  const double first = -23.5 * h;
  Volume v({48, 48, 48}, {h, h, h}, {c.z() + first, c.y() + first, c.x() + first});
  for (std::size_t iz = 0; iz < 48; ++iz)
    for (std::size_t iy = 0; iy < 48; ++iy)
      for (std::size_t ix = 0; ix < 48; ++ix) {
        const Vec3 r(v.coordinate(2, ix), v.coordinate(1, iy), v.coordinate(0, iz));
        double sum = 0;
        for (const Vec3& b : blobs) sum += std::exp(-(r - b).squaredNorm() / (2 * w * w));
        v(iz, iy, ix) = static_cast<float>(sum);
      }
  FftPlanCache ffts;
  const FourierSliceProjector uncorrected(v, c, ffts);
  FourierSliceParams gridding;
  gridding.correction = FourierSliceCorrection::kDeapodize;
  const FourierSliceProjector fourier(v, c, ffts, gridding);
  ProjectorParams real_space;
  real_space.subsamples = 2;
  const auto rel = [](const Image& a, const std::vector<double>& ref) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      const double d = static_cast<double>(a.values()[i]) - ref[i];
      num += d * d, den += ref[i] * ref[i];
    }
    return std::sqrt(num / den);
  };
  for (const Euler& e : {Euler{0, 0, 0}, Euler{30, 40, 50}, Euler{-120, 75, 10}}) {
    const Mat3 R = euler_zyx_matrix(e[0], e[1], e[2]);
    Image fs = detector_image(48, 48, h, c), fs_plain = fs, rs = fs;
    fourier.project(e, fs, {});
    uncorrected.project(e, fs_plain, {});
    project(v, e, c, rs, real_space, {});
    std::vector<double> exact(fs.size(), 0.0);
    for (const Vec3& b : blobs) {
      const Vec3 r = R * (b - c) + c;
      for (std::size_t iy = 0; iy < 48; ++iy)
        for (std::size_t ix = 0; ix < 48; ++ix) {
          const double dx = fs.coordinate(1, ix) - r.x(), dy = fs.coordinate(0, iy) - r.y();
          exact[iy * 48 + ix] +=
              std::sqrt(2 * std::numbers::pi) * w * std::exp(-(dx * dx + dy * dy) / (2 * w * w));
        }
    }
    const double e_fs = rel(fs, exact), e_plain = rel(fs_plain, exact), e_rs = rel(rs, exact);
    std::cout << "Euler (" << e[0] << ", " << e[1] << ", " << e[2]
              << "): relative RMS vs exact: Fourier slice " << e_fs << " (uncorrected " << e_plain
              << "), real space S = 2 " << e_rs << "\n";
    std::vector<double> rs_values(rs.values().begin(), rs.values().end());
    const double e_fs_rs = rel(fs_plain, rs_values);
    std::cout << "  Fourier slice vs real space: " << e_fs_rs << "\n";
    // Real space: the splat blur (S = 2: tent p²/6 + box h²/16 per axis against w² = 0.25 Å²)
    // lowers peaks by ≈ 2 %. Fourier slice: trilinear interpolation damps the object by
    // sinc²(s/(3·9.6 Å)) per axis (≈ 1.6 % at 2 Å), except on slices along grid planes (0°),
    // which are exact; de-apodisation removes the damping there but adds it back at 0°.
    EXPECT_LT(e_plain, 1.5e-2);
    EXPECT_LT(e_fs, 1.5e-2);
    if (e != Euler{0, 0, 0}) {
      EXPECT_LT(e_fs, 6e-3);
    }
    EXPECT_LT(e_rs, 3e-2);
    EXPECT_LT(e_fs_rs, 3e-2);
  }
}

template <class F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(Projector, BadInputIsAnInputErrorNamingTheField) {
  const Volume x = random_volume({8, 8, 8}, {0.5, 0.5, 0.5}, {0, 0, 0}, 1);
  const Vec3 c = volume_center(x);
  Image image = detector_image(10, 10, 0.5, c);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(input_error_of([&] {
              project(x, {0, nan, 0}, c, image, {}, {});
            }).find("theta"),
            std::string::npos);
  Volume target = x;
  EXPECT_NE(input_error_of([&] {
              back_project(image, {nan, 0, 0}, c, target, {}, {});
            }).find("phi"),
            std::string::npos);
  EXPECT_NE(input_error_of([&] {
              project(x, {0, 0, 0}, Vec3(0, nan, 0), image, {}, {});
            }).find("center_A.y"),
            std::string::npos);
  EXPECT_NE(input_error_of([&] {
              project(Volume(), {0, 0, 0}, c, image, {}, {});
            }).find("empty"),
            std::string::npos);
  Image empty;
  EXPECT_NE(input_error_of([&] {
              project(x, {0, 0, 0}, c, empty, {}, {});
            }).find("empty"),
            std::string::npos);
  EXPECT_NE(input_error_of([&] { detector_image(10, 10, 0.0, c); }).find("pixel_A = 0"),
            std::string::npos);
  ProjectorParams bad;
  bad.subsamples = 0;
  EXPECT_NE(input_error_of([&] {
              project(x, {0, 0, 0}, c, image, bad, {});
            }).find("projector.subsamples = 0"),
            std::string::npos);
  FftPlanCache ffts;
  EXPECT_NE(input_error_of([&] { FourierSliceProjector(Volume(), c, ffts); }).find("empty"),
            std::string::npos);
  FourierSliceParams fs;
  fs.oversampling = 0;
  EXPECT_NE(input_error_of([&] {
              FourierSliceProjector(x, c, ffts, fs);
            }).find("fourier_slice.oversampling = 0"),
            std::string::npos);
  const FourierSliceProjector fourier(x, c, ffts);
  EXPECT_NE(input_error_of([&] {
              fourier.project({0, 0, nan}, image, {});
            }).find("psi"),
            std::string::npos);
  TiltSeries series;
  series.images = Grid<float, 3>({2, 10, 10});
  series.euler_deg = {{0, 0, 0}};
  EXPECT_THROW(project_series(x, c, series, {}, {}), InputError);
}

}  // namespace
}  // namespace vitrum::core
