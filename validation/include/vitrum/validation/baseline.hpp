#pragma once
/// \file
/// Regression baselines (DESIGN.md "who uses it": a change is run against stored baselines and
/// fails CI if a score gets worse). A baseline is a scorecard JSON (core/scorecard.hpp) with one
/// more object, per checked metric a direction and tolerances:
///
///     "tolerances": {"recall@1.0A": {"direction": "higher", "abs": 0.01},
///                    "rmsd_pm": {"direction": "lower", "abs": 1.0, "rel": 0.05}}
///
/// (`core::read_scorecard` ignores the extra key, so a baseline is also a scorecard.) A metric
/// fails when it is worse than the baseline by more than max(abs, rel·|baseline|) in its
/// direction (two-sided: any change beyond that), when it is missing from the new scorecard,
/// or when it is NaN and the baseline is not. Metrics without a tolerance are reported, not
/// checked.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vitrum/core/scorecard.hpp"
#include "vitrum/validation/metrics.hpp"

namespace vitrum::validation {

struct Baseline {
  core::Scorecard scorecard;
  std::map<std::string, Tolerance> tolerances;  ///< metric name → tolerance
};

/// Reads a baseline (a scorecard with an optional "tolerances" object). InputError naming the
/// file and the metric for a malformed tolerance (unknown direction, negative or non-numeric
/// abs/rel, a tolerance for a metric the baseline lacks).
Baseline read_baseline(const std::filesystem::path& path);

/// Writes `scorecard` with `tolerances` as a baseline, atomically.
void write_baseline(const std::filesystem::path& path, const core::Scorecard& scorecard,
                    const std::map<std::string, Tolerance>& tolerances);

/// The registry's default tolerance for every metric of `scorecard` that has one.
std::map<std::string, Tolerance> default_tolerances(const core::Scorecard& scorecard,
                                                    const MetricRegistry& registry);

enum class CheckStatus {
  kPass,       ///< within tolerance (or better)
  kWorse,      ///< worse beyond tolerance: a regression
  kMissing,    ///< the metric is not in the new scorecard: a regression
  kUnchecked,  ///< no tolerance: reported only
};

/// "pass", "WORSE", "MISSING", "-".
std::string to_string(CheckStatus s);

struct MetricCheck {
  std::string name;
  double baseline = 0;
  double now = 0;  ///< NaN if missing
  bool has_tolerance = false;
  Tolerance tolerance;  ///< valid if has_tolerance
  double allowed = 0;   ///< max(abs, rel·|baseline|)
  CheckStatus status = CheckStatus::kUnchecked;
};

struct BaselineReport {
  std::vector<MetricCheck> checks;  ///< every metric of the baseline, by name
  std::size_t failures = 0;         ///< kWorse + kMissing
  bool passed() const { return failures == 0; }
};

/// Compares `now` with `baseline`. InputError if the chains differ (scores of different
/// chains are not comparable).
BaselineReport compare_to_baseline(const core::Scorecard& now, const Baseline& baseline);

/// The report as an aligned text table: metric, baseline, now, tolerance, status.
std::string format_report(const BaselineReport& report);

}  // namespace vitrum::validation
