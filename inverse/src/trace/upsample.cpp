#include "vitrum/inverse/trace/upsample.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {
namespace {

// Cubic B-spline interpolation coefficients of one line (in place), mirror (whole-sample
// symmetric) boundaries: Unser 1999 Box 2 / Thévenaz et al. 2000 eqs. for the pole
// z = √3 − 2 and gain (1 − z)(1 − 1/z) = 6. The causal initial value is exact for the
// mirrored signal (period 2n − 2).
void bspline_coefficients(std::vector<double>& c) {
  const std::size_t n = c.size();
  if (n < 2) return;
  const double z = std::sqrt(3.0) - 2.0;
  for (double& v : c) v *= 6.0;
  double z_k = z;
  const double z_n1 = std::pow(z, static_cast<double>(n - 1));
  double z_2n = z_n1 * z_n1 / z;  // z^(2n−3), decreasing to z^(n−1) below
  double sum = c[0] + z_n1 * c[n - 1];
  for (std::size_t k = 1; k + 1 < n; ++k) {
    sum += (z_k + z_2n) * c[k];
    z_k *= z;
    z_2n /= z;
  }
  c[0] = sum / (1.0 - z_n1 * z_n1);
  for (std::size_t k = 1; k < n; ++k) c[k] += z * c[k - 1];
  c[n - 1] = (z / (z * z - 1.0)) * (c[n - 1] + z * c[n - 2]);
  for (std::size_t k = n - 1; k-- > 0;) c[k] = z * (c[k + 1] - c[k]);
}

std::size_t mirror(long long k, std::size_t n) {
  const auto last = static_cast<long long>(n) - 1;
  if (k < 0) k = -k;
  if (k > last) k = 2 * last - k;
  return static_cast<std::size_t>(k);
}

// Resamples axis `axis` of `in` (shape s, row-major) at spacing 1/f, writing `out` with that
// axis of extent f(n − 1) + 1. Lines along the axis are independent.
void upsample_axis(const std::vector<float>& in, const std::array<std::size_t, 3>& s,
                   std::size_t axis, int f, std::vector<float>& out,
                   const core::ExecutionContext& ctx) {
  const std::size_t n = s[axis];
  const std::size_t m = n > 1 ? static_cast<std::size_t>(f) * (n - 1) + 1 : 1;
  std::array<std::size_t, 3> t = s;
  t[axis] = m;
  out.assign(t[0] * t[1] * t[2], 0.0f);
  const std::array<std::size_t, 3> in_stride{s[1] * s[2], s[2], 1};
  const std::array<std::size_t, 3> out_stride{t[1] * t[2], t[2], 1};
  const std::size_t a1 = axis == 0 ? 1 : 0;  // the two other axes
  const std::size_t a2 = axis == 2 ? 1 : 2;

  // Weights of the four coefficients c[i−1 … i+2] at fraction r/f past sample i (the cubic
  // B-spline β³ at r/f + 1, r/f, 1 − r/f, 2 − r/f).
  std::vector<std::array<double, 4>> w(static_cast<std::size_t>(f));
  for (int r = 0; r < f; ++r) {
    const double u = static_cast<double>(r) / f;
    w[static_cast<std::size_t>(r)] = {
        std::pow(1.0 - u, 3) / 6.0, (4.0 - 6.0 * u * u + 3.0 * u * u * u) / 6.0,
        (1.0 + 3.0 * u + 3.0 * u * u - 3.0 * u * u * u) / 6.0, u * u * u / 6.0};
  }
  core::parallel_for(ctx, 0, s[a1], [&](std::size_t i1) {
    std::vector<double> c(n);
    for (std::size_t i2 = 0; i2 < s[a2]; ++i2) {
      const std::size_t in0 = i1 * in_stride[a1] + i2 * in_stride[a2];
      const std::size_t out0 = i1 * out_stride[a1] + i2 * out_stride[a2];
      for (std::size_t k = 0; k < n; ++k) c[k] = in[in0 + k * in_stride[axis]];
      if (n == 1) {
        out[out0] = static_cast<float>(c[0]);
        continue;
      }
      bspline_coefficients(c);
      for (std::size_t j = 0; j < m; ++j) {
        const std::size_t i = j / static_cast<std::size_t>(f);
        const auto& wr = w[j % static_cast<std::size_t>(f)];
        const auto base = static_cast<long long>(i);
        double v = 0.0;
        for (int q = 0; q < 4; ++q)
          v += wr[static_cast<std::size_t>(q)] * c[mirror(base - 1 + q, n)];
        out[out0 + j * out_stride[axis]] = static_cast<float>(v);
      }
    }
  });
}

}  // namespace

core::Volume upsample_spline(const VolumeView& volume, int factor,
                             const core::ExecutionContext& ctx) {
  core::require(factor >= 1 && factor <= 8, "upsample", factor, "1 to 8");
  const auto& s = volume.shape;
  if (s[0] == 0 || s[1] == 0 || s[2] == 0)
    throw InputError("the volume is empty (" + std::to_string(s[0]) + "×" + std::to_string(s[1]) +
                     "×" + std::to_string(s[2]) + " voxels)");
  if (volume.values.size() != s[0] * s[1] * s[2])
    throw InputError("volume view holds " + std::to_string(volume.values.size()) +
                     " values for a shape of " + std::to_string(s[0] * s[1] * s[2]));
  std::array<std::size_t, 3> shape = s;
  std::vector<float> a(volume.values.begin(), volume.values.end());
  std::vector<float> b;
  for (std::size_t axis = 3; axis-- > 0;) {  // x first: the contiguous axis shrinks work least
    upsample_axis(a, shape, axis, factor, b, ctx);
    if (shape[axis] > 1) shape[axis] = static_cast<std::size_t>(factor) * (shape[axis] - 1) + 1;
    a.swap(b);
  }
  const core::Volume::Coords sampling{volume.sampling_A[0] / factor, volume.sampling_A[1] / factor,
                                      volume.sampling_A[2] / factor};
  core::Volume out(shape, sampling, volume.origin_A);
  out.values() = std::move(a);
  return out;
}

}  // namespace vitrum::inverse
