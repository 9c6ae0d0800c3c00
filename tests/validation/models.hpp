#pragma once
// Test models for the validation tests: random packings with a minimum distance, so that the
// expected matchings are unambiguous.

#include <cstdint>
#include <random>

#include "vitrum/core/atomic_model.hpp"

namespace vitrum::validation::test {

/// n atoms of element Z in a cube of edge `box_A` (random sequential addition, every pair at
/// least `min_distance_A` apart), periodic or finite.
inline core::AtomicModel random_packing(std::size_t n, double box_A, double min_distance_A,
                                        std::uint64_t seed, bool periodic = false, int Z = 73) {
  core::AtomicModel m(
      core::Cell::orthorhombic(box_A, box_A, box_A, {periodic, periodic, periodic}));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, box_A);
  while (m.size() < n) {
    const core::Vec3 p(u(rng), u(rng), u(rng));
    bool ok = true;
    for (const core::Vec3& q : m.positions_A()) {
      core::Vec3 d = p - q;
      if (periodic)
        for (int a = 0; a < 3; ++a) d[a] -= box_A * std::round(d[a] / box_A);
      if (d.norm() < min_distance_A) {
        ok = false;
        break;
      }
    }
    if (ok) m.add_atom(p, Z);
  }
  return m;
}

}  // namespace vitrum::validation::test
