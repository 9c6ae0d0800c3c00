#pragma once
// Helpers shared by the forward kernels: FFT frequency grids, the ⅔ band limit, and complex
// products written on (re, im) pairs so they vectorise (std::complex's operator* must honour
// C99 Annex G infinities and calls a library routine per element at -O2).

#include <complex>
#include <cstddef>
#include <vector>

#include "vitrum/core/fft.hpp"

namespace vitrum::forward {

/// Spatial frequency (Å⁻¹) of FFT index k on an n-point axis of spacing sampling_A:
/// k/(n·s) for k < n/2 (rounded up), (k − n)/(n·s) above.
inline double fft_frequency_invA(std::size_t k, std::size_t n, double sampling_A) {
  const auto kk = static_cast<double>(k);
  const auto nn = static_cast<double>(n);
  return (k < (n + 1) / 2 ? kk : kk - nn) / (nn * sampling_A);
}

/// The ⅔ band limit |q| ≤ 1/(3·sampling) on an ny × nx FFT grid (Kirkland 2010, §6.8).
class BandLimit {
 public:
  BandLimit(std::size_t nx, std::size_t ny, double sampling_A) : inside_(nx * ny) {
    const double q_max = 1.0 / (3.0 * sampling_A);
    for (std::size_t iy = 0; iy < ny; ++iy)
      for (std::size_t ix = 0; ix < nx; ++ix) {
        const double qx = fft_frequency_invA(ix, nx, sampling_A);
        const double qy = fft_frequency_invA(iy, ny, sampling_A);
        inside_[iy * nx + ix] = qx * qx + qy * qy <= q_max * q_max ? 1.0f : 0.0f;
      }
  }
  /// Multiplies data inside the band by `scale` and zeroes it outside.
  void apply(core::AlignedVector<std::complex<float>>& data, float scale) const {
    for (std::size_t i = 0; i < data.size(); ++i) data[i] *= inside_[i] * scale;
  }
  bool inside(std::size_t i) const { return inside_[i] != 0.0f; }

 private:
  std::vector<float> inside_;
};

/// a[i] *= b[i] for n complex numbers.
inline void multiply(std::complex<float>* __restrict a, const std::complex<float>* __restrict b,
                     std::size_t n) {
  auto* x = reinterpret_cast<float*>(a);
  const auto* y = reinterpret_cast<const float*>(b);
  for (std::size_t i = 0; i < 2 * n; i += 2) {
    const float re = x[i] * y[i] - x[i + 1] * y[i + 1];
    const float im = x[i] * y[i + 1] + x[i + 1] * y[i];
    x[i] = re;
    x[i + 1] = im;
  }
}

/// Σ |a[i]|² over n complex numbers, accumulated in double.
inline double norm_squared(const std::complex<float>* a, std::size_t n) {
  const auto* x = reinterpret_cast<const float*>(a);
  double sum = 0.0;
  for (std::size_t i = 0; i < 2 * n; ++i) sum += static_cast<double>(x[i]) * x[i];
  return sum;
}

}  // namespace vitrum::forward
