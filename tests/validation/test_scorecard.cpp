#include "vitrum/validation/scorecard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "models.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::validation {
namespace {

TEST(StructureScores, AModelAgainstItselfHasZeroDistances) {
  const core::AtomicModel m = test::random_packing(150, 16.0, 2.4, 11, true);
  StructureScoreParams p;
  p.rc_A = 3.6;
  const StructureComparison c = compare_structure(m, m, p, core::ExecutionContext{1});
  EXPECT_EQ(c.gr_rms_diff, 0.0);
  EXPECT_EQ(c.cn_abs_diff, 0.0);
  EXPECT_EQ(c.voronoi_top_l1, 0.0);
  EXPECT_EQ(c.motif_l1, 0.0);
  EXPECT_EQ(c.crystalline_fraction_diff, 0.0);
  EXPECT_GT(c.truth.cn_mean, 8.0);
  EXPECT_FALSE(c.truth.voronoi_top.empty());
  // Noise of 0.3 Å per axis changes the statistics.
  core::AtomicModel noisy = m;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(0.0, 0.3);
  for (core::Vec3& x : noisy.positions_A()) x += core::Vec3(g(rng), g(rng), g(rng));
  core::wrap(noisy);
  const StructureComparison d = compare_structure(m, noisy, p, core::ExecutionContext{1});
  EXPECT_GT(d.gr_rms_diff, 0.05);
  EXPECT_GT(d.voronoi_top_l1, 0.0);
  EXPECT_THROW(compare_structure(core::AtomicModel(m.cell()), m, p, core::ExecutionContext{1}),
               InputError);
  p.rc_A = -1;
  EXPECT_THROW(p.validate(), InputError);
}

TEST(Scorecard, MetricsUnitsAndDetails) {
  const core::AtomicModel truth = test::random_packing(100, 15.0, 2.4, 12);
  core::AtomicModel result = truth;
  core::translate(result, core::Vec3(0.1, 0.0, 0.0));
  AetScores s;
  s.matching = match_atoms(truth, result, MatchParams{});
  for (const auto& r : s.matching.radii)
    s.species.push_back(species_scores(truth, result, r.pairs));
  const core::Scorecard card =
      make_aet_scorecard(s, "aet", core::Provenance::make("test", "", 7),
                         {{"truth", "t.xyz"}, {"result", "r.xyz"}}, default_metric_registry());
  EXPECT_EQ(card.chain, "aet");
  for (const char* name : {"recall@0.5A", "recall@1.0A", "recall@1.5A", "precision@1.0A", "rmsd_pm",
                           "rmsd_x_pm", "rmsd_y_pm", "rmsd_z_pm", "species_accuracy@1.0A"}) {
    ASSERT_EQ(card.metrics.count(name), 1u) << name;
    EXPECT_EQ(card.units.count(name), 1u) << name;
  }
  EXPECT_EQ(card.metrics.at("recall@1.0A"), 1.0);
  EXPECT_EQ(card.units.at("rmsd_pm"), "pm");
  EXPECT_NEAR(card.metrics.at("offset_x_A"), 0.1, 1e-9);
  EXPECT_EQ(card.metrics.count("r1"), 0u);  // no tilt series given

  const auto path = std::filesystem::temp_directory_path() / "vitrum_scorecard_test.json";
  write_aet_scorecard(path, card, s);
  const core::Scorecard back = core::read_scorecard(path);
  EXPECT_EQ(back.metrics, card.metrics);
  EXPECT_EQ(back.provenance.seed, 7u);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_NE(text.str().find("\"confusion\""), std::string::npos);
  EXPECT_NE(text.str().find("\"offset_A\""), std::string::npos);
  std::filesystem::remove(path);
  EXPECT_NE(format_summary(card).find("recall@1.0A"), std::string::npos);

  s.headline_radius_A = 0.7;
  EXPECT_THROW(make_aet_scorecard(s, "aet", {}, {}, default_metric_registry()), InputError);
}

}  // namespace
}  // namespace vitrum::validation
