#pragma once
/// \file
/// Deterministic random streams (DESIGN.md "Randomness"). Every random draw in vitrum comes
/// from a stream keyed by (run seed, stage name, item index), so a result never depends on
/// the thread count or the order in which items are scheduled: same seed, same bytes.
///
/// Generator: xoshiro256** (Blackman & Vigna 2021, ACM TOMS 47, 36), seeded through
/// SplitMix64 from a hash of the key. The distributions are implemented here rather than
/// taken from <random>, whose normal/Poisson algorithms differ between standard libraries.

#include <array>
#include <cstdint>
#include <string_view>

namespace vitrum::core {

class RngStream {
 public:
  /// The stream for item `item` of stage `stage` in a run with seed `seed`.
  RngStream(std::uint64_t seed, std::string_view stage, std::uint64_t item);

  /// Uniform 64-bit integer.
  std::uint64_t next_u64();
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform();
  /// Standard normal deviate (Box–Muller, polar-free form; both values are used).
  double normal();
  /// Poisson deviate with the given mean (mean ≥ 0): sequential inversion for mean < 10,
  /// Hörmann's PTRS transformed rejection otherwise (Hörmann 1993, Insurance: Mathematics
  /// and Economics 12, 39), exact for any mean.
  std::uint64_t poisson(double mean);

 private:
  std::array<std::uint64_t, 4> state_{};
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace vitrum::core
