#include "vitrum/core/process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "vitrum/core/error.hpp"

extern char** environ;

namespace vitrum::core {
namespace {

/// Owns posix_spawn file actions for the lifetime of one spawn.
class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

std::string ProcessStatus::describe() const {
  if (signal != 0) return std::string("killed by signal ") + ::strsignal(signal);
  return "exit " + std::to_string(exit_code);
}

std::filesystem::path current_executable() {
  std::error_code ignored;
  const std::filesystem::path resolved = std::filesystem::read_symlink("/proc/self/exe", ignored);
  return resolved.empty() ? std::filesystem::path("/proc/self/exe") : resolved;
}

ProcessStatus run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw InputError("run_process: no program given");
  std::vector<std::string> args = argv, environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  environment.insert(environment.end(), options.extra_environment.begin(),
                     options.extra_environment.end());
  std::vector<char*> arg_pointers, env_pointers;
  for (std::string& a : args) arg_pointers.push_back(a.data());
  arg_pointers.push_back(nullptr);
  for (std::string& e : environment) env_pointers.push_back(e.data());
  env_pointers.push_back(nullptr);

  FileActions actions;
  // The paths are opened by the child after any chdir: make them absolute first.
  const std::string output =
      options.output_file.empty() ? "" : std::filesystem::absolute(options.output_file).string();
  if (!options.working_directory.empty()) {
    const std::string dir = std::filesystem::absolute(options.working_directory).string();
    if (const int rc = ::posix_spawn_file_actions_addchdir_np(actions.get(), dir.c_str()); rc != 0)
      throw IoError(std::string("cannot set the working directory: ") + std::strerror(rc), dir);
  }
  if (!output.empty()) {
    ::posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, output.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::posix_spawn_file_actions_adddup2(actions.get(), STDOUT_FILENO, STDERR_FILENO);
  }

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, arg_pointers[0], actions.get(), nullptr,
                                     arg_pointers.data(), env_pointers.data());
  if (spawned != 0)
    throw IoError("cannot start '" + args[0] + "': " + std::strerror(spawned), args[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      throw IoError(std::string("lost the child process: ") + std::strerror(errno), args[0]);
  ProcessStatus result;
  if (WIFSIGNALED(status)) {
    result.exit_code = -1;
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace vitrum::core
