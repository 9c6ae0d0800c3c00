#include "vitrum/validation/scorecard.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::validation {

namespace {

nlohmann::json side_json(const StructureSide& s) {
  nlohmann::json top = nlohmann::json::array();
  for (const auto& p : s.voronoi_top) top.push_back({{"index", p.index}, {"fraction", p.fraction}});
  return {{"gr_r_A", s.gr_r_A},
          {"gr", s.gr},
          {"cn_mean", s.cn_mean},
          {"voronoi_top", top},
          {"motif_fraction", s.motif_fraction},
          {"pbn_count", s.pbn_count},
          {"pbn_sizes", s.pbn_sizes},
          {"pbn_largest", s.pbn_largest},
          {"pbn_mean_size", s.pbn_mean_size},
          {"crystalline_fraction", s.crystalline_fraction}};
}

}  // namespace

core::Scorecard make_aet_scorecard(const AetScores& scores, const std::string& chain,
                                   const core::Provenance& provenance,
                                   const std::map<std::string, std::string>& inputs,
                                   const MetricRegistry& registry) {
  const MatchResult& m = scores.matching;
  if (scores.species.size() != m.radii.size())
    throw InputError("make_aet_scorecard: " + std::to_string(scores.species.size()) +
                     " species scores for " + std::to_string(m.radii.size()) + " radii");
  core::Scorecard card;
  card.chain = chain;
  card.provenance = provenance;
  card.inputs = inputs;
  auto& x = card.metrics;
  for (std::size_t k = 0; k < m.radii.size(); ++k) {
    const RadiusMatch& r = m.radii[k];
    const std::string at = radius_suffix(r.radius_A);
    x["recall" + at] = r.recall;
    x["precision" + at] = r.precision;
    x["matched" + at] = static_cast<double>(r.pairs.size());
    x["rmsd_pm" + at] = r.rmsd_pm;
    x["rmsd_x_pm" + at] = r.rmsd_axis_pm[0];
    x["rmsd_y_pm" + at] = r.rmsd_axis_pm[1];
    x["rmsd_z_pm" + at] = r.rmsd_axis_pm[2];
    x["species_accuracy" + at] = scores.species[k].accuracy;
  }
  const RadiusMatch& head = m.at(scores.headline_radius_A);
  x["rmsd_pm"] = head.rmsd_pm;
  x["rmsd_x_pm"] = head.rmsd_axis_pm[0];
  x["rmsd_y_pm"] = head.rmsd_axis_pm[1];
  x["rmsd_z_pm"] = head.rmsd_axis_pm[2];
  x["offset_x_A"] = m.offset_A.x();
  x["offset_y_A"] = m.offset_A.y();
  x["offset_z_A"] = m.offset_A.z();
  x["truth_atoms"] = static_cast<double>(head.truth_atoms);
  x["result_atoms"] = static_cast<double>(head.result_atoms);
  if (scores.fsc) {
    x["fsc_0.143_A"] = scores.fsc->resolution_0143_A;
    x["fsc_0.5_A"] = scores.fsc->resolution_05_A;
  }
  if (scores.r1) x["r1"] = scores.r1->r1;
  if (scores.r1_truth) x["r1_truth"] = *scores.r1_truth;
  if (const auto& s = scores.structure) {
    x["gr_rms_diff"] = s->gr_rms_diff;
    x["cn_abs_diff"] = s->cn_abs_diff;
    x["voronoi_top_l1"] = s->voronoi_top_l1;
    x["motif_l1"] = s->motif_l1;
    x["pbn_largest_diff"] = s->pbn_largest_diff;
    x["pbn_mean_size_diff"] = s->pbn_mean_size_diff;
    x["crystalline_fraction_diff"] = s->crystalline_fraction_diff;
    x["cn_truth"] = s->truth.cn_mean;
    x["cn_result"] = s->result.cn_mean;
    x["motif5_fraction_truth"] = s->truth.motif_fraction[2];
    x["motif5_fraction_result"] = s->result.motif_fraction[2];
    x["crystalline_fraction_truth"] = s->truth.crystalline_fraction;
    x["crystalline_fraction_result"] = s->result.crystalline_fraction;
  }
  for (const auto& [name, value] : x) {
    const MetricSpec* spec = registry.find(name);
    card.units[name] = spec ? spec->unit : "";
  }
  return card;
}

void write_aet_scorecard(const std::filesystem::path& path, const core::Scorecard& scorecard,
                         const AetScores& scores) {
  core::write_scorecard(path, scorecard);
  nlohmann::json j;
  {
    std::ifstream in(path);
    j = nlohmann::json::parse(in);
  }
  nlohmann::json d;
  const MatchResult& m = scores.matching;
  nlohmann::json radii = nlohmann::json::array(), species = nlohmann::json::array();
  for (std::size_t k = 0; k < m.radii.size(); ++k) {
    const RadiusMatch& r = m.radii[k];
    radii.push_back({{"radius_A", r.radius_A},
                     {"pairs", r.pairs.size()},
                     {"recall", r.recall},
                     {"precision", r.precision},
                     {"rmsd_pm", r.rmsd_pm},
                     {"rmsd_axis_pm", r.rmsd_axis_pm},
                     {"greedy_components", r.greedy_components}});
    const SpeciesScores& s = scores.species[k];
    nlohmann::json confusion = nlohmann::json::array();
    const std::size_t n = s.species.size();
    for (std::size_t t = 0; t < n; ++t)
      confusion.push_back(std::vector<std::size_t>(s.counts.begin() + std::ptrdiff_t(t * n),
                                                   s.counts.begin() + std::ptrdiff_t(t * n + n)));
    species.push_back({{"radius_A", r.radius_A},
                       {"Z", s.species},
                       {"confusion", confusion},
                       {"accuracy", s.accuracy}});
  }
  d["matching"] = {{"offset_A", {m.offset_A.x(), m.offset_A.y(), m.offset_A.z()}},
                   {"offset_iterations", m.offset_iterations},
                   {"headline_radius_A", scores.headline_radius_A},
                   {"radii", radii}};
  d["species"] = species;
  d["species_note"] = "confusion[t][r]: pairs of true Z[t] traced as Z[r]";
  if (const auto& f = scores.fsc)
    d["fsc"] = {{"q_per_A", f->q_per_A},
                {"fsc", f->fsc},
                {"shell_count", f->shell_count},
                {"resolution_0143_A", f->resolution_0143_A},
                {"resolution_05_A", f->resolution_05_A},
                {"reaches_nyquist_0143", f->reaches_nyquist_0143},
                {"reaches_nyquist_05", f->reaches_nyquist_05}};
  if (const auto& r = scores.r1)
    d["r1"] = {{"per_projection", r->per_projection}, {"scale", r->scale}};
  if (const auto& s = scores.structure)
    d["structure"] = {
        {"rc_A", s->rc_A}, {"truth", side_json(s->truth)}, {"result", side_json(s->result)}};
  j["details"] = d;
  core::write_stream_atomically(path, [&](std::ostream& o) { o << j.dump(2) << "\n"; });
}

std::string format_summary(const core::Scorecard& scorecard) {
  std::vector<std::string> names;
  const auto& x = scorecard.metrics;
  for (const char* family : {"recall", "precision", "rmsd_pm", "species_accuracy"})
    for (const auto& [name, value] : x)
      if (name.rfind(std::string(family) + "@", 0) == 0) names.push_back(name);
  for (const char* name :
       {"rmsd_pm", "rmsd_x_pm", "rmsd_y_pm", "rmsd_z_pm", "fsc_0.143_A", "fsc_0.5_A", "r1",
        "r1_truth", "gr_rms_diff", "cn_truth", "cn_result", "voronoi_top_l1", "motif_l1",
        "pbn_largest_diff", "crystalline_fraction_diff"})
    if (x.count(name)) names.push_back(name);
  std::size_t width = 0;
  for (const auto& n : names) width = std::max(width, n.size());
  std::ostringstream out;
  char line[160];
  for (const auto& n : names) {
    const auto unit = scorecard.units.find(n);
    std::snprintf(line, sizeof line, "%-*s %10.4g  %s\n", int(width), n.c_str(), x.at(n),
                  unit == scorecard.units.end() ? "" : unit->second.c_str());
    out << line;
  }
  return out.str();
}

}  // namespace vitrum::validation
