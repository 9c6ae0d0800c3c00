#include "vitrum/inverse/trace/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

KMeansResult kmeans_1d(std::span<const double> values, int k, KMeansZero zero, int max_iterations) {
  core::require(k >= 1, "types", k, ">= 1");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw InputError("K-means: value " + std::to_string(i) + " is not finite");
  KMeansResult result;
  const auto nk = static_cast<std::size_t>(k);
  result.classes.assign(values.size(), 0);
  if (values.empty()) {
    result.centers.assign(nk, 0.0);
    return result;
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  result.centers.resize(nk);
  for (std::size_t c = 0; c < nk; ++c) {
    const auto q = static_cast<std::size_t>((static_cast<double>(c) + 0.5) / k *
                                            static_cast<double>(sorted.size()));
    result.centers[c] = sorted[std::min(q, sorted.size() - 1)];
  }
  const bool pinned = zero == KMeansZero::kPinned;
  std::vector<double> sum(nk);
  std::vector<std::size_t> count(nk);
  for (int it = 1; it <= max_iterations; ++it) {
    result.iterations = it;
    bool changed = false;
    for (std::size_t i = 0; i < values.size(); ++i) {
      int best = pinned ? -1 : 0;
      double best_d = pinned ? std::abs(values[i]) : std::abs(values[i] - result.centers[0]);
      for (std::size_t c = pinned ? 0 : 1; c < nk; ++c) {
        const double d = std::abs(values[i] - result.centers[c]);
        if (d < best_d) best_d = d, best = static_cast<int>(c);
      }
      if (it == 1 || best != result.classes[i]) changed = true;
      result.classes[i] = best;
    }
    if (!changed) break;
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (result.classes[i] >= 0) {
        sum[static_cast<std::size_t>(result.classes[i])] += values[i];
        ++count[static_cast<std::size_t>(result.classes[i])];
      }
    for (std::size_t c = 0; c < nk; ++c)
      if (count[c] > 0) result.centers[c] = sum[c] / static_cast<double>(count[c]);
  }
  // Free centres ascending (they stay ordered in 1D, but an empty class could break ties).
  std::vector<std::size_t> order(nk);
  for (std::size_t c = 0; c < nk; ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return result.centers[a] < result.centers[b];
  });
  std::vector<int> rank(nk);
  std::vector<double> centers(nk);
  for (std::size_t r = 0; r < nk; ++r) {
    rank[order[r]] = static_cast<int>(r);
    centers[r] = result.centers[order[r]];
  }
  result.centers = centers;
  for (int& c : result.classes)
    if (c >= 0) c = rank[static_cast<std::size_t>(c)];
  return result;
}

}  // namespace vitrum::inverse
