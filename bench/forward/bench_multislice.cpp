// Multislice ADF-STEM speed on the peers' workload (issue 5, PHYSICS.md §2): 443 random Ta
// atoms in a 20 Å cube, a periodic 256² grid (0.078 Å), 2 Å slices, 200 kV, 20 mrad probe,
// ADF 60–100 mrad, 20×20 or 40×40 probes. Peers on this kind of machine, one core: Prismatic
// 6.4, Kirkland autostem 5.7, abTEM 6.0 ms per probe.
//
// Arguments: probes per side, window (Å; 0 = the whole cell), threads. Counters:
//   ms_per_probe_core   wall time × threads / probes (cost on one core)
//   fft_limit_ms        2 FFTs per slice per probe at the window size, timed in this run
//   ratio_to_fft_limit  ms_per_probe_core / fft_limit_ms
//   speedup_vs_autostem 5.7 ms / ms_per_probe_core (the fastest peer)
//   window_error        mean |windowed − whole cell| / image mean (0 for the whole cell)
//   window_error_max    the worst probe's difference / image mean

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <map>

#include "vitrum/core/rng.hpp"
#include "vitrum/forward/multislice.hpp"
#include "vitrum/forward/potential.hpp"

namespace {

using namespace vitrum;

constexpr double kFastestPeerMsPerProbe = 5.7;  // Kirkland autostem (PHYSICS.md §2)

core::AtomicModel random_ta_cube() {
  core::AtomicModel model(core::Cell::orthorhombic(20, 20, 20));
  core::RngStream rng(2024, "bench.atoms", 0);
  while (model.size() < 443) {
    const core::Vec3 r(20 * rng.uniform(), 20 * rng.uniform(), 20 * rng.uniform());
    bool clear = true;
    for (const auto& q : model.positions_A()) {
      core::Vec3 d = q - r;
      for (int a = 0; a < 3; ++a) d[a] -= 20 * std::round(d[a] / 20);  // periodic cell
      clear = clear && d.norm() > 2.2;
    }
    if (clear) model.add_atom(r, 73);
  }
  return model;
}

struct Workload {
  core::FftPlanCache ffts{{core::FftRigor::kMeasure, {}}};
  forward::SliceStack stack;
  forward::ProbeParams beam;
  std::vector<forward::AnnularDetector> detectors{{"adf", 60, 100}};
  std::map<int, std::vector<double>> full_cell_image;  // per probes-per-side

  Workload() {
    forward::LateralGrid grid;
    grid.nx = grid.ny = 256;
    grid.sampling_A = 20.0 / 256;
    stack = forward::transmission_functions(random_ta_cube(), grid, {}, 200, {}, ffts);
    beam.energy_keV = 200;
    beam.convergence_semiangle_mrad = 20;
  }
  static Workload& get() {
    static Workload w;
    return w;
  }
};

std::vector<std::array<double, 2>> probe_grid(int per_side) {
  std::vector<std::array<double, 2>> positions;
  const double step = 20.0 / per_side;
  for (int i = 0; i < per_side; ++i)
    for (int j = 0; j < per_side; ++j) positions.push_back({(j + 0.5) * step, (i + 0.5) * step});
  return positions;
}

/// Time of one forward + inverse FFT pair of n² complex floats (ms), median of 5 runs of 50.
double fft_pair_ms(core::FftPlanCache& ffts, std::size_t n) {
  const std::array<std::size_t, 2> shape{n, n};
  const auto plan = ffts.plan_float(shape);
  core::AlignedVector<std::complex<float>> a(n * n, {1.0f, 0.5f});
  std::vector<double> runs;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 50; ++k) {
      plan->forward(a);
      plan->inverse(a);
      for (auto& v : a) v *= 1.0f / static_cast<float>(n * n);
    }
    runs.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
        50);
  }
  std::sort(runs.begin(), runs.end());
  return runs[2];
}

void BM_MultisliceAdf(benchmark::State& state) {
  Workload& w = Workload::get();
  const int per_side = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(2));
  forward::MultisliceParams params;
  params.window_A = static_cast<double>(state.range(1));
  const forward::ProbeScan scan(w.stack, w.beam, w.detectors, params, w.ffts);
  const auto positions = probe_grid(per_side);
  const core::ExecutionContext ctx{threads};
  (void)scan.run({positions.front()}, ctx);  // warm up

  std::vector<double> image;
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    image = scan.run(positions, ctx).value[0][0];
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(image.data());
  }
  const double ms_per_probe_core =
      1e3 * seconds * threads / static_cast<double>(state.iterations() * positions.size());
  const double fft_limit_ms =
      fft_pair_ms(w.ffts, scan.window_pixels()) * static_cast<double>(w.stack.slice_count());
  state.counters["ms_per_probe_core"] = ms_per_probe_core;
  state.counters["fft_limit_ms"] = fft_limit_ms;
  state.counters["ratio_to_fft_limit"] = ms_per_probe_core / fft_limit_ms;
  state.counters["speedup_vs_autostem"] = kFastestPeerMsPerProbe / ms_per_probe_core;
  state.counters["window_px"] = static_cast<double>(scan.window_pixels());

  auto& full = w.full_cell_image[per_side];
  if (params.window_A == 0) full = image;
  if (!full.empty()) {
    double mean = 0, error = 0, worst = 0;
    for (std::size_t i = 0; i < image.size(); ++i) {
      mean += full[i] / static_cast<double>(image.size());
      error += std::abs(image[i] - full[i]) / static_cast<double>(image.size());
      worst = std::max(worst, std::abs(image[i] - full[i]));
    }
    state.counters["window_error"] = error / mean;
    state.counters["window_error_max"] = worst / mean;
  }
}

// The whole cell first (it is the reference for the windows' error), then windows.
BENCHMARK(BM_MultisliceAdf)
    ->ArgNames({"probes", "window_A", "threads"})
    ->ArgsProduct({{20, 40}, {0, 10, 12, 16}, {1, 2}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
