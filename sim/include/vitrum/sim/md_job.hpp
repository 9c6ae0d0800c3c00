#pragma once
/// \file
/// Running a melt–quench safely. Debian's LAMMPS has no exception support: an error inside
/// it calls exit() and writes its message only to the log. So the MD runs in a worker
/// process (vitrum itself in a worker mode, linking LAMMPS as a library); the parent waits,
/// and on failure reports LAMMPS' own message and the stage it happened in — the parent
/// never dies with the worker. All files of a job live in one directory, which also makes
/// an interrupted quench resumable from its last checkpoint.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vitrum/core/log.hpp"
#include "vitrum/sim/lammps_input.hpp"
#include "vitrum/sim/melt_quench.hpp"

namespace vitrum::sim {

/// The files of one melt–quench job.
struct JobDirectory {
  std::filesystem::path dir;
  std::filesystem::path job_file() const { return dir / "job.toml"; }  ///< params, potential, seed
  std::filesystem::path stage_file() const { return dir / "stage"; }   ///< what runs now
  std::filesystem::path lammps_log() const { return dir / "log.lammps"; }
  std::filesystem::path restart_file() const { return dir / "checkpoint.restart"; }
  std::filesystem::path checkpoint_step_file() const { return dir / "checkpoint.step"; }
  std::filesystem::path result_file() const { return dir / "result.h5"; }
  /// Thermo output of the n-th session (0 = first run, 1 = first resume, …).
  std::filesystem::path thermo_file(int session) const;
};

/// A job as the parent hands it to the worker.
struct MdJob {
  MeltQuenchParams params;
  ResolvedPotential potential;
  std::string potential_elements;  ///< for the record, e.g. "Ru→Pd,Pd"
  std::string potential_sha256;
  std::uint64_t seed = 1;
};
void write_job(const JobDirectory& job_dir, const MdJob& job);
MdJob read_job(const JobDirectory& job_dir);

/// Runs the job in this process through LAMMPS' library interface. Under MPI every rank
/// must call it (LAMMPS library calls are collective); rank 0 writes the stage file, the
/// snapshots and the checkpoint step, and returns the result (other ranks return an empty
/// one). With `resume`, continues from the job directory's last checkpoint. Progress with
/// ETA goes to `logger` on rank 0.
MeltQuenchResult run_job_in_process(const JobDirectory& job_dir, const MdJob& job, bool resume,
                                    const core::Logger& logger);

/// Ends MPI (which LAMMPS started) once a worker's MD is done: mpirun treats a rank that exits
/// without MPI_Finalize as a failure. Call once, at the end of the process's MD.
void finalize_mpi();

/// True when this process was started by mpirun with more than one rank (then the MD runs in
/// this process on every rank, since MPI processes cannot spawn a private worker).
bool launched_under_mpirun();

/// The parent's side: runs `executable arguments…` (under `mpirun -np mpi_ranks` when
/// mpi_ranks > 1) with this process's stdout/stderr, and waits. If it fails, throws
/// NumericsError with the worker's stage, LAMMPS' ERROR line from the job's log (or the
/// signal that killed it) and where the log is; the job directory is kept for --resume.
void run_worker_process(const std::filesystem::path& executable,
                        const std::vector<std::string>& arguments, int mpi_ranks,
                        const JobDirectory& job_dir);

/// The hidden subcommand of the vitrum executable that runs a job directory:
/// `vitrum [--quiet] sim-worker --job DIR [--resume]` (apps/command_sim.cpp).
inline constexpr const char* kWorkerCommand = "sim-worker";

/// The whole parent side: writes the job (unless resuming), runs this executable's worker
/// mode on it (run_worker_process) and reads the worker's result.
MeltQuenchResult run_job_isolated(const JobDirectory& job_dir, const MdJob& job, bool resume,
                                  bool quiet);

/// The last "ERROR…" line of a LAMMPS log, or "" if none.
std::string lammps_error_message(const std::filesystem::path& log);

}  // namespace vitrum::sim
