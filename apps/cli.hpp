#pragma once
// Shared pieces of the `vitrum` command: global options, per-command config loading,
// and the table of commands whose parameters `vitrum config defaults` prints.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/provenance.hpp"

namespace vitrum::app {

/// Options every command accepts (DESIGN.md "The command line").
struct GlobalOptions {
  int threads = 0;  ///< 0: all cores
  std::uint64_t seed = 1;
  bool quiet = false;
  std::string command_line;  ///< the whole command as typed, for provenance
};

/// `--config F` and repeatable `--set key=value`, added to a subcommand.
struct ConfigOptions {
  std::string config_file;
  std::vector<std::string> overrides;
  void add_to(CLI::App& command);
  /// The config file (if any) with the overrides applied.
  core::Config load() const;
};

/// Context a command runs with: threads, logger, seed, provenance.
struct RunContext {
  const GlobalOptions& global;
  core::ExecutionContext execution;
  core::Logger logger;
  explicit RunContext(const GlobalOptions& g);
  core::Provenance provenance(const std::string& parameters) const;
};

/// Thrown by a command that ran but must end with a specific exit code (`vitrum score
/// --baseline`: 3 when a metric is worse than the baseline). main prints the message to stderr
/// and returns the code.
struct CommandExit {
  int code = 1;
  std::string message;
};

/// A command's parameters, as `vitrum config defaults <name>` prints them.
struct CommandDefaults {
  std::string name;
  std::function<std::string()> defaults_toml;
};

/// The rotation centre (Å) recorded as `/geometry/rotation_center_A` (`vitrum stem` and
/// `vitrum tomo` write it) in the first of `files` that has it (empty paths are skipped).
std::optional<core::Vec3> recorded_rotation_center(const std::vector<std::filesystem::path>& files);
/// The centre of the images with z = the x centre (a cube about the image's width): the
/// rotation centre when no file records one.
core::Vec3 image_rotation_center(const core::TiltSeries& series);

/// Each file defines one command.
void add_convert_command(CLI::App& app, const GlobalOptions& global);
void add_demo_command(CLI::App& app, const GlobalOptions& global);
void add_sim_command(CLI::App& app, const GlobalOptions& global);
void add_potential_command(CLI::App& app, const GlobalOptions& global);
void add_specimen_command(CLI::App& app, const GlobalOptions& global);
void add_stem_command(CLI::App& app, const GlobalOptions& global);
void add_tomo_command(CLI::App& app, const GlobalOptions& global);
void add_trace_command(CLI::App& app, const GlobalOptions& global);
void add_score_command(CLI::App& app, const GlobalOptions& global);
void add_config_command(CLI::App& app, const std::vector<CommandDefaults>& commands);
std::string demo_defaults_toml();
std::string sim_defaults_toml();
std::string specimen_defaults_toml();
std::string stem_defaults_toml();
std::string tomo_defaults_toml();
std::string trace_defaults_toml();
std::string score_defaults_toml();
void add_run_command(CLI::App& app, const GlobalOptions& global);
void add_study_command(CLI::App& app, const GlobalOptions& global);
void add_dataset_command(CLI::App& app, const GlobalOptions& global);

/// A command's parameters loaded from `config` as the command loads them, validated, and
/// returned with every default filled in (TOML): what `vitrum run` checks before it starts
/// and what its stage cache keys cover. InputError for an unknown key or a bad value.
std::string sim_resolved_toml(const core::Config& config, const std::string& recipe);
std::string specimen_resolved_toml(const core::Config& config);
std::string stem_resolved_toml(const core::Config& config);
std::string tomo_resolved_toml(const core::Config& config);
std::string trace_resolved_toml(const core::Config& config);
std::string score_resolved_toml(const core::Config& config);

}  // namespace vitrum::app
