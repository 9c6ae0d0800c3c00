// One RESIRE iteration (inverse/tomo/resire.hpp) at the Ta-film workload: 46 tilts about y from
// −63.0° to +55.9° (seed 001), n × n detectors of 0.4 Å, an n³ reconstruction of 0.4 Å voxels
// (the defaults: voxel = pixel, edge = image width), S = 1.
// Arguments: n, threads (0 = all cores).
// Reported (manual time): [time of 3 iterations − time of 1 iteration] / 2, so the set-up and
// the final R₁ projection cancel; an iteration is one forward projection of the series, the
// residual and R₁, one back-projection, and the clamped update. The forward projector skips
// zero voxels, so an iteration gets cheaper as positivity clamps more of the box to zero; these
// are iterations 2 and 3 from O = 0.

#include <benchmark/benchmark.h>

#include <chrono>

#include "vitrum/core/projector.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace {

using namespace vitrum;

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
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(inverse::resire(series, c, one, ctx, quiet).volume.data());
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(inverse::resire(series, c, three, ctx, quiet).volume.data());
    const auto t2 = std::chrono::steady_clock::now();
    state.SetIterationTime(
        0.5 *
        (std::chrono::duration<double>(t2 - t1) - std::chrono::duration<double>(t1 - t0)).count());
  }
  state.counters["threads"] = ctx.resolved_threads();
}

BENCHMARK(BM_ResireIteration)
    ->ArgsProduct({{64, 128}, {1, 0}})
    ->Args({32, 1})
    ->ArgNames({"n", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

}  // namespace
