#include "vitrum/validation/metrics.hpp"

#include <cmath>
#include <cstdio>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::validation {

std::string to_string(Direction d) {
  switch (d) {
    case Direction::kHigherIsBetter:
      return "higher";
    case Direction::kLowerIsBetter:
      return "lower";
    case Direction::kTwoSided:
      return "two-sided";
  }
  return "two-sided";
}

Direction parse_direction(const std::string& text) {
  if (text == "higher") return Direction::kHigherIsBetter;
  if (text == "lower") return Direction::kLowerIsBetter;
  if (text == "two-sided") return Direction::kTwoSided;
  throw InputError("direction \"" + text + "\" is not one of: higher, lower, two-sided");
}

void Tolerance::validate() const {
  if (!(std::isfinite(abs) && abs >= 0.0))
    throw InputError("tolerance abs = " + core::format_number(abs) + " must be finite and ≥ 0");
  if (!(std::isfinite(rel) && rel >= 0.0))
    throw InputError("tolerance rel = " + core::format_number(rel) + " must be finite and ≥ 0");
}

double Tolerance::allowed(double baseline) const {
  return std::max(abs, std::isfinite(baseline) ? rel * std::abs(baseline) : 0.0);
}

MetricRegistry& MetricRegistry::add(MetricSpec spec) {
  const std::string key = spec.family;
  if (!families_.emplace(key, std::move(spec)).second)
    throw InputError("metric family \"" + key + "\" is registered twice");
  return *this;
}

const MetricSpec* MetricRegistry::find(const std::string& metric) const {
  if (const auto it = families_.find(metric); it != families_.end()) return &it->second;
  const auto at = metric.find('@');
  if (at == std::string::npos) return nullptr;
  const auto it = families_.find(metric.substr(0, at + 1));
  return it == families_.end() ? nullptr : &it->second;
}

std::string radius_suffix(double radius_A) {
  char text[32];
  const double tenths = radius_A * 10.0;
  if (std::abs(tenths - std::round(tenths)) < 1e-9)
    std::snprintf(text, sizeof text, "@%.1fA", radius_A);
  else
    std::snprintf(text, sizeof text, "@%gA", radius_A);
  return text;
}

MetricRegistry default_metric_registry() {
  using D = Direction;
  const auto tol = [](D d, double abs, double rel) { return Tolerance{d, abs, rel}; };
  const std::string fraction = "1 (0 to 1)";
  MetricRegistry r;
  // Atom matching (PHYSICS.md §4 "Precision"), per radius and at the headline radius.
  r.add({"recall@", fraction, "true atoms matched / true atoms", tol(D::kHigherIsBetter, 0.01, 0)})
      .add({"precision@", fraction, "traced atoms matched / traced atoms",
            tol(D::kHigherIsBetter, 0.01, 0)})
      .add({"matched@", "atoms", "one-to-one pairs", std::nullopt})
      .add({"rmsd_pm@", "pm", "√(mean |d|²) over pairs, global offset removed",
            tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"rmsd_x_pm@", "pm", "√(mean d_x²) over pairs", tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"rmsd_y_pm@", "pm", "√(mean d_y²) over pairs", tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"rmsd_z_pm@", "pm", "√(mean d_z²) over pairs (beam axis: the missing wedge)",
            tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"species_accuracy@", fraction, "pairs with the true species / pairs",
            tol(D::kHigherIsBetter, 0.01, 0)})
      .add({"rmsd_pm", "pm", "RMSD at the headline radius", tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"rmsd_x_pm", "pm", "x RMSD at the headline radius", tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"rmsd_y_pm", "pm", "y RMSD at the headline radius", tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"rmsd_z_pm", "pm", "z RMSD at the headline radius", tol(D::kLowerIsBetter, 1.0, 0.05)})
      .add({"offset_x_A", "Å", "global offset removed (result − truth), x", std::nullopt})
      .add({"offset_y_A", "Å", "global offset removed, y", std::nullopt})
      .add({"offset_z_A", "Å", "global offset removed, z", std::nullopt})
      .add({"truth_atoms", "atoms", "atoms in the true model", std::nullopt})
      .add({"result_atoms", "atoms", "atoms in the result", std::nullopt})
      // Maps and data.
      .add({"fsc_0.143_A", "Å", "resolution where FSC(volume, rendered truth) falls below 0.143",
            tol(D::kLowerIsBetter, 0.05, 0.05)})
      .add({"fsc_0.5_A", "Å", "resolution where the FSC falls below 0.5",
            tol(D::kLowerIsBetter, 0.05, 0.05)})
      .add({"r1", fraction, "R₁ of the result against the tilt series (scaled per projection)",
            tol(D::kLowerIsBetter, 0.005, 0.05)})
      .add({"r1_truth", fraction, "R₁ of the truth against the tilt series (the floor)",
            std::nullopt})
      // Structure statistics (PHYSICS.md §7), distances result vs truth.
      .add({"gr_rms_diff", "1 (g is dimensionless)", "RMS of g_result(r) − g_truth(r)",
            tol(D::kLowerIsBetter, 0.02, 0.1)})
      .add({"cn_abs_diff", "neighbours", "|ΔCN| (Voronoi, interior cells)",
            tol(D::kLowerIsBetter, 0.1, 0.1)})
      .add({"voronoi_top_l1", fraction, "L1 distance of the top Voronoi index fractions",
            tol(D::kLowerIsBetter, 0.02, 0.1)})
      .add({"motif_l1", fraction, "L1 distance of the 3/4/5/6-fold motif fractions at δ = 0.255",
            tol(D::kLowerIsBetter, 0.02, 0.1)})
      .add({"pbn_largest_diff", "PBs", "|Δ largest PB network|", tol(D::kLowerIsBetter, 1.0, 0.1)})
      .add({"pbn_mean_size_diff", "PBs", "|Δ mean PB network size|",
            tol(D::kLowerIsBetter, 1.0, 0.1)})
      .add({"crystalline_fraction_diff", fraction, "|Δ crystal-nucleus fraction| (BOO > 0.5)",
            tol(D::kLowerIsBetter, 0.01, 0)})
      .add({"cn_truth", "neighbours", "mean Voronoi CN of the truth", std::nullopt})
      .add({"cn_result", "neighbours", "mean Voronoi CN of the result", std::nullopt})
      .add({"motif5_fraction_truth", fraction, "5-fold motif fraction of the truth", std::nullopt})
      .add(
          {"motif5_fraction_result", fraction, "5-fold motif fraction of the result", std::nullopt})
      .add({"crystalline_fraction_truth", fraction, "nucleus fraction of the truth", std::nullopt})
      .add(
          {"crystalline_fraction_result", fraction, "nucleus fraction of the result", std::nullopt})
      // Maps (map_scores.hpp), the suffix names the map: "map_pearson_r@r1_A".
      .add({"map_pearson_r@", "1 (−1 to 1)", "Pearson r of result and truth map",
            tol(D::kHigherIsBetter, 0.02, 0)})
      .add({"map_spearman_r@", "1 (−1 to 1)", "Spearman rank r of result and truth map",
            tol(D::kHigherIsBetter, 0.02, 0)})
      .add({"map_rmse@", "map unit", "RMS of result − truth", std::nullopt})
      .add({"map_nrmse@", "1", "RMS error / standard deviation of the truth map",
            tol(D::kLowerIsBetter, 0.02, 0.05)})
      .add({"map_bias@", "map unit", "mean of result − truth", std::nullopt})
      .add({"map_valid_fraction@", fraction, "pixels finite in both maps / pixels",
            tol(D::kHigherIsBetter, 0.01, 0)});
  return r;
}

}  // namespace vitrum::validation
