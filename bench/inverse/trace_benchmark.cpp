// Atom tracing (inverse/trace/trace.hpp) of an n³ volume of 0.4 Å voxels holding a spherical
// particle (radius 0.4 n·h) of Gaussian atoms (σ = 0.45 Å) on a jittered cubic lattice of
// 2.6 Å (jitter ±0.2 Å per axis, so no pair is closer than 2.2 Å): at n = 128 about 1700 atoms
// in a 382³ upsampled grid. Arguments: n, threads (0 = all cores).

#include <benchmark/benchmark.h>

#include <cmath>

#include "vitrum/core/rng.hpp"
#include "vitrum/inverse/trace/trace.hpp"

namespace {

using namespace vitrum;

core::Volume particle(std::size_t n, double h) {
  core::Volume v({n, n, n}, {h, h, h});
  const double centre = 0.5 * static_cast<double>(n - 1) * h,
               radius = 0.4 * static_cast<double>(n) * h;
  const double a = 2.6, sigma = 0.45;
  core::RngStream rng(1, "bench.trace", n);
  const int m = static_cast<int>(std::ceil(radius / a));
  for (int i = -m; i <= m; ++i)
    for (int j = -m; j <= m; ++j)
      for (int k = -m; k <= m; ++k) {
        const core::Vec3 r{centre + a * i + 0.4 * (rng.uniform() - 0.5),
                           centre + a * j + 0.4 * (rng.uniform() - 0.5),
                           centre + a * k + 0.4 * (rng.uniform() - 0.5)};
        if ((r - core::Vec3::Constant(centre)).norm() > radius) continue;
        const auto lo = [&](double c) {
          return static_cast<std::size_t>(std::max(0.0, std::ceil((c - 5 * sigma) / h)));
        };
        const auto hi = [&](double c) {
          return std::min(n - 1, static_cast<std::size_t>((c + 5 * sigma) / h));
        };
        for (std::size_t z = lo(r.z()); z <= hi(r.z()); ++z)
          for (std::size_t y = lo(r.y()); y <= hi(r.y()); ++y)
            for (std::size_t x = lo(r.x()); x <= hi(r.x()); ++x) {
              const core::Vec3 p{static_cast<double>(x) * h, static_cast<double>(y) * h,
                                 static_cast<double>(z) * h};
              v(z, y, x) +=
                  static_cast<float>(std::exp(-(p - r).squaredNorm() / (2 * sigma * sigma)));
            }
      }
  return v;
}

void BM_TraceVolume(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const core::ExecutionContext ctx{static_cast<int>(state.range(1))};
  const core::Volume volume = particle(n, 0.4);
  const core::Logger quiet(core::Verbosity::kQuiet);
  std::size_t atoms = 0;
  for (auto _ : state) {
    const inverse::TraceResult r =
        inverse::trace_atoms(inverse::VolumeView(volume), {}, {}, ctx, quiet);
    atoms = r.positions_A.size();
    benchmark::DoNotOptimize(r.positions_A.data());
  }
  state.counters["atoms"] = static_cast<double>(atoms);
  state.counters["threads"] = ctx.resolved_threads();
}

BENCHMARK(BM_TraceVolume)
    ->ArgNames({"n", "threads"})
    ->Args({32, 1})
    ->Args({64, 1})
    ->Args({128, 1})
    ->Args({128, 2})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
