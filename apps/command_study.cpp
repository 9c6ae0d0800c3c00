// `vitrum study study.toml [--out DIR] [--check]`: a chain run over a grid of parameter values with
// repeats over seeds (study.hpp). Every point's parameters are checked before the first
// stage starts (exit 2 naming the key); a failing point is recorded and the study goes on;
// re-running skips the points already done. Exit 1 when any point failed.

#include <cstdio>
#include <set>

#include "cli.hpp"
#include "study.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"

namespace vitrum::app {

namespace {

struct StudyOptions {
  std::string study_file, folder;
  bool check = false;
};

}  // namespace

void add_study_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* study = app.add_subcommand(
      "study",
      "run a chain over a grid of parameter values with repeats over seeds: tables, summary "
      "and plots of every score against every swept parameter; resumable");
  auto o = std::make_shared<StudyOptions>();
  study->add_option("study", o->study_file, "study file (.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  study->add_option("--out", o->folder, "study folder (default: [study] folder, else runs/<name>)");
  study->add_flag("--check", o->check,
                  "check the study (every point's parameters) and list its points; run nothing");
  study->callback([&app, &global, o] {
    StudyLoadOptions load;
    load.folder = o->folder;
    for (const CLI::App* sub : app.get_subcommands({}))
      load.available_commands.insert(sub->get_name());
    if (app.get_option("--seed")->count() > 0) load.seed = global.seed;
    const Study s = load_study(o->study_file, tomography_chain(), load);
    if (o->check) {
      std::printf("study %s: %zu points x %d repeats = %zu runs; folder %s\n",
                  s.params.name.c_str(), s.points.size(), s.params.repeats, s.jobs.size(),
                  s.params.folder.string().c_str());
      for (const StudyPoint& p : s.points) {
        std::printf("  p%03zu", p.index);
        for (const std::string& a : p.overrides) std::printf("  %s", a.c_str());
        std::printf("\n");
      }
      return;
    }
    const core::Logger logger(global.quiet ? core::Verbosity::kQuiet : core::Verbosity::kNormal);
    const RunSettings settings{core::current_executable(), global.threads, global.command_line};
    const StudyResult r = run_study(s, settings, logger);
    logger.info("study " + s.params.name + ": " + std::to_string(r.ran) + " ran, " +
                std::to_string(r.resumed) + " skipped (done before), " + std::to_string(r.failed) +
                " failed; stages: " + std::to_string(r.stages_ran) + " ran, " +
                std::to_string(r.stages_reused) + " reused; wrote " +
                (s.params.folder / "results.csv").string());
    if (r.failed > 0)
      throw Error(std::to_string(r.failed) + " of " + std::to_string(s.jobs.size()) +
                  " study runs failed; see the status and log columns of " +
                  (s.params.folder / "results.csv").string());
  });
}

}  // namespace vitrum::app
