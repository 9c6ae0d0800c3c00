// The parent's side of the worker process: spawn, wait, and turn a failure into a message
// with LAMMPS' own words.

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"
#include "vitrum/sim/md_job.hpp"

namespace vitrum::sim {
namespace {

std::string read_stage(const JobDirectory& job_dir) {
  std::ifstream in(job_dir.stage_file());
  std::string stage;
  std::getline(in, stage);
  return stage.empty() ? "before LAMMPS started" : stage;
}

}  // namespace

bool launched_under_mpirun() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (!size) size = std::getenv("PMI_SIZE");
  return size && std::atoi(size) > 1;
}

void run_worker_process(const std::filesystem::path& executable,
                        const std::vector<std::string>& arguments, int mpi_ranks,
                        const JobDirectory& job_dir) {
  std::vector<std::string> argv;
  core::ProcessOptions options;
  if (mpi_ranks > 1) {
    argv = {"mpirun", "-np", std::to_string(mpi_ranks)};
    // Open MPI refuses root unless told, in mpirun and again in every rank; containers and
    // CI often run as root.
    if (::geteuid() == 0)
      options.extra_environment = {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"};
  }
  std::error_code ignored;
  const std::filesystem::path resolved = std::filesystem::read_symlink(executable, ignored);
  argv.push_back(resolved.empty() ? executable.string() : resolved.string());
  argv.insert(argv.end(), arguments.begin(), arguments.end());

  core::ProcessStatus status;
  try {
    status = core::run_process(argv, options);
  } catch (const IoError& e) {
    throw IoError(std::string("cannot start the MD worker: ") + e.what(), job_dir.dir.string());
  }
  if (status.succeeded()) return;

  const std::string stage = read_stage(job_dir);
  std::string cause = lammps_error_message(job_dir.lammps_log());
  if (status.signal != 0)
    cause = status.describe() + (cause.empty() ? "" : "; " + cause);
  else if (cause.empty())
    cause = "exit status " + std::to_string(status.exit_code) + ", no LAMMPS error in the log";
  throw NumericsError("the MD worker failed during '" + stage + "': " + cause +
                          " (LAMMPS log: " + job_dir.lammps_log().string() +
                          "; rerun with --resume to continue from the last checkpoint)",
                      job_dir.dir.string());
}

MeltQuenchResult run_job_isolated(const JobDirectory& job_dir, const MdJob& job, bool resume,
                                  bool quiet) {
  if (!resume) write_job(job_dir, job);
  std::vector<std::string> args;
  if (quiet) args.push_back("--quiet");
  args.insert(args.end(), {kWorkerCommand, "--job", job_dir.dir.string()});
  if (resume) args.push_back("--resume");
  run_worker_process("/proc/self/exe", args, job.params.mpi_ranks, job_dir);
  return read_melt_quench(job_dir.result_file());
}

}  // namespace vitrum::sim
