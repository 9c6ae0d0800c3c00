// `vitrum dataset build recipe.toml --out DIR [--force] [--cache DIR] [--set stage.key=value]`
// and `vitrum dataset verify DIR` (dataset.hpp). verify exits 0 when every file matches the
// manifest, 3 when one is missing or changed (as `vitrum score --baseline`), 2 when the
// manifest is missing or malformed.

#include <cstdio>
#include <set>

#include "cli.hpp"
#include "dataset.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"

namespace vitrum::app {

namespace {

struct DatasetCommandOptions {
  std::string recipe, out, cache, dir;
  bool force = false;
  std::vector<std::string> overrides;
};

}  // namespace

void add_dataset_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* dataset = app.add_subcommand(
      "dataset", "build a reproducible benchmark dataset from a recipe, or verify a copy");
  dataset->require_subcommand(1);
  auto o = std::make_shared<DatasetCommandOptions>();

  CLI::App* build = dataset->add_subcommand(
      "build", "run a recipe's chain and publish its files with manifest.json and README.md");
  build->fallthrough();
  build->add_option("recipe", o->recipe, "dataset recipe (.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  build->add_option("--out", o->out, "dataset folder (must be empty unless --force)")->required();
  build->add_flag("--force", o->force, "replace a non-empty --out folder");
  build->add_option("--cache", o->cache, "stage cache (default: <out>/.build/cache)");
  build->add_option("--set", o->overrides, "override one recipe value: stage.key=value")
      ->allow_extra_args(false);
  build->callback([&app, &global, o] {
    DatasetBuildOptions options;
    options.out = o->out;
    options.cache = o->cache;
    options.force = o->force;
    options.overrides = o->overrides;
    if (app.get_option("--seed")->count() > 0) options.seed = global.seed;
    for (const CLI::App* sub : app.get_subcommands({}))
      options.available_commands.insert(sub->get_name());
    const core::Logger logger(global.quiet ? core::Verbosity::kQuiet : core::Verbosity::kNormal);
    const RunSettings settings{core::current_executable(), global.threads, global.command_line};
    const DatasetBuildResult result = build_dataset(o->recipe, options, settings, logger);
    if (!global.quiet) std::fputs(summary_table(result.run).c_str(), stderr);
    logger.info("wrote " + std::to_string(result.files.size()) + " files, README.md and " +
                result.manifest.string());
  });

  CLI::App* verify = dataset->add_subcommand(
      "verify", "recompute every checksum of a dataset folder against its manifest.json");
  verify->fallthrough();
  verify->add_option("dir", o->dir, "dataset folder")->required()->check(CLI::ExistingDirectory);
  verify->callback([&global, o] {
    const DatasetVerifyReport report = verify_dataset(o->dir);
    for (const std::string& f : report.ok) std::printf("OK       %s\n", f.c_str());
    for (const std::string& f : report.missing) std::printf("MISSING  %s\n", f.c_str());
    for (const std::string& f : report.changed) std::printf("CHANGED  %s\n", f.c_str());
    for (const std::string& f : report.extra)
      std::printf("EXTRA    %s (not in the manifest)\n", f.c_str());
    std::fflush(stdout);
    if (!report.good()) {
      std::string names;
      for (const auto* list : {&report.missing, &report.changed})
        for (const std::string& f : *list) names += (names.empty() ? "" : ", ") + f;
      throw CommandExit{3, std::to_string(report.missing.size()) + " missing, " +
                               std::to_string(report.changed.size()) + " changed in " + o->dir +
                               ": " + names};
    }
    if (!global.quiet)
      std::fprintf(stderr, "%s: all %zu files match the manifest\n", o->dir.c_str(),
                   report.ok.size());
  });
}

}  // namespace vitrum::app
