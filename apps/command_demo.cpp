// `vitrum demo [--out DIR] [--quick] [--set stage.key=value]…`: see demo.hpp.

#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "cli.hpp"
#include "demo.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"
#include "vitrum/core/scorecard.hpp"
#include "vitrum/validation/scorecard.hpp"

namespace vitrum::app {

std::string demo_pipeline_toml(unsigned cores) {
  // The chain of examples/pipeline_ta_small.toml, plus random shifts of the projections and
  // the alignment that undoes them. The stem stage uses the linear model: RESIRE assumes it,
  // and multislice of this particle at the 0.033 Å simulation pixel that a 200 mrad ADF outer
  // angle needs would take far longer than the demo's few minutes on 2 cores.
  std::string toml = R"(# vitrum demo: the AET chain on a small Ta glass particle.
[run]
name = "demo"
seed = 7

[sim]
recipe = "ta-small"
atoms = 1000  # the recipe's 2,000 took 5 min on 2 shared cores; a 12 Å particle needs ~400
)";
  toml += "mpi_ranks = " + std::string(cores >= 2 ? "2" : "1") + "\n";
  toml += R"(
[specimen]
shape = "sphere"
particle.radius_A = 12.0
nuclei.mode = "count"
nuclei.count = 1
nuclei.site = "inside"
nuclei.radius_min_A = 4.0
nuclei.radius_max_A = 5.0

[stem]
model = "linear"
scan.step_A = 0.4
scan.margin_A = 3.0
linear.width_A = 0.4
tilt.min_deg = -70.0
tilt.max_deg = 70.0
tilt.count = 31
acquisition.dose_e_per_A2 = 2e4
acquisition.shift_sigma_px = 0.5

[tomo]
iterations = 150
preprocess.align = "com+common_line"

[trace]
species = ["Ta"]

[score]
)";
  return toml;
}

std::vector<std::string> demo_size_overrides(DemoSize size) {
  if (size == DemoSize::kFull) return {};
  // One MPI rank: the trajectory depends on the rank count, and the quick demo is the one
  // tests compare across machines and thread counts.
  return {"sim.atoms=300",
          "sim.melt.time_ps=2.0",
          "sim.quench.cooling_K_per_ps=1000.0",
          "sim.quench.hold_ps=1.0",
          "sim.mpi_ranks=1",
          "specimen.particle.radius_A=8.0",
          "specimen.nuclei.radius_min_A=3.0",
          "specimen.nuclei.radius_max_A=4.0",
          "stem.scan.step_A=0.5",
          "stem.linear.width_A=0.5",
          "stem.tilt.count=21",
          "tomo.iterations=60"};
}

std::string demo_defaults_toml() { return demo_pipeline_toml(std::thread::hardware_concurrency()); }

namespace {

struct DemoOptions {
  std::string folder = "vitrum-demo";
  bool quick = false;
  std::vector<std::string> overrides;
};

}  // namespace

void add_demo_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* demo = app.add_subcommand(
      "demo",
      "the AET chain end to end on an embedded pipeline (sim → specimen → stem → tomo → trace → "
      "score): prints the scorecard, writes the run folder and an HTML report");
  auto o = std::make_shared<DemoOptions>();
  demo->add_option("--out", o->folder, "run folder (its cache is DIR/cache)")
      ->capture_default_str();
  demo->add_flag("--quick", o->quick,
                 "a toy size (300-atom glass, 8 Å particle, 21 tilts) that runs in seconds");
  demo->add_option("--set", o->overrides,
                   "override one value of the embedded pipeline: stage.key=value, run.seed=N "
                   "(repeatable; `vitrum config defaults demo` prints the pipeline)")
      ->allow_extra_args(false);
  demo->callback([&app, &global, o] {
    const std::filesystem::path folder = o->folder;
    PipelineLoadOptions load;
    load.overrides = demo_size_overrides(o->quick ? DemoSize::kQuick : DemoSize::kFull);
    load.overrides.insert(load.overrides.end(), o->overrides.begin(), o->overrides.end());
    load.folder = folder;
    load.available_commands = command_names(app);
    if (app.get_option("--seed")->count() > 0) load.seed = global.seed;
    // Loading checks every parameter before anything is written.
    const Pipeline pipeline =
        load_pipeline_text(demo_pipeline_toml(std::thread::hardware_concurrency()),
                           folder / "pipeline.toml", tomography_chain(), load);
    const core::Logger logger(global.quiet ? core::Verbosity::kQuiet : core::Verbosity::kNormal);
    logger.info("demo" + std::string(o->quick ? " (quick)" : "") + ": " +
                std::to_string(pipeline.stages.size()) + " stages, seed " +
                std::to_string(pipeline.seed) + ", folder " + folder.string() +
                " (stages already in " + pipeline.cache.string() + " are reused)");
    const RunSettings settings{core::current_executable(), global.threads, global.command_line};
    const RunResult result = run_pipeline(pipeline, settings, logger);
    if (!global.quiet) std::fputs(summary_table(result).c_str(), stderr);
    throw_if_failed(result);
    const std::filesystem::path scorecard = folder / "score" / "scorecard.json";
    if (std::filesystem::is_regular_file(scorecard) && !global.quiet) {
      std::fputs("\nscorecard (truth: the specimen; result: the traced model)\n", stdout);
      std::fputs(validation::format_summary(core::read_scorecard(scorecard)).c_str(), stdout);
    }
    const std::filesystem::path report = write_demo_report(pipeline, result);
    std::fputs(("report: " + report.string() + "\n").c_str(), stdout);
  });
}

}  // namespace vitrum::app
