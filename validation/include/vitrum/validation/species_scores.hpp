#pragma once
/// \file
/// Species scores over matched pairs (PHYSICS.md §4: species accuracy at several radii; seed 000
/// classifies three types by K-means, which fails when intensity distributions overlap — Busch
/// et al., Nature 2026): the confusion matrix of true Z × traced Z and the accuracy.

#include <cstddef>
#include <utility>
#include <vector>

#include "vitrum/core/atomic_model.hpp"

namespace vitrum::validation {

struct SpeciesScores {
  std::vector<int> species;  ///< Z of the rows and columns: every Z in either model, ascending
  /// counts[t·n + r]: pairs of true species[t] traced as species[r] (n = species.size()).
  std::vector<std::size_t> counts;
  std::size_t pairs = 0;    ///< pairs scored
  std::size_t correct = 0;  ///< pairs with the same Z
  double accuracy = 0;      ///< correct / pairs (NaN without pairs)
};

/// The confusion matrix over `pairs` (truth index, result index), e.g. RadiusMatch::pairs.
/// InputError if an index is out of range.
SpeciesScores species_scores(const core::AtomicModel& truth, const core::AtomicModel& result,
                             const std::vector<std::pair<std::size_t, std::size_t>>& pairs);

}  // namespace vitrum::validation
