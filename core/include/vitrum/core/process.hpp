#pragma once
/// \file
/// Running another program as a child process and waiting for it: the MD worker of
/// `vitrum sim`, the stages of `vitrum run`. The child inherits the environment (plus any
/// additions), may start in another working directory, and may have its stdout and stderr
/// sent to a file.

#include <filesystem>
#include <string>
#include <vector>

namespace vitrum::core {

/// How to start a child process.
struct ProcessOptions {
  std::filesystem::path working_directory;  ///< "" for the parent's
  std::filesystem::path output_file;        ///< stdout and stderr appended here; "" to inherit both
  std::vector<std::string> extra_environment;  ///< "NAME=value" added to the parent's
};

/// How a child process ended.
struct ProcessStatus {
  int exit_code = 0;  ///< the exit status, or -1 if killed by a signal
  int signal = 0;     ///< the signal that killed it, or 0
  bool succeeded() const { return exit_code == 0 && signal == 0; }
  /// "exit 3" or "killed by signal Segmentation fault".
  std::string describe() const;
};

/// Runs `argv` (argv[0] searched on PATH when it holds no '/') and waits for it. Throws
/// IoError if it cannot be started (naming argv[0]); a non-zero exit is returned, not thrown.
ProcessStatus run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// The path of the running executable (/proc/self/exe resolved), so a child started from
/// another directory, or by a launcher such as mpirun, runs this same program.
std::filesystem::path current_executable();

}  // namespace vitrum::core
