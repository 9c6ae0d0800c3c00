#pragma once
/// \file
/// Spherical harmonics Y_l^m(θ, φ) for the bond-orientational order parameters, with the
/// Condon–Shortley phase and orthonormal on the unit sphere (the convention of
/// std::sph_legendre, C++17 [sf.cmath.sph.legendre], and of Steinhardt, Nelson & Ronchetti,
/// PRB 28, 784 (1983)).

#include <complex>
#include <span>

#include "vitrum/core/atomic_model.hpp"

namespace vitrum::analysis {

/// Largest degree supported.
inline constexpr int kMaxHarmonicDegree = 16;

/// Y_l^m of the direction of `r` (any non-zero length) for every l ≤ l_max and 0 ≤ m ≤ l,
/// stored at out[l(l+1)/2 + m]; out needs (l_max+1)(l_max+2)/2 entries. Negative m follow
/// from Y_l^{−m} = (−1)^m conj(Y_l^m). The normalised associated Legendre functions come from
/// the stable recurrences in m and l (Numerical Recipes 3rd ed., §6.7, eqs. 6.7.9–6.7.10).
/// InputError if l_max is outside 0…kMaxHarmonicDegree or out is too short.
void spherical_harmonics(int l_max, const core::Vec3& r, std::span<std::complex<double>> out);

/// Index of Y_l^m in the output of spherical_harmonics.
constexpr std::size_t harmonic_index(int l, int m) {
  return static_cast<std::size_t>(l * (l + 1) / 2 + m);
}

}  // namespace vitrum::analysis
