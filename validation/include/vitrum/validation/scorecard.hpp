#pragma once
/// \file
/// Assembly of the AET chain's scorecard (DESIGN.md "Result schemas"): the scores of
/// matching.hpp, species_scores.hpp, fsc.hpp, r1.hpp and structure_scores.hpp as named metrics
/// with units (names and units from metrics.hpp's registry), plus a `details` object with what
/// does not fit a flat name → number map:
///
///     "details": {
///       "matching": {"offset_A": [x, y, z], "offset_iterations": n, "headline_radius_A": 1.0,
///                    "radii": [{"radius_A", "pairs", "recall", "precision", "rmsd_pm",
///                               "rmsd_axis_pm": [x, y, z], "greedy_components"}, ...]},
///       "species": [{"radius_A", "Z": [...], "confusion": [[true Z row][traced Z column]],
///                    "accuracy"}, ...],
///       "fsc": {"q_per_A": [...], "fsc": [...], "shell_count": [...], "resolution_0143_A",
///               "resolution_05_A", "reaches_nyquist_0143", "reaches_nyquist_05"},
///       "r1": {"per_projection": [...], "scale": [...]},
///       "structure": {"rc_A", "truth": {...}, "result": {...}}   (gr_r_A, gr, cn_mean,
///                     voronoi_top [{index, fraction}], motif_fraction [3,4,5,6-fold],
///                     pbn_count, pbn_sizes, pbn_largest, pbn_mean_size,
///                     crystalline_fraction)
///     }
///
/// `core::read_scorecard` ignores `details`; h5py-free scripts read it with any JSON parser.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vitrum/core/provenance.hpp"
#include "vitrum/core/scorecard.hpp"
#include "vitrum/validation/fsc.hpp"
#include "vitrum/validation/matching.hpp"
#include "vitrum/validation/metrics.hpp"
#include "vitrum/validation/r1.hpp"
#include "vitrum/validation/species_scores.hpp"
#include "vitrum/validation/structure_scores.hpp"

namespace vitrum::validation {

/// Everything the AET chain scores. Optional parts are left out of the scorecard when absent.
struct AetScores {
  MatchResult matching;
  std::vector<SpeciesScores> species;  ///< one per matching.radii, same order
  double headline_radius_A = 1.0;      ///< radius of the unsuffixed rmsd_pm, rmsd_x_pm, ...
  std::optional<FscResult> fsc;
  std::optional<R1Result> r1;
  std::optional<double> r1_truth;  ///< R₁ of the truth itself: the floor R₁ can reach
  std::optional<StructureComparison> structure;
};

/// The scorecard: chain, metrics, units (from `registry`; a metric it lacks gets unit ""),
/// provenance and inputs as given. InputError if headline_radius_A was not scored or
/// `species` does not match the radii.
core::Scorecard make_aet_scorecard(const AetScores& scores, const std::string& chain,
                                   const core::Provenance& provenance,
                                   const std::map<std::string, std::string>& inputs,
                                   const MetricRegistry& registry);

/// Writes the scorecard and the `details` object (above), atomically.
void write_aet_scorecard(const std::filesystem::path& path, const core::Scorecard& scorecard,
                         const AetScores& scores);

/// A short aligned table of the key metrics present in `scorecard` (recall, precision, RMSD,
/// species accuracy per radius; FSC, R₁, structure distances), one "name value unit" per line.
std::string format_summary(const core::Scorecard& scorecard);

}  // namespace vitrum::validation
