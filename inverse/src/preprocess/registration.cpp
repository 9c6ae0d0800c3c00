#include "vitrum/inverse/preprocess/registration.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

namespace {

using Complex = std::complex<double>;
using Spectrum = core::AlignedVector<Complex>;

/// Signed DFT frequency index of bin k of n (the Nyquist bin of an even n counts as +n/2).
double signed_frequency(std::size_t k, std::size_t n) {
  return k <= n / 2 ? static_cast<double>(k) : static_cast<double>(k) - static_cast<double>(n);
}

/// The phase factor of a translation by `shift` px for bin k of n. The Nyquist bin of an even
/// axis takes the real part (cos) so the Hermitian symmetry of a real image is kept.
Complex shift_phase(std::size_t k, std::size_t n, double shift) {
  if (n % 2 == 0 && k == n / 2) return {std::cos(std::numbers::pi * shift), 0.0};
  const double a =
      -2.0 * std::numbers::pi * signed_frequency(k, n) * shift / static_cast<double>(n);
  return {std::cos(a), std::sin(a)};
}

template <class T>
Spectrum forward_spectrum(std::span<const T> values, bool subtract_mean,
                          const core::FftPlan<double>& plan) {
  double mean = 0.0;
  if (subtract_mean) {
    for (T v : values) mean += static_cast<double>(v);
    mean /= static_cast<double>(values.size());
  }
  Spectrum s(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    s[i] = {static_cast<double>(values[i]) - mean, 0.0};
  plan.forward(s);
  return s;
}

template <class T>
void check_finite(std::span<const T> values, const std::string& what) {
  for (T v : values)
    if (!std::isfinite(static_cast<double>(v)))
      throw InputError(what + " holds a non-finite value (NaN or infinity)");
}

/// The registration of two row-major ny × nx arrays (see register_translation).
template <class T>
Shift2 register_arrays(std::size_t ny, std::size_t nx, std::span<const T> reference,
                       std::span<const T> moving, const RegistrationParams& params,
                       core::FftPlanCache& ffts) {
  params.validate();
  if (ny * nx < 2) throw InputError("registration needs images of at least 2 pixels");
  check_finite(reference, "the reference image");
  check_finite(moving, "the moving image");
  const std::array<std::size_t, 2> shape{ny, nx};
  const auto plan = ffts.plan_double(shape);
  const Spectrum r = forward_spectrum(reference, params.subtract_mean, *plan);
  const Spectrum m = forward_spectrum(moving, params.subtract_mean, *plan);
  // G = M·conj(R): its inverse DFT is C(s) = Σ_r moving(r)·reference(r − s) (Parseval).
  Spectrum g(r.size());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = m[i] * std::conj(r[i]);
  Spectrum c = g;
  plan->inverse(c);
  std::size_t best = 0;
  for (std::size_t i = 1; i < c.size(); ++i)
    if (c[i].real() > c[best].real()) best = i;
  const double y0 = signed_frequency(best / nx, ny);
  const double x0 = signed_frequency(best % nx, nx);
  if (params.upsampling == 1) return {x0, y0};

  // Guizar-Sicairos et al. (2008): C on a grid of 1/u px within ±1.5 px of the integer peak,
  // C(sy, sx) = Σ_ky Σ_kx G(ky, kx) e^{2πi(kx·sx/nx + ky·sy/ny)}, as two small matrix products.
  const double u = params.upsampling;
  const auto half = static_cast<std::size_t>(std::ceil(1.5 * u));
  const std::size_t mx = nx > 1 ? 2 * half + 1 : 1, my = ny > 1 ? 2 * half + 1 : 1;
  const auto offset = [&](std::size_t j, std::size_t count) {
    return count == 1 ? 0.0 : (static_cast<double>(j) - static_cast<double>(half)) / u;
  };
  const auto kernel = [](double k, double s, std::size_t n) {
    const double a = 2.0 * std::numbers::pi * k * s / static_cast<double>(n);
    return Complex(std::cos(a), std::sin(a));
  };
  std::vector<Complex> ex(nx * mx), ey(my * ny);
  for (std::size_t kx = 0; kx < nx; ++kx)
    for (std::size_t j = 0; j < mx; ++j)
      ex[kx * mx + j] = kernel(signed_frequency(kx, nx), x0 + offset(j, mx), nx);
  for (std::size_t j = 0; j < my; ++j)
    for (std::size_t ky = 0; ky < ny; ++ky)
      ey[j * ny + ky] = kernel(signed_frequency(ky, ny), y0 + offset(j, my), ny);
  std::vector<Complex> t(ny * mx, Complex(0.0, 0.0));
  for (std::size_t ky = 0; ky < ny; ++ky)
    for (std::size_t kx = 0; kx < nx; ++kx) {
      const Complex gk = g[ky * nx + kx];
      for (std::size_t j = 0; j < mx; ++j) t[ky * mx + j] += gk * ex[kx * mx + j];
    }
  std::vector<double> fine(my * mx);
  std::size_t bx = 0, by = 0;
  for (std::size_t jy = 0; jy < my; ++jy)
    for (std::size_t jx = 0; jx < mx; ++jx) {
      Complex sum(0.0, 0.0);
      for (std::size_t ky = 0; ky < ny; ++ky) sum += ey[jy * ny + ky] * t[ky * mx + jx];
      fine[jy * mx + jx] = sum.real();
      if (fine[jy * mx + jx] > fine[by * mx + bx]) bx = jx, by = jy;
    }
  // A parabola through the fine-grid maximum and its two neighbours per axis places the peak
  // between grid points (the correlation peak is smooth on a 1/u px grid).
  const auto vertex = [](double minus, double centre, double plus) {
    const double curvature = minus - 2.0 * centre + plus;
    return curvature < 0.0 ? std::clamp(0.5 * (minus - plus) / curvature, -0.5, 0.5) : 0.0;
  };
  double fx = 0.0, fy = 0.0;
  if (bx > 0 && bx + 1 < mx)
    fx = vertex(fine[by * mx + bx - 1], fine[by * mx + bx], fine[by * mx + bx + 1]);
  if (by > 0 && by + 1 < my)
    fy = vertex(fine[(by - 1) * mx + bx], fine[by * mx + bx], fine[(by + 1) * mx + bx]);
  return {x0 + offset(bx, mx) + (mx > 1 ? fx / u : 0.0),
          y0 + offset(by, my) + (my > 1 ? fy / u : 0.0)};
}

}  // namespace

void RegistrationParams::validate() const {
  core::require(upsampling >= 1 && upsampling <= 1000, "registration_upsampling", upsampling,
                "1 … 1000 (20: 0.05 px)");
}

Shift2 register_translation(const core::Image& reference, const core::Image& moving,
                            const RegistrationParams& params, core::FftPlanCache& ffts) {
  if (reference.shape() != moving.shape())
    throw InputError(
        "registration: images of different shapes (" + std::to_string(reference.extent(0)) + "×" +
        std::to_string(reference.extent(1)) + " and " + std::to_string(moving.extent(0)) + "×" +
        std::to_string(moving.extent(1)) + ")");
  if (reference.size() == 0) throw InputError("registration: empty image");
  return register_arrays<float>(reference.extent(0), reference.extent(1), reference.values(),
                                moving.values(), params, ffts);
}

double register_profile(std::span<const double> reference, std::span<const double> moving,
                        const RegistrationParams& params, core::FftPlanCache& ffts) {
  if (reference.size() != moving.size())
    throw InputError("registration: profiles of different lengths (" +
                     std::to_string(reference.size()) + " and " + std::to_string(moving.size()) +
                     ")");
  return register_arrays<double>(reference.size(), 1, reference, moving, params, ffts)[1];
}

void fourier_shift(core::Image& image, const Shift2& shift, core::FftPlanCache& ffts) {
  if (shift[0] == 0.0 && shift[1] == 0.0) return;
  if (!std::isfinite(shift[0]) || !std::isfinite(shift[1]))
    throw InputError("fourier_shift: non-finite shift");
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  if (ny * nx == 0) throw InputError("fourier_shift: empty image");
  const std::array<std::size_t, 2> shape{ny, nx};
  const auto plan = ffts.plan_double(shape);
  Spectrum s = forward_spectrum<float>(image.values(), false, *plan);
  std::vector<Complex> px(nx), py(ny);
  for (std::size_t k = 0; k < nx; ++k) px[k] = shift_phase(k, nx, shift[0]);
  for (std::size_t k = 0; k < ny; ++k) py[k] = shift_phase(k, ny, shift[1]);
  for (std::size_t ky = 0; ky < ny; ++ky)
    for (std::size_t kx = 0; kx < nx; ++kx) s[ky * nx + kx] *= py[ky] * px[kx];
  plan->inverse(s);
  const double norm = 1.0 / static_cast<double>(ny * nx);
  for (std::size_t i = 0; i < s.size(); ++i)
    image.values()[i] = static_cast<float>(s[i].real() * norm);
}

void fourier_shift_profile(std::span<double> profile, double shift, core::FftPlanCache& ffts) {
  if (shift == 0.0 || profile.empty()) return;
  if (!std::isfinite(shift)) throw InputError("fourier_shift_profile: non-finite shift");
  const std::array<std::size_t, 1> shape{profile.size()};
  const auto plan = ffts.plan_double(shape);
  Spectrum s = forward_spectrum<double>(profile, false, *plan);
  for (std::size_t k = 0; k < s.size(); ++k) s[k] *= shift_phase(k, s.size(), shift);
  plan->inverse(s);
  const double norm = 1.0 / static_cast<double>(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) profile[i] = s[i].real() * norm;
}

FrameAverage average_frames(std::span<const core::Image> frames, const RegistrationParams& params,
                            core::FftPlanCache& ffts) {
  if (frames.empty()) throw InputError("average_frames: no frames");
  FrameAverage out;
  out.average = frames[0];
  out.shifts.push_back({0.0, 0.0});
  std::vector<double> sum(frames[0].values().begin(), frames[0].values().end());
  for (std::size_t f = 1; f < frames.size(); ++f) {
    const Shift2 s = register_translation(frames[0], frames[f], params, ffts);
    core::Image aligned = frames[f];
    fourier_shift(aligned, {-s[0], -s[1]}, ffts);
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += aligned.values()[i];
    out.shifts.push_back(s);
  }
  const double n = static_cast<double>(frames.size());
  for (std::size_t i = 0; i < sum.size(); ++i)
    out.average.values()[i] = static_cast<float>(sum[i] / n);
  return out;
}

}  // namespace vitrum::inverse
