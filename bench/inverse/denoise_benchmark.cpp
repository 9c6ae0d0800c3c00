// BM3D denoising (inverse/preprocess/denoise.hpp) of an n² ADF-STEM-like image: Gaussian atoms
// (σ = 2.5 px, ≥ 9 px apart) 8 counts high on a background of 1 count, α = 2 units/count,
// σ = 1 unit, noise model estimated from the image, the paper's normal profile (both steps).
// Arguments: n, threads (0 = all cores). Counters: PSNR before and after (dB).

#include <benchmark/benchmark.h>

#include "vitrum/inverse/preprocess/denoise.hpp"

namespace {

using namespace vitrum;

void BM_DenoiseBm3d(benchmark::State& state) {
  const inverse::NoiseModel noise{2.0, 1.0, 0.0};
  inverse::TuneParams sim_params;
  sim_params.size_px = static_cast<int>(state.range(0));
  sim_params.background = 1.0 * noise.alpha;
  sim_params.peak = 8.0 * noise.alpha;
  const inverse::SimulatedImage sim = inverse::simulate_blob_image(noise, sim_params);
  const core::ExecutionContext ctx{static_cast<int>(state.range(1))};
  const inverse::DenoiseParams params;
  double psnr = 0.0;
  for (auto _ : state) {
    const core::Image out = inverse::denoise_bm3d(sim.noisy, params, ctx);
    benchmark::DoNotOptimize(out.data());
    psnr = inverse::psnr_db(out, sim.clean);
  }
  state.counters["psnr_noisy_dB"] = inverse::psnr_db(sim.noisy, sim.clean);
  state.counters["psnr_denoised_dB"] = psnr;
  state.counters["threads"] = ctx.resolved_threads();
}

BENCHMARK(BM_DenoiseBm3d)
    ->ArgNames({"n", "threads"})
    ->Args({64, 1})
    ->Args({256, 1})
    ->Args({256, 2})
    ->Args({512, 1})
    ->Args({512, 2})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
