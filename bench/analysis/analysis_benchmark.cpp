// The analysis kernels on a noisy fcc crystal (a = 4.0 Å, σ = 0.1 Å per axis, periodic), the
// stand-in for an MD glass until the sim module exists. Argument: cubic cells per edge n
// (4n³ atoms: 20 → 32,000, 40 → 256,000). Threads: all cores. Reported: time per call and
// `atoms_per_second`. Each benchmark runs one iteration by default, so a plain run is short.

#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "vitrum/analysis/boo.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/analysis/pair_distribution.hpp"
#include "vitrum/analysis/pbn.hpp"
#include "vitrum/analysis/polytetrahedral.hpp"
#include "vitrum/analysis/voronoi.hpp"
#include "vitrum/core/rng.hpp"

namespace {

using namespace vitrum;

const core::AtomicModel& noisy_fcc(int n) {
  static std::map<int, std::unique_ptr<core::AtomicModel>> cache;
  auto& slot = cache[n];
  if (!slot) {
    const double a = 4.0;
    slot = std::make_unique<core::AtomicModel>(core::Cell::orthorhombic(n * a, n * a, n * a));
    const core::Vec3 basis[4] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    std::uint64_t k = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        for (int l = 0; l < n; ++l)
          for (const core::Vec3& b : basis) {
            core::RngStream rng(1, "bench.fcc", k++);
            slot->add_atom((core::Vec3(i, j, l) + b) * a +
                               0.1 * core::Vec3(rng.normal(), rng.normal(), rng.normal()),
                           46);
          }
  }
  return *slot;
}

constexpr double kRc = 3.4;  // first valley of this crystal's g(r)
const core::ExecutionContext kAllCores{0};

void finish(benchmark::State& state, const core::AtomicModel& m) {
  state.counters["atoms_per_second"] = benchmark::Counter(
      double(m.size()) * double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_NeighborList(benchmark::State& state) {
  const auto& m = noisy_fcc(int(state.range(0)));
  for (auto _ : state) {
    const analysis::NeighborQuery q(m, analysis::NeighborParams{kRc});
    const analysis::NeighborList list(q, kAllCores);
    benchmark::DoNotOptimize(list.total());
  }
  finish(state, m);
}

void BM_PairDistribution(benchmark::State& state) {
  const auto& m = noisy_fcc(int(state.range(0)));
  for (auto _ : state) {
    const auto g = analysis::pair_distribution(m, {}, kAllCores);
    benchmark::DoNotOptimize(g.g.data());
  }
  finish(state, m);
}

void BM_BondOrientationalOrder(benchmark::State& state) {
  const auto& m = noisy_fcc(int(state.range(0)));
  analysis::BooParams p;
  p.rc_A = kRc;
  for (auto _ : state) {
    const analysis::NeighborList list(analysis::NeighborQuery(m, analysis::NeighborParams{kRc}),
                                      kAllCores);
    const auto boo = analysis::bond_orientational_order(m, list, p, kAllCores);
    benchmark::DoNotOptimize(boo.qbar.data());
  }
  finish(state, m);
}

void BM_Voronoi(benchmark::State& state) {
  const auto& m = noisy_fcc(int(state.range(0)));
  analysis::VoronoiParams p;
  p.regulation =
      state.range(1) ? analysis::FaceRegulation::kRetessellate : analysis::FaceRegulation::kNone;
  for (auto _ : state) {
    const auto v = analysis::voronoi_analysis(m, p, kAllCores);
    benchmark::DoNotOptimize(v.index.data());
  }
  state.SetLabel(state.range(1) ? "regulated" : "unregulated");
  finish(state, m);
}

void BM_PolytetrahedralAndPbn(benchmark::State& state) {
  const auto& m = noisy_fcc(int(state.range(0)));
  analysis::PolytetrahedralParams p;
  p.rc_A = kRc;
  for (auto _ : state) {
    const auto motifs = analysis::polytetrahedral_analysis(m, {}, p, kAllCores);
    const auto pbn = analysis::pbn_analysis(motifs, {});
    benchmark::DoNotOptimize(pbn.networks.data());
  }
  finish(state, m);
}

BENCHMARK(BM_NeighborList)->Arg(20)->Arg(40)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_PairDistribution)->Arg(20)->Arg(40)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_BondOrientationalOrder)
    ->Arg(20)
    ->Arg(40)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_Voronoi)
    ->Args({20, 0})
    ->Args({20, 1})
    ->Args({40, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_PolytetrahedralAndPbn)->Arg(20)->Arg(40)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
