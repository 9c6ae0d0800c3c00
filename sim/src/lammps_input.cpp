#include "vitrum/sim/lammps_input.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::sim {
namespace {

std::string number(double value) { return core::format_number(value); }

int basis_atoms(StartLattice lattice) { return lattice == StartLattice::kBcc ? 2 : 4; }

// The smallest n with basis·n³ ≥ atoms.
int cells_per_edge(const MeltQuenchParams& p) {
  const int basis = basis_atoms(p.lattice);
  int n = std::max(1, static_cast<int>(std::cbrt(static_cast<double>(p.atoms) / basis)));
  while (static_cast<std::int64_t>(basis) * n * n * n < p.atoms) ++n;
  return n;
}

std::int64_t lattice_atoms(const MeltQuenchParams& p) {
  const std::int64_t n = cells_per_edge(p);
  return basis_atoms(p.lattice) * n * n * n;
}

// Types: species k is type k+1; surplus lattice sites, if any, become one extra type that is
// deleted before the run (it keeps species 1's potential element and mass).
std::size_t type_count(const MeltQuenchParams& p, std::size_t species) {
  if (!p.start_model.empty()) return species;
  return species + (lattice_atoms(p) > p.atoms ? 1 : 0);
}

void add_potential(std::vector<std::string>& lines, const MeltQuenchParams& p,
                   const ResolvedPotential& potential) {
  const std::vector<Species> species = p.species();
  lines.push_back("pair_style " + potential.pair_style);
  std::string coeff = "pair_coeff * * " + potential.file.string();
  if (potential.pair_style != "eam") {
    for (const Species& s : species) coeff += " " + s.potential_symbol;
    if (type_count(p, species.size()) > species.size()) coeff += " " + species[0].potential_symbol;
  }
  lines.push_back(coeff);
  // The atoms move with their true masses, whatever element the potential file names.
  for (std::size_t k = 0; k < species.size(); ++k)
    lines.push_back("mass " + std::to_string(k + 1) + " " +
                    number(core::element(species[k].symbol).mass_u));
  if (type_count(p, species.size()) > species.size())
    lines.push_back("mass " + std::to_string(species.size() + 1) + " " +
                    number(core::element(species[0].symbol).mass_u));
}

void add_thermo(std::vector<std::string>& lines, const MeltQuenchParams& p,
                const std::filesystem::path& thermo_file) {
  const std::int64_t every = std::max<std::int64_t>(1, std::llround(p.thermo_ps / p.timestep_ps()));
  lines.push_back("thermo " + std::to_string(every));
  lines.push_back("thermo_style custom step temp press pe vol");
  lines.push_back("variable volume equal vol");
  // fix ave/time asks the computes to tally energy on exactly the steps it samples.
  lines.push_back(
      "fix thermo_log all ave/time " + std::to_string(every) + " 1 " + std::to_string(every) +
      " c_thermo_temp c_thermo_press c_thermo_pe v_volume file " + thermo_file.string());
}

// Timestep, velocities at the melt temperature (a seeded Gaussian draw, independent of the
// rank count: `loop geom`), thermo output.
void add_dynamics_start(std::vector<std::string>& lines, const MeltQuenchParams& p,
                        std::uint64_t seed, const std::filesystem::path& thermo_file) {
  lines.push_back("timestep " + number(p.timestep_ps()));
  lines.push_back("velocity all create " + number(p.melt_K) + " " +
                  std::to_string(lammps_seed(seed, "sim.velocity", 0)) +
                  " mom yes rot yes dist gaussian loop geom");
  add_thermo(lines, p, thermo_file);
}

}  // namespace

int lammps_seed(std::uint64_t run_seed, const std::string& stage, std::uint64_t item) {
  core::RngStream stream(run_seed, stage, item);
  // Marsaglia's generator (velocity create) takes seeds 1 … 900,000,000.
  return 1 + static_cast<int>(stream.next_u64() % 899'999'999ULL);
}

std::vector<RunSegment> plan_runs(const MeltQuenchParams& p, std::int64_t max_segment_steps) {
  const std::int64_t melt = p.melt_steps(), ramp = p.ramp_steps(), hold = p.hold_steps();
  const std::int64_t checkpoint =
      std::max<std::int64_t>(1, std::llround(p.checkpoint_ps / p.timestep_ps()));
  max_segment_steps = std::max<std::int64_t>(1, max_segment_steps);

  struct Phase {
    RunSegment::Phase kind;
    std::int64_t begin, end;
    double start_K, end_K;
  };
  const Phase phases[] = {
      {RunSegment::Phase::kMelt, 0, melt, p.melt_K, p.melt_K},
      {RunSegment::Phase::kQuench, melt, melt + ramp, p.melt_K, p.final_K},
      {RunSegment::Phase::kHold, melt + ramp, melt + ramp + hold, p.final_K, p.final_K}};
  // Snapshot steps on the ramp: where the set-point passes each requested temperature.
  std::vector<std::int64_t> snapshot_steps;
  for (double t : p.snapshots_K)
    snapshot_steps.push_back(
        melt + std::llround((p.melt_K - t) / (p.melt_K - p.final_K) * static_cast<double>(ramp)));

  std::vector<RunSegment> plan;
  std::int64_t last_checkpoint = 0;
  for (const Phase& phase : phases) {
    if (phase.end == phase.begin) continue;
    std::vector<std::int64_t> cuts{phase.end};
    for (std::int64_t s : snapshot_steps)
      if (s > phase.begin && s < phase.end) cuts.push_back(s);
    for (std::int64_t s = phase.begin + checkpoint; s < phase.end; s += checkpoint)
      cuts.push_back(s);
    for (std::int64_t s = phase.begin + max_segment_steps; s < phase.end; s += max_segment_steps)
      cuts.push_back(s);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::int64_t begin = phase.begin;
    for (std::int64_t end : cuts) {
      RunSegment s;
      s.phase = phase.kind;
      s.begin_step = begin;
      s.end_step = end;
      s.phase_begin = phase.begin;
      s.phase_end = phase.end;
      s.phase_start_K = phase.start_K;
      s.phase_end_K = phase.end_K;
      const bool phase_end = end == phase.end;
      s.snapshot_after =
          std::find(snapshot_steps.begin(), snapshot_steps.end(), end) != snapshot_steps.end() ||
          (phase_end && phase.kind != RunSegment::Phase::kQuench) ||
          (phase_end && phase.kind == RunSegment::Phase::kQuench && hold == 0);
      s.snapshot_target_K = set_point_K(p, end);
      s.checkpoint_after = phase_end || end - last_checkpoint >= checkpoint || s.snapshot_after;
      if (s.checkpoint_after) last_checkpoint = end;
      plan.push_back(s);
      begin = end;
    }
  }
  return plan;
}

double set_point_K(const MeltQuenchParams& p, std::int64_t step) {
  const std::int64_t melt = p.melt_steps(), ramp = p.ramp_steps();
  if (step <= melt) return p.melt_K;
  if (step >= melt + ramp) return p.final_K;
  return p.melt_K +
         (p.final_K - p.melt_K) * static_cast<double>(step - melt) / static_cast<double>(ramp);
}

std::vector<std::string> setup_commands(const MeltQuenchParams& p,
                                        const ResolvedPotential& potential, std::uint64_t seed,
                                        const std::filesystem::path& thermo_file) {
  const std::vector<Species> species = p.species();
  if (!p.start_model.empty()) {
    std::vector<std::string> lines{"units metal", "atom_style atomic", "atom_modify map array",
                                   "boundary " + p.boundary, "read_data " + p.start_model};
    add_potential(lines, p, potential);
    if (p.minimize_start) {
      lines.push_back("minimize 0 1e-6 1000 10000");
      lines.push_back("reset_timestep 0");  // the plan counts steps from 0
    }
    add_dynamics_start(lines, p, seed, thermo_file);
    return lines;
  }
  const std::vector<std::size_t> counts =
      species_counts(species, static_cast<std::size_t>(p.atoms));
  const std::size_t types = type_count(p, species.size());
  const int n = cells_per_edge(p);
  std::vector<std::string> lines{"units metal",
                                 "atom_style atomic",
                                 "atom_modify map array",
                                 "boundary p p p",
                                 std::string("lattice ") +
                                     (p.lattice == StartLattice::kBcc ? "bcc " : "fcc ") +
                                     number(p.lattice_constant_A),
                                 "region box block 0 " + std::to_string(n) + " 0 " +
                                     std::to_string(n) + " 0 " + std::to_string(n),
                                 "create_box " + std::to_string(types) + " box",
                                 "create_atoms 1 box"};
  // Exact composition: every atom starts as type 1; type/subset moves exact counts out.
  for (std::size_t k = 1; k < species.size(); ++k)
    lines.push_back("set type 1 type/subset " + std::to_string(k + 1) + " " +
                    std::to_string(counts[k]) + " " +
                    std::to_string(lammps_seed(seed, "sim.types", k)));
  if (types > species.size()) {
    const std::int64_t surplus = lattice_atoms(p) - p.atoms;
    lines.push_back("set type 1 type/subset " + std::to_string(types) + " " +
                    std::to_string(surplus) + " " +
                    std::to_string(lammps_seed(seed, "sim.types", 0)));
    lines.push_back("group surplus type " + std::to_string(types));
    lines.push_back("delete_atoms group surplus compress yes");
    lines.push_back("group surplus delete");
  }
  add_potential(lines, p, potential);
  add_dynamics_start(lines, p, seed, thermo_file);
  return lines;
}

std::vector<std::string> resume_commands(const MeltQuenchParams& p,
                                         const ResolvedPotential& potential,
                                         const std::filesystem::path& restart_file,
                                         const std::filesystem::path& thermo_file) {
  std::vector<std::string> lines{"atom_modify map array", "read_restart " + restart_file.string()};
  add_potential(lines, p, potential);
  lines.push_back("timestep " + number(p.timestep_ps()));
  add_thermo(lines, p, thermo_file);
  return lines;
}

std::string npt_fix_command(const MeltQuenchParams& p, const RunSegment& s) {
  const double tdamp = p.tdamp_steps * p.timestep_ps(), pdamp = p.pdamp_steps * p.timestep_ps();
  if (!p.fully_periodic())  // a free surface has no pressure to hold: NVT
    return "fix md all nvt temp " + number(s.phase_start_K) + " " + number(s.phase_end_K) + " " +
           number(tdamp);
  return "fix md all npt temp " + number(s.phase_start_K) + " " + number(s.phase_end_K) + " " +
         number(tdamp) + " iso " + number(p.pressure_bar) + " " + number(p.pressure_bar) + " " +
         number(pdamp);
}

std::string run_command(const RunSegment& s, bool first_of_phase) {
  return "run " + std::to_string(s.end_step - s.begin_step) + " start " +
         std::to_string(s.phase_begin) + " stop " + std::to_string(s.phase_end) + " pre " +
         (first_of_phase ? "yes" : "no") + " post no";
}

std::string whole_input_script(const MeltQuenchParams& p, const ResolvedPotential& potential,
                               std::uint64_t seed, const std::filesystem::path& thermo_file) {
  std::ostringstream script;
  for (const std::string& line : setup_commands(p, potential, seed, thermo_file))
    script << line << '\n';
  const std::int64_t total = p.melt_steps() + p.ramp_steps() + p.hold_steps();
  const std::vector<RunSegment> plan = plan_runs(p, total);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const bool first_of_phase = i == 0 || plan[i].phase != plan[i - 1].phase;
    if (first_of_phase)
      script << (i > 0 ? "unfix md\n" : "") << npt_fix_command(p, plan[i]) << '\n';
    script << run_command(plan[i], first_of_phase) << '\n';
  }
  return script.str();
}

}  // namespace vitrum::sim
