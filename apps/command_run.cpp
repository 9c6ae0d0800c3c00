// `vitrum run pipeline.toml [--out DIR] [--set stage.key=value]`: a whole chain from one file
// (pipeline.hpp). Every stage's parameters are checked before the first stage starts; a
// failing stage stops the run with `error: stage <name> failed (exit N); see <log>` and exit
// code 2 when the stage reported bad input (its exit 2), else 1.

#include <cstdio>
#include <set>

#include "cli.hpp"
#include "pipeline.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"

namespace vitrum::app {

namespace {

struct RunOptions {
  std::string pipeline_file, folder;
  std::vector<std::string> overrides;
};

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* run = app.add_subcommand(
      "run",
      "run a whole chain (sim → specimen → stem → tomo → trace → score) from one file, "
      "reusing unchanged stages from a cache");
  auto o = std::make_shared<RunOptions>();
  run->add_option("pipeline", o->pipeline_file, "pipeline file (.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--out", o->folder, "run folder (default: [run] folder, else runs/<name>)");
  run->add_option("--set", o->overrides,
                  "override one pipeline value: stage.key=value, run.seed=N (repeatable)")
      ->allow_extra_args(false);
  run->callback([&app, &global, o] {
    PipelineLoadOptions load;
    load.overrides = o->overrides;
    load.folder = o->folder;
    load.available_commands = command_names(app);
    if (app.get_option("--seed")->count() > 0) load.seed = global.seed;
    const Pipeline pipeline = load_pipeline(o->pipeline_file, tomography_chain(), load);
    const core::Logger logger(global.quiet ? core::Verbosity::kQuiet : core::Verbosity::kNormal);
    logger.info("run " + pipeline.name + ": " + std::to_string(pipeline.stages.size()) +
                " stages, seed " + std::to_string(pipeline.seed) + ", folder " +
                pipeline.folder.string() + ", cache " + pipeline.cache.string());
    const RunSettings settings{core::current_executable(), global.threads, global.command_line};
    const RunResult result = run_pipeline(pipeline, settings, logger);
    if (!global.quiet) std::fputs(summary_table(result).c_str(), stderr);
    throw_if_failed(result);
    logger.info("wrote " + result.run_json.string());
  });
}

}  // namespace vitrum::app
