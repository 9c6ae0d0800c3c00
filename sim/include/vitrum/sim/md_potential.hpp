#pragma once
/// \file
/// From a melt–quench's `potential` parameter to the file LAMMPS reads, checked before
/// LAMMPS starts (it would otherwise exit the worker with a terse message).

#include <filesystem>

#include "vitrum/sim/md_job.hpp"

namespace vitrum::sim {

/// Debian's lammps-data potential directory (PHYSICS.md §1).
inline const std::filesystem::path kLammpsPotentialDir = "/usr/share/lammps/potentials";

/// The job for these parameters: the potential resolved (a path as given, else a file name in
/// kLammpsPotentialDir, or "zhou": the Zhou 2004 database generated into `job_dir` for the
/// species' potential elements), its pair style from the file name (.eam → eam, one species;
/// .eam.alloy → eam/alloy; .eam.fs → eam/fs), its SHA-256, and the check that it covers
/// every species' potential element. InputError naming `potential` otherwise.
MdJob prepare_job(const MeltQuenchParams& params, std::uint64_t seed,
                  const std::filesystem::path& job_dir);

}  // namespace vitrum::sim
