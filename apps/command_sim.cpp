// `vitrum sim --recipe NAME | --config F --out model.h5`: a melt–quench glass with LAMMPS
// (sim/melt_quench.hpp), run in a worker process (`vitrum sim-worker`, hidden) so a LAMMPS
// error cannot take vitrum down; every snapshot's crystalline fraction is measured with the
// analysis module's normalised BOO (seed 001's criterion) before the model is written.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cli.hpp"
#include "vitrum/analysis/boo.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/analysis/pair_distribution.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/sim/md_job.hpp"
#include "vitrum/sim/md_potential.hpp"
#include "vitrum/sim/recipes.hpp"

namespace vitrum::app {

std::string sim_defaults_toml() { return sim::MeltQuenchParams().params_toml(); }

std::string sim_resolved_toml(const core::Config& config, const std::string& recipe) {
  sim::MeltQuenchParams p;
  if (!recipe.empty())
    p.params().load(core::Config::from_string(sim::recipe(recipe).toml, "recipe " + recipe));
  p.params().load(config);
  p.validate();
  return p.params_toml();
}

namespace {

/// Fraction of atoms whose normalised BOO marks them crystalline (BooParams defaults: 0.5,
/// the reference isolated-atom rule), with rc the first valley of the snapshot's g(r).
double crystalline_fraction(const core::AtomicModel& model, const core::ExecutionContext& ctx) {
  const Eigen::Vector3d edges = model.cell().vectors_A.rowwise().norm();
  analysis::PairDistributionParams gp;
  gp.r_max_A = std::min(10.0, 0.5 * edges.minCoeff() - 0.1);
  const analysis::PairDistribution gr = analysis::pair_distribution(model, gp, ctx);
  double rc = gr.first_shell.valley_A;
  if (!std::isfinite(rc)) rc = 1.4 * gr.first_shell.peak_A;
  const analysis::NeighborList neighbors(
      analysis::NeighborQuery(model, analysis::NeighborParams{rc}), ctx);
  analysis::BooParams bp;
  bp.rc_A = rc;
  return analysis::bond_orientational_order(model, neighbors, bp, ctx).crystalline_fraction;
}

/// Mass density in g/cm³ of a periodic model: Σm / V (1 u/Å³ = 1.66054 g/cm³).
double density_g_cm3(const core::AtomicModel& model) {
  double mass_u = 0;
  for (std::uint8_t z : model.Z()) mass_u += core::element(z).mass_u;
  return 1.66053907 * mass_u / model.cell().volume_A3();
}

void list_recipes() {
  for (const sim::Recipe& r : sim::recipes())
    std::printf("%-16s %s\n", r.name.c_str(), r.description.c_str());
}

std::filesystem::path job_directory(const std::filesystem::path& out) {
  std::filesystem::path dir = out;
  dir += ".md";
  return dir;
}

void finish(const RunContext& run, sim::MeltQuenchResult result, const std::string& parameters,
            const std::filesystem::path& out) {
  for (sim::Snapshot& s : result.snapshots) {
    s.crystalline_fraction = crystalline_fraction(s.model, run.execution);
    run.logger.info("snapshot " + s.stage + " at " + core::format_number(s.target_K) +
                    " K (T = " + core::format_number(std::round(s.temperature_K)) +
                    " K): " + core::format_number(std::round(1000 * s.crystalline_fraction) / 10) +
                    " % crystalline, " +
                    core::format_number(std::round(1000 * density_g_cm3(s.model)) / 1000) +
                    " g/cm³");
  }
  sim::write_melt_quench(out, result, run.provenance(parameters));
  const double rate =
      result.wall_s > 0 ? static_cast<double>(result.atom_steps) / result.wall_s : 0;
  run.logger.info("wrote " + std::to_string(result.snapshots.back().model.size()) + " atoms and " +
                  std::to_string(result.snapshots.size()) + " snapshots to " + out.string() +
                  "; MD " + core::format_number(std::round(result.wall_s)) + " s on " +
                  std::to_string(result.mpi_ranks) + " rank(s), " +
                  core::format_number(std::round(rate / 1e3) * 1e3) + " atom-steps/s");
}

struct SimOptions {
  std::string recipe, out, lammps_input;
  bool list = false, resume = false, keep = false;
  ConfigOptions config;
};

void run_sim(const GlobalOptions& global, const SimOptions& o) {
  if (o.list) return list_recipes();
  if (o.out.empty()) throw InputError("--out is required (the model file to write, .h5)", "--out");
  const RunContext run(global);
  const std::filesystem::path out(o.out);
  const sim::JobDirectory job_dir{job_directory(out)};

  sim::MdJob job;
  if (o.resume) {
    if (!std::filesystem::exists(job_dir.job_file()))
      throw InputError("nothing to resume: " + job_dir.dir.string() + " holds no job", "--resume");
    job = sim::read_job(job_dir);
    run.logger.info("resuming the job in " + job_dir.dir.string() + " (its own parameters)");
  } else {
    sim::MeltQuenchParams p;
    if (!o.recipe.empty())
      p.params().load(core::Config::from_string(sim::recipe(o.recipe).toml, "recipe " + o.recipe));
    p.params().load(o.config.load());
    p.validate();
    std::filesystem::remove_all(job_dir.dir);
    std::filesystem::create_directories(job_dir.dir);
    job = sim::prepare_job(p, global.seed, job_dir.dir);
  }
  if (!o.lammps_input.empty()) {
    const std::string script =
        sim::whole_input_script(job.params, job.potential, job.seed, job_dir.thermo_file(0));
    core::write_stream_atomically(o.lammps_input, [&](std::ostream& s) { s << script; });
    run.logger.info("wrote the LAMMPS input of this run to " + o.lammps_input +
                    " (for `lmp -in`; it references files in " + job_dir.dir.string() + ")");
    return;
  }
  run.logger.info(
      std::to_string(job.params.atoms) + " atoms of " + job.params.composition + ", " +
      job.potential.pair_style + " " + job.potential.file.string() + ", " +
      std::to_string(job.params.melt_steps() + job.params.ramp_steps() + job.params.hold_steps()) +
      " steps");

  sim::MeltQuenchResult result;
  if (sim::launched_under_mpirun()) {
    if (!o.resume) sim::write_job(job_dir, job);
    result = sim::run_job_in_process(job_dir, job, o.resume, run.logger);
    sim::finalize_mpi();
    if (result.snapshots.empty()) return;  // not rank 0: rank 0 writes the model
  } else {
    result = sim::run_job_isolated(job_dir, job, o.resume, global.quiet);
  }
  finish(run, std::move(result), job.params.params_toml(), out);
  if (!o.keep) std::filesystem::remove_all(job_dir.dir);
}

}  // namespace

void add_sim_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* command = app.add_subcommand(
      "sim", "melt–quench a glass with LAMMPS (library mode, in a worker process)");
  auto o = std::make_shared<SimOptions>();
  command->add_option("--recipe", o->recipe, "built-in recipe (see --list-recipes)");
  command->add_flag("--list-recipes", o->list, "print the built-in recipes and exit");
  command->add_option("--out", o->out,
                      "model to write (.h5: final glass in /atoms, snapshots, thermo log); the "
                      "job runs in <out>.md/");
  command->add_flag("--resume", o->resume,
                    "continue an interrupted run from the last checkpoint in <out>.md/");
  command->add_flag("--keep-work", o->keep, "keep <out>.md/ (LAMMPS log, restart files)");
  command->add_option("--lammps-input", o->lammps_input,
                      "write the run's LAMMPS input script here (for the `lmp` executable) "
                      "and stop");
  o->config.add_to(*command);
  command->callback([&global, o] { run_sim(global, *o); });

  CLI::App* worker = app.add_subcommand(sim::kWorkerCommand, "the MD worker process");
  worker->group("");  // hidden from --help: only `vitrum sim` starts it
  auto job = std::make_shared<std::string>();
  auto resume = std::make_shared<bool>(false);
  worker->add_option("--job", *job, "job directory")->required();
  worker->add_flag("--resume", *resume, "continue from the last checkpoint");
  worker->callback([&global, job, resume] {
    const RunContext run(global);
    const sim::JobDirectory job_dir{*job};
    const sim::MdJob md = sim::read_job(job_dir);
    const sim::MeltQuenchResult result = sim::run_job_in_process(job_dir, md, *resume, run.logger);
    sim::finalize_mpi();
    if (!result.snapshots.empty())
      sim::write_melt_quench(job_dir.result_file(), result, run.provenance(md.params.params_toml()),
                             sim::WallTime::kRecord);
  });
}

}  // namespace vitrum::app
