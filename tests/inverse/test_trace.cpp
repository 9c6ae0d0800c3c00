// Atom tracing end to end on volumes rendered from known atoms (trace/trace.hpp).

#include "vitrum/inverse/trace/trace.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "trace_test_support.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::inverse {
namespace {

using testing::Blob;
using testing::match;
using testing::render;

constexpr double kVoxel = 0.35;  // Å
constexpr double kSigma = 0.45;  // Å
constexpr std::size_t kN = 70;   // voxels per edge: 24.5 Å

const core::Logger& quiet() {
  static const core::Logger logger(core::Verbosity::kQuiet);
  return logger;
}

std::vector<core::Vec3> random_atoms(std::size_t count, std::uint64_t seed = 11) {
  return testing::amorphous_positions(count, 2.0, kN * kVoxel - 2.5, 2.2, seed);
}

std::vector<Blob> blobs_of(const std::vector<core::Vec3>& r, double amplitude = 1.0) {
  std::vector<Blob> b;
  for (const auto& p : r) b.push_back({p, amplitude});
  return b;
}

struct Scene {
  std::vector<core::Vec3> atoms;
  core::Volume volume;
};

const Scene& amorphous_scene() {
  static const Scene scene = [] {
    Scene s;
    s.atoms = random_atoms(300);
    s.volume = render(blobs_of(s.atoms), kN, kVoxel, kSigma, -0.2);
    return s;
  }();
  return scene;
}

TEST(Trace, RecoversRandomAmorphousAtoms) {
  const Scene& s = amorphous_scene();
  ASSERT_EQ(s.atoms.size(), 300u);
  const auto t0 = std::chrono::steady_clock::now();
  const TraceResult r = trace_atoms(VolumeView(s.volume), {}, {}, {}, quiet());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto m = match(r.positions_A, s.atoms, 0.2);
  const double recovered = static_cast<double>(m.matched) / static_cast<double>(s.atoms.size());
  EXPECT_GT(recovered, 0.99);
  EXPECT_EQ(m.matched, r.positions_A.size()) << "false atoms";
  EXPECT_EQ(r.counts.atoms, r.positions_A.size());
  EXPECT_EQ(r.counts.candidates, r.counts.atoms + r.counts.non_atoms);
  EXPECT_EQ(r.counts.local_maxima, r.counts.fit_no_maximum + r.counts.fit_left_window +
                                       r.counts.fit_not_converged + r.counts.too_close +
                                       r.counts.candidates);
  ASSERT_EQ(r.types.size(), r.positions_A.size());
  for (int t : r.types) EXPECT_EQ(t, 0);
  std::printf(
      "300 atoms, sigma 0.45 A, 0.35 A voxels: %zu traced, %.1f %% recovered within 0.2 A, "
      "RMSD %.4f A, worst %.4f A, %zu maxima, %.2f s\n",
      r.positions_A.size(), 100 * recovered, m.rmsd_A, m.max_error_A, r.counts.local_maxima,
      seconds);
}

TEST(Trace, RecoversAtomsInNoise) {
  // The same atoms with white Gaussian noise of 4 % of an atom's peak on every voxel, clamped
  // at zero (as RESIRE's positivity would): noise maxima above the threshold in the empty
  // margins must go as non-atoms or too-close peaks, and the atoms stay within 0.2 Å.
  const Scene& s = amorphous_scene();
  core::Volume v = s.volume;
  core::RngStream rng(9, "trace-noise", 0);
  for (float& x : v.values()) x = std::max(0.0f, x + static_cast<float>(0.04 * rng.normal()));
  const TraceResult r = trace_atoms(VolumeView(v), {}, {}, {}, quiet());
  const auto m = match(r.positions_A, s.atoms, 0.2);
  const double recovered = static_cast<double>(m.matched) / static_cast<double>(s.atoms.size());
  EXPECT_GT(recovered, 0.99);
  EXPECT_EQ(m.matched, r.positions_A.size()) << "false atoms";
  std::printf(
      "noise 4 %%: %zu traced, %.1f %% recovered, RMSD %.4f A, %zu maxima, %zu too close, "
      "%zu non-atoms, %zu failed fits\n",
      r.positions_A.size(), 100 * recovered, m.rmsd_A, r.counts.local_maxima, r.counts.too_close,
      r.counts.non_atoms,
      r.counts.fit_no_maximum + r.counts.fit_left_window + r.counts.fit_not_converged);
}

TEST(Trace, SubVoxelPositionsOfIsolatedAtoms) {
  // Atoms at random sub-voxel offsets, 4 Å apart: positions to 0.05 of a (coarse) voxel.
  std::vector<core::Vec3> atoms;
  core::RngStream rng(5, "trace-subvoxel", 0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        atoms.push_back(core::Vec3{3.0 + 4 * i + rng.uniform() * kVoxel,
                                   3.0 + 4 * j + rng.uniform() * kVoxel,
                                   3.0 + 4 * k + rng.uniform() * kVoxel});
  const core::Volume v = render(blobs_of(atoms), 46, kVoxel, kSigma);
  const TraceResult r = trace_atoms(VolumeView(v), {}, {}, {}, quiet());
  ASSERT_EQ(r.positions_A.size(), atoms.size());
  const auto m = match(r.positions_A, atoms, 0.2);
  ASSERT_EQ(m.matched, atoms.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < atoms.size(); ++i)
    worst = std::max(worst, (r.positions_A[i] - atoms[m.truth_of[i]]).cwiseAbs().maxCoeff());
  EXPECT_LT(worst / kVoxel, 0.05);
  std::printf("isolated atoms: worst per-axis error %.4f voxel (%.4f A)\n", worst / kVoxel, worst);
}

TEST(Trace, TwoSpeciesByIntensity) {
  const auto atoms = random_atoms(300, 12);
  std::vector<Blob> blobs;
  for (std::size_t i = 0; i < atoms.size(); ++i) blobs.push_back({atoms[i], i % 3 ? 1.0 : 2.0});
  const core::Volume v = render(blobs, kN, kVoxel, kSigma);
  TraceParams p;
  p.types = 2;
  const TraceResult r = trace_atoms(VolumeView(v), p, {}, {}, quiet());
  const auto m = match(r.positions_A, atoms, 0.2);
  EXPECT_GT(m.matched, 297u);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < r.positions_A.size(); ++i)
    if (m.truth_of[i] != testing::Matching::npos)
      correct += r.types[i] == (m.truth_of[i] % 3 ? 0 : 1) ? 1 : 0;
  EXPECT_GE(static_cast<double>(correct), 0.99 * static_cast<double>(m.matched));
  ASSERT_EQ(r.type_centers.size(), 2u);
  EXPECT_NEAR(r.type_centers[1] / r.type_centers[0], 2.0, 0.1);
  std::printf("two species: %zu of %zu matched atoms typed correctly; centres %.3f %.3f\n", correct,
              m.matched, r.type_centers[0], r.type_centers[1]);
}

TEST(Trace, LocalReclassificationFollowsASlowContrastGradient) {
  // Two species (amplitudes 1 and 1.5) under a gain rising from 0.75 to 1.25 along x, as a
  // thickness or dose gradient would: globally the classes overlap (a heavy atom at the low
  // end is dimmer than a light one at the high end), locally (10 Å) they do not.
  const auto atoms = random_atoms(300, 41);
  const double edge = kN * kVoxel;
  std::vector<Blob> blobs;
  for (std::size_t i = 0; i < atoms.size(); ++i)
    blobs.push_back({atoms[i], (i % 2 ? 1.0 : 1.5) * (0.75 + 0.5 * atoms[i].x() / edge)});
  const core::Volume v = render(blobs, kN, kVoxel, kSigma);
  const auto accuracy = [&](const TraceResult& r) {
    const auto m = match(r.positions_A, atoms, 0.2);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < r.positions_A.size(); ++i)
      if (m.truth_of[i] != testing::Matching::npos)
        correct += r.types[i] == (m.truth_of[i] % 2 ? 0 : 1) ? 1 : 0;
    return static_cast<double>(correct) / static_cast<double>(atoms.size());
  };
  TraceParams p;
  p.types = 2;
  p.reclassify_iterations = 0;
  const double global = accuracy(trace_atoms(VolumeView(v), p, {}, {}, quiet()));
  p.reclassify_iterations = 20;
  const TraceResult r = trace_atoms(VolumeView(v), p, {}, {}, quiet());
  const double local = accuracy(r);
  EXPECT_LT(global, 0.97);
  EXPECT_GT(local, 0.99);
  EXPECT_GT(r.counts.reclassified, 0u);
  std::printf(
      "contrast gradient: K-means alone %.1f %% correct, after local re-classification "
      "%.1f %% (%zu changed)\n",
      100 * global, 100 * local, r.counts.reclassified);
}

TEST(Trace, NonAtomStepDropsWeakBlobs) {
  // 150 atoms in one half of the box, 20 blobs of 12 % of an atom in the other half: above
  // the threshold (10 % of the maximum), far from every atom, so only step 5 can drop them.
  const double edge = kN * kVoxel;
  auto atoms = testing::amorphous_positions(150, 2.0, edge - 2.5, 2.2, 21);
  std::vector<core::Vec3> left, weak;
  for (const auto& a : atoms)
    if (a.x() < 0.5 * edge - 1.5) left.push_back(a);
  core::RngStream rng(22, "weak-blobs", 0);
  for (const auto& w : testing::amorphous_positions(20, 0.5 * edge + 1.5, edge - 2.5, 2.5, 23))
    weak.push_back(w);
  std::vector<Blob> blobs = blobs_of(left);
  for (const auto& w : weak) blobs.push_back({w, 0.12});
  const core::Volume v = render(blobs, kN, kVoxel, kSigma);
  const TraceResult r = trace_atoms(VolumeView(v), {}, {}, {}, quiet());
  const auto m = match(r.positions_A, left, 0.2);
  EXPECT_EQ(m.matched, left.size());
  EXPECT_EQ(r.positions_A.size(), left.size()) << "weak blobs kept";
  EXPECT_EQ(r.counts.non_atoms, weak.size());
  // Without the filter they are all there.
  TraceParams keep;
  keep.non_atoms = NonAtomFilter::kNone;
  EXPECT_EQ(trace_atoms(VolumeView(v), keep, {}, {}, quiet()).positions_A.size(),
            left.size() + weak.size());
}

TEST(Trace, ManualCorrectionsAddAndRemove) {
  const auto atoms = testing::amorphous_positions(40, 2.0, 13.5, 2.2, 31);
  const core::Volume v = render(blobs_of(atoms), 46, kVoxel, kSigma);
  const TraceResult base = trace_atoms(VolumeView(v), {}, {}, {}, quiet());
  ASSERT_EQ(base.positions_A.size(), atoms.size());
  const core::Vec3 gone = base.positions_A[5] + core::Vec3(0.3, -0.2, 0.1);
  const core::Vec3 extra{0.7, 0.8, 0.9};
  const auto corrections =
      parse_corrections("remove " + std::to_string(gone.x()) + " " + std::to_string(gone.y()) +
                            " " + std::to_string(gone.z()) + "\nadd 0.7 0.8 0.9\nadd 1 1 15 0\n",
                        "fix.txt");
  const TraceResult r = trace_atoms(VolumeView(v), {}, corrections, {}, quiet());
  EXPECT_EQ(r.counts.removed, 1u);
  EXPECT_EQ(r.counts.added, 2u);
  ASSERT_EQ(r.positions_A.size(), base.positions_A.size() + 1);
  for (const auto& p : r.positions_A) EXPECT_GT((p - base.positions_A[5]).norm(), 1e-9);
  EXPECT_EQ(r.positions_A[r.positions_A.size() - 2], extra);
  EXPECT_EQ(r.types.back(), 0);
  EXPECT_EQ(r.intensity.size(), r.positions_A.size());
  // An unmatched removal names its entry; a type beyond classify.types too.
  const auto message = [&](const std::string& text) {
    try {
      trace_atoms(VolumeView(v), {}, parse_corrections(text, "fix.txt"), {}, quiet());
    } catch (const InputError& e) {
      return describe(e);
    }
    return std::string();
  };
  const std::string m1 = message("add 1 1 1\nremove 100 100 100\n");
  EXPECT_NE(m1.find("fix.txt:2"), std::string::npos) << m1;
  EXPECT_NE(m1.find("remove 100 100 100"), std::string::npos) << m1;
  EXPECT_NE(message("add 1 1 1 1\n").find("classify.types"), std::string::npos);
}

TEST(Trace, SameResultForAnyThreadCount) {
  const Scene& s = amorphous_scene();
  TraceParams p;
  p.types = 2;  // exercises the parallel re-classification too
  const TraceResult a = trace_atoms(VolumeView(s.volume), p, {}, {1}, quiet());
  const TraceResult b = trace_atoms(VolumeView(s.volume), p, {}, {2}, quiet());
  ASSERT_EQ(a.positions_A.size(), b.positions_A.size());
  for (std::size_t i = 0; i < a.positions_A.size(); ++i) {
    EXPECT_EQ(a.positions_A[i], b.positions_A[i]);
    EXPECT_EQ(a.intensity[i], b.intensity[i]);
  }
  EXPECT_EQ(a.types, b.types);
}

TEST(Trace, BadInputIsAnInputErrorNamingTheProblem) {
  const auto message = [](const core::Volume& v, const TraceParams& p) {
    try {
      trace_atoms(VolumeView(v), p, {}, {}, quiet());
    } catch (const InputError& e) {
      return describe(e);
    }
    return std::string("(no error)");
  };
  const core::Volume ok = render({{{3, 3, 3}, 1.0}}, 20, kVoxel, kSigma);
  EXPECT_NE(message(core::Volume{}, {}).find("empty"), std::string::npos);
  core::Volume nan = ok;
  nan(3, 4, 5) = std::nanf("");
  EXPECT_NE(message(nan, {}).find("not finite"), std::string::npos);
  EXPECT_NE(message(core::Volume({8, 8, 8}, {kVoxel, kVoxel, kVoxel}), {}).find("no positive"),
            std::string::npos);
  core::Volume skew({8, 8, 8}, {0.5, kVoxel, kVoxel});
  skew(4, 4, 4) = 1.0f;
  EXPECT_NE(message(skew, {}).find("cubic"), std::string::npos);
  TraceParams p;
  p.types = 0;
  const std::string m = message(ok, p);
  EXPECT_NE(m.find("classify.types = 0"), std::string::npos) << m;
  p = {};
  p.min_distance_A = -1;
  EXPECT_NE(message(ok, p).find("min_distance_A"), std::string::npos);
  p = {};
  p.max_iterations = 5;
  EXPECT_NE(message(ok, p).find("fit.max_iterations"), std::string::npos);
}

TEST(TraceParams, DefaultsFollowPhysicsAndPrintAsToml) {
  const TraceParams p;
  EXPECT_EQ(p.upsample, 3);
  EXPECT_EQ(p.fit_radius_A, 0.75);
  EXPECT_EQ(p.converge_steps, 7);
  EXPECT_EQ(p.max_iterations, 14);
  EXPECT_EQ(p.min_distance_A, 2.0);
  EXPECT_EQ(p.max_step_voxels, 0.5);
  const std::string toml = p.params_toml();
  EXPECT_NE(toml.find("min_distance_A = 2.0"), std::string::npos) << toml;
  EXPECT_NE(toml.find("non_atoms = 'kmeans'"), std::string::npos) << toml;
}

}  // namespace
}  // namespace vitrum::inverse
