// The tomographic projector (core/projector.hpp) at RESIRE's workload: one forward projection
// and one back-projection of a whole tilt series per iteration (PHYSICS.md §4), 46 tilts about
// y from −63.0° to +55.9° (the Ta film series, seed 001), on n³ volumes of 0.4 Å with n × n
// detectors of the same pixel.
// Arguments: n, sub-points per voxel axis S, threads (0 = all cores).
// Reported: time per iteration; `voxel_visits_per_second` = 2·46·n³·S³ / time (forward and
// adjoint); `triad_GBps`, the machine's streaming bandwidth measured in the same run (STREAM
// triad a = b + s·c over 3 × 256 MB, 3 arrays counted, all cores); `stream_fraction` =
// voxel visits/s × 4 B (one float voxel read per view, the traffic of a projector that
// streams the volume once per view with S = 1) / triad bandwidth. The projector batches views
// (the forward reads the volume once per ≤ 8 views, the adjoint once for all), so for it this is
// a reference rate, not a bound (bench/README.md, RESIRE section, gives its actual traffic).

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "vitrum/core/parallel.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/rng.hpp"

namespace {

using namespace vitrum::core;

/// Best of 5 STREAM triads over arrays far larger than any cache, in bytes per second.
double triad_bytes_per_second() {
  static const double measured = [] {
    const std::size_t n = std::size_t{1} << 25;  // 32 M doubles = 256 MB per array
    std::vector<double> a(n), b(n), c(n);
    const ExecutionContext ctx{};
    const std::size_t chunks = 64;
    // First touch by the threads that will stream them.
    parallel_for(ctx, 0, chunks, [&](std::size_t k) {
      for (std::size_t i = k * n / chunks; i < (k + 1) * n / chunks; ++i)
        a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
    });
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      parallel_for(ctx, 0, chunks, [&](std::size_t k) {
        for (std::size_t i = k * n / chunks; i < (k + 1) * n / chunks; ++i)
          a[i] = b[i] + 3.0 * c[i];
      });
      const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
      best = std::min(best, dt.count());
      benchmark::DoNotOptimize(a.data());
    }
    return 3.0 * static_cast<double>(n * sizeof(double)) / best;
  }();
  return measured;
}

void BM_ProjectorSeriesForwardAdjoint(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ProjectorParams params;
  params.subsamples = static_cast<int>(state.range(1));
  const ExecutionContext ctx{static_cast<int>(state.range(2))};
  const double bandwidth = triad_bytes_per_second();

  const double h = 0.4, first = -0.5 * static_cast<double>(n - 1) * h;
  Volume volume({n, n, n}, {h, h, h}, {first, first, first});
  RngStream rng(1, "bench.projector", n);
  for (float& v : volume.values()) v = static_cast<float>(rng.uniform());
  const Vec3 c = volume_center(volume);
  TiltSeries series;
  const std::size_t tilts = 46;
  series.images = Grid<float, 3>({tilts, n, n}, {1.0, h, h}, {0.0, first, first});
  for (std::size_t t = 0; t < tilts; ++t)
    series.euler_deg.push_back(
        {0.0, -63.0 + (55.9 + 63.0) * static_cast<double>(t) / (tilts - 1), 0.0});
  Volume gradient(volume.shape(), volume.sampling(), volume.origin());

  double forward_s = 0, adjoint_s = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    project_series(volume, c, series, params, ctx);
    const auto t1 = std::chrono::steady_clock::now();
    back_project_series(series, c, gradient, params, ctx);
    const auto t2 = std::chrono::steady_clock::now();
    forward_s += std::chrono::duration<double>(t1 - t0).count();
    adjoint_s += std::chrono::duration<double>(t2 - t1).count();
    benchmark::DoNotOptimize(gradient.data());
  }
  const double visits = 2.0 * static_cast<double>(tilts) * static_cast<double>(n * n * n) *
                        std::pow(params.subsamples, 3);
  const auto iterations = static_cast<double>(state.iterations());
  const double visits_per_second = visits * iterations / (forward_s + adjoint_s);
  state.counters["forward_ms"] = 1e3 * forward_s / iterations;
  state.counters["adjoint_ms"] = 1e3 * adjoint_s / iterations;
  state.counters["voxel_visits_per_second"] = visits_per_second;
  state.counters["triad_GBps"] = bandwidth * 1e-9;
  state.counters["stream_fraction"] = visits_per_second * 4.0 / bandwidth;
  state.counters["threads"] = ctx.resolved_threads();
}

// The Fourier-slice forward projector at the same workload: the 3× oversampled 3D FFT of the
// volume (reported as `setup_ms`, made once per volume, i.e. once per RESIRE iteration if
// RESIRE projects this way) and the 46 central slices + 2D inverse FFTs (the timed loop).
void BM_FourierSliceSeriesForward(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const ExecutionContext ctx{static_cast<int>(state.range(1))};
  const double h = 0.4, first = -0.5 * static_cast<double>(n - 1) * h;
  Volume volume({n, n, n}, {h, h, h}, {first, first, first});
  RngStream rng(1, "bench.projector", n);
  for (float& v : volume.values()) v = static_cast<float>(rng.uniform());
  const Vec3 c = volume_center(volume);
  FftPlanCache ffts;
  const auto t0 = std::chrono::steady_clock::now();
  const FourierSliceProjector fourier(volume, c, ffts);
  const std::chrono::duration<double> setup = std::chrono::steady_clock::now() - t0;
  Image image = detector_image(n, n, h, c);
  const std::size_t tilts = 46;
  for (auto _ : state) {
    for (std::size_t t = 0; t < tilts; ++t) {
      fourier.project({0.0, -63.0 + (55.9 + 63.0) * static_cast<double>(t) / (tilts - 1), 0.0},
                      image, ctx);
      benchmark::DoNotOptimize(image.data());
    }
  }
  state.counters["setup_ms"] = 1e3 * setup.count();
  state.counters["threads"] = ctx.resolved_threads();
}

BENCHMARK(BM_FourierSliceSeriesForward)
    ->ArgsProduct({{128, 256}, {1, 0}})
    ->Args({32, 1})
    ->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(BM_ProjectorSeriesForwardAdjoint)
    ->ArgsProduct({{128, 256}, {1, 2}, {1, 0}})
    ->Args({32, 1, 1})
    ->ArgNames({"n", "S", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
