#include "vitrum/core/safe_file.hpp"

#include <unistd.h>

#include <atomic>
#include <system_error>

#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {

// A temporary name beside the target (same directory, so the final rename is atomic on
// POSIX file systems), unique per process and call.
std::filesystem::path temporary_name(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  return tmp;
}

}  // namespace

void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path&)>& write) {
  const std::filesystem::path tmp = temporary_name(target);
  try {
    write(tmp);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw IoError("cannot rename temporary output into place: " + ec.message(), target.string());
  }
}

void write_stream_atomically(const std::filesystem::path& target,
                             const std::function<void(std::ostream&)>& write,
                             std::ios::openmode mode) {
  write_atomically(target, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, mode | std::ios::out | std::ios::trunc);
    if (!out) throw IoError("cannot open for writing", target.string());
    write(out);
    out.flush();
    if (!out) throw IoError("write failed (disk full?)", target.string());
  });
}

}  // namespace vitrum::core
