#pragma once
/// \file
/// The registry of scorecard metrics: for each metric family its unit, which direction is
/// better, and the default regression tolerance that `vitrum score --write-baseline` stores.
/// A chain adds its own families (the AET chain's and the maps' are in
/// `default_metric_registry`; a later diffraction chain adds e.g. "gr_rw") and sets the scorecard's
/// `chain` field; the scorecard, baseline and report code below never needs to know which chain
/// made a metric.
///
/// A family name without '@' names one metric ("rmsd_pm"); a family "recall@" covers every
/// metric "recall@<radius>A" (the radius is part of the name, as DESIGN.md spells them).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vitrum::validation {

/// Which change of a metric is a regression.
enum class Direction {
  kHigherIsBetter,  ///< lower than the baseline beyond tolerance fails (recall)
  kLowerIsBetter,   ///< higher than the baseline beyond tolerance fails (RMSD)
  kTwoSided,        ///< any change beyond tolerance fails
};

/// "higher", "lower", "two-sided".
std::string to_string(Direction d);
/// Parses "higher", "lower", "two-sided"; InputError otherwise.
Direction parse_direction(const std::string& text);

/// Allowed change of one metric: max(abs, rel·|baseline|) in the metric's unit.
struct Tolerance {
  Direction direction = Direction::kTwoSided;
  double abs = 0;  ///< absolute tolerance, metric unit (≥ 0)
  double rel = 0;  ///< relative tolerance, fraction of |baseline| (≥ 0)
  /// InputError unless abs and rel are finite and ≥ 0.
  void validate() const;
  /// The allowed change for a baseline value.
  double allowed(double baseline) const;
};

/// One metric family.
struct MetricSpec {
  std::string family;       ///< "rmsd_pm", or "recall@" for "recall@1.0A" etc.
  std::string unit;         ///< "pm", "1 (0 to 1)", "Å", ...
  std::string description;  ///< one line for README tables and reports
  /// The default tolerance; none: the metric is informational and never checked by default.
  std::optional<Tolerance> tolerance;
};

/// Metric families by name. Immutable once built; look-ups are const.
class MetricRegistry {
 public:
  /// Adds a family; InputError if it is already there.
  MetricRegistry& add(MetricSpec spec);
  /// The family of a metric name (exact, else the part up to and including '@'); nullptr if
  /// unknown.
  const MetricSpec* find(const std::string& metric) const;
  const std::map<std::string, MetricSpec>& families() const { return families_; }

 private:
  std::map<std::string, MetricSpec> families_;
};

/// Every family vitrum's chains score; today the AET chain (stem → tomo → trace): atom
/// matching, species, FSC, R₁ and the structure distances.
MetricRegistry default_metric_registry();

/// "@1.0A" for 1.0 Å: the radius suffix of per-radius metric names (one decimal unless more
/// are needed: "@0.25A").
std::string radius_suffix(double radius_A);

}  // namespace vitrum::validation
