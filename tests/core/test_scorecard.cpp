// JSON scorecards (core/src/scorecard.cpp): round trip (numbers exact, NaN via null), the
// layout (sorted keys, pretty-printed), and errors naming the file and the problem.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "io_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/scorecard.hpp"

namespace vitrum::core {
namespace {

using namespace testing;  // catch_error, Caught, FileTest
using ::testing::EndsWith;
using ::testing::HasSubstr;

class ScorecardTest : public testing::FileTest {};

Scorecard example() {
  Scorecard card;
  card.chain = "stem-tomo-trace";
  card.metrics = {{"recall@1.0A", 0.95},
                  {"precision@1.0A", 1.0 / 3.0},
                  {"rmsd_pm", 21.4},
                  {"tiny", 4.9e-324},
                  {"huge", -1.7976931348623157e308},
                  {"count", 1234.0},
                  {"undefined", std::numeric_limits<double>::quiet_NaN()}};
  card.units = {{"rmsd_pm", "pm"}, {"recall@1.0A", "1"}};
  card.inputs = {{"truth", "model.h5"}, {"result", "traced \"final\".xyz"}};
  card.provenance = {"vitrum score --truth model.h5 --result traced.xyz",
                     "[score]\nradius_A = 1.0\n", std::numeric_limits<std::uint64_t>::max(),
                     "0.1.0"};
  return card;
}

TEST_F(ScorecardTest, RoundTrip) {
  const Scorecard card = example();
  const auto path = dir() / "scorecard.json";
  write_scorecard(path, card);
  const Scorecard back = read_scorecard(path);
  EXPECT_EQ(back.chain, card.chain);
  ASSERT_EQ(back.metrics.size(), card.metrics.size());
  for (const auto& [name, value] : card.metrics) {
    if (std::isnan(value))
      EXPECT_TRUE(std::isnan(back.metrics.at(name))) << name;
    else
      EXPECT_EQ(back.metrics.at(name), value) << name;  // exact: shortest round-trip digits
  }
  EXPECT_EQ(back.units, card.units);
  EXPECT_EQ(back.inputs, card.inputs);
  EXPECT_EQ(back.provenance.command, card.provenance.command);
  EXPECT_EQ(back.provenance.parameters, card.provenance.parameters);
  EXPECT_EQ(back.provenance.seed, card.provenance.seed);
  EXPECT_EQ(back.provenance.version, card.provenance.version);
}

TEST_F(ScorecardTest, LayoutIsSortedPrettyJsonWithNullForNaN) {
  const auto path = dir() / "scorecard.json";
  write_scorecard(path, example());
  const std::string text = slurp(path);
  EXPECT_THAT(text, HasSubstr("\n  \"chain\": \"stem-tomo-trace\",\n"));
  EXPECT_THAT(text, HasSubstr("\"undefined\": null"));
  EXPECT_THAT(text, HasSubstr("\"rmsd_pm\": 21.4"));
  EXPECT_THAT(text, HasSubstr("\"seed\": 18446744073709551615"));
  const std::vector<std::string> order{"\"chain\"", "\"inputs\"", "\"metrics\"", "\"provenance\"",
                                       "\"units\""};
  for (std::size_t i = 1; i < order.size(); ++i)
    EXPECT_LT(text.find(order[i - 1]), text.find(order[i])) << order[i];
  EXPECT_LT(text.find("\"count\""), text.find("\"huge\""));
  EXPECT_EQ(text.back(), '\n');
}

TEST_F(ScorecardTest, OptionalSectionsMayBeMissing) {
  const auto path = write_file("min.json", R"({"chain": "epdf", "metrics": {"r_peak_A": 2.75}})");
  const Scorecard card = read_scorecard(path);
  EXPECT_EQ(card.chain, "epdf");
  EXPECT_EQ(card.metrics.at("r_peak_A"), 2.75);
  EXPECT_TRUE(card.units.empty());
  EXPECT_EQ(card.provenance.seed, 0u);
}

TEST_F(ScorecardTest, MalformedJsonNamesFileAndLine) {
  const auto path = write_file("bad.json", "{\n  \"chain\": \"x\",\n  \"metrics\": {1: 2}\n}\n");
  const Caught e = catch_error<InputError>([&] { read_scorecard(path); });
  EXPECT_THAT(e.where, EndsWith("bad.json:3"));
  EXPECT_THAT(e.what, HasSubstr("malformed JSON"));
}

TEST_F(ScorecardTest, EmptyFile) {
  const auto path = write_file("empty.json", "");
  const Caught e = catch_error<InputError>([&] { read_scorecard(path); });
  EXPECT_THAT(e.where, HasSubstr("empty.json"));
  EXPECT_THAT(e.what, HasSubstr("malformed JSON"));
}

TEST_F(ScorecardTest, MissingChain) {
  const auto path = write_file("nochain.json", R"({"metrics": {}})");
  const Caught e = catch_error<InputError>([&] { read_scorecard(path); });
  EXPECT_THAT(e.where, EndsWith("nochain.json"));
  EXPECT_THAT(e.what, HasSubstr("no 'chain'"));
}

TEST_F(ScorecardTest, MetricOfWrongType) {
  const auto path = write_file("type.json", R"({"chain": "x", "metrics": {"rmsd_pm": "21.4"}})");
  const Caught e = catch_error<InputError>([&] { read_scorecard(path); });
  EXPECT_THAT(e.where, EndsWith("type.json"));
  EXPECT_THAT(e.what, HasSubstr("'metrics.rmsd_pm': expected a number or null, found string"));
}

TEST_F(ScorecardTest, NegativeSeed) {
  const auto path =
      write_file("seed.json", R"({"chain": "x", "metrics": {}, "provenance": {"seed": -1}})");
  const Caught e = catch_error<InputError>([&] { read_scorecard(path); });
  EXPECT_THAT(e.what, HasSubstr("'provenance.seed': expected a non-negative integer"));
}

TEST_F(ScorecardTest, FailingWriterLeavesNothing) {
  EXPECT_THROW(write_scorecard(dir() / "missing" / "s.json", example()), IoError);
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace vitrum::core
