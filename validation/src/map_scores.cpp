#include "vitrum/validation/map_scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "vitrum/core/error.hpp"

namespace vitrum::validation {

namespace {

/// Pearson's r of two equally long samples; NaN if either is constant.
double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const auto n = static_cast<double>(a.size());
  const double mean_a = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mean_b = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double da = a[i] - mean_a, db = b[i] - mean_b;
    ab += da * db, aa += da * da, bb += db * db;
  }
  if (!(aa > 0.0 && bb > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return ab / std::sqrt(aa * bb);
}

/// Ranks 1…n in ascending order of value; a run of equal values gets the mean of its ranks.
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
  std::vector<double> r(v.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;
    while (last + 1 < order.size() && v[order[last + 1]] == v[order[first]]) ++last;
    const double mean_rank = 0.5 * static_cast<double>(first + last) + 1.0;
    for (std::size_t k = first; k <= last; ++k) r[order[k]] = mean_rank;
    first = last + 1;
  }
  return r;
}

}  // namespace

MapScores score_map(const core::Image& truth, const core::Image& result) {
  if (truth.shape() != result.shape())
    throw InputError("the maps differ in shape: truth " + std::to_string(truth.extent(0)) + "×" +
                     std::to_string(truth.extent(1)) + ", result " +
                     std::to_string(result.extent(0)) + "×" + std::to_string(result.extent(1)) +
                     " (scores need the same scan grid)");
  std::vector<double> t, m;
  const auto& tv = truth.values();
  const auto& mv = result.values();
  for (std::size_t i = 0; i < tv.size(); ++i)
    if (std::isfinite(tv[i]) && std::isfinite(mv[i])) {
      t.push_back(tv[i]);
      m.push_back(mv[i]);
    }
  if (t.size() < 2)
    throw InputError("fewer than two pixels are finite in both maps: nothing to score");
  MapScores s;
  s.pixels = t.size();
  s.valid_fraction = static_cast<double>(t.size()) / static_cast<double>(tv.size());
  const auto n = static_cast<double>(t.size());
  s.pearson_r = pearson(t, m);
  s.spearman_r = pearson(ranks(t), ranks(m));
  const double mean_t = std::accumulate(t.begin(), t.end(), 0.0) / n;
  double squared = 0, difference = 0, spread = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    squared += (m[i] - t[i]) * (m[i] - t[i]);
    difference += m[i] - t[i];
    spread += (t[i] - mean_t) * (t[i] - mean_t);
  }
  s.rmse = std::sqrt(squared / n);
  s.bias = difference / n;
  s.nrmse =
      spread > 0.0 ? s.rmse / std::sqrt(spread / n) : std::numeric_limits<double>::quiet_NaN();
  return s;
}

core::Scorecard make_map_scorecard(const std::map<std::string, MapScores>& maps,
                                   const std::string& chain, const core::Provenance& provenance,
                                   const std::map<std::string, std::string>& inputs,
                                   const MetricRegistry& registry) {
  if (maps.empty()) throw InputError("no maps to score");
  core::Scorecard card;
  card.chain = chain;
  card.provenance = provenance;
  card.inputs = inputs;
  for (const auto& [name, s] : maps) {
    const std::string at = "@" + name;
    const std::pair<const char*, double> values[] = {
        {"map_pearson_r", s.pearson_r}, {"map_spearman_r", s.spearman_r},
        {"map_rmse", s.rmse},           {"map_nrmse", s.nrmse},
        {"map_bias", s.bias},           {"map_valid_fraction", s.valid_fraction}};
    for (const auto& [family, value] : values) {
      const std::string metric = family + at;
      card.metrics[metric] = value;
      const MetricSpec* spec = registry.find(metric);
      card.units[metric] = spec ? spec->unit : "";
    }
    card.units["map_rmse" + at] = card.units["map_bias" + at] = s.unit;
  }
  return card;
}

}  // namespace vitrum::validation
