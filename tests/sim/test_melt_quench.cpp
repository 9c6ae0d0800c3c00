#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "io_test_support.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/sim/lammps_input.hpp"
#include "vitrum/sim/md_job.hpp"
#include "vitrum/sim/md_potential.hpp"
#include "vitrum/sim/melt_quench.hpp"
#include "vitrum/sim/recipes.hpp"

namespace vitrum::sim {
namespace {

using core::testing::expect_error;
using core::testing::TempDir;

TEST(Composition, ParsesFractionsAndProxies) {
  const auto species = parse_composition("Zr:0.65,Cu:0.175, Ni:0.10,Al:0.075", "");
  ASSERT_EQ(species.size(), 4u);
  EXPECT_EQ(species[2].symbol, "Ni");
  EXPECT_DOUBLE_EQ(species[1].fraction, 0.175);
  EXPECT_EQ(species[3].potential_symbol, "Al");
  const auto proxied = parse_composition("Ru:0.5,Pt:0.5", "Ru:Pd");
  EXPECT_EQ(proxied[0].potential_symbol, "Pd");
  EXPECT_EQ(proxied[1].potential_symbol, "Pt");
}

TEST(Composition, BadCompositionsNameWhatIsWrong) {
  expect_error<InputError>([] { parse_composition("Ta:0.5,Cu:0.4", ""); }, {"sum to 0.9"});
  expect_error<InputError>([] { parse_composition("Ta:1,Ta:0", ""); }, {"(0, 1]"});
  expect_error<InputError>([] { parse_composition("Ta:0.5,Ta:0.5", ""); }, {"twice"});
  expect_error<InputError>([] { parse_composition("Tx:1", ""); }, {"Tx"});
  expect_error<InputError>([] { parse_composition("Ta", ""); }, {"Element:fraction"});
  expect_error<InputError>([] { parse_composition("Ta:one", ""); }, {"not a number"});
  expect_error<InputError>([] { parse_composition("Ta:1", "Ru:Pd"); }, {"Ru", "not in"});
}

TEST(Composition, LargestRemainderCountsAreExactAndFair) {
  const auto species = parse_composition("Zr:0.65,Cu:0.175,Ni:0.10,Al:0.075", "");
  for (std::size_t atoms : {1u, 7u, 500u, 2000u, 31250u}) {
    const auto counts = species_counts(species, atoms);
    EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::size_t{0}), atoms);
    for (std::size_t k = 0; k < species.size(); ++k)
      EXPECT_LE(std::abs(static_cast<double>(counts[k]) -
                         species[k].fraction * static_cast<double>(atoms)),
                1.0);
  }
  EXPECT_EQ(species_counts(species, 2000), (std::vector<std::size_t>{1300, 350, 200, 150}));
}

TEST(MeltQuenchParams, BadValuesNameTheirField) {
  const auto with = [](auto change) {
    MeltQuenchParams p;
    change(p);
    return p;
  };
  expect_error<InputError>([&] { with([](auto& p) { p.atoms = 1; }).validate(); }, {"atoms"});
  expect_error<InputError>([&] { with([](auto& p) { p.melt_K = 200; }).validate(); },
                           {"melt.temperature_K"});
  expect_error<InputError>([&] { with([](auto& p) { p.snapshots_K = {6000}; }).validate(); },
                           {"quench.snapshots_K"});
  expect_error<InputError>([&] { with([](auto& p) { p.timestep_fs = 0; }).validate(); },
                           {"npt.timestep_fs"});
  expect_error<InputError>([&] { with([](auto& p) { p.composition = "Ta:0.7"; }).validate(); },
                           {"sum to 0.7"});
}

TEST(RunPlan, CoversEveryStepOnceAndCutsAtSnapshotsAndCheckpoints) {
  MeltQuenchParams p;  // 50 ps melt, 490 ps ramp, 10 ps hold at 2 fs
  const auto plan = plan_runs(p, 1000);
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan.front().begin_step, 0);
  EXPECT_EQ(plan.back().end_step, p.melt_steps() + p.ramp_steps() + p.hold_steps());
  EXPECT_EQ(p.ramp_steps(), 245000);  // 4,900 K at 10 K/ps = 490 ps = 245k steps (PHYSICS.md §1)
  std::int64_t last_checkpoint = 0;
  std::vector<double> snapshot_K;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(plan[i].begin_step, plan[i - 1].end_step);
    }
    EXPECT_LE(plan[i].end_step - plan[i].begin_step, 1000);
    if (plan[i].checkpoint_after) {
      EXPECT_LE(plan[i].end_step - last_checkpoint, 25000);  // checkpoint_ps = 50 ps
      last_checkpoint = plan[i].end_step;
    }
    if (plan[i].snapshot_after) snapshot_K.push_back(plan[i].snapshot_target_K);
  }
  // The liquid, the three ramp set-points, the final glass.
  EXPECT_EQ(snapshot_K, (std::vector<double>{5200, 2000, 1500, 1000, 300}));
  EXPECT_DOUBLE_EQ(set_point_K(p, p.melt_steps() + p.ramp_steps() / 2), 0.5 * (5200 + 300));
}

TEST(LammpsInput, ExactCompositionThroughTypeSubsetsAndSurplusDeleted) {
  MeltQuenchParams p;
  p.composition = "Zr:0.65,Cu:0.175,Ni:0.10,Al:0.075";
  p.atoms = 2001;  // 2·10³ = 2000 < 2001: an 11³ bcc lattice, 661 surplus sites deleted
  const auto lines = setup_commands(p, {"/x/zhou.eam.alloy", "eam/alloy"}, 7, "thermo.txt");
  const auto has = [&](const std::string& prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(has("region box block 0 11 0 11 0 11"));
  EXPECT_TRUE(has("create_box 5 box"));
  EXPECT_TRUE(has("set type 1 type/subset 2 350 "));  // 0.175 × 2001 = 350.2
  EXPECT_TRUE(has("set type 1 type/subset 5 661 "));
  EXPECT_TRUE(has("delete_atoms group surplus"));
  EXPECT_TRUE(has("pair_coeff * * /x/zhou.eam.alloy Zr Cu Ni Al Zr"));
  EXPECT_TRUE(has("mass 2 63.546"));
  // Same seed, same input; a LAMMPS seed is in 1 … 9e8 (Marsaglia's limit).
  EXPECT_EQ(lines, setup_commands(p, {"/x/zhou.eam.alloy", "eam/alloy"}, 7, "thermo.txt"));
  for (std::uint64_t item = 0; item < 100; ++item) {
    const int seed = lammps_seed(7, "sim.types", item);
    EXPECT_GE(seed, 1);
    EXPECT_LE(seed, 900'000'000);
  }
}

TEST(Recipes, EveryRecipeValidatesAndTheSmallOnesAreSmall) {
  for (const Recipe& r : recipes()) {
    MeltQuenchParams p;
    p.params().load(core::Config::from_string(r.toml, r.name));
    EXPECT_NO_THROW(p.validate()) << r.name;
    if (r.name.ends_with("-small")) {
      EXPECT_LE(static_cast<double>(p.atoms) *
                    static_cast<double>(p.melt_steps() + p.ramp_steps() + p.hold_steps()),
                1e8)
          << r.name;
    }
  }
  expect_error<InputError>([] { recipe("tantalum"); }, {"tantalum", "ta-small"});
}

TEST(PrepareJob, PotentialCoverageIsCheckedBeforeLammpsStarts) {
  TempDir dir;
  MeltQuenchParams p;
  p.composition = "Ta:0.5,Cu:0.5";
  const MdJob job = prepare_job(p, 1, dir.path());
  EXPECT_EQ(job.potential.pair_style, "eam/alloy");
  EXPECT_EQ(job.potential_sha256.size(), 64u);
  p.composition = "Ta:0.5,Zr:0.5";
  expect_error<InputError>([&] { prepare_job(p, 1, dir.path()); }, {"covers Cu, Ta", "not Zr"});
  p.potential = "Pd_u3.eam";
  expect_error<InputError>([&] { prepare_job(p, 1, dir.path()); }, {"one element"});
  p.potential = "absent.eam.alloy";
  expect_error<InputError>([&] { prepare_job(p, 1, dir.path()); }, {"absent.eam.alloy"});
  p.potential = "zhou";
  p.composition = "Ru:0.5,Pt:0.5";
  expect_error<InputError>([&] { prepare_job(p, 1, dir.path()); }, {"Ru", "proxy"});
  p.proxies = "Ru:Pd";
  const MdJob proxied = prepare_job(p, 1, dir.path());
  EXPECT_EQ(proxied.potential_elements, "Ru→Pd,Pt");
  EXPECT_TRUE(std::filesystem::exists(dir / "zhou.eam.alloy"));
}

TEST(WorkerProcess, AFailedWorkerIsReportedWithStageAndLammpsMessage) {
  TempDir dir;
  const JobDirectory job{dir.path()};
  core::testing::write_text(job.stage_file(), "quench 5200 → 300 K (steps 25000–270000)\n");
  core::testing::write_text(job.lammps_log(),
                            "Step Temp\n0 5200\nERROR: Lost atoms: original 500 current 499 "
                            "(src/thermo.cpp:481)\nLast command: run 1000\n");
  expect_error<NumericsError>([&] { run_worker_process("/bin/false", {}, 1, job); },
                              {"quench 5200", "ERROR: Lost atoms", "log.lammps", "--resume"});
  expect_error<IoError>([&] { run_worker_process("/nonexistent/vitrum", {}, 1, job); },
                        {"cannot start"});
  EXPECT_NO_THROW(run_worker_process("/bin/true", {}, 1, job));
}

// ---- real MD: a 500-atom Ta quench at 5×10¹⁴ K/s (seconds) ---------------------------------

MeltQuenchParams fast_ta() {
  MeltQuenchParams p;
  p.atoms = 500;
  p.melt_ps = 3;
  p.cooling_K_per_ps = 500;  // 5×10¹⁴ K/s
  p.hold_ps = 1;
  p.snapshots_K = {};
  p.thermo_ps = 0.2;
  return p;
}

MeltQuenchResult run_in(const TempDir& dir, const std::string& name, const MeltQuenchParams& p,
                        std::uint64_t seed) {
  const JobDirectory job_dir{dir / name};
  std::filesystem::create_directories(job_dir.dir);
  const MdJob job = prepare_job(p, seed, job_dir.dir);
  const core::Logger quiet(core::Verbosity::kQuiet);
  return run_job_in_process(job_dir, job, false, quiet);
}

// g(r) first-peak position of a periodic orthorhombic model, by direct pair counting.
double first_peak_A(const core::AtomicModel& model) {
  const Eigen::Vector3d box = model.cell().vectors_A.diagonal();
  const double bin = 0.05;
  std::vector<double> shell(static_cast<std::size_t>(5.0 / bin), 0.0);
  const auto positions = model.positions_A();
  for (std::size_t i = 0; i < positions.size(); ++i)
    for (std::size_t j = i + 1; j < positions.size(); ++j) {
      Eigen::Vector3d d = positions[j] - positions[i];
      for (int a = 0; a < 3; ++a) d[a] -= box[a] * std::round(d[a] / box[a]);
      const double r = d.norm();
      if (r < 5.0) shell[static_cast<std::size_t>(r / bin)] += 1.0 / (r * r);
    }
  const auto peak = std::max_element(shell.begin(), shell.end());
  return (static_cast<double>(peak - shell.begin()) + 0.5) * bin;
}

double min_pair_distance_A(const core::AtomicModel& model) {
  const Eigen::Vector3d box = model.cell().vectors_A.diagonal();
  double closest = 1e9;
  const auto positions = model.positions_A();
  for (std::size_t i = 0; i < positions.size(); ++i)
    for (std::size_t j = i + 1; j < positions.size(); ++j) {
      Eigen::Vector3d d = positions[j] - positions[i];
      for (int a = 0; a < 3; ++a) d[a] -= box[a] * std::round(d[a] / box[a]);
      closest = std::min(closest, d.norm());
    }
  return closest;
}

TEST(MeltQuench, FastTaQuenchGivesADenseGlassWithALiquidLikeFirstPeak) {
  TempDir dir;
  const MeltQuenchResult result = run_in(dir, "job", fast_ta(), 11);
  ASSERT_EQ(result.snapshots.size(), 2u);  // the liquid at 5,200 K and the final glass
  const Snapshot& liquid = result.snapshots.front();
  const Snapshot& glass = result.snapshots.back();
  EXPECT_EQ(liquid.stage, "melt");
  EXPECT_EQ(glass.stage, "final");
  ASSERT_EQ(glass.model.size(), 500u);
  for (std::uint8_t z : glass.model.Z()) ASSERT_EQ(z, 73);

  // Density: bcc Ta is 16.65 g/cm³ at 300 K; glass a little below, the liquid at 5,200 K
  // about 10 % below.
  const auto density = [](const core::AtomicModel& m) {
    return 1.66053907 * static_cast<double>(m.size()) * core::element(73).mass_u /
           m.cell().volume_A3();
  };
  EXPECT_GT(density(glass.model), 15.5);
  EXPECT_LT(density(glass.model), 17.0);
  EXPECT_LT(density(liquid.model), density(glass.model));
  EXPECT_GT(density(liquid.model), 13.0);
  EXPECT_GT(min_pair_distance_A(glass.model), 2.0);

  // Liquid Ta's first g(r) peak sits near the bcc nearest-neighbour distance √3/2·3.30 = 2.86 Å
  // (seed 001 Fig. 1c: peaks of the liquid and of amorphous Ta at ≈2.8–2.9 Å).
  EXPECT_NEAR(first_peak_A(liquid.model), 2.85, 0.15);
  EXPECT_NEAR(first_peak_A(glass.model), 2.85, 0.15);
  EXPECT_NEAR(liquid.temperature_K, 5200, 600);
  EXPECT_NEAR(glass.temperature_K, 300, 100);

  // The thermo log spans the run and follows the thermostat.
  ASSERT_GT(result.thermo.size(), 10u);
  EXPECT_EQ(result.thermo.step.front(), 0);
  // 3 ps melt + 4,900 K at 500 K/ps + 1 ps hold, at 2 fs: 1,500 + 4,900 + 500 steps.
  EXPECT_EQ(result.thermo.step.back(), 6900);
  EXPECT_NEAR(result.thermo.temperature_K.front(), 5200, 1);  // velocity create at T_melt
  EXPECT_LT(result.thermo.volume_A3.back(), result.thermo.volume_A3.front());
  EXPECT_EQ(result.atom_steps, 500 * 6900);
  EXPECT_GE(result.lammps_version, 20210929);
}

TEST(MeltQuench, SameSeedSamePositionsDifferentSeedDifferent) {
  TempDir dir;
  MeltQuenchParams p = fast_ta();
  p.melt_ps = 1;
  p.cooling_K_per_ps = 2000;
  p.hold_ps = 0.2;
  const MeltQuenchResult a = run_in(dir, "a", p, 5), b = run_in(dir, "b", p, 5),
                         c = run_in(dir, "c", p, 6);
  const auto& pa = a.snapshots.back().model.positions_A();
  const auto& pb = b.snapshots.back().model.positions_A();
  const auto& pc = c.snapshots.back().model.positions_A();
  ASSERT_EQ(pa.size(), pb.size());
  EXPECT_TRUE(std::equal(pa.begin(), pa.end(), pb.begin()));  // bitwise, one rank
  EXPECT_FALSE(std::equal(pa.begin(), pa.end(), pc.begin()));
}

TEST(MeltQuench, ResultFileRoundTrips) {
  TempDir dir;
  MeltQuenchParams p = fast_ta();
  p.melt_ps = 0.5;
  p.cooling_K_per_ps = 5000;
  p.hold_ps = 0.2;
  p.snapshots_K = {2000};
  MeltQuenchResult result = run_in(dir, "job", p, 3);
  ASSERT_EQ(result.snapshots.size(), 3u);
  result.snapshots[1].crystalline_fraction = 0.25;
  write_melt_quench(dir / "model.h5", result, core::Provenance::make("test"));
  const MeltQuenchResult back = read_melt_quench(dir / "model.h5");
  ASSERT_EQ(back.snapshots.size(), 3u);
  EXPECT_EQ(back.snapshots[1].stage, "quench");
  EXPECT_EQ(back.snapshots[1].target_K, 2000);
  EXPECT_EQ(back.snapshots[1].crystalline_fraction, 0.25);
  EXPECT_EQ(back.snapshots[2].model.positions_A()[7], result.snapshots[2].model.positions_A()[7]);
  EXPECT_EQ(back.thermo.temperature_K, result.thermo.temperature_K);
  EXPECT_EQ(back.potential.sha256, result.potential.sha256);
  // The final glass is the file's /atoms: every command reads it as a model.
  EXPECT_EQ(core::read_atoms_hdf5(dir / "model.h5").size(), 500u);
}

}  // namespace
}  // namespace vitrum::sim
