#pragma once
// Whole chains from one file (`vitrum run pipeline.toml`): a Pipeline describes the stages of
// a chain and their parameters; run_pipeline runs each stage as a child process of this
// executable (the command exactly as a user runs it), reusing a stage from a cache keyed by
// its content when nothing it depends on changed. `vitrum study` and `vitrum dataset build`
// build on these pieces: a study point is a Pipeline with overrides, a dataset a run folder.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "vitrum/core/config.hpp"
#include "vitrum/core/log.hpp"

namespace vitrum::app {

/// One input file of a stage kind.
struct StageInput {
  std::string name;      ///< the command's flag without "--" and the key under `inputs.`: "model"
  std::string kind;      ///< the kind of file it takes: "model", "tilts", "volume", "traced"
  bool required = true;  ///< false: passed only when the chain has (or the file gives) one
};

/// What a stage's parameters resolve to: loaded into the command's params struct exactly as
/// the command loads them, validated, and written back with every default filled in.
/// `options` holds the stage options (sim's `recipe`). Throws InputError for a bad parameter.
using ResolveParams = std::function<std::string(const core::Config& params,
                                                const std::map<std::string, std::string>& options)>;

/// A kind of stage: the command it runs, the files it reads and the file it makes. A new
/// chain (ped → epdf → maps) is a new list of StageKinds; the runner does not change.
struct StageKind {
  std::string name;  ///< the table in the pipeline file, and the `vitrum` command it runs
  std::vector<StageInput> inputs;
  std::string output_kind;           ///< the kind of file it makes, which later stages take
  std::string output_file;           ///< its default name in the stage folder (stage option `out`)
  std::vector<std::string> options;  ///< stage options passed as flags, e.g. "recipe"
  /// Empty when the command's parameters cannot be checked in this process (a command not in
  /// this build); the cache key then covers the parameters as written.
  ResolveParams resolve;
  /// A flag through which the command keeps its own content-keyed cache inside the run's
  /// cache folder (stem's "signal-cache": noiseless series reused across a dose sweep); the
  /// folder is <cache>/<name>-<flag>. Not part of the stage key: the command keys its entries.
  std::string cache_flag;
};

/// The STEM tomography chain in run order: sim → specimen → stem → tomo → trace → score.
std::vector<StageKind> tomography_chain();

/// One stage of a loaded pipeline.
struct PipelineStage {
  StageKind kind;
  std::string params_text;      ///< the stage's parameters as written (TOML), its --config
  std::string resolved_params;  ///< every parameter resolved (what the cache key covers)
  std::map<std::string, std::string> options;                 ///< stage options, e.g. recipe
  std::map<std::string, std::filesystem::path> given_inputs;  ///< `inputs.*`, absolute
  std::string output_file;  ///< the output's name in the stage folder
  std::string skip_reason;  ///< non-empty: not run (e.g. its command is not in this build)
};

/// A chain loaded from a pipeline file, validated, ready to run.
struct Pipeline {
  std::string name;                    ///< [run] name (default: the file name without extension)
  std::uint64_t seed = 1;              ///< [run] seed, passed to every stage as --seed
  std::filesystem::path folder;        ///< [run] folder (default runs/<name>), relative to the cwd
  std::filesystem::path cache;         ///< [run] cache (default <folder>/cache): shareable by runs
  std::filesystem::path source;        ///< the pipeline file
  std::string source_text;             ///< its text as read
  std::string resolved_text;           ///< the whole pipeline with the overrides applied (TOML)
  std::vector<std::string> overrides;  ///< the `--set` assignments applied
  std::vector<PipelineStage> stages;   ///< in chain order
};

/// What load_pipeline may override or needs to know.
struct PipelineLoadOptions {
  std::vector<std::string> overrides;  ///< "stage.key=value", "run.seed=3"
  std::optional<std::uint64_t> seed;   ///< replaces [run] seed (the global --seed)
  std::filesystem::path folder;        ///< replaces [run] folder when not empty
  /// The commands this executable has; a stage whose command is missing is skipped with a
  /// reason. Empty: all are present.
  std::set<std::string> available_commands;
  /// Top-level tables that belong to a containing file, not to the chain (a study's
  /// [study]): not rejected as unknown stages, not read.
  std::set<std::string> ignored_tables;
};

/// Reads and validates a pipeline file against `chain`: unknown tables or [run] keys, unknown
/// parameters, bad values, missing input files and stages whose input nothing makes are
/// InputErrors, raised before anything runs. Paths under `inputs.` are relative to the
/// pipeline file's folder.
Pipeline load_pipeline(const std::filesystem::path& file, const std::vector<StageKind>& chain,
                       const PipelineLoadOptions& options = {});

/// Like load_pipeline, for a pipeline given as text (the demo's embedded chain): `file` names
/// it in messages and provenance, and `inputs.` paths are relative to its folder. Nothing is
/// read from `file`.
Pipeline load_pipeline_text(const std::string& text, const std::filesystem::path& file,
                            const std::vector<StageKind>& chain,
                            const PipelineLoadOptions& options = {});

/// What went into a stage's cache key.
struct StageKeyParts {
  std::string stage, version, params, output_file;
  std::uint64_t seed = 0;
  std::map<std::string, std::string> options;          ///< stage options (recipe)
  std::map<std::string, std::string> input_checksums;  ///< input name → SHA-256 of its file
};

/// SHA-256 (hex) over every part, in a fixed order (maps are sorted by name): the same
/// parts give the same key whatever order they were gathered in; any change gives another.
std::string stage_cache_key(const StageKeyParts& parts);

enum class StageStatus { kRan, kReused, kFailed, kSkipped, kNotRun };
/// "ran", "reused", "failed", "skipped", "not run".
std::string to_string(StageStatus status);

/// One file a stage made, as its cache manifest records it.
struct StageOutput {
  std::string file;  ///< name in the stage folder
  std::uintmax_t bytes = 0;
  std::string sha256;
};

/// What happened to one stage.
struct StageResult {
  std::string name;
  StageStatus status = StageStatus::kNotRun;
  std::string key;
  double wall_s = 0;         ///< this run: the stage's run, or checking and linking the cache
  double cached_wall_s = 0;  ///< when reused: how long the run that made the entry took
  std::vector<std::string> command;   ///< the child's argument list
  int exit_code = 0;                  ///< -1 when killed by a signal
  std::string message;                ///< why it failed or was skipped
  std::filesystem::path folder, log;  ///< <run folder>/<stage>/, and its log
  std::vector<StageOutput> outputs;
  std::map<std::string, std::string> inputs;  ///< input name → path given to the command
};

/// A whole run.
struct RunResult {
  std::vector<StageResult> stages;
  double wall_s = 0;
  std::optional<std::size_t> failed;  ///< index of the stage that failed
  std::filesystem::path run_json;
};

/// How the stages are started.
struct RunSettings {
  std::filesystem::path executable;  ///< the vitrum to run each stage with
  int threads = 0;                   ///< passed as --threads when > 0
  std::string command_line;          ///< the `vitrum run` command, for run.json
};

/// Runs the pipeline: each stage not reused from the cache runs as
/// `<executable> --seed S <stage> <inputs> --out <file> --config stage.toml` in a temporary
/// folder of the cache, its stdout and stderr in <stage>.log; on success the folder becomes
/// the cache entry <cache>/<key>/ (with manifest.json) and its files are linked into
/// <folder>/<stage>/. A failing stage stops the run (RunResult::failed), its log kept in
/// <folder>/<stage>/; nothing it half-wrote is kept. Progress (one line a stage) goes to
/// `logger`; run.json is rewritten after every stage. Throws IoError if the folders cannot
/// be written.
RunResult run_pipeline(const Pipeline& pipeline, const RunSettings& settings,
                       const core::Logger& logger);

/// The summary table of a run: stage, status, wall time, key (12 digits), log.
std::string summary_table(const RunResult& result);

/// Throws for the failed stage of `result`, if any: InputError when the stage reported bad
/// input (exit 2), else Error, naming the stage, its exit and its log.
void throw_if_failed(const RunResult& result);

/// The subcommands of `app`, so a stage whose command is not in this build is skipped.
std::set<std::string> command_names(CLI::App& app);

}  // namespace vitrum::app
