#include "vitrum/validation/baseline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "vitrum/core/error.hpp"

namespace vitrum::validation {
namespace {

core::Scorecard card() {
  core::Scorecard c;
  c.chain = "aet";
  c.metrics = {{"recall@1.0A", 0.95}, {"rmsd_pm", 20.0}, {"offset_x_A", 0.5}, {"truth_atoms", 60}};
  c.units = {{"recall@1.0A", "1"}, {"rmsd_pm", "pm"}};
  return c;
}

Baseline baseline() {
  Baseline b{card(), {}};
  b.tolerances["recall@1.0A"] = {Direction::kHigherIsBetter, 0.01, 0.0};
  b.tolerances["rmsd_pm"] = {Direction::kLowerIsBetter, 0.5, 0.05};  // allowed max(0.5, 1.0)
  b.tolerances["offset_x_A"] = {Direction::kTwoSided, 0.1, 0.0};
  return b;
}

CheckStatus status_of(const BaselineReport& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return c.status;
  ADD_FAILURE() << name << " not in the report";
  return CheckStatus::kUnchecked;
}

TEST(Baseline, EqualScorecardPasses) {
  const BaselineReport r = compare_to_baseline(card(), baseline());
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.checks.size(), 4u);
  EXPECT_EQ(status_of(r, "truth_atoms"), CheckStatus::kUnchecked);
  EXPECT_NE(format_report(r).find("baseline: pass"), std::string::npos);
}

TEST(Baseline, HigherIsBetterFailsOnlyWhenLowerBeyondTolerance) {
  core::Scorecard now = card();
  now.metrics["recall@1.0A"] = 0.945;  // within 0.01
  EXPECT_TRUE(compare_to_baseline(now, baseline()).passed());
  now.metrics["recall@1.0A"] = 1.0;  // better
  EXPECT_TRUE(compare_to_baseline(now, baseline()).passed());
  now.metrics["recall@1.0A"] = 0.93;  // worse by 0.02
  const BaselineReport r = compare_to_baseline(now, baseline());
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.failures, 1u);
  EXPECT_EQ(status_of(r, "recall@1.0A"), CheckStatus::kWorse);
  EXPECT_NE(format_report(r).find("WORSE"), std::string::npos);
}

TEST(Baseline, LowerIsBetterUsesTheLargerOfAbsoluteAndRelative) {
  core::Scorecard now = card();
  now.metrics["rmsd_pm"] = 20.9;  // within rel 5 % of 20 = 1.0 pm (abs alone: 0.5)
  EXPECT_TRUE(compare_to_baseline(now, baseline()).passed());
  now.metrics["rmsd_pm"] = 12.0;  // better
  EXPECT_TRUE(compare_to_baseline(now, baseline()).passed());
  now.metrics["rmsd_pm"] = 21.1;
  EXPECT_EQ(status_of(compare_to_baseline(now, baseline()), "rmsd_pm"), CheckStatus::kWorse);
  now.metrics["rmsd_pm"] = std::nan("");
  EXPECT_EQ(status_of(compare_to_baseline(now, baseline()), "rmsd_pm"), CheckStatus::kWorse);
}

TEST(Baseline, TwoSidedFailsBothWays) {
  for (double v : {0.35, 0.65}) {
    core::Scorecard now = card();
    now.metrics["offset_x_A"] = v;
    EXPECT_FALSE(compare_to_baseline(now, baseline()).passed()) << v;
  }
  core::Scorecard now = card();
  now.metrics["offset_x_A"] = 0.58;
  EXPECT_TRUE(compare_to_baseline(now, baseline()).passed());
}

TEST(Baseline, MissingMetricAndOtherChain) {
  core::Scorecard now = card();
  now.metrics.erase("rmsd_pm");
  const BaselineReport r = compare_to_baseline(now, baseline());
  EXPECT_EQ(status_of(r, "rmsd_pm"), CheckStatus::kMissing);
  EXPECT_FALSE(r.passed());
  now = card();
  now.chain = "snem";
  EXPECT_THROW(compare_to_baseline(now, baseline()), InputError);
}

TEST(Baseline, WriteReadRoundTripAndMalformedTolerances) {
  const auto dir = std::filesystem::temp_directory_path() / "vitrum_baseline_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "b.json";
  const auto tol = default_tolerances(card(), default_metric_registry());
  EXPECT_EQ(tol.count("recall@1.0A"), 1u);
  EXPECT_EQ(tol.count("offset_x_A"), 0u);  // informational in the registry
  EXPECT_EQ(tol.count("truth_atoms"), 0u);
  write_baseline(path, card(), baseline().tolerances);
  const Baseline b = read_baseline(path);
  EXPECT_EQ(b.scorecard.metrics, card().metrics);
  ASSERT_EQ(b.tolerances.size(), 3u);
  EXPECT_EQ(b.tolerances.at("rmsd_pm").direction, Direction::kLowerIsBetter);
  EXPECT_DOUBLE_EQ(b.tolerances.at("rmsd_pm").rel, 0.05);
  EXPECT_TRUE(compare_to_baseline(card(), b).passed());
  const auto write = [&](const std::string& tolerances) {
    std::ofstream(path) << R"({"chain": "aet", "metrics": {"r1": 0.1}, "tolerances": )"
                        << tolerances << "}";
  };
  for (const char* bad : {R"({"r1": {"direction": "up"}})", R"({"r1": {"abs": 0.1}})",
                          R"({"r1": {"direction": "lower", "abs": -1}})",
                          R"({"r1": {"direction": "lower", "rel": "x"}})",
                          R"({"r2": {"direction": "lower"}})", R"([1])"}) {
    write(bad);
    EXPECT_THROW(read_baseline(path), InputError) << bad;
  }
  write(R"({"r1": {"direction": "lower", "abs": 0.01}})");
  EXPECT_EQ(read_baseline(path).tolerances.at("r1").abs, 0.01);
  std::filesystem::remove_all(dir);
}

TEST(Registry, FamiliesAndRadiusSuffixes) {
  const MetricRegistry r = default_metric_registry();
  ASSERT_NE(r.find("recall@1.0A"), nullptr);
  EXPECT_EQ(r.find("recall@0.25A")->family, "recall@");
  EXPECT_EQ(r.find("rmsd_pm")->unit, "pm");
  EXPECT_EQ(r.find("rmsd_z_pm@1.5A")->tolerance->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(r.find("no_such_metric"), nullptr);
  EXPECT_EQ(radius_suffix(1.0), "@1.0A");
  EXPECT_EQ(radius_suffix(0.5), "@0.5A");
  EXPECT_EQ(radius_suffix(0.25), "@0.25A");
  MetricRegistry mine;
  mine.add({"gr_rw", "1", "Rw of G(r)", Tolerance{Direction::kLowerIsBetter, 0.01, 0}});
  EXPECT_THROW(mine.add({"gr_rw", "1", "", std::nullopt}), InputError);
  EXPECT_THROW(parse_direction("sideways"), InputError);
}

}  // namespace
}  // namespace vitrum::validation
