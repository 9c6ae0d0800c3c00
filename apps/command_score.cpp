// `vitrum score --truth T --result R [--tilts S.h5] [--volume V.h5] [--baseline B.json]
// [--write-baseline B.json] --out scorecard.json`: scores a traced model against its ground
// truth (validation module) and writes the JSON scorecard; with --baseline, compares it with a
// stored scorecard and exits 3 if any metric is worse beyond its tolerance.

#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/validation/baseline.hpp"
#include "vitrum/validation/map_scores.hpp"
#include "vitrum/validation/scorecard.hpp"

namespace vitrum::app {

namespace {

/// Whether the structure statistics of truth and result are compared.
enum class StructureScoring {
  kAuto,  ///< compare; if the analyses refuse a model (too few atoms, a film), warn and skip
  kOn,    ///< compare; a refusal is an error
  kOff,
};

struct ScoreParams {
  /// The scorecard's chain name (baselines compare equal chains); empty: "aet" for models,
  /// "maps" for maps.
  std::string chain;
  validation::MatchParams match;
  double headline_radius_A = 1.0;
  validation::RenderParams render;
  double r1_margin_A = 3.0;
  StructureScoring structure = StructureScoring::kAuto;
  validation::StructureScoreParams structure_params;

  core::ParamSet params() {
    core::ParamSet p;
    p.add("chain", chain, "",
          "chain name recorded in the scorecard (baselines must match it); empty: \"aet\" "
          "for models, \"maps\" for maps")
        .add("match.radii_A", match.radii_A, "Å", "matching radii scored (recall@…A etc.)")
        .add("match.offset_radius_A", match.offset_radius_A, "Å",
             "radius of the global-offset estimation (reference code: 1.5 Å)")
        .add("match.offset_iterations", match.offset_iterations, "",
             "match → mean offset → rematch rounds at most (0: no offset removal)")
        .add("match.max_exact_component", match.max_exact_component, "",
             "larger candidate components are matched greedily instead of exactly")
        .add("headline_radius_A", headline_radius_A, "Å",
             "radius of the unsuffixed rmsd_pm, rmsd_x_pm, rmsd_y_pm, rmsd_z_pm")
        .add("render.sigma_A", render.sigma_A, "Å",
             "Gaussian width of atoms rendered for FSC (--volume) and R₁ (--tilts)")
        .add("render.z_exponent", render.z_exponent, "", "rendered amplitude ∝ Z^z_exponent")
        .add("r1.margin_A", r1_margin_A, "Å", "R₁: rendered box = atoms' bounding box + margin")
        .add_choice("structure.mode", structure,
                    {{"auto", StructureScoring::kAuto},
                     {"on", StructureScoring::kOn},
                     {"off", StructureScoring::kOff}},
                    "compare g(r), CN, Voronoi, motifs, PBNs, nuclei of truth and result (auto: "
                    "skip with a warning if the analyses refuse a model)")
        .add("structure.rc_A", structure_params.rc_A, "Å",
             "neighbour cutoff of both sides; 0: first valley of the truth's g(r)")
        .add("structure.gr.r_max_A", structure_params.gr.r_max_A, "Å", "largest r of g(r)")
        .add("structure.gr.bin_A", structure_params.gr.bin_A, "Å", "shell width of g(r)")
        .add("structure.motif_delta", structure_params.motif_delta, "",
             "δ_max of the motif fractions and PB networks (seed 001: 0.255)")
        .add("structure.voronoi_top", structure_params.voronoi_top, "",
             "most frequent Voronoi indices compared");
    return p;
  }
  std::string params_toml() const { return ScoreParams(*this).params().to_toml(); }

  void validate() const {
    match.validate();
    bool found = false;
    for (double r : match.radii_A) found = found || std::abs(r - headline_radius_A) <= 1e-9;
    if (!found)
      throw InputError("headline_radius_A = " + core::format_number(headline_radius_A) +
                       " is not one of match.radii_A");
    render.validate();
    validation::R1Params r1;
    r1.margin_A = r1_margin_A;
    r1.validate();
    structure_params.validate();
  }
};

core::AtomicModel read_model(const std::string& path, const char* role) {
  core::AtomicModel m = core::read_atoms(path);
  m.validate(path);
  if (m.empty()) throw InputError(std::string("the ") + role + " model has no atoms", path);
  return m;
}

struct ScoreFiles {
  std::string truth, result, tilts, volume, truth_maps, result_maps, baseline, write_baseline, out;
};

/// Reads the baseline (before any work, so that a bad file fails first) and checks its chain.
std::optional<validation::Baseline> read_matching_baseline(const std::string& path,
                                                           const std::string& chain) {
  if (path.empty()) return std::nullopt;
  validation::Baseline baseline = validation::read_baseline(path);
  if (baseline.scorecard.chain != chain)
    throw InputError("the baseline is of chain \"" + baseline.scorecard.chain +
                         "\" but this scorecard's chain is \"" + chain +
                         "\"; scores of different chains are not comparable",
                     path);
  return baseline;
}

/// Writes the optional baseline, prints the summary and compares with the baseline (exit 3 if
/// a metric got worse beyond its tolerance): what every kind of scorecard ends with.
void finish_scorecard(const RunContext& run, const core::Scorecard& card, const ScoreFiles& f,
                      const std::optional<validation::Baseline>& baseline) {
  if (!f.write_baseline.empty())
    validation::write_baseline(
        f.write_baseline, card,
        validation::default_tolerances(card, validation::default_metric_registry()));
  if (!run.global.quiet) std::fputs(validation::format_summary(card).c_str(), stdout);
  run.logger.info("wrote " + f.out + (f.write_baseline.empty() ? "" : " and " + f.write_baseline));
  if (baseline) {
    const validation::BaselineReport report = validation::compare_to_baseline(card, *baseline);
    if (!run.global.quiet) std::fputs(validation::format_report(report).c_str(), stdout);
    if (!report.passed())
      throw CommandExit{3, std::to_string(report.failures) + " metric(s) worse than the baseline " +
                               f.baseline + " beyond tolerance"};
  }
}

/// A map as scored: its values on the scan grid and the unit its dataset records.
struct NamedMap {
  core::Image image;
  std::string unit;
};

/// The 2D EMD groups of a map file, by name (each dataset read once, with its unit).
std::map<std::string, NamedMap> read_maps(const std::string& path) {
  const core::Hdf5Reader reader(path);
  if (!reader.has("/data"))
    throw InputError("no /data group: a map file holds 2D EMD groups /data/<map>", path);
  std::map<std::string, NamedMap> maps;
  for (const std::string& name : reader.children("/data")) {
    const std::string dataset = "/data/" + name + "/data";
    if (!reader.has(dataset) || reader.shape(dataset).size() != 2) continue;
    core::Hdf5Array<float> array = reader.read_array<float>(dataset);
    NamedMap map{core::Image({array.shape[0], array.shape[1]}), std::move(array.units)};
    map.image.values() = std::move(array.values);
    maps.emplace(name, std::move(map));
  }
  if (maps.empty()) throw InputError("no 2D EMD group under /data: no maps to score", path);
  return maps;
}

/// `--truth-maps T --result-maps R`: every map present in both files, scored by name.
void run_map_score(const RunContext& run, const ScoreParams& p, const ScoreFiles& f) {
  if (!f.tilts.empty() || !f.volume.empty())
    throw InputError("--tilts and --volume score a model; maps are scored on their own");
  const std::string chain = p.chain.empty() ? "maps" : p.chain;
  const auto baseline = read_matching_baseline(f.baseline, chain);
  const auto truth = read_maps(f.truth_maps);
  const auto result = read_maps(f.result_maps);
  std::map<std::string, validation::MapScores> scores;
  for (const auto& [name, t] : truth) {
    const auto r = result.find(name);
    if (r == result.end()) {
      run.logger.warn("map " + name + " of " + f.truth_maps + " is not in " + f.result_maps);
      continue;
    }
    try {
      scores[name] = validation::score_map(t.image, r->second.image);
    } catch (const InputError& e) {
      throw InputError("map " + name + ": " + e.what(), f.result_maps);
    }
    scores[name].unit = t.unit;
  }
  if (scores.empty())
    throw InputError("no map of " + f.truth_maps + " is in the result file", f.result_maps);
  const core::Scorecard card =
      validation::make_map_scorecard(scores, chain, run.provenance(p.params_toml()),
                                     {{"truth_maps", f.truth_maps}, {"result_maps", f.result_maps}},
                                     validation::default_metric_registry());
  core::write_scorecard(f.out, card);
  finish_scorecard(run, card, f, baseline);
}

void run_score(const RunContext& run, const ScoreParams& p, const ScoreFiles& f) {
  const std::string chain = p.chain.empty() ? "aet" : p.chain;
  const core::AtomicModel truth = read_model(f.truth, "true");
  const core::AtomicModel result = read_model(f.result, "result");
  const auto baseline = read_matching_baseline(f.baseline, chain);

  validation::AetScores scores;
  scores.headline_radius_A = p.headline_radius_A;
  scores.matching = validation::match_atoms(truth, result, p.match);
  for (const auto& r : scores.matching.radii)
    scores.species.push_back(validation::species_scores(truth, result, r.pairs));
  const core::Vec3& offset = scores.matching.offset_A;
  run.logger.info("matched " +
                  std::to_string(scores.matching.at(p.headline_radius_A).pairs.size()) + " of " +
                  std::to_string(truth.size()) + " true and " + std::to_string(result.size()) +
                  " traced atoms; offset (" + core::format_number(offset.x()) + ", " +
                  core::format_number(offset.y()) + ", " + core::format_number(offset.z()) + ") Å");
  if (!f.volume.empty()) {
    // The volume is in the result's frame: render the truth shifted by the matching offset.
    const core::Volume volume = core::read_volume(core::Hdf5Reader(f.volume));
    core::AtomicModel shifted = truth;
    core::translate(shifted, offset);
    const core::Volume rendered =
        validation::render_model(shifted, volume, p.render, run.execution);
    core::FftPlanCache ffts;
    try {
      scores.fsc = validation::fourier_shell_correlation(volume, rendered, ffts);
    } catch (const InputError& e) {
      throw InputError(e.what(), f.volume);
    }
  }
  std::map<std::string, std::string> inputs{{"truth", f.truth}, {"result", f.result}};
  if (!f.tilts.empty()) {
    const core::TiltSeries series = core::read_tilt_series(core::Hdf5Reader(f.tilts));
    // The series' recorded centre (`vitrum stem`), else the volume file's, else as `vitrum tomo`.
    const core::Vec3 center =
        recorded_rotation_center({f.tilts, f.volume}).value_or(image_rotation_center(series));
    validation::R1Params rp;
    rp.render = p.render;
    rp.margin_A = p.r1_margin_A;
    scores.r1 = validation::r1_against_series(result, series, center, rp, run.execution);
    core::AtomicModel shifted = truth;
    core::translate(shifted, offset);
    scores.r1_truth = validation::r1_against_series(shifted, series, center, rp, run.execution).r1;
    inputs["tilts"] = f.tilts;
  }
  if (!f.volume.empty()) inputs["volume"] = f.volume;
  if (p.structure != StructureScoring::kOff) {
    try {
      scores.structure =
          validation::compare_structure(truth, result, p.structure_params, run.execution);
    } catch (const InputError& e) {
      if (p.structure == StructureScoring::kOn) throw;
      run.logger.warn(std::string("structure statistics skipped: ") + e.what());
    }
  }
  const core::Scorecard card =
      validation::make_aet_scorecard(scores, chain, run.provenance(p.params_toml()), inputs,
                                     validation::default_metric_registry());
  validation::write_aet_scorecard(f.out, card, scores);
  finish_scorecard(run, card, f, baseline);
}

}  // namespace

std::string score_defaults_toml() { return ScoreParams().params_toml(); }

std::string score_resolved_toml(const core::Config& config) {
  ScoreParams p;
  p.params().load(config);
  p.validate();
  return p.params_toml();
}

void add_score_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "score",
      "score a result against its ground truth: atom matching (recall, precision, RMSD), "
      "species, FSC, R₁, structure statistics; JSON scorecard; regression baselines (exit 3 "
      "if worse)");
  auto files = std::make_shared<ScoreFiles>();
  auto config = std::make_shared<ConfigOptions>();
  auto* truth = cmd->add_option("--truth", files->truth, "true atomic model (.xyz, .data, .h5)")
                    ->check(CLI::ExistingFile);
  auto* result =
      cmd->add_option("--result", files->result, "traced atomic model (.xyz, .data, .h5)")
          ->check(CLI::ExistingFile);
  auto* truth_maps = cmd->add_option("--truth-maps", files->truth_maps,
                                     "true maps (.h5, 2D EMD groups /data/<map>): score the maps "
                                     "of --result-maps of the same names instead of a model")
                         ->check(CLI::ExistingFile);
  auto* result_maps =
      cmd->add_option("--result-maps", files->result_maps, "maps to score (.h5, 2D EMD groups)")
          ->check(CLI::ExistingFile);
  truth->needs(result);
  result->needs(truth);
  truth_maps->needs(result_maps);
  result_maps->needs(truth_maps);
  truth->excludes(truth_maps);
  result->excludes(result_maps);
  cmd->add_option("--tilts", files->tilts, "tilt series (.h5): R₁ of the result against it")
      ->check(CLI::ExistingFile);
  cmd->add_option("--volume", files->volume,
                  "reconstruction (.h5): FSC against the truth rendered on its grid")
      ->check(CLI::ExistingFile);
  cmd->add_option("--baseline", files->baseline,
                  "baseline scorecard (JSON with \"tolerances\"): exit 3 if a metric is worse")
      ->check(CLI::ExistingFile);
  cmd->add_option("--write-baseline", files->write_baseline,
                  "also store this scorecard as a baseline with default tolerances");
  cmd->add_option("--out", files->out, "scorecard (JSON)")->required();
  config->add_to(*cmd);
  cmd->callback([&global, files, config] {
    const RunContext run(global);
    ScoreParams p;
    p.params().load(config->load());
    p.validate();
    if (!files->truth_maps.empty())
      run_map_score(run, p, *files);
    else if (!files->truth.empty())
      run_score(run, p, *files);
    else
      throw InputError("give --truth and --result (a model) or --truth-maps and --result-maps");
  });
}

}  // namespace vitrum::app
