#include <gtest/gtest.h>

#include "vitrum/core/config.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {

enum class Model { kLinear, kMultislice };

struct ExampleParams {
  double energy_keV = 300.0;
  int slices = 10;
  std::uint64_t count = 5;
  bool noise = false;
  std::string element = "Ta";
  std::vector<double> tilts_deg{-60.0, 0.0, 60.0};
  std::vector<std::string> species{"Ta"};
  Model model = Model::kMultislice;

  ParamSet params() {
    ParamSet p;
    p.add("beam.energy_keV", energy_keV, "keV", "beam energy")
        .add("slices", slices, "", "number of slices")
        .add("count", count, "", "a count")
        .add("noise", noise, "", "add noise")
        .add("element", element, "", "element symbol")
        .add("tilts_deg", tilts_deg, "deg", "tilt angles")
        .add("species", species, "", "element symbols")
        .add_choice("model", model,
                    {{"linear", Model::kLinear}, {"multislice", Model::kMultislice}},
                    "forward model");
    return p;
  }
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return describe(e);
  }
  return "(no exception)";
}

TEST(Config, LoadsEveryTypeFromToml) {
  ExampleParams p;
  const Config c = Config::from_string(R"(
slices = 20
count = 7
noise = true
element = "Pd"
tilts_deg = [-10, 0.5, 10]
species = ["Co", "Pd", "Pt"]
model = "linear"
[beam]
energy_keV = 200
)");
  p.params().load(c);
  EXPECT_EQ(p.energy_keV, 200.0);
  EXPECT_EQ(p.slices, 20);
  EXPECT_EQ(p.count, 7u);
  EXPECT_TRUE(p.noise);
  EXPECT_EQ(p.element, "Pd");
  EXPECT_EQ(p.tilts_deg, (std::vector<double>{-10, 0.5, 10}));
  EXPECT_EQ(p.species, (std::vector<std::string>{"Co", "Pd", "Pt"}));
  EXPECT_EQ(p.model, Model::kLinear);
}

TEST(Config, StringArraysAreNotNumberArrays) {
  ExampleParams p;
  EXPECT_NE(message_of([&] {
              p.params().load(Config::from_string("tilts_deg = [\"a\"]"));
            }).find("expects an array of numbers"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              p.params().load(Config::from_string("species = [1, 2]"));
            }).find("expects an array of strings"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              p.params().load(Config::from_string("species = [\"Ta\", 2]"));
            }).find("array of numbers or an array of strings"),
            std::string::npos);
  Config c;
  c.set("species=[\"Ta\", \"W\"]");
  p.params().load(c);
  EXPECT_EQ(p.species, (std::vector<std::string>{"Ta", "W"}));
}

TEST(Config, OverridesWinOverTheFile) {
  ExampleParams p;
  Config c = Config::from_string("slices = 20\n");
  c.set("slices=30");
  c.set("beam.energy_keV=80.5");
  c.set("model=linear");  // a bare word is taken as a string
  p.params().load(c);
  EXPECT_EQ(p.slices, 30);
  EXPECT_EQ(p.energy_keV, 80.5);
  EXPECT_EQ(p.model, Model::kLinear);
}

TEST(Config, SyntaxErrorNamesTheLine) {
  const std::string m = message_of([] { Config::from_string("a = 1\nb = = 2\n", "run.toml"); });
  EXPECT_NE(m.find("TOML syntax error"), std::string::npos) << m;
  EXPECT_NE(m.find("run.toml:2"), std::string::npos) << m;
}

TEST(Config, UnknownKeyNamesTheNearestKnownKeyAndItsLine) {
  ExampleParams p;
  const Config c = Config::from_string("slices = 3\n[beam]\nenergy_kev = 300\n", "run.toml");
  const std::string m = message_of([&] { p.params().load(c); });
  EXPECT_NE(m.find("unknown key \"beam.energy_kev\""), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean \"beam.energy_keV\""), std::string::npos) << m;
  EXPECT_NE(m.find("run.toml:3"), std::string::npos) << m;
}

TEST(Config, WrongTypesAreRejectedWithTheExpectedType) {
  ExampleParams p;
  EXPECT_NE(message_of([&] {
              p.params().load(Config::from_string("slices = 2.5"));
            }).find("expects an integer"),
            std::string::npos);
  EXPECT_NE(
      message_of([&] { p.params().load(Config::from_string("count = -1")); }).find("non-negative"),
      std::string::npos);
  Config c;
  c.set("beam.energy_keV=high");
  const std::string m = message_of([&] { p.params().load(c); });
  EXPECT_NE(m.find("expects a number"), std::string::npos) << m;
  EXPECT_NE(m.find("--set beam.energy_keV=high"), std::string::npos) << m;
  EXPECT_NE(message_of([&] {
              p.params().load(Config::from_string("model = \"fast\""));
            }).find("one of linear, multislice"),
            std::string::npos);
}

TEST(Config, MalformedOverrideIsAnInputError) {
  Config c;
  EXPECT_THROW(c.set("no_equals_sign"), InputError);
  EXPECT_THROW(c.set("=3"), InputError);
}

TEST(Config, PrintedDefaultsParseBackToTheSameValues) {
  ExampleParams defaults;
  const std::string text = defaults.params().to_toml();
  EXPECT_NE(text.find("# beam energy [keV]"), std::string::npos) << text;
  ExampleParams changed;
  changed.energy_keV = 1, changed.slices = 1, changed.element = "X", changed.model = Model::kLinear;
  changed.species = {"X", "Y"};
  changed.params().load(Config::from_string(text));
  EXPECT_EQ(changed.energy_keV, defaults.energy_keV);
  EXPECT_EQ(changed.slices, defaults.slices);
  EXPECT_EQ(changed.element, defaults.element);
  EXPECT_EQ(changed.model, defaults.model);
  EXPECT_EQ(changed.tilts_deg, defaults.tilts_deg);
  EXPECT_EQ(changed.species, defaults.species);
}

}  // namespace
}  // namespace vitrum::core
