#include "vitrum/validation/matching.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/validation/species_scores.hpp"

namespace vitrum::validation {
namespace {

using test::random_packing;

TEST(Matching, ShiftedCopyIsMatchedCompletelyWithTheOffsetRecovered) {
  const core::AtomicModel truth = random_packing(300, 20.0, 2.4, 1);
  core::AtomicModel result = truth;
  const core::Vec3 shift(0.31, -0.22, 0.17);
  core::translate(result, shift);
  const MatchResult m = match_atoms(truth, result, MatchParams{});
  EXPECT_NEAR((m.offset_A - shift).norm(), 0.0, 1e-9);
  ASSERT_EQ(m.radii.size(), 3u);
  for (const RadiusMatch& r : m.radii) {
    EXPECT_EQ(r.recall, 1.0) << r.radius_A;
    EXPECT_EQ(r.precision, 1.0) << r.radius_A;
    EXPECT_NEAR(r.rmsd_pm, 0.0, 1e-6);
    for (const auto& [t, s] : r.pairs) EXPECT_EQ(t, s);
  }
}

TEST(Matching, PeriodicShiftAcrossTheBoundaryUsesTheNearestImage) {
  const core::AtomicModel truth = random_packing(150, 16.0, 2.4, 2, true);
  core::AtomicModel result = truth;
  core::translate(result, core::Vec3(0.4, 0.0, -0.3));
  core::wrap(result);
  const MatchResult m = match_atoms(truth, result, MatchParams{});
  EXPECT_NEAR((m.offset_A - core::Vec3(0.4, 0.0, -0.3)).norm(), 0.0, 1e-9);
  EXPECT_EQ(m.at(1.0).recall, 1.0);
  EXPECT_NEAR(m.at(1.0).rmsd_pm, 0.0, 1e-6);
}

// Gaussian noise of σ per axis: E|d|² = 3σ², so RMSD → √3 σ. With N pairs the sample mean of
// |d|² (a σ²χ²₃ variable, variance 6σ⁴) has relative standard error √(6/9)/√N = 0.816/√N, so
// the RMSD's relative error is half that: 0.41/√N = 0.6 % for N = 4000 (tolerance 3 %, 5 SE).
// The offset removal takes out the sample mean, which lowers E|d|² by 3σ²/N (negligible).
TEST(Matching, GaussianNoiseGivesRmsdRootThreeSigma) {
  const core::AtomicModel truth = random_packing(4000, 50.0, 2.4, 3);
  core::AtomicModel result = truth;
  const double sigma = 0.1;  // Å
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g(0.0, sigma);
  for (core::Vec3& p : result.positions_A()) p += core::Vec3(g(rng), g(rng), g(rng));
  MatchParams params;
  params.radii_A = {1.0};
  const RadiusMatch r = match_atoms(truth, result, params).at(1.0);
  EXPECT_EQ(r.recall, 1.0);
  const double expected_pm = std::sqrt(3.0) * sigma * 100.0;
  RecordProperty("rmsd_pm", std::to_string(r.rmsd_pm));
  EXPECT_NEAR(r.rmsd_pm, expected_pm, 0.03 * expected_pm);
  for (double axis : r.rmsd_axis_pm) EXPECT_NEAR(axis, sigma * 100.0, 0.05 * sigma * 100.0);
}

TEST(Matching, DroppedAndAddedAtomsGiveExactRecallAndPrecision) {
  const core::AtomicModel truth = random_packing(200, 20.0, 2.4, 4);
  // Result: drop every 10th true atom (20 dropped), add 15 atoms far away (z + 40 Å).
  core::AtomicModel result(truth.cell());
  for (std::size_t i = 0; i < truth.size(); ++i)
    if (i % 10 != 0) result.add_atom(truth.positions_A()[i], 73);
  for (int k = 0; k < 15; ++k) result.add_atom(core::Vec3(3.0 * k, 0.0, 40.0), 73);
  const MatchResult m = match_atoms(truth, result, MatchParams{});
  for (const RadiusMatch& r : m.radii) {
    EXPECT_EQ(r.pairs.size(), 180u);
    EXPECT_DOUBLE_EQ(r.recall, 180.0 / 200.0);
    EXPECT_DOUBLE_EQ(r.precision, 180.0 / 195.0);
  }
}

// One traced atom between two true atoms 1.6 Å apart and a second traced atom next to one of
// them: greedy-by-distance pairs the middle atom with the nearer true atom and loses a pair;
// the exact assignment finds both.
TEST(Matching, ExactAssignmentBeatsGreedyOnAContestedAtom) {
  core::AtomicModel truth(core::Cell::orthorhombic(20, 20, 20, {false, false, false}));
  truth.add_atom({5.0, 5.0, 5.0}, 73);
  truth.add_atom({6.6, 5.0, 5.0}, 73);
  core::AtomicModel result(truth.cell());
  result.add_atom({5.75, 5.0, 5.0}, 73);  // 0.75 from the first, 0.85 from the second
  result.add_atom({4.2, 5.0, 5.0}, 73);   // 0.8 from the first only
  // A spectator pair elsewhere, matched exactly.
  truth.add_atom({15.0, 14.0, 13.0}, 73);
  result.add_atom({15.0, 14.0, 13.0}, 73);
  const RadiusMatch r = match_at_radius(truth, result, 1.0, core::Vec3::Zero());
  ASSERT_EQ(r.pairs.size(), 3u);
  EXPECT_EQ(r.pairs[0], std::make_pair(std::size_t{0}, std::size_t{1}));
  EXPECT_EQ(r.pairs[1], std::make_pair(std::size_t{1}, std::size_t{0}));
  // With one component allowed at most 2 atoms, the contested component (4 atoms) goes greedy.
  const RadiusMatch greedy = match_at_radius(truth, result, 1.0, core::Vec3::Zero(), 2);
  EXPECT_EQ(greedy.greedy_components, 1u);
  EXPECT_EQ(greedy.pairs.size(), 2u);
}

TEST(Matching, RadiusLimitsThePairs) {
  core::AtomicModel truth(core::Cell::orthorhombic(20, 20, 20, {false, false, false}));
  core::AtomicModel result(truth.cell());
  for (int k = 0; k < 4; ++k) {
    truth.add_atom({4.0 * k, 0, 0}, 73);
    result.add_atom({4.0 * k, 0.28 * k + 0.1, 0}, 73);  // errors 0.1, 0.38, 0.66, 0.94 Å
  }
  truth.add_atom({10.0, 15.0, 12.0}, 73);  // an exact spectator off the line
  result.add_atom({10.0, 15.0, 12.0}, 73);
  MatchParams p;
  p.offset_iterations = 0;
  p.radii_A = {0.5, 1.0};
  const MatchResult m = match_atoms(truth, result, p);
  EXPECT_EQ(m.at(0.5).pairs.size(), 3u);
  EXPECT_EQ(m.at(1.0).pairs.size(), 5u);
  EXPECT_NEAR(m.at(0.5).rmsd_pm, 100.0 * std::sqrt((0.01 + 0.1444) / 3.0), 1e-9);
  EXPECT_NEAR(m.at(0.5).rmsd_axis_pm[0], 0.0, 1e-9);
}

TEST(Species, ConfusionMatrixCountsKnownSwaps) {
  core::AtomicModel truth = random_packing(100, 15.0, 2.4, 5);
  for (std::size_t i = 0; i < truth.size(); ++i) truth.Z()[i] = i < 50 ? 46 : 78;  // Pd, Pt
  core::AtomicModel result = truth;
  // Swap 5 Pd → Pt and 3 Pt → Pd.
  for (std::size_t i = 0; i < 5; ++i) result.Z()[i] = 78;
  for (std::size_t i = 50; i < 53; ++i) result.Z()[i] = 46;
  const MatchResult m = match_atoms(truth, result, MatchParams{});
  const SpeciesScores s = species_scores(truth, result, m.at(1.0).pairs);
  ASSERT_EQ(s.species, (std::vector<int>{46, 78}));
  EXPECT_EQ(s.counts, (std::vector<std::size_t>{45, 5, 3, 47}));
  EXPECT_EQ(s.correct, 92u);
  EXPECT_DOUBLE_EQ(s.accuracy, 0.92);
  EXPECT_THROW(species_scores(truth, result, {{100, 0}}), InputError);
}

// All atoms on one line (a flat finite model): the cell lists' finite axes have zero extent.
TEST(Matching, CollinearModelsAreMatched) {
  core::AtomicModel truth(core::Cell::orthorhombic(20, 20, 20, {false, false, false}));
  core::AtomicModel result(truth.cell());
  for (int k = 0; k < 5; ++k) {
    truth.add_atom({3.0 * k, 5.0, 5.0}, 73);
    result.add_atom({3.0 * k + 0.1, 5.0, 5.0}, 73);
  }
  const MatchResult m = match_atoms(truth, result, MatchParams{});
  EXPECT_EQ(m.at(0.5).pairs.size(), 5u);
  EXPECT_NEAR(m.offset_A.x(), 0.1, 1e-12);
  EXPECT_NEAR(m.at(0.5).rmsd_pm, 0.0, 1e-9);
}

TEST(Matching, BadInputIsRefused) {
  const core::AtomicModel truth = random_packing(10, 10.0, 2.4, 6);
  const core::AtomicModel empty(truth.cell());
  EXPECT_THROW(match_atoms(empty, truth, MatchParams{}), InputError);
  EXPECT_THROW(match_atoms(truth, empty, MatchParams{}), InputError);
  for (double bad : {0.0, -1.0, std::nan(""), 11.0}) {
    MatchParams p;
    p.radii_A = {bad};
    EXPECT_THROW(match_atoms(truth, truth, p), InputError) << bad;
    EXPECT_THROW(match_at_radius(truth, truth, bad, core::Vec3::Zero()), InputError) << bad;
  }
  MatchParams p;
  p.radii_A.clear();
  EXPECT_THROW(p.validate(), InputError);
  p = MatchParams{};
  p.offset_radius_A = 0;
  EXPECT_THROW(p.validate(), InputError);
  EXPECT_THROW(match_atoms(truth, truth, MatchParams{}).at(0.7), InputError);
}

}  // namespace
}  // namespace vitrum::validation
