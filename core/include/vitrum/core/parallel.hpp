#pragma once
/// \file
/// Threads, the one way vitrum uses them (DESIGN.md "Parallelism"): an ExecutionContext
/// carries the thread count chosen on the command line (no global state), and
/// parallel_for runs a loop body over an index range with OpenMP. Bodies must write only
/// to their own items; draws come from RngStream keyed by the item, so results do not
/// depend on the thread count.

#include <omp.h>

#include <cstddef>
#include <exception>
#include <mutex>

namespace vitrum::core {

struct ExecutionContext {
  int threads = 0;  ///< worker threads; 0 means all the machine's cores
  /// The thread count to use: `threads`, or omp_get_num_procs() when 0.
  int resolved_threads() const { return threads > 0 ? threads : omp_get_num_procs(); }
};

/// How loop iterations are handed to threads: equal blocks (uniform work per item), or
/// small chunks on demand (uneven work, e.g. probe positions over a particle's edge).
enum class Schedule { kStatic, kDynamic };

/// Calls body(i) for every i in [begin, end) on ctx.resolved_threads() threads.
/// The first exception thrown by any body is rethrown after the loop; remaining
/// iterations still run (OpenMP cannot cancel portably), but their exceptions are dropped.
template <class Body>
void parallel_for(const ExecutionContext& ctx, std::size_t begin, std::size_t end, Body&& body,
                  Schedule schedule = Schedule::kStatic) {
  if (end <= begin) return;
  std::exception_ptr first_error;
  std::mutex error_mutex;
  const auto run = [&](std::size_t i) {
    try {
      body(i);
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  const int threads = ctx.resolved_threads();
  const auto n = static_cast<long long>(end - begin);
  if (schedule == Schedule::kStatic) {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long long k = 0; k < n; ++k) run(begin + static_cast<std::size_t>(k));
  } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long long k = 0; k < n; ++k) run(begin + static_cast<std::size_t>(k));
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace vitrum::core
