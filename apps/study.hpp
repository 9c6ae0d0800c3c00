#pragma once
// Studies (`vitrum study study.toml`): a chain (pipeline.hpp) run over a grid of parameter
// values with repeats over seeds. Each point × repeat is a Pipeline with `--set`-style
// overrides and its own seed, run by run_pipeline against one shared content-keyed cache, so
// stages a point does not change (the sim of a dose sweep) run once. Every finished point
// leaves a marker (row.json) in its folder: an interrupted study resumes where it stopped.
// Results: results.csv / results.h5 (a row per point × repeat), summary.csv (mean and
// standard deviation over repeats) and plots/<metric>_vs_<param>.png.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pipeline.hpp"
#include "vitrum/core/log.hpp"

namespace vitrum::app {

/// How the sweeps combine into points.
enum class SweepMode {
  kProduct,  ///< every combination (the Cartesian product), the last sweep varying fastest
  kZip,      ///< the i-th value of every sweep together; all sweeps have the same length
};

/// One swept parameter.
struct StudySweep {
  std::string key;  ///< "stage.dotted.key", as `vitrum run --set` takes it
  /// Each value as a TOML value ("2e4", "\"linear\"") for the override, and as a label
  /// (2e4 → "20000.0", "linear" → "linear") for tables and plots.
  std::vector<std::string> values, labels;
};

/// The [study] table of a study file.
struct StudyParams {
  std::string name;              ///< default: the file name without extension
  std::filesystem::path folder;  ///< default runs/<name>, relative to the current directory
  std::filesystem::path cache;   ///< default <folder>/cache (shareable with `vitrum run`)
  int repeats = 1;               ///< seeds run seed + 0 … run seed + repeats − 1
  SweepMode mode = SweepMode::kProduct;
  std::vector<StudySweep> sweeps;
  /// Throws InputError naming the field: repeats ≥ 1, at least one sweep, each with a
  /// "stage.key" and at least one value, distinct keys, equal lengths for kZip.
  void validate() const;
};

/// One point of the grid: an override per sweep.
struct StudyPoint {
  std::size_t index = 0;
  std::vector<std::string> overrides;  ///< "stage.key=value", one per sweep
  std::vector<std::string> labels;     ///< the values as labels, one per sweep
};

/// One run of the chain: a point with a repeat.
struct StudyJob {
  std::size_t point = 0;
  int repeat = 0;
  std::uint64_t seed = 0;
  std::string id;  ///< "p003_r1": its folder under <folder>/points/
  Pipeline pipeline;
};

/// A loaded, validated study.
struct Study {
  StudyParams params;
  std::filesystem::path source;  ///< the study file
  std::vector<StudyPoint> points;
  std::vector<StudyJob> jobs;  ///< point-major, then repeat
};

/// What load_study may override.
struct StudyLoadOptions {
  std::optional<std::uint64_t> seed;         ///< replaces the pipeline's run seed (global --seed)
  std::filesystem::path folder;              ///< replaces [study] folder when not empty
  std::set<std::string> available_commands;  ///< as PipelineLoadOptions
};

/// Reads a study file: the chain's tables inline (as in a pipeline file) or `pipeline =
/// "file.toml"` (relative to the study file) in [study], and the [study] table. Every point ×
/// repeat is loaded and validated with load_pipeline before anything runs: a bad key or
/// value is an InputError naming the sweep's key. The chain must end in a score stage.
Study load_study(const std::filesystem::path& file, const std::vector<StageKind>& chain,
                 const StudyLoadOptions& options = {});

/// The outcome of one point × repeat, as its row of results.csv.
struct StudyRow {
  std::size_t point = 0;
  int repeat = 0;
  std::uint64_t seed = 0;
  std::string id;
  std::vector<std::string> labels;        ///< one per sweep
  std::map<std::string, double> metrics;  ///< the final scorecard's metrics
  std::string status;                     ///< "ok", or "failed: <stage> (exit N)"
  std::filesystem::path log;              ///< the failed stage's log
  int stages_ran = 0, stages_reused = 0;  ///< this run of the chain (0, 0 when resumed)
  double wall_s = 0;
};

/// A whole study.
struct StudyResult {
  std::vector<StudyRow> rows;  ///< as Study::jobs
  std::size_t ran = 0, resumed = 0, failed = 0;
  int stages_ran = 0, stages_reused = 0;
  double wall_s = 0;
};

/// Runs every job whose marker (<folder>/points/<id>/row.json, written when the job has
/// finished, with its overrides and seed) is missing, failed, or from other parameters; a
/// failing job is recorded and the study goes on. After each job results.csv, summary.csv
/// and study.json are rewritten; at the end results.h5 and the plots. Progress with an ETA
/// goes to `logger`. Throws IoError if the folder cannot be written.
StudyResult run_study(const Study& study, const RunSettings& settings, const core::Logger& logger);

/// Per point, over the repeats that finished: mean and sample standard deviation of a metric.
struct StudyStat {
  double mean = 0, sd = 0;
  int n = 0;
};
/// The summary table: point → metric → statistics.
std::vector<std::map<std::string, StudyStat>> summarize(const Study& study,
                                                        const std::vector<StudyRow>& rows);

}  // namespace vitrum::app
