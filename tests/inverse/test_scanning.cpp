#include "vitrum/inverse/tomo/scanning.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "tomo_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/inverse/tomo/reconstruct.hpp"

namespace vitrum::inverse {
namespace {

using testing::empty_series;
using testing::linspace;
using testing::render_blobs;
using testing::TomoBlob;

const core::Vec3 kCenter{1.5, -2.0, 0.5};

const core::Logger& quiet() {
  static const core::Logger logger(core::Verbosity::kQuiet);
  return logger;
}

/// n³ voxels of h centred on kCenter, with 1 in the slab z ∈ [z_lo, z_hi] (voxel indices,
/// inclusive), shifted by `tilt` voxels of z per voxel of x (a film that is not level).
core::Volume slab(std::size_t n, double h, long z_lo, long z_hi, double tilt = 0.0) {
  const double half = 0.5 * static_cast<double>(n - 1) * h;
  core::Volume v({n, n, n}, core::Volume::filled(h),
                 {kCenter.z() - half, kCenter.y() - half, kCenter.x() - half});
  for (std::size_t z = 0; z < n; ++z)
    for (std::size_t y = 0; y < n; ++y)
      for (std::size_t x = 0; x < n; ++x) {
        const long shift = std::lround(tilt * (static_cast<double>(x) - 0.5 * double(n - 1)));
        const long zz = static_cast<long>(z) - shift;
        v(z, y, x) = (zz >= z_lo && zz <= z_hi) ? 1.0f : 0.0f;
      }
  return v;
}

double mean_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(Scanning, WeightsAreAPartitionOfUnity) {
  // 37 voxels of 0.5 Å (18.5 Å): patches of ≤ 6 Å give 4 uneven cores per axis (9 or 10
  // voxels), overlap bands of ±1.2 Å (2.4 voxels, not a whole number) at the shared edges.
  const core::Volume global = slab(37, 0.5, 14, 22);
  ScanningParams params;
  params.patch_A = 6.0;
  params.overlap_A = 1.2;
  params.padding_A = 1.0;
  const std::vector<ScanPatch> patches = plan_patches(global, params, std::sqrt(3.0));
  ASSERT_EQ(patches.size(), 16u);
  for (std::size_t y = 0; y < 37; ++y)
    for (std::size_t x = 0; x < 37; ++x) {
      double sum = 0.0;
      for (const ScanPatch& p : patches) {
        const double w = patch_weight(global, p, params.overlap_A, y, x);
        EXPECT_GE(w, 0.0);
        EXPECT_LE(w, 1.0);
        // Weight only where the box holds the column: the stitched value exists there.
        if (w > 0.0) {
          EXPECT_TRUE(y >= p.box_lo[1] && y < p.box_hi[1] && x >= p.box_lo[2] && x < p.box_hi[2]);
        }
        sum += w;
      }
      EXPECT_NEAR(sum, 1.0, 1e-12) << "column (" << y << ", " << x << ")";
    }
  // Constant local volumes stitch to that constant wherever a box holds the voxel (every
  // column, and the film's z range, which all patches share here).
  std::vector<core::Volume> locals;
  for (const ScanPatch& p : patches) {
    core::Volume v = patch_box(global, p);
    std::fill(v.values().begin(), v.values().end(), 3.7f);
    locals.push_back(std::move(v));
  }
  const core::Volume out = stitch(global, patches, locals, params.overlap_A);
  const std::size_t z0 = patches[0].box_lo[0], z1 = patches[0].box_hi[0];
  for (const ScanPatch& p : patches) {
    EXPECT_EQ(p.box_lo[0], z0);
    EXPECT_EQ(p.box_hi[0], z1);
  }
  for (std::size_t z = 0; z < 37; ++z)
    for (std::size_t y = 0; y < 37; ++y)
      for (std::size_t x = 0; x < 37; ++x) {
        // float(Σ w·3.7 / Σ w) with Σ w = 1 ± 1e-12: 3.7f to within one float ulp.
        if (z >= z0 && z < z1)
          EXPECT_NEAR(out(z, y, x), 3.7f, 4e-7f) << z << " " << y << " " << x;
        else
          EXPECT_EQ(out(z, y, x), 0.0f);  // outside every local volume: the film's support
      }
}

TEST(Scanning, EstimatesThicknessAndMidPlanePerPatch) {
  // A 5 Å film (voxels 30 … 39 of 0.5 Å) on 80 voxels, tilted by 1 voxel of z per 8 voxels of
  // x: the surfaces are where the half-maximum level crosses, within the tilt across a core.
  const double h = 0.5;
  const core::Volume global = slab(80, h, 30, 39, 1.0 / 8.0);
  ScanningParams params;
  params.patch_A = 10.0;  // 4 × 4 cores of 20 voxels
  params.overlap_A = 1.0;
  params.padding_A = 2.0;
  params.margin_z_A = 1.5;
  const std::vector<ScanPatch> patches = plan_patches(global, params, std::sqrt(3.0));
  ASSERT_EQ(patches.size(), 16u);
  for (const ScanPatch& p : patches) {
    // The film's mid-plane over the core's columns (z index 34.5 at its centre x).
    const double x_mid = 0.5 * double(p.core_lo[1] + p.core_hi[1] - 1);
    const double mid = global.origin()[0] + h * (34.5 + (x_mid - 39.5) / 8.0);
    // Across a 20-voxel core the film moves by 2.5 voxels: the half-maximum range widens by
    // up to that, and its middle stays within a voxel of the mean mid-plane.
    EXPECT_NEAR(p.mid_z_A, mid, h) << "core x " << p.core_lo[1];
    EXPECT_GE(p.thickness_A, 5.0 - 1e-9);
    EXPECT_LE(p.thickness_A, 5.0 + 3.0 * h);
    // The box holds the film plus the margin (3 voxels) and no more than a voxel beyond.
    const double z_lo = global.origin()[0] + h * double(p.box_lo[0]);
    const double z_hi = global.origin()[0] + h * double(p.box_hi[0] - 1);
    EXPECT_LE(z_lo, p.mid_z_A - 0.5 * (p.thickness_A - h) - 1.5 + 1e-9);
    EXPECT_GE(z_hi, p.mid_z_A + 0.5 * (p.thickness_A - h) + 1.5 - 1e-9);
    EXPECT_LE(z_hi - z_lo, p.thickness_A - h + 3.0 + 2.0 * h + 1e-9);
  }
  // Given thickness: a slab of that thickness about the profile's centroid.
  params.thickness_A = 4.0;
  const core::Volume level = slab(80, h, 30, 39);
  for (const ScanPatch& p : plan_patches(level, params, std::sqrt(3.0))) {
    EXPECT_NEAR(p.mid_z_A, level.origin()[0] + h * 34.5, 1e-9);
    EXPECT_DOUBLE_EQ(p.thickness_A, 4.0);
  }
}

/// Blobs of σ = 1.5 voxels in a slab about z = n/2 of an n³ box of voxel 0.8 Å.
std::vector<TomoBlob> film_blobs(std::size_t n) {
  std::vector<TomoBlob> blobs;
  const double mid = 0.5 * double(n - 1);
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 4; ++i) {
      const double x = 4.0 + (double(n) - 8.0) * (i + 0.3 * (j % 2)) / 3.6;
      const double y = 4.0 + (double(n) - 8.0) * j / 3.0;
      const double z = mid + ((i + j) % 3 - 1) * 2.0;
      blobs.push_back({z, y, x, 1.0 - 0.1 * ((i * j) % 3), 1.5});
    }
  return blobs;
}

TEST(Scanning, CroppedDetectorEqualsProjectionOntoTheWindow) {
  // General orientations (φ, ψ ≠ 0 move the point along y too); the point is off-centre.
  constexpr std::size_t kN = 28;
  constexpr double kH = 0.8;
  core::TiltSeries full = empty_series(linspace(-60.0, 60.0, 7), kN, kH, kCenter);
  for (std::size_t t = 0; t < full.tilt_count(); ++t)
    full.euler_deg[t] = {7.0 * double(t) - 20.0, full.euler_deg[t][1], 3.0 - 2.0 * double(t)};
  const core::Volume grid = resire_volume(full, kCenter, ResireParams{});
  const core::Volume object = render_blobs(grid, film_blobs(kN));
  core::project_series(object, kCenter, full, {}, {});
  const core::Vec3 point = kCenter + core::Vec3(-3.1, 2.3, 1.7);
  const CroppedSeries crop = crop_series(full, kCenter, point, 12, 15);
  ASSERT_EQ(crop.series.images.extent(1), 12u);
  ASSERT_EQ(crop.series.images.extent(2), 15u);
  ASSERT_EQ(crop.shift_yx_A.size(), full.tilt_count());
  // Projecting onto the shifted windows gives the cropped pixels: the same traversal, with the
  // pixel origin moved by a whole number of pixels (differences are rounding only).
  core::TiltSeries direct = crop.series;
  std::fill(direct.images.values().begin(), direct.images.values().end(), 0.0f);
  core::project_series(object, kCenter, direct, crop.shift_yx_A, {}, {});
  float peak = 0.0f;
  for (float v : crop.series.images.values()) peak = std::max(peak, v);
  ASSERT_GT(peak, 0.0f);
  for (std::size_t i = 0; i < direct.images.size(); ++i)
    EXPECT_NEAR(direct.images.data()[i], crop.series.images.data()[i], 1e-5f * peak) << i;
  // Each window is centred on the point's projection to within half a pixel (none clamped).
  for (std::size_t t = 0; t < full.tilt_count(); ++t) {
    const auto& e = full.euler_deg[t];
    const core::Vec3 q = core::euler_zyx_matrix(e[0], e[1], e[2]) * (point - kCenter) + kCenter;
    const double cy = full.images.origin()[1] + crop.shift_yx_A[t][0] + 5.5 * kH;
    const double cx = full.images.origin()[2] + crop.shift_yx_A[t][1] + 7.0 * kH;
    EXPECT_LE(std::abs(cy - q.y()), 0.5 * kH + 1e-9) << t;
    EXPECT_LE(std::abs(cx - q.x()), 0.5 * kH + 1e-9) << t;
  }
  // The shifted pair stays adjoint: ⟨Π x, y⟩ = ⟨x, Πᵀ y⟩.
  core::TiltSeries y = crop.series;
  for (std::size_t i = 0; i < y.images.size(); ++i)
    y.images.data()[i] = static_cast<float>(std::sin(0.37 * double(i)));
  core::Volume back(object.shape(), object.sampling(), object.origin());
  core::back_project_series(y, crop.shift_yx_A, kCenter, back, {}, {});
  double lhs = 0.0, rhs = 0.0;
  for (std::size_t i = 0; i < y.images.size(); ++i)
    lhs += double(direct.images.data()[i]) * double(y.images.data()[i]);
  for (std::size_t i = 0; i < object.size(); ++i)
    rhs += double(object.data()[i]) * double(back.data()[i]);
  EXPECT_NEAR(lhs, rhs, 1e-5 * std::abs(lhs));
}

struct FilmProblem {
  core::Volume object;
  core::TiltSeries series;
};

FilmProblem film_problem(std::size_t n, std::size_t n_tilt) {
  constexpr double kH = 0.8;
  FilmProblem p{{}, empty_series(linspace(-60.0, 60.0, n_tilt), n, kH, kCenter)};
  p.object = render_blobs(resire_volume(p.series, kCenter, ResireParams{}), film_blobs(n));
  core::project_series(p.object, kCenter, p.series, {}, {});
  return p;
}

TEST(Scanning, OnePatchCoveringTheFieldIsTheGlobalReconstruction) {
  const FilmProblem p = film_problem(20, 13);
  TomoParams params;
  params.resire.iterations = 30;
  const TomoResult global = reconstruct(p.series, kCenter, params, {}, quiet());
  params.scanning.enabled = true;
  params.scanning.patch_A = 100.0;  // > the 16 Å field: one core
  params.scanning.overlap_A = 0.0;
  params.scanning.padding_A = 0.0;
  params.scanning.thickness_A = 1000.0;  // the box clips to the whole volume
  const TomoResult scan = reconstruct(p.series, kCenter, params, {}, quiet());
  ASSERT_EQ(scan.scan_patches.size(), 1u);
  ASSERT_EQ(scan.volume.shape(), global.volume.shape());
  EXPECT_EQ(scan.volume.origin(), global.volume.origin());
  // The same box, the whole detector (zero shift), the same step and start: the same float
  // operations in the same order, and a weight of exactly 1: identical values, not just close.
  for (std::size_t i = 0; i < scan.volume.size(); ++i)
    ASSERT_EQ(scan.volume.data()[i], global.volume.data()[i]) << i;
  ASSERT_EQ(scan.r1_per_projection.size(), global.r1_per_projection.size());
  for (std::size_t t = 0; t < scan.r1_per_projection.size(); ++t)
    EXPECT_DOUBLE_EQ(scan.r1_per_projection[t], global.r1_per_projection[t]);
}

TEST(Scanning, LocalVolumesReconstructAFilm) {
  // 2 × 2 patches over a film of blobs with the automatic padding T·tan θ_max: every ray through
  // a kept voxel stays inside its box, so each local volume sees consistent data, and the
  // stitched volume is as close to the truth as the global reconstruction (measured correlation
  // 0.9606 against 0.9610 after 60 iterations; R₁ on the whole series 0.0303 against 0.0283 —
  // the seams and the slab's faces fit the data a little less well than one volume does).
  const FilmProblem p = film_problem(32, 25);
  TomoParams params;
  params.resire.iterations = 60;
  const TomoResult global = reconstruct(p.series, kCenter, params, {}, quiet());
  params.scanning.enabled = true;
  params.scanning.patch_A = 13.0;  // 25.6 Å field → 2 × 2 cores of 12.8 Å
  params.scanning.overlap_A = 2.0;
  const TomoResult scan = reconstruct(p.series, kCenter, params, {}, quiet());
  ASSERT_EQ(scan.scan_patches.size(), 4u);
  for (const ScanPatch& sp : scan.scan_patches) {
    const double slab_A = double(sp.box_hi[0] - sp.box_lo[0]) * 0.8;
    EXPECT_NEAR(sp.padding_A, std::min(32 * 0.8, slab_A * std::tan(60.0 * M_PI / 180.0)), 1e-9);
    // The blobs sit 2 voxels below, at or above the centre's height, unevenly per patch: the
    // mid-plane lies within that layer.
    EXPECT_NEAR(sp.mid_z_A, kCenter.z(), 2 * 0.8);
    EXPECT_GT(sp.kept_fraction, 0.3);
  }
  const double corr_global = testing::correlation(global.volume, p.object);
  const double corr_scan = testing::correlation(scan.volume, p.object);
  const double r1_global = mean_of(global.r1_per_projection);
  const double r1_scan = mean_of(scan.r1_per_projection);
  std::printf("correlation with truth: global %.4f, scanning %.4f; R1 global %.4f, scan %.4f\n",
              corr_global, corr_scan, r1_global, r1_scan);
  EXPECT_GT(corr_scan, corr_global - 0.005);
  EXPECT_LT(r1_scan, 1.25 * r1_global);
}

TEST(Scanning, SameBytesOnOneAndTwoThreads) {
  // Small padding: boxes that differ, windows clamped at the detector's edges, masked pixels.
  const FilmProblem p = film_problem(24, 13);
  TomoParams params;
  params.resire.iterations = 10;
  params.scanning.enabled = true;
  params.scanning.patch_A = 7.0;  // 19.2 Å field → 3 × 3 cores
  params.scanning.overlap_A = 1.0;
  params.scanning.padding_A = 2.0;
  const TomoResult one = reconstruct(p.series, kCenter, params, {}, quiet());
  ASSERT_EQ(one.scan_patches.size(), 9u);
  EXPECT_LT(one.scan_patches[4].kept_fraction, 1.0);  // the middle box is closed on all sides
  const TomoResult two = reconstruct(p.series, kCenter, params, core::ExecutionContext{2}, quiet());
  EXPECT_EQ(two.volume.values(), one.volume.values());
}

TEST(Scanning, BadParamsNameTheKey) {
  const auto fails_with = [](auto mutate, const std::string& key) {
    ScanningParams p;
    mutate(p);
    EXPECT_NE(message_of([&] { p.validate(); }).find(key), std::string::npos) << key;
  };
  fails_with([](ScanningParams& p) { p.patch_A = 0.0; }, "scanning.patch_A");
  fails_with([](ScanningParams& p) { p.patch_A = -5.0; }, "scanning.patch_A");
  fails_with([](ScanningParams& p) { p.overlap_A = 0.5 * p.patch_A; }, "scanning.overlap_A");
  fails_with([](ScanningParams& p) { p.overlap_A = -1.0; }, "scanning.overlap_A");
  fails_with([](ScanningParams& p) { p.padding_A = -1.0; }, "scanning.padding_A");
  fails_with([](ScanningParams& p) { p.thickness_A = -1.0; }, "scanning.thickness_A");
  fails_with([](ScanningParams& p) { p.threshold = 1.0; }, "scanning.threshold");
  fails_with([](ScanningParams& p) { p.iterations = -1; }, "scanning.iterations");

  // A patch of fewer than 4 voxels of the reconstruction.
  const core::Volume global = slab(20, 0.8, 8, 11);
  ScanningParams small;
  small.patch_A = 3.0;
  small.overlap_A = 0.5;
  EXPECT_NE(message_of([&] { plan_patches(global, small, 1.0); }).find("scanning.patch_A"),
            std::string::npos);
  // A reconstruction too small to scan.
  EXPECT_NE(message_of([&] {
              plan_patches(slab(3, 0.8, 1, 1), ScanningParams{}, 1.0);
            }).find("scanning.enabled"),
            std::string::npos);
  // Cores narrower than the patch (the field splits evenly) can be too narrow for the band.
  ScanningParams wide;
  wide.patch_A = 10.0;  // 16 Å field → 2 cores of 8 Å
  wide.overlap_A = 4.5;
  EXPECT_NE(message_of([&] { plan_patches(global, wide, 1.0); }).find("scanning.overlap_A"),
            std::string::npos);
  // Nothing reconstructed: no film to find.
  const core::Volume empty = slab(20, 0.8, 50, 60);
  EXPECT_NE(
      message_of([&] { plan_patches(empty, ScanningParams{}, 1.0); }).find("scanning.thickness_A"),
      std::string::npos);
  // Only RESIRE makes local volumes.
  TomoParams tomo;
  tomo.scanning.enabled = true;
  tomo.method = TomoMethod::kSirt;
  EXPECT_NE(message_of([&] { tomo.validate(); }).find("scanning.enabled"), std::string::npos);
  // The keys are bound under scanning.
  const std::string toml = tomo.params_toml();
  for (const char* key : {"patch_A", "overlap_A", "padding_A", "thickness_A", "enabled"})
    EXPECT_NE(toml.find(key), std::string::npos) << key;
}

}  // namespace
}  // namespace vitrum::inverse
