#include "vitrum/analysis/spherical_harmonics.hpp"

#include <array>
#include <cmath>
#include <numbers>

#include "vitrum/core/error.hpp"

namespace vitrum::analysis {

namespace {

/// Coefficients of the l-recurrence P̃_l^m = a_lm (x P̃_{l−1}^m − b_lm P̃_{l−2}^m):
/// a_lm = sqrt((4l² − 1)/(l² − m²)), b_lm = sqrt(((l−1)² − m²)/(4(l−1)² − 1)), and of the
/// diagonal P̃_m^m = −sqrt((2m+1)/(2m)) sin θ P̃_{m−1}^{m−1}. Computed once (constant data).
struct RecurrenceTable {
  std::array<double, harmonic_index(kMaxHarmonicDegree, kMaxHarmonicDegree) + 1> a{}, b{};
  std::array<double, kMaxHarmonicDegree + 1> diagonal{};
  RecurrenceTable() {
    for (int l = 2; l <= kMaxHarmonicDegree; ++l)
      for (int m = 0; m <= l - 2; ++m) {
        const double l2 = double(l) * l, m2 = double(m) * m, lm1 = double(l - 1);
        a[harmonic_index(l, m)] = std::sqrt((4.0 * l2 - 1.0) / (l2 - m2));
        b[harmonic_index(l, m)] = std::sqrt((lm1 * lm1 - m2) / (4.0 * lm1 * lm1 - 1.0));
      }
    for (int m = 1; m <= kMaxHarmonicDegree; ++m)
      diagonal[std::size_t(m)] = -std::sqrt((2.0 * m + 1.0) / (2.0 * m));
  }
};

const RecurrenceTable& recurrence() {
  static const RecurrenceTable table;
  return table;
}

}  // namespace

void spherical_harmonics(int l_max, const core::Vec3& r, std::span<std::complex<double>> out) {
  if (l_max < 0 || l_max > kMaxHarmonicDegree)
    throw InputError("spherical harmonic degree " + std::to_string(l_max) +
                     " is out of range; allowed: 0 to " + std::to_string(kMaxHarmonicDegree));
  if (out.size() < harmonic_index(l_max, l_max) + 1)
    throw InputError("spherical_harmonics: output span too short");
  const double norm = r.norm();
  const double x = r.z() / norm;  // cos θ
  const double rho = std::hypot(r.x(), r.y());
  const double sin_theta = rho / norm;
  // e^{iφ}; at the poles every m > 0 term vanishes, so any unit phase will do.
  const std::complex<double> phase =
      rho > 0.0 ? std::complex<double>(r.x() / rho, r.y() / rho) : std::complex<double>(1.0, 0.0);

  // P̃_l^m = sqrt((2l+1)/(4π) (l−m)!/(l+m)!) P_l^m(x), P_l^m with the Condon–Shortley phase.
  const RecurrenceTable& t = recurrence();
  double pmm = 1.0 / std::sqrt(4.0 * std::numbers::pi);
  std::complex<double> e_imphi(1.0, 0.0);
  for (int m = 0; m <= l_max; ++m) {
    if (m > 0) {
      pmm *= t.diagonal[std::size_t(m)] * sin_theta;
      e_imphi *= phase;
    }
    out[harmonic_index(m, m)] = pmm * e_imphi;
    if (m == l_max) break;
    double p_prev = pmm;
    double p_cur = std::sqrt(2.0 * m + 3.0) * x * pmm;  // l = m + 1
    out[harmonic_index(m + 1, m)] = p_cur * e_imphi;
    for (int l = m + 2; l <= l_max; ++l) {
      const std::size_t k = harmonic_index(l, m);
      const double p_next = t.a[k] * (x * p_cur - t.b[k] * p_prev);
      p_prev = p_cur;
      p_cur = p_next;
      out[harmonic_index(l, m)] = p_cur * e_imphi;
    }
  }
}

}  // namespace vitrum::analysis
