// 2D complex single-precision FFT, forward + inverse in place, through the plan cache:
// the physical limit of a multislice step (two FFTs per slice per probe, PHYSICS.md §2).
// Arguments: grid edge n (n × n), and the planner rigor (0 = estimate, 1 = measure).
// Reported: time per forward+inverse pair, and `pairs_per_second`.

#include <benchmark/benchmark.h>

#include <complex>

#include "vitrum/core/fft.hpp"
#include "vitrum/core/rng.hpp"

namespace {

using vitrum::core::AlignedVector;
using vitrum::core::FftPlanCache;
using vitrum::core::FftRigor;

void BM_Fft2dComplexFloatForwardInverse(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const FftRigor rigor = state.range(1) ? FftRigor::kMeasure : FftRigor::kEstimate;
  FftPlanCache cache({rigor, {}});
  const std::array<std::size_t, 2> shape{n, n};
  const auto plan = cache.plan_float(shape);
  AlignedVector<std::complex<float>> wave(n * n);
  vitrum::core::RngStream rng(1, "bench.fft", n);
  for (auto& v : wave) v = {static_cast<float>(rng.normal()), static_cast<float>(rng.normal())};
  const float scale = 1.0f / static_cast<float>(n * n);
  for (auto _ : state) {
    plan->forward(wave);
    plan->inverse(wave);
    // Renormalise outside the FFT cost that matters, but keep values bounded.
    state.PauseTiming();
    for (auto& v : wave) v *= scale;
    state.ResumeTiming();
    benchmark::DoNotOptimize(wave.data());
  }
  state.counters["pairs_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(rigor == FftRigor::kMeasure ? "measure" : "estimate");
}

BENCHMARK(BM_Fft2dComplexFloatForwardInverse)
    ->ArgsProduct({{128, 256, 512, 1024}, {0, 1}})
    ->ArgNames({"n", "measure"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
