#pragma once
// Synthetic volumes for the atom-tracing tests: Gaussian atoms at random amorphous positions
// (random sequential addition with a minimum pair distance), rendered on a cubic grid, and a
// one-to-one matching of traced to true positions.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/rng.hpp"

namespace vitrum::inverse::testing {

struct Blob {
  core::Vec3 position_A;
  double amplitude;
};

/// `count` points in [lo, hi]³ no closer than `min_distance_A`, drawn from a seeded stream.
inline std::vector<core::Vec3> amorphous_positions(std::size_t count, double lo, double hi,
                                                   double min_distance_A, std::uint64_t seed) {
  core::RngStream rng(seed, "trace-test-positions", 0);
  std::vector<core::Vec3> out;
  for (std::size_t attempt = 0; out.size() < count && attempt < 1000000; ++attempt) {
    const core::Vec3 r{lo + (hi - lo) * rng.uniform(), lo + (hi - lo) * rng.uniform(),
                       lo + (hi - lo) * rng.uniform()};
    const bool free = std::none_of(out.begin(), out.end(), [&](const core::Vec3& s) {
      return (s - r).norm() < min_distance_A;
    });
    if (free) out.push_back(r);
  }
  return out;
}

/// Gaussians a·exp(−|r − r_i|²/2σ²) on n³ voxels of h Å from `origin_A` (all axes).
inline core::Volume render(const std::vector<Blob>& blobs, std::size_t n, double h, double sigma_A,
                           double origin_A = 0.0) {
  core::Volume v({n, n, n}, {h, h, h}, {origin_A, origin_A, origin_A});
  const double reach = 5.0 * sigma_A;
  for (const Blob& b : blobs) {
    const auto lo = [&](double c) {
      return static_cast<std::size_t>(std::max(0.0, std::ceil((c - reach - origin_A) / h)));
    };
    const auto hi = [&](double c) {
      return std::min(n - 1, static_cast<std::size_t>(std::max(0.0, (c + reach - origin_A) / h)));
    };
    const core::Vec3& r = b.position_A;
    for (std::size_t z = lo(r.z()); z <= hi(r.z()); ++z)
      for (std::size_t y = lo(r.y()); y <= hi(r.y()); ++y)
        for (std::size_t x = lo(r.x()); x <= hi(r.x()); ++x) {
          const core::Vec3 p{origin_A + static_cast<double>(x) * h,
                             origin_A + static_cast<double>(y) * h,
                             origin_A + static_cast<double>(z) * h};
          v(z, y, x) += static_cast<float>(
              b.amplitude * std::exp(-(p - r).squaredNorm() / (2 * sigma_A * sigma_A)));
        }
  }
  return v;
}

struct Matching {
  std::size_t matched = 0;
  std::vector<std::size_t> truth_of;  ///< per traced atom: its truth index, or npos
  double rmsd_A = 0.0;
  double max_error_A = 0.0;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// One-to-one matching within `radius_A`: pairs taken greedily in order of distance (each
/// atom at most once on either side).
inline Matching match(const std::vector<core::Vec3>& traced, const std::vector<core::Vec3>& truth,
                      double radius_A) {
  struct Pair {
    double d;
    std::size_t i, j;
  };
  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < traced.size(); ++i)
    for (std::size_t j = 0; j < truth.size(); ++j) {
      const double d = (traced[i] - truth[j]).norm();
      if (d <= radius_A) pairs.push_back({d, i, j});
    }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    return a.d != b.d ? a.d < b.d : (a.i != b.i ? a.i < b.i : a.j < b.j);
  });
  Matching m;
  m.truth_of.assign(traced.size(), Matching::npos);
  std::vector<bool> used(truth.size(), false);
  double sum2 = 0.0;
  for (const Pair& p : pairs) {
    if (m.truth_of[p.i] != Matching::npos || used[p.j]) continue;
    m.truth_of[p.i] = p.j;
    used[p.j] = true;
    ++m.matched;
    sum2 += p.d * p.d;
    m.max_error_A = std::max(m.max_error_A, p.d);
  }
  if (m.matched) m.rmsd_A = std::sqrt(sum2 / static_cast<double>(m.matched));
  return m;
}

}  // namespace vitrum::inverse::testing
