#include "vitrum/validation/species_scores.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include "vitrum/core/error.hpp"

namespace vitrum::validation {

SpeciesScores species_scores(const core::AtomicModel& truth, const core::AtomicModel& result,
                             const std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
  std::set<int> all;
  for (int z : truth.Z()) all.insert(z);
  for (int z : result.Z()) all.insert(z);
  SpeciesScores s;
  s.species.assign(all.begin(), all.end());
  const std::size_t n = s.species.size();
  s.counts.assign(n * n, 0);
  const auto slot = [&](int z) {
    return static_cast<std::size_t>(std::lower_bound(s.species.begin(), s.species.end(), z) -
                                    s.species.begin());
  };
  for (const auto& [t, r] : pairs) {
    if (t >= truth.size() || r >= result.size())
      throw InputError("species_scores: pair (" + std::to_string(t) + ", " + std::to_string(r) +
                       ") is out of range for " + std::to_string(truth.size()) + " true and " +
                       std::to_string(result.size()) + " result atoms");
    const int zt = truth.Z()[t], zr = result.Z()[r];
    ++s.counts[slot(zt) * n + slot(zr)];
    s.correct += zt == zr ? 1 : 0;
  }
  s.pairs = pairs.size();
  s.accuracy = s.pairs == 0 ? std::numeric_limits<double>::quiet_NaN()
                            : static_cast<double>(s.correct) / static_cast<double>(s.pairs);
  return s;
}

}  // namespace vitrum::validation
