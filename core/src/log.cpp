#include "vitrum/core/log.hpp"

#include <unistd.h>

#include <cmath>

namespace vitrum::core {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%02lld:%02lld", s / 60, s % 60);
  return buffer;
}

}  // namespace

Logger::Logger(Verbosity verbosity, std::FILE* stream)
    : verbosity_(verbosity), stream_(stream), is_terminal_(::isatty(::fileno(stream)) == 1) {}

Logger::~Logger() = default;

void Logger::write_line(const char* level, const std::string& message) const {
  const std::lock_guard lock(mutex_);
  std::fprintf(stream_, "%s%s\n", level, message.c_str());
  std::fflush(stream_);
}

void Logger::info(const std::string& message) const {
  if (verbosity_ != Verbosity::kQuiet) write_line("", message);
}

void Logger::warn(const std::string& message) const {
  if (verbosity_ != Verbosity::kQuiet) write_line("warning: ", message);
}

void Logger::debug(const std::string& message) const {
  if (verbosity_ == Verbosity::kDebug) write_line("debug: ", message);
}

Progress::Progress(const Logger& logger, std::string label, std::size_t total,
                   std::chrono::seconds line_interval)
    : logger_(logger),
      label_(std::move(label)),
      total_(total),
      interval_(logger.is_terminal()
                    ? std::chrono::steady_clock::duration(std::chrono::milliseconds(100))
                    : std::chrono::steady_clock::duration(line_interval)),
      start_(std::chrono::steady_clock::now()) {
  next_render_ns_ = (start_ + interval_).time_since_epoch().count();
}

Progress::~Progress() { finish(); }

void Progress::advance(std::size_t n) {
  done_ += n;
  if (logger_.verbosity() == Verbosity::kQuiet) return;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  auto due = next_render_ns_.load();
  // Only the thread that moves the deadline forward renders: no lock in the common path.
  if (now >= due && next_render_ns_.compare_exchange_strong(due, now + interval_.count())) render();
}

void Progress::finish() {
  const std::lock_guard lock(render_mutex_);
  if (finished_) return;
  finished_ = true;
  if (logger_.verbosity() == Verbosity::kQuiet) return;
  const std::size_t done = done_.load();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string line = label_ + ": " + std::to_string(done) + "/" + std::to_string(total_) +
                           " in " + format_duration(elapsed);
  const std::lock_guard out(logger_.mutex_);
  std::fprintf(logger_.stream_, logger_.is_terminal() ? "\r\033[K%s\n" : "%s\n", line.c_str());
  std::fflush(logger_.stream_);
}

void Progress::render() {
  const std::lock_guard lock(render_mutex_);
  if (finished_) return;
  const std::size_t done = std::min(done_.load(), total_);
  const double fraction = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : NAN;
  char stats[128];
  std::snprintf(stats, sizeof stats, "%zu/%zu (%.0f%%) elapsed %s, ETA %s", done, total_,
                100.0 * fraction, format_duration(elapsed).c_str(), format_duration(eta).c_str());
  const std::lock_guard out(logger_.mutex_);
  if (logger_.is_terminal()) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(logger_.stream_, "\r\033[K%s [%s%s] %s", label_.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), stats);
  } else {
    std::fprintf(logger_.stream_, "%s: %s\n", label_.c_str(), stats);
  }
  std::fflush(logger_.stream_);
}

}  // namespace vitrum::core
