#include "vitrum/core/rng.hpp"

#include <bit>
#include <cmath>
#include <numbers>
#include <string>

#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {

// SplitMix64 (Steele, Lea & Flood 2014): a bijective mixer used to spread the key bits.
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a, 64 bit: a stable hash of the stage name (std::hash is not stable across builds).
std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

RngStream::RngStream(std::uint64_t seed, std::string_view stage, std::uint64_t item) {
  std::uint64_t x = seed;
  std::uint64_t key = splitmix64(x);
  x = key ^ fnv1a64(stage);
  key = splitmix64(x);
  x = key ^ item;
  for (auto& s : state_) s = splitmix64(x);
}

std::uint64_t RngStream::next_u64() {
  // xoshiro256** 1.0 (Blackman & Vigna).
  const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = std::rotl(state_[3], 45);
  return result;
}

double RngStream::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double RngStream::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  // Box–Muller: u1 in (0, 1] so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return radius * std::cos(angle);
}

std::uint64_t RngStream::poisson(double mean) {
  if (!(mean >= 0.0) || !std::isfinite(mean))
    throw InputError("Poisson mean must be finite and non-negative, got " + std::to_string(mean));
  if (mean == 0.0) return 0;
  if (mean < 10.0) {
    // Sequential search of the cumulative distribution (inversion).
    const double u = uniform();
    double p = std::exp(-mean);
    double cumulative = p;
    std::uint64_t k = 0;
    while (u > cumulative && p > 0.0) {
      ++k;
      p *= mean / static_cast<double>(k);
      cumulative += p;
    }
    return k;
  }
  // PTRS (Hörmann 1993, Table 1), constants as given there for mean ≥ 10.
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * log_mean - std::lgamma(k + 1.0))
      return static_cast<std::uint64_t>(k);
  }
}

}  // namespace vitrum::core
