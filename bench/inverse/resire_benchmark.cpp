// One RESIRE iteration (inverse/tomo/resire.hpp) at the Ta-film workload: 46 tilts about y from
// −63.0° to +55.9° (seed 001), n × n detectors of 0.4 Å, an n³ reconstruction of 0.4 Å voxels
// (the defaults: voxel = pixel, edge = image width), S = 1.
// Arguments: n, threads (0 = all cores).
// Reported (manual time): [time of 3 iterations − time of 1 iteration] / 2, so the set-up and
// the final R₁ projection cancel; an iteration is one forward projection of the series, the
// residual and R₁, one back-projection, and the clamped update. The forward projector skips
// zero voxels, so an iteration gets cheaper as positivity clamps more of the box to zero; these
// are iterations 2 and 3 from O = 0.
// Counters: `voxel_visits_per_second` = 2·46·n³ / time per iteration (one forward and one
// adjoint visit per voxel and view, S = 1); `triad_GBps`, the machine's streaming bandwidth
// measured in the same run (STREAM triad a = b + s·c over 3 × 256 MB, 3 arrays counted, the
// benchmark's thread count, best of 5); `stream_fraction` = visits/s × 4 B / triad bandwidth,
// the fraction of the speed an iteration would reach if it only had to stream the float volume
// once per view (the definition of bench/core/projector_benchmark.cpp).
// That is the limit of a projector that walks the volume once per view. The projector batches
// views (core/src/projector.cpp: the forward reads the volume once per ≤ 8 views, the adjoint
// once for all views), so for it the ratio is a reference rate, not a bound: it could exceed 1.
// Its compulsory memory traffic per iteration is ≈ (4·P + 24)·n³ + ≈ 40·46·n² bytes (P =
// max(⌈46/8⌉, threads) forward passes over the float volume; the gradient zeroed, read and
// written; the update reading O and g and writing O; the images and their double copy): 0.93 GB
// at 256³ against 2·46·4·n³ = 6.2 GB for once per view. bench/README.md puts both side by side.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "vitrum/core/projector.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace {

using namespace vitrum;

/// Best of 5 STREAM triads over arrays far larger than any cache, in bytes per second, on
/// ctx's threads (each thread first-touches the chunks it streams).
double triad_bytes_per_second(const core::ExecutionContext& ctx) {
  const std::size_t n = std::size_t{1} << 25;  // 32 M doubles = 256 MB per array
  std::vector<double> a(n), b(n), c(n);
  const std::size_t chunks = 64;
  core::parallel_for(ctx, 0, chunks, [&](std::size_t k) {
    for (std::size_t i = k * n / chunks; i < (k + 1) * n / chunks; ++i)
      a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  });
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    core::parallel_for(ctx, 0, chunks, [&](std::size_t k) {
      for (std::size_t i = k * n / chunks; i < (k + 1) * n / chunks; ++i) a[i] = b[i] + 3.0 * c[i];
    });
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    best = std::min(best, dt.count());
    benchmark::DoNotOptimize(a.data());
  }
  return 3.0 * static_cast<double>(n * sizeof(double)) / best;
}

void BM_ResireIteration(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const core::ExecutionContext ctx{static_cast<int>(state.range(1))};
  const double h = 0.4, first = -0.5 * static_cast<double>(n - 1) * h;
  const core::Vec3 c{0.0, 0.0, 0.0};
  core::TiltSeries series;
  const std::size_t tilts = 46;
  series.images = core::Grid<float, 3>({tilts, n, n}, {1.0, h, h}, {0.0, first, first});
  for (std::size_t t = 0; t < tilts; ++t)
    series.euler_deg.push_back(
        {0.0, -63.0 + (55.9 + 63.0) * static_cast<double>(t) / (tilts - 1), 0.0});
  // Data: projections of a random object filling the central half of the box.
  core::Volume object = inverse::resire_volume(series, c, inverse::ResireParams{});
  core::RngStream rng(1, "bench.resire", n);
  for (std::size_t z = n / 4; z < 3 * n / 4; ++z)
    for (std::size_t y = n / 4; y < 3 * n / 4; ++y)
      for (std::size_t x = n / 4; x < 3 * n / 4; ++x)
        object(z, y, x) = static_cast<float>(rng.uniform());
  core::project_series(object, c, series, {}, ctx);

  const core::Logger quiet(core::Verbosity::kQuiet);
  inverse::ResireParams one, three;
  one.iterations = 1;
  three.iterations = 3;
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(inverse::resire(series, c, one, ctx, quiet).volume.data());
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(inverse::resire(series, c, three, ctx, quiet).volume.data());
    const auto t2 = std::chrono::steady_clock::now();
    const double per_iteration =
        0.5 *
        (std::chrono::duration<double>(t2 - t1) - std::chrono::duration<double>(t1 - t0)).count();
    seconds += per_iteration;
    state.SetIterationTime(per_iteration);
  }
  const double bandwidth = triad_bytes_per_second(ctx);
  const double visits_per_second = 2.0 * static_cast<double>(tilts) *
                                   static_cast<double>(n * n * n) *
                                   static_cast<double>(state.iterations()) / seconds;
  state.counters["voxel_visits_per_second"] = visits_per_second;
  state.counters["triad_GBps"] = bandwidth * 1e-9;
  state.counters["stream_fraction"] = visits_per_second * 4.0 / bandwidth;
  state.counters["threads"] = ctx.resolved_threads();
}

BENCHMARK(BM_ResireIteration)
    ->ArgsProduct({{64, 128}, {1, 0}})
    ->Args({32, 1})
    ->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
// The Ta-film scale: a 256³ box (≈ 102 Å of 0.4 Å voxels), one timed repetition (≈ 10 s per
// iteration on one core).
BENCHMARK(BM_ResireIteration)
    ->ArgsProduct({{256}, {1, 0}})
    ->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1);

}  // namespace
