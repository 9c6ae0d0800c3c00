#pragma once
/// \file
/// The one logging and progress sink of vitrum (DESIGN.md "Logging and progress"). Messages
/// and progress go to stderr (stdout stays free for results). A Progress shows a bar when
/// stderr is a terminal and a plain line every few seconds otherwise; with Verbosity::kQuiet
/// nothing but errors are printed, and those by the command line, not by the library.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

namespace vitrum::core {

enum class Verbosity { kQuiet, kNormal, kDebug };

class Logger {
 public:
  /// Logs to `stream` (stderr by default) at the given verbosity.
  explicit Logger(Verbosity verbosity = Verbosity::kNormal, std::FILE* stream = stderr);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  Verbosity verbosity() const { return verbosity_; }
  std::FILE* stream() const { return stream_; }
  /// True when the stream is an interactive terminal (progress draws a bar).
  bool is_terminal() const { return is_terminal_; }

  void info(const std::string& message) const;
  void warn(const std::string& message) const;
  void debug(const std::string& message) const;

 private:
  friend class Progress;
  void write_line(const char* level, const std::string& message) const;

  Verbosity verbosity_;
  std::FILE* stream_;
  bool is_terminal_;
  mutable std::mutex mutex_;
};

/// Progress of one long loop: `advance()` from any thread; the display is throttled (a bar
/// redrawn at most 10×/s on a terminal, a line every `line_interval` otherwise) and shows
/// the count, percentage, elapsed time and ETA. finish() (or the destructor) prints the
/// final state once.
class Progress {
 public:
  Progress(const Logger& logger, std::string label, std::size_t total,
           std::chrono::seconds line_interval = std::chrono::seconds(5));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::size_t n = 1);
  void finish();
  std::size_t done() const { return done_.load(); }

 private:
  void render();

  const Logger& logger_;
  std::string label_;
  std::size_t total_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::size_t> done_{0};
  std::atomic<std::int64_t> next_render_ns_{0};
  std::mutex render_mutex_;
  bool finished_ = false;
};

}  // namespace vitrum::core
