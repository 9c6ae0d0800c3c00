#pragma once
/// \file
/// Built-in melt–quench recipes (`vitrum sim --recipe NAME`, `--list-recipes`): the glasses
/// of the seed papers, each also in a "-small" variant that runs in about a minute on two
/// cores (tests, the demo). A recipe is the TOML text of MeltQuenchParams; a user's config
/// and --set overrides apply on top of it.

#include <string>
#include <vector>

namespace vitrum::sim {

struct Recipe {
  std::string name;         ///< e.g. "ta", "ta-small"
  std::string description;  ///< one line: what, how many atoms, rate, potential
  std::string toml;         ///< MeltQuenchParams keys
};

/// Every recipe, full-size ones first.
const std::vector<Recipe>& recipes();
/// The recipe of this name; InputError listing the known names if there is none.
const Recipe& recipe(const std::string& name);

}  // namespace vitrum::sim
