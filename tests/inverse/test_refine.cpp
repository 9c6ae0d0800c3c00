#include "vitrum/inverse/trace/refine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <random>

#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"

namespace vitrum::inverse {
namespace {

const core::Vec3 kCenter{10.0, 9.0, 11.0};
constexpr double kPixel = 0.4;  // Å
constexpr std::size_t kPixels = 48;

/// One thread: these problems are small, and OpenMP's barriers cost more than they save.
const core::ExecutionContext kSerial{.threads = 1};

core::Logger& quiet() {
  static core::Logger logger(core::Verbosity::kQuiet);
  return logger;
}

/// An empty series of single-axis tilts about y, −max … +max, on a detector of n pixels of
/// `pixel` Å centred on kCenter (as `vitrum stem` makes it).
core::TiltSeries empty_series(double max_deg, std::size_t n_tilt, double pixel = kPixel,
                              std::size_t n = kPixels) {
  const core::Image det = core::detector_image(n, n, pixel, kCenter);
  core::TiltSeries s{core::Grid<float, 3>({n_tilt, n, n}, {1.0, pixel, pixel},
                                          {0.0, det.origin()[0], det.origin()[1]}),
                     {}};
  for (std::size_t t = 0; t < n_tilt; ++t)
    s.euler_deg.push_back({0.0, -max_deg + 2 * max_deg * double(t) / double(n_tilt - 1), 0.0});
  return s;
}

/// 12 atoms at least 2.4 Å apart in a sphere of 4 Å about kCenter.
std::vector<core::Vec3> random_atoms() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-4.0, 4.0);
  std::vector<core::Vec3> atoms;
  while (atoms.size() < 12) {
    const core::Vec3 p(u(rng), u(rng), u(rng));
    if (p.norm() > 4.0) continue;
    bool ok = true;
    for (const auto& q : atoms) ok = ok && (p + kCenter - q).norm() >= 2.4;
    if (ok) atoms.push_back(p + kCenter);
  }
  return atoms;
}

/// Each position moved by `distance` Å in a random direction.
std::vector<core::Vec3> perturbed(const std::vector<core::Vec3>& atoms, double distance) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<core::Vec3> out;
  for (const auto& p : atoms) {
    const core::Vec3 d(n(rng), n(rng), n(rng));
    out.push_back(p + distance * d.normalized());
  }
  return out;
}

double rms_error(const std::vector<core::Vec3>& a, const std::vector<core::Vec3>& b) {
  double s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += (a[k] - b[k]).squaredNorm();
  return std::sqrt(s / double(a.size()));
}

RefineParams ta_params() {
  RefineParams p;
  p.type_Z = {{73}};
  p.iterations = 40;
  return p;
}

/// Noiseless data of the refinement's own forward model: Ta, B = 1.5 Å², amplitude 2.
struct Problem {
  std::vector<core::Vec3> truth = random_atoms();
  std::vector<int> types = std::vector<int>(12, 0);
  ProjectionModel model;
  core::TiltSeries series = empty_series(70.0, 29);

  explicit Problem(const RefineParams& p = ta_params()) {
    model.b_A2 = 1.5;
    model.instrument_width_A = p.instrument_width_A;
    model.amplitude = {2.0};
    model.profile = {scattering_profile({73}, p.scattering, 0.5 / kPixel)};
    render_projections(model, truth, types, kCenter, series, kSerial);
  }
};

TEST(Refine, ScatteringProfileFitsFe) {
  const GaussianSum k =
      scattering_profile({73}, core::ScatteringParametrization::kLobato2014, 1.25);
  ASSERT_FALSE(k.weight.empty());
  double total = 0;
  for (std::size_t j = 0; j < k.weight.size(); ++j) {
    EXPECT_GT(k.weight[j], 0.0);
    total += k.weight[j];
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_LT(k.max_error, 0.03);
  // Averaging over elements lies between them.
  const GaussianSum mix =
      scattering_profile({46, 78}, core::ScatteringParametrization::kKirkland2010, 1.25);
  EXPECT_FALSE(mix.weight.empty());
  EXPECT_THROW(scattering_profile({}, core::ScatteringParametrization::kLobato2014, 1.0),
               InputError);
}

// The analytic projection of a 3D Gaussian equals core::project of the same Gaussian sampled
// on a fine voxel grid, at several orientations: this pins the geometry (rotation about the
// centre, Euler convention, detector coordinates) to core's projector. Voxels (0.04 Å, 2³
// sub-points) are much finer than the pixels (0.1 Å), so the projected sub-points cover every
// pixel evenly at any angle. The projector splats each sub-point bilinearly, which convolves
// the image with a hat of variance px²/6 per axis, and spreads a voxel over S³ sub-points, a
// variance h²(1 − 1/S²)/12; the analytic model carries both as instrumental variance, so the
// comparison is exact up to their higher cumulants (~(px/σ)⁴).
TEST(Refine, AnalyticProjectionMatchesVoxelProjector) {
  const double sigma = 0.5, h = 0.04, px = 0.1, height = 3.0;  // Å, Å, Å, value
  const core::Vec3 atom = kCenter + core::Vec3(0.83, -0.61, 0.47);
  const std::size_t nv = 160;  // ± 6.4 σ
  core::Volume volume({nv, nv, nv}, {h, h, h}, {atom.z() - 3.2, atom.y() - 3.2, atom.x() - 3.2});
  for (std::size_t z = 0; z < nv; ++z)
    for (std::size_t y = 0; y < nv; ++y)
      for (std::size_t x = 0; x < nv; ++x) {
        const core::Vec3 r(volume.coordinate(2, x), volume.coordinate(1, y),
                           volume.coordinate(0, z));
        volume(z, y, x) =
            static_cast<float>(height * std::exp(-(r - atom).squaredNorm() / (2 * sigma * sigma)));
      }
  ProjectionModel model;
  const double hat = px * px / 6.0 + h * h * (1 - 1.0 / 4.0) / 12.0;
  model.instrument_width_A = std::sqrt(sigma * sigma + hat);
  model.b_A2 = 0.0;
  // Amplitude = the projected Gaussian's integral, h (2π)^{3/2} σ³.
  model.amplitude = {height * std::pow(2 * std::numbers::pi, 1.5) * sigma * sigma * sigma};
  model.profile = {{{1.0}, {0.0}, 0.0}};
  model.render_sigmas = 8.0;
  const std::array<double, 3> angles[] = {
      {0, 0, 0}, {0, 35, 0}, {20, -50, 10}, {-70, 80, 45}, {130, 20, -60}};
  for (const auto& e : angles) {
    core::Image image = core::detector_image(80, 80, px, kCenter);
    core::project(volume, e, kCenter, image, {.subsamples = 2}, {});
    const core::Image det = core::detector_image(80, 80, px, kCenter);
    core::TiltSeries series{
        core::Grid<float, 3>({1, 80, 80}, {1.0, px, px}, {0.0, det.origin()[0], det.origin()[1]}),
        {e}};
    render_projections(model, {atom}, {0}, kCenter, series, kSerial);
    double peak = 0, diff = 0;
    for (std::size_t i = 0; i < image.size(); ++i) {
      peak = std::max(peak, double(image.data()[i]));
      diff = std::max(diff, std::abs(double(image.data()[i]) - double(series.images.data()[i])));
    }
    EXPECT_GT(peak, 0.5 * height * std::sqrt(2 * std::numbers::pi) * sigma);
    EXPECT_LT(diff / peak, 1e-3) << "euler (" << e[0] << ", " << e[1] << ", " << e[2] << ")";
  }
}

TEST(Refine, RecoversBAndHeightOnNoiselessData) {
  RefineParams p = ta_params();
  p.iterations = 0;
  p.b_search_steps = 50;
  const Problem prob(p);
  const RefineResult r =
      refine_positions(prob.series, kCenter, prob.truth, prob.types, p, kSerial, quiet());
  EXPECT_NEAR(r.b_A2, 1.5, 1e-3);
  ASSERT_EQ(r.model.amplitude.size(), 1u);
  EXPECT_NEAR(r.model.amplitude[0], 2.0, 2e-4);
  EXPECT_NEAR(r.heights[0], prob.model.heights()[0], 1e-3 * prob.model.heights()[0]);
  EXPECT_LT(r.r1_history.front(), 1e-4);
}

TEST(Refine, ReducesR1AndPositionErrorOfPerturbedModel) {
  const RefineParams p = ta_params();
  const Problem prob(p);
  const auto start = perturbed(prob.truth, 0.3);
  const RefineResult r =
      refine_positions(prob.series, kCenter, start, prob.types, p, kSerial, quiet());
  const double before = rms_error(start, prob.truth), after = rms_error(r.positions_A, prob.truth);
  EXPECT_NEAR(before, 0.3, 1e-9);
  EXPECT_LT(after, 0.005) << "RMS error " << before << " → " << after << " Å";
  ASSERT_GE(r.r1_history.size(), 2u);
  EXPECT_LT(r.r1_history.back(), 1e-3 * r.r1_history.front());
  EXPECT_NEAR(r.b_A2, 1.5, 0.01);  // measured: 0.3 Å → 4e-8 Å, B 1.500002 Å²
}

TEST(Refine, GaussianProfileRecoversPositions) {
  RefineParams p;
  p.profile = RefineProfile::kGaussian;
  p.iterations = 40;
  Problem prob(p);
  prob.model.profile = {{{1.0}, {0.0}, 0.0}};
  render_projections(prob.model, prob.truth, prob.types, kCenter, prob.series, kSerial);
  const auto start = perturbed(prob.truth, 0.3);
  const RefineResult r =
      refine_positions(prob.series, kCenter, start, prob.types, p, kSerial, quiet());
  EXPECT_LT(rms_error(r.positions_A, prob.truth), 0.05);
}

// Two types (Pd and Pt profiles, amplitudes 1 and 2.5): the per-type least-squares heights
// and the positions of both come back.
TEST(Refine, TwoTypesRecoverHeightsAndPositions) {
  RefineParams p;
  p.type_Z = {{46}, {78}};
  p.iterations = 40;
  Problem prob(p);
  for (std::size_t k = 0; k < prob.types.size(); ++k) prob.types[k] = int(k % 2);
  prob.model.amplitude = {1.0, 2.5};
  prob.model.profile = {scattering_profile({46}, p.scattering, 0.5 / kPixel),
                        scattering_profile({78}, p.scattering, 0.5 / kPixel)};
  render_projections(prob.model, prob.truth, prob.types, kCenter, prob.series, kSerial);
  const auto start = perturbed(prob.truth, 0.3);
  const RefineResult r =
      refine_positions(prob.series, kCenter, start, prob.types, p, kSerial, quiet());
  EXPECT_LT(rms_error(r.positions_A, prob.truth), 0.005);
  ASSERT_EQ(r.model.amplitude.size(), 2u);
  EXPECT_NEAR(r.model.amplitude[0], 1.0, 1e-2);
  EXPECT_NEAR(r.model.amplitude[1], 2.5, 2.5e-2);
  EXPECT_NEAR(r.b_A2, 1.5, 0.01);
}

TEST(Refine, TotalMoveIsBounded) {
  RefineParams p = ta_params();
  p.max_move_A = 0.15;
  const Problem prob(p);
  const auto start = perturbed(prob.truth, 0.3);
  const RefineResult r =
      refine_positions(prob.series, kCenter, start, prob.types, p, kSerial, quiet());
  ASSERT_EQ(r.move_A.size(), start.size());
  double largest = 0;
  for (std::size_t k = 0; k < start.size(); ++k) {
    EXPECT_NEAR(r.move_A[k], (r.positions_A[k] - start[k]).norm(), 1e-12);
    largest = std::max(largest, r.move_A[k]);
  }
  EXPECT_LE(largest, 0.15 + 1e-12);
  EXPECT_GT(largest, 0.14);  // the bound was reached: atoms 0.3 Å off want to move further
}

TEST(Refine, SameBytesForOneAndTwoThreads) {
  RefineParams p = ta_params();
  p.iterations = 5;
  const Problem prob(p);
  const auto start = perturbed(prob.truth, 0.3);
  const RefineResult a =
      refine_positions(prob.series, kCenter, start, prob.types, p, {.threads = 1}, quiet());
  const RefineResult b =
      refine_positions(prob.series, kCenter, start, prob.types, p, {.threads = 2}, quiet());
  ASSERT_EQ(a.positions_A.size(), b.positions_A.size());
  EXPECT_EQ(0, std::memcmp(a.positions_A.data(), b.positions_A.data(),
                           a.positions_A.size() * sizeof(core::Vec3)));
  EXPECT_EQ(a.r1_history, b.r1_history);
  EXPECT_EQ(a.b_A2, b.b_A2);
}

TEST(Refine, RejectsBadInput) {
  const RefineParams p = ta_params();
  const Problem prob(p);
  const auto run = [&](const core::TiltSeries& s, const std::vector<core::Vec3>& pos,
                       const std::vector<int>& types, const RefineParams& params) {
    return refine_positions(s, kCenter, pos, types, params, kSerial, quiet());
  };
  EXPECT_THROW(run(prob.series, {}, {}, p), InputError);  // empty model
  auto outside = prob.truth;
  outside[3] += core::Vec3(0.0, 15.0, 0.0);  // beyond the field of view
  EXPECT_THROW(run(prob.series, outside, prob.types, p), InputError);
  core::TiltSeries mismatch = prob.series;
  mismatch.euler_deg.pop_back();  // one angle fewer than images
  EXPECT_THROW(run(mismatch, prob.truth, prob.types, p), InputError);
  auto bad_types = prob.types;
  bad_types[0] = 1;  // only one type has elements
  EXPECT_THROW(run(prob.series, prob.truth, bad_types, p), InputError);
  EXPECT_THROW(run(prob.series, prob.truth, {0, 0}, p), InputError);  // sizes differ
  auto nan = prob.truth;
  nan[2].x() = std::nan("");
  EXPECT_THROW(run(prob.series, nan, prob.types, p), InputError);
  RefineParams bad = p;
  bad.iterations = -1;
  EXPECT_THROW(run(prob.series, prob.truth, prob.types, bad), InputError);
  bad = p;
  bad.type_Z.clear();  // the scattering-factor profile needs the elements
  EXPECT_THROW(run(prob.series, prob.truth, prob.types, bad), InputError);
  bad = p;
  bad.b_max_A2 = -1;
  EXPECT_THROW(bad.validate(), InputError);
}

}  // namespace
}  // namespace vitrum::inverse
