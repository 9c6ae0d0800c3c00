#pragma once
/// \file
/// Scores of a map against its truth: two 2D maps of one quantity on the same scan grid, e.g.
/// a quantity-of-interest map of the diffraction chain (PHYSICS.md §6: r₁, G(r₁), σ₁, the
/// sharpness G(r₁)/σ₁, r₁ + r₂; seed 002) against the same quantity computed from the true
/// atoms of each probed column. What a user asks of such a map is whether it shows the right
/// pattern (the correlations) and the right values (the errors), so both are reported.
///
/// Pixels where either map is not finite (a peak fit that failed leaves NaN) are left out and
/// counted; every score is over the remaining n pixels, with t the truth and m the result:
///   pearson_r  = Σ(t − t̄)(m − m̄) / √(Σ(t − t̄)² Σ(m − m̄)²)            (Pearson 1895)
///   spearman_r = the Pearson r of the ranks of t and of m, ties given their mean rank
///                (Spearman 1904): 1 for any increasing function of the truth, so it scores a
///                proxy map (r₁ + r₂ for chemical order) that is monotone but not linear;
///   rmse       = √(Σ(m − t)²/n), in the maps' unit;
///   nrmse      = rmse / std(t), std(t) = √(Σ(t − t̄)²/n): 0 for a perfect map, 1 for the
///                truth's mean everywhere, √2 for an uncorrelated map of the same spread;
///   bias       = Σ(m − t)/n, in the maps' unit.
/// A constant map has no correlation: the correlations are then NaN (written as null).

#include <cstddef>
#include <map>
#include <string>

#include "vitrum/core/grid.hpp"
#include "vitrum/core/provenance.hpp"
#include "vitrum/core/scorecard.hpp"
#include "vitrum/validation/metrics.hpp"

namespace vitrum::validation {

struct MapScores {
  double pearson_r = 0;
  double spearman_r = 0;
  double rmse = 0;
  double nrmse = 0;
  double bias = 0;
  std::size_t pixels = 0;     ///< pixels scored (both maps finite)
  double valid_fraction = 0;  ///< pixels / all pixels
  std::string unit;           ///< the maps' unit (of rmse and bias); empty if unknown
};

/// Scores `result` against `truth`. InputError if the shapes differ, or fewer than two pixels
/// are finite in both.
MapScores score_map(const core::Image& truth, const core::Image& result);

/// The scorecard of a set of maps, one family of metrics per score with the map's name as the
/// suffix: "map_pearson_r@<name>", "map_spearman_r@<name>", "map_rmse@<name>",
/// "map_nrmse@<name>", "map_bias@<name>", "map_valid_fraction@<name>"; units from `registry`,
/// those of rmse and bias from MapScores::unit. InputError if `maps` is empty.
core::Scorecard make_map_scorecard(const std::map<std::string, MapScores>& maps,
                                   const std::string& chain, const core::Provenance& provenance,
                                   const std::map<std::string, std::string>& inputs,
                                   const MetricRegistry& registry);

}  // namespace vitrum::validation
