#include "vitrum/validation/fsc.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::validation {

namespace {

void check_volume(const core::Volume& v, const char* name) {
  if (v.size() == 0) throw InputError(std::string("FSC: volume ") + name + " is empty");
  bool any = false;
  for (float x : v.values()) {
    if (!std::isfinite(x)) throw InputError(std::string("FSC: volume ") + name + " is not finite");
    any = any || x != 0.0f;
  }
  if (!any) throw InputError(std::string("FSC: volume ") + name + " is zero everywhere");
}

core::AlignedVector<std::complex<double>> spectrum(const core::Volume& v,
                                                   core::FftPlanCache& ffts) {
  const std::size_t shape[3] = {v.extent(0), v.extent(1), v.extent(2)};
  const auto plan = ffts.plan_double(shape);
  core::AlignedVector<std::complex<double>> f(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) f[k] = v.values()[k];
  plan->forward(f);
  return f;
}

}  // namespace

double fsc_resolution_A(const std::vector<double>& q_per_A, const std::vector<double>& fsc,
                        double threshold) {
  for (std::size_t s = 1; s < fsc.size(); ++s) {
    if (!(fsc[s] < threshold)) continue;
    const double f0 = fsc[s - 1], f1 = fsc[s];
    const double t = std::isfinite(f0) && f0 != f1 ? (f0 - threshold) / (f0 - f1) : 0.0;
    const double q = q_per_A[s - 1] + std::clamp(t, 0.0, 1.0) * (q_per_A[s] - q_per_A[s - 1]);
    return q > 0 ? 1.0 / q : std::numeric_limits<double>::infinity();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

FscResult fourier_shell_correlation(const core::Volume& a, const core::Volume& b,
                                    core::FftPlanCache& ffts) {
  if (a.shape() != b.shape())
    throw InputError("FSC: the volumes' grids differ (" + std::to_string(a.extent(0)) + "×" +
                     std::to_string(a.extent(1)) + "×" + std::to_string(a.extent(2)) + " vs " +
                     std::to_string(b.extent(0)) + "×" + std::to_string(b.extent(1)) + "×" +
                     std::to_string(b.extent(2)) + "); render both on the same grid");
  for (int ax = 0; ax < 3; ++ax)
    if (std::abs(a.sampling()[ax] - b.sampling()[ax]) > 1e-6 * a.sampling()[ax])
      throw InputError("FSC: the volumes' samplings differ along axis " + std::to_string(ax) +
                       " (" + core::format_number(a.sampling()[ax]) + " vs " +
                       core::format_number(b.sampling()[ax]) + " Å)");
  check_volume(a, "a");
  check_volume(b, "b");
  const auto fa = spectrum(a, ffts), fb = spectrum(b, ffts);
  std::array<double, 3> step_q{};  // Fourier sampling 1/(n h) per axis [z][y][x], Å⁻¹
  double dq = 0, h_max = 0;
  for (int ax = 0; ax < 3; ++ax) {
    step_q[ax] = 1.0 / (static_cast<double>(a.extent(ax)) * a.sampling()[ax]);
    dq = std::max(dq, step_q[ax]);
    h_max = std::max(h_max, a.sampling()[ax]);
  }
  const double q_nyquist = 0.5 / h_max;
  const auto shells = static_cast<std::size_t>(std::floor(q_nyquist / dq + 1e-9)) + 1;
  std::vector<double> cross(shells, 0.0), pa(shells, 0.0), pb(shells, 0.0);
  FscResult r;
  r.shell_count.assign(shells, 0);
  const auto signed_index = [](std::size_t k, std::size_t n) {
    return k <= n / 2 ? static_cast<double>(k) : static_cast<double>(k) - static_cast<double>(n);
  };
  const std::size_t nz = a.extent(0), ny = a.extent(1), nx = a.extent(2);
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) {
        const double qz = signed_index(z, nz) * step_q[0], qy = signed_index(y, ny) * step_q[1],
                     qx = signed_index(x, nx) * step_q[2];
        const auto s =
            static_cast<std::size_t>(std::floor(std::sqrt(qx * qx + qy * qy + qz * qz) / dq + 0.5));
        if (s >= shells) continue;
        const std::size_t k = (z * ny + y) * nx + x;
        cross[s] += (fa[k] * std::conj(fb[k])).real();
        pa[s] += std::norm(fa[k]);
        pb[s] += std::norm(fb[k]);
        ++r.shell_count[s];
      }
  for (std::size_t s = 0; s < shells; ++s) {
    r.q_per_A.push_back(static_cast<double>(s) * dq);
    const double denominator = std::sqrt(pa[s] * pb[s]);
    r.fsc.push_back(denominator > 0 ? cross[s] / denominator
                                    : std::numeric_limits<double>::quiet_NaN());
  }
  const double nyquist_A = 2.0 * h_max;
  r.resolution_0143_A = fsc_resolution_A(r.q_per_A, r.fsc, 0.143);
  r.resolution_05_A = fsc_resolution_A(r.q_per_A, r.fsc, 0.5);
  r.reaches_nyquist_0143 = std::isnan(r.resolution_0143_A);
  r.reaches_nyquist_05 = std::isnan(r.resolution_05_A);
  if (r.reaches_nyquist_0143) r.resolution_0143_A = nyquist_A;
  if (r.reaches_nyquist_05) r.resolution_05_A = nyquist_A;
  return r;
}

void RenderParams::validate() const {
  if (!(std::isfinite(sigma_A) && sigma_A > 0.0 && sigma_A <= 10.0))
    throw InputError("sigma_A = " + core::format_number(sigma_A) +
                     " is out of range; allowed: (0, 10] Å");
  if (!(std::isfinite(z_exponent) && z_exponent >= 0.0 && z_exponent <= 4.0))
    throw InputError("z_exponent = " + core::format_number(z_exponent) +
                     " is out of range; allowed: [0, 4]");
  if (!(std::isfinite(cutoff_sigmas) && cutoff_sigmas >= 2.0 && cutoff_sigmas <= 10.0))
    throw InputError("cutoff_sigmas = " + core::format_number(cutoff_sigmas) +
                     " is out of range; allowed: [2, 10]");
}

core::Volume render_model(const core::AtomicModel& model, const core::Volume& like,
                          const RenderParams& params, const core::ExecutionContext& ctx) {
  params.validate();
  if (like.size() == 0) throw InputError("render_model: the grid is empty");
  core::Volume out(like.shape(), like.sampling(), like.origin());
  const double s2 = params.sigma_A * params.sigma_A;
  const double norm = 1.0 / std::pow(2.0 * std::numbers::pi * s2, 1.5);
  const double cut = params.cutoff_sigmas * params.sigma_A;
  const auto& h = like.sampling();
  const auto& o = like.origin();
  const auto positions = model.positions_A();
  std::vector<double> amplitude(model.size());
  for (std::size_t j = 0; j < model.size(); ++j)
    amplitude[j] = norm * std::pow(static_cast<double>(model.Z()[j]), params.z_exponent);
  const long ny = static_cast<long>(like.extent(1)), nx = static_cast<long>(like.extent(2));
  core::parallel_for(ctx, 0, like.extent(0), [&](std::size_t iz) {
    const double z = o[0] + static_cast<double>(iz) * h[0];
    float* plane = out.data() + iz * like.extent(1) * like.extent(2);
    for (std::size_t j = 0; j < positions.size(); ++j) {
      const core::Vec3& p = positions[j];
      const double dz = z - p.z();
      if (std::abs(dz) > cut) continue;
      const long y0 = std::max(0L, static_cast<long>(std::ceil((p.y() - cut - o[1]) / h[1])));
      const long y1 = std::min(ny - 1, static_cast<long>(std::floor((p.y() + cut - o[1]) / h[1])));
      const long x0 = std::max(0L, static_cast<long>(std::ceil((p.x() - cut - o[2]) / h[2])));
      const long x1 = std::min(nx - 1, static_cast<long>(std::floor((p.x() + cut - o[2]) / h[2])));
      for (long iy = y0; iy <= y1; ++iy) {
        const double dy = o[1] + static_cast<double>(iy) * h[1] - p.y();
        for (long ix = x0; ix <= x1; ++ix) {
          const double dx = o[2] + static_cast<double>(ix) * h[2] - p.x();
          const double r2 = dx * dx + dy * dy + dz * dz;
          if (r2 > cut * cut) continue;
          plane[iy * nx + ix] += static_cast<float>(amplitude[j] * std::exp(-0.5 * r2 / s2));
        }
      }
    }
  });
  return out;
}

}  // namespace vitrum::validation
