// The parent's side of the worker process: spawn, wait, and turn a failure into a message
// with LAMMPS' own words.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "vitrum/core/error.hpp"
#include "vitrum/sim/md_job.hpp"

extern char** environ;

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
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  if (mpi_ranks > 1) {
    argv = {"mpirun", "-np", std::to_string(mpi_ranks)};
    // Open MPI refuses root unless told, in mpirun and again in every rank; containers and
    // CI often run as root.
    if (::geteuid() == 0)
      environment.insert(environment.end(),
                         {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"});
  }
  std::error_code ignored;
  const std::filesystem::path resolved = std::filesystem::read_symlink(executable, ignored);
  argv.push_back(resolved.empty() ? executable.string() : resolved.string());
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<char*> pointers;
  for (std::string& a : argv) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  std::vector<char*> environment_pointers;
  for (std::string& e : environment) environment_pointers.push_back(e.data());
  environment_pointers.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, pointers[0], nullptr, nullptr, pointers.data(),
                                     environment_pointers.data());
  if (spawned != 0)
    throw IoError("cannot start the MD worker '" + argv[0] + "': " + std::strerror(spawned),
                  job_dir.dir.string());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      throw IoError(std::string("lost the MD worker: ") + std::strerror(errno),
                    job_dir.dir.string());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;

  const std::string stage = read_stage(job_dir);
  std::string cause = lammps_error_message(job_dir.lammps_log());
  if (WIFSIGNALED(status))
    cause = std::string("killed by signal ") + ::strsignal(WTERMSIG(status)) +
            (cause.empty() ? "" : "; " + cause);
  else if (cause.empty())
    cause = "exit status " + std::to_string(WEXITSTATUS(status)) + ", no LAMMPS error in the log";
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
