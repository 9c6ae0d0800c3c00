#pragma once
/// \file
/// The LAMMPS input of a melt–quench as text, phase by phase: the worker sends these lines
/// through the library interface, and the benchmark writes the same lines to a file for the
/// `lmp` executable, so both run exactly the same simulation.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vitrum/sim/melt_quench.hpp"

namespace vitrum::sim {

/// A resolved potential: what the pair style reads.
struct ResolvedPotential {
  std::filesystem::path file;
  std::string pair_style;  ///< "eam", "eam/alloy" or "eam/fs"
};

/// One `run` of the plan: a stretch of a phase with a constant thermostat ramp.
struct RunSegment {
  enum class Phase { kMelt, kQuench, kHold };
  Phase phase = Phase::kMelt;
  std::int64_t begin_step = 0, end_step = 0;    ///< absolute steps of this run
  std::int64_t phase_begin = 0, phase_end = 0;  ///< the phase's steps (`run … start stop`)
  double phase_start_K = 0, phase_end_K = 0;    ///< the phase's set-point ramp
  bool snapshot_after = false;                  ///< take a snapshot at end_step
  double snapshot_target_K = 0;                 ///< set-point at end_step
  bool checkpoint_after = false;                ///< write a restart file at end_step
};

/// The runs of a melt–quench: melt, ramp, hold, cut at every snapshot temperature, at
/// checkpoints, and into pieces of at most `max_segment_steps` (progress reports).
std::vector<RunSegment> plan_runs(const MeltQuenchParams& params, std::int64_t max_segment_steps);

/// Set-point temperature (K) at `step` of the plan.
double set_point_K(const MeltQuenchParams& params, std::int64_t step);

/// LAMMPS seeds (1 … 9e8, what every LAMMPS generator accepts) for the velocity draw and each type
/// assignment, from the run seed through core's RNG streams.
int lammps_seed(std::uint64_t run_seed, const std::string& stage, std::uint64_t item);

/// Box, lattice atoms with the exact composition (`set type/subset`) — or the start model's
/// data file —, potential, true masses, velocities at melt_K, thermo output to `thermo_file`.
/// Type k+1 is species k.
std::vector<std::string> setup_commands(const MeltQuenchParams& params,
                                        const ResolvedPotential& potential, std::uint64_t seed,
                                        const std::filesystem::path& thermo_file);
/// What a resumed run needs after `read_restart`: potential, masses, thermo output.
std::vector<std::string> resume_commands(const MeltQuenchParams& params,
                                         const ResolvedPotential& potential,
                                         const std::filesystem::path& restart_file,
                                         const std::filesystem::path& thermo_file);
/// The NPT fix of a segment's phase (id "md"); NVT when the boundary is not fully periodic.
std::string npt_fix_command(const MeltQuenchParams& params, const RunSegment& segment);
/// `run N start S stop E pre yes|no post no`.
std::string run_command(const RunSegment& segment, bool first_of_phase);

/// The whole melt–quench as one input script (no snapshots or checkpoints), for `lmp -in`.
std::string whole_input_script(const MeltQuenchParams& params, const ResolvedPotential& potential,
                               std::uint64_t seed, const std::filesystem::path& thermo_file);

}  // namespace vitrum::sim
