#pragma once
// Benchmark datasets (`vitrum dataset build recipe.toml --out DIR`, `vitrum dataset verify
// DIR`): a recipe is a pipeline (pipeline.hpp) plus a [dataset] table naming the files to
// publish. Building runs the chain, copies the chosen outputs into DIR under stable names and
// writes manifest.json (SHA-256 of every file, parameters, seed, version) and README.md. The
// same recipe and seed give byte-identical files; verify checks a copy against its manifest.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pipeline.hpp"
#include "vitrum/core/log.hpp"

namespace vitrum::app {

/// One published file: which stage output it is, and what it holds.
struct DatasetFile {
  std::string path;         ///< name in the dataset folder: "tilt_series.h5"
  std::string stage;        ///< the stage that makes it: "stem"
  std::string stage_file;   ///< its name in the stage's folder: "tilts.h5"
  std::string description;  ///< what it is
  std::string format;       ///< its layout and units
};

/// A loaded dataset recipe: the [dataset] table and the pipeline it runs.
struct DatasetRecipe {
  std::string name;         ///< [dataset] name (default: the recipe file name)
  std::string title;        ///< [dataset] title
  std::string description;  ///< [dataset] description
  std::string recipe_text;  ///< the recipe as written
  std::string recipe_file;  ///< its file name (no folder)
  Pipeline pipeline;        ///< the stages, with [run] folder and cache set by the builder
  std::vector<DatasetFile> files;
};

/// How a dataset is built.
struct DatasetBuildOptions {
  std::filesystem::path out;           ///< the dataset folder
  std::filesystem::path cache;         ///< the stage cache (empty: <out>/.build/cache)
  bool force = false;                  ///< replace a non-empty `out`
  std::vector<std::string> overrides;  ///< "stage.key=value", as `vitrum run --set`
  std::optional<std::uint64_t> seed;   ///< replaces [run] seed
  /// The commands this executable has (a stage whose command is missing is skipped); empty:
  /// all are present.
  std::set<std::string> available_commands;
};

/// What a build did.
struct DatasetBuildResult {
  RunResult run;
  std::vector<DatasetFile> files;
  std::filesystem::path manifest;
};

/// Loads a recipe: [dataset] keys name, title, description and `files` (published name →
/// "stage" for the stage's output, or "stage/file" for another file it writes; default: every
/// stage's output under the stage's name); the other tables as in a pipeline file. InputError
/// for an unknown key, a file of a stage not in the recipe, a bad name.
DatasetRecipe load_dataset_recipe(const std::filesystem::path& file,
                                  const std::filesystem::path& scratch,
                                  const DatasetBuildOptions& options);

/// Builds the dataset into options.out through a temporary folder beside it, renamed when
/// complete. InputError (nothing written) when `out` is not empty and not `force`, or the
/// recipe is bad; Error when a stage fails (its log is named).
DatasetBuildResult build_dataset(const std::filesystem::path& recipe,
                                 const DatasetBuildOptions& options, const RunSettings& settings,
                                 const core::Logger& logger);

/// The result of checking a dataset folder against its manifest.
struct DatasetVerifyReport {
  std::vector<std::string> ok, missing, changed;
  std::vector<std::string> extra;  ///< files not in the manifest (reported, not a failure)
  bool good() const { return missing.empty() && changed.empty(); }
};

/// Recomputes every checksum in <dir>/manifest.json. InputError when the manifest is missing
/// or malformed (not JSON, no `files`, an entry without path/bytes/sha256, a path leaving the
/// folder). `.build/` (the builder's cache and logs) is not part of the dataset.
DatasetVerifyReport verify_dataset(const std::filesystem::path& dir);

}  // namespace vitrum::app
