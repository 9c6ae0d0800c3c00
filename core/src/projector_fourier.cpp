#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::core {

namespace {

/// Signed frequency index of DFT bin m of an M-point transform: 0, 1, …, ⌈M/2⌉−1, −⌊M/2⌋, …, −1.
long signed_bin(std::size_t m, std::size_t M) {
  return m < (M + 1) / 2 ? static_cast<long>(m) : static_cast<long>(m) - static_cast<long>(M);
}

double sinc(double x) {
  if (x == 0.0) return 1.0;
  const double a = std::numbers::pi * x;
  return std::sin(a) / a;
}

}  // namespace

void FourierSliceParams::validate() const {
  require(oversampling >= 1 && oversampling <= 4, "fourier_slice.oversampling", oversampling,
          "1 to 4");
}

FourierSliceProjector::FourierSliceProjector(const Volume& volume, const Vec3& center_A,
                                             FftPlanCache& ffts, const FourierSliceParams& params)
    : center_A_(center_A), ffts_(&ffts) {
  params.validate();
  if (volume.size() == 0) throw InputError("the volume to project is empty");
  static const char* axes[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(center_A[a]), std::string("projector center_A.") + axes[a], center_A[a],
            "a finite coordinate (Å)");
  const auto os = static_cast<std::size_t>(params.oversampling);
  for (std::size_t a = 0; a < 3; ++a) {
    padded_[a] = os * volume.extent(a);
    sampling_[a] = volume.sampling()[a];
  }
  const std::size_t Mz = padded_[0], My = padded_[1], Mx = padded_[2];
  const std::size_t nz = volume.extent(0), ny = volume.extent(1), nx = volume.extent(2);
  // Position of voxel j relative to c along each array axis (z, y, x).
  const std::array<double, 3> c_zyx{center_A.z(), center_A.y(), center_A.x()};
  const auto offset = [&](std::size_t a, std::size_t j) {
    return volume.coordinate(a, j) - c_zyx[a];
  };
  // De-apodisation: trilinear interpolation of the spectrum multiplies the object by
  // sinc²(s / (M·h)) per axis, s relative to c (the phase below puts the origin there).
  std::array<std::vector<double>, 3> gain;
  for (std::size_t a = 0; a < 3; ++a) {
    gain[a].assign(volume.extent(a), 1.0);
    if (params.correction == FourierSliceCorrection::kDeapodize)
      for (std::size_t j = 0; j < volume.extent(a); ++j) {
        const double s = sinc(offset(a, j) / (static_cast<double>(padded_[a]) * sampling_[a]));
        gain[a][j] = 1.0 / (s * s);
      }
  }
  spectrum_.assign(Mz * My * Mx, {0.0f, 0.0f});
  for (std::size_t iz = 0; iz < nz; ++iz)
    for (std::size_t iy = 0; iy < ny; ++iy)
      for (std::size_t ix = 0; ix < nx; ++ix)
        spectrum_[(iz * My + iy) * Mx + ix] =
            static_cast<float>(volume(iz, iy, ix) * gain[0][iz] * gain[1][iy] * gain[2][ix]);
  const std::array<std::size_t, 3> shape{Mz, My, Mx};
  ffts.plan_float(shape)->forward(spectrum_);
  // Zero padding makes the DFT exact samples of Σ_j O_j e^{−2πi k·(r_j − o)} at k_a =
  // m_a/(M_a h_a); the phase e^{−2πi k·(o − c)} moves the origin to c, and h³ turns the sum
  // into the continuous transform Ô(k) = ∫ O(c + s) e^{−2πi k·s} ds (value × Å³).
  std::array<std::vector<std::complex<double>>, 3> phase;
  for (std::size_t a = 0; a < 3; ++a) {
    phase[a].resize(padded_[a]);
    const double o = offset(a, 0);
    for (std::size_t m = 0; m < padded_[a]; ++m) {
      const double k = static_cast<double>(signed_bin(m, padded_[a])) /
                       (static_cast<double>(padded_[a]) * sampling_[a]);
      phase[a][m] = std::polar(1.0, -2.0 * std::numbers::pi * k * o);
    }
  }
  const double voxel = sampling_[0] * sampling_[1] * sampling_[2];
  for (std::size_t mz = 0; mz < Mz; ++mz)
    for (std::size_t my = 0; my < My; ++my) {
      const std::complex<double> pzy = phase[0][mz] * phase[1][my] * voxel;
      std::complex<float>* row = spectrum_.data() + (mz * My + my) * Mx;
      for (std::size_t mx = 0; mx < Mx; ++mx)
        row[mx] = std::complex<float>(std::complex<double>(row[mx]) * pzy * phase[2][mx]);
    }
}

void FourierSliceProjector::project(const std::array<double, 3>& euler_deg, Image& image,
                                    const ExecutionContext& ctx) const {
  static const char* names[3] = {"phi", "theta", "psi"};
  for (std::size_t a = 0; a < 3; ++a)
    require(std::isfinite(euler_deg[a]), std::string("projector euler_deg.") + names[a],
            euler_deg[a], "a finite angle (degrees)");
  const std::size_t Ny = image.extent(0), Nx = image.extent(1);
  if (Ny == 0 || Nx == 0) throw InputError("the projection image is empty");
  const double py = image.sampling()[0], px = image.sampling()[1];
  const Mat3 R = euler_zyx_matrix(euler_deg[0], euler_deg[1], euler_deg[2]);
  const std::size_t My = padded_[1], Mx = padded_[2];
  // Detector pixel q at ρ_q = (d0 − c) + q·p: p(ρ_q) = (1/(N p)²) Σ_l P̂(κ_l) e^{2πi κ_l·ρ_q}.
  const double dy0 = image.origin()[0] - center_A_.y(), dx0 = image.origin()[1] - center_A_.x();
  AlignedVector<std::complex<float>> slice(Ny * Nx);
  const auto value_at = [&](double kx, double ky) {
    // k = Rᵀ(κx, κy, 0) in the object frame, then continuous bin t_a = k_a·M_a·h_a.
    const Vec3 k = R.row(0).transpose() * kx + R.row(1).transpose() * ky;
    const std::array<double, 3> k_zyx{k.z(), k.y(), k.x()};
    std::array<std::size_t, 3> i0{}, i1{};
    std::array<double, 3> w{};
    for (std::size_t a = 0; a < 3; ++a) {
      // Beyond the voxel Nyquist frequency the (periodic) voxel spectrum is not the object's.
      if (std::abs(k_zyx[a]) * sampling_[a] > 0.5) return std::complex<double>(0.0, 0.0);
      const double t = k_zyx[a] * static_cast<double>(padded_[a]) * sampling_[a];
      const double f = std::floor(t);
      const auto M = static_cast<long>(padded_[a]);
      const long b = static_cast<long>(f);
      i0[a] = static_cast<std::size_t>(((b % M) + M) % M);
      i1[a] = static_cast<std::size_t>((((b + 1) % M) + M) % M);
      w[a] = t - f;
    }
    std::complex<double> v(0.0, 0.0);
    for (int cz = 0; cz < 2; ++cz)
      for (int cy = 0; cy < 2; ++cy)
        for (int cx = 0; cx < 2; ++cx) {
          const double weight =
              (cz ? w[0] : 1 - w[0]) * (cy ? w[1] : 1 - w[1]) * (cx ? w[2] : 1 - w[2]);
          const std::size_t idx =
              ((cz ? i1[0] : i0[0]) * My + (cy ? i1[1] : i0[1])) * Mx + (cx ? i1[2] : i0[2]);
          v += weight * std::complex<double>(spectrum_[idx]);
        }
    return v;
  };
  parallel_for(ctx, 0, Ny, [&](std::size_t ly) {
    const double ky = static_cast<double>(signed_bin(ly, Ny)) / (static_cast<double>(Ny) * py);
    for (std::size_t lx = 0; lx < Nx; ++lx) {
      const double kx = static_cast<double>(signed_bin(lx, Nx)) / (static_cast<double>(Nx) * px);
      const std::complex<double> shift =
          std::polar(1.0, 2.0 * std::numbers::pi * (kx * dx0 + ky * dy0));
      slice[ly * Nx + lx] = std::complex<float>(value_at(kx, ky) * shift);
    }
  });
  const std::array<std::size_t, 2> shape{Ny, Nx};
  ffts_->plan_float(shape)->inverse(slice);
  const double norm = 1.0 / (static_cast<double>(Ny * Nx) * px * py);
  for (std::size_t i = 0; i < Ny * Nx; ++i)
    image.values()[i] = static_cast<float>(static_cast<double>(slice[i].real()) * norm);
}

}  // namespace vitrum::core
