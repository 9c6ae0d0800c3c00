// The forward model of position refinement (refine.hpp): the scattering-factor profile as a
// sum of Gaussians, and the rendering of projections.

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "refine_render.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

namespace {

/// Widths s_j (Å) of the profile's Gaussians: from well under a pixel (the sharp core of the
/// projected potential) to the screened tail; wider terms would make every atom's patch large
/// for a part of f_e the detector's band (q ≥ ~0.2 Å⁻¹) barely constrains.
constexpr double kProfileWidthsA[] = {0.05, 0.1, 0.2, 0.3, 0.5, 0.8};
constexpr std::size_t kProfileSamples = 256;

}  // namespace

GaussianSum scattering_profile(const std::vector<int>& Z, core::ScatteringParametrization table,
                               double q_max_invA) {
  if (Z.empty()) throw InputError("scattering_profile: a type has no elements");
  core::require(std::isfinite(q_max_invA) && q_max_invA > 0, "scattering_profile q_max_invA",
                q_max_invA, "> 0 (Å⁻¹)");
  const std::size_t nq = kProfileSamples, nw = std::size(kProfileWidthsA);
  Eigen::VectorXd y = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(nq));
  std::vector<double> q(nq), f(nq);
  for (std::size_t i = 0; i < nq; ++i)
    q[i] = q_max_invA * static_cast<double>(i) / static_cast<double>(nq - 1);
  for (int z : Z) {
    core::electron_scattering_factor_A(z, q, table, f);
    for (std::size_t i = 0; i < nq; ++i) y[static_cast<Eigen::Index>(i)] += f[i];
  }
  y /= y[0];
  const double two_pi2 = 2.0 * std::numbers::pi * std::numbers::pi;
  Eigen::MatrixXd A(static_cast<Eigen::Index>(nq), static_cast<Eigen::Index>(nw));
  for (std::size_t i = 0; i < nq; ++i)
    for (std::size_t j = 0; j < nw; ++j)
      A(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          std::exp(-two_pi2 * kProfileWidthsA[j] * kProfileWidthsA[j] * q[i] * q[i]);
  // Non-negative least squares by elimination: solve on the active set, drop the most
  // negative weight, repeat (six unknowns; the exact active-set method is not needed).
  std::vector<bool> active(nw, true);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(nw));
  for (std::size_t round = 0; round < nw; ++round) {
    std::vector<Eigen::Index> cols;
    for (std::size_t j = 0; j < nw; ++j)
      if (active[j]) cols.push_back(static_cast<Eigen::Index>(j));
    Eigen::MatrixXd As(A.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t c = 0; c < cols.size(); ++c)
      As.col(static_cast<Eigen::Index>(c)) = A.col(cols[c]);
    const Eigen::VectorXd ws = As.colPivHouseholderQr().solve(y);
    w.setZero();
    Eigen::Index worst = -1;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      w[cols[c]] = ws[static_cast<Eigen::Index>(c)];
      if (w[cols[c]] < 0 && (worst < 0 || w[cols[c]] < w[worst])) worst = cols[c];
    }
    if (worst < 0) break;
    active[static_cast<std::size_t>(worst)] = false;
  }
  GaussianSum out;
  const double total = w.sum();
  for (std::size_t j = 0; j < nw; ++j) {
    const double wj = w[static_cast<Eigen::Index>(j)];
    if (wj <= 0) continue;
    out.weight.push_back(wj / total);
    out.variance_A2.push_back(kProfileWidthsA[j] * kProfileWidthsA[j]);
  }
  out.max_error = ((A * w) / total - y).cwiseAbs().maxCoeff();
  return out;
}

double ProjectionModel::sigma2_A2() const {
  return b_A2 / (8.0 * std::numbers::pi * std::numbers::pi) +
         instrument_width_A * instrument_width_A;
}

std::vector<double> ProjectionModel::heights() const {
  const double s2 = sigma2_A2();
  const double norm = std::pow(2.0 * std::numbers::pi * s2, 1.5);  // (2π)^{3/2} σ³
  std::vector<double> h;
  for (double a : amplitude) h.push_back(a / norm);
  return h;
}

namespace detail {

Orientation orientation(const std::array<double, 3>& euler_deg, const core::Vec3& center_A) {
  const core::Mat3 R = core::euler_zyx_matrix(euler_deg[0], euler_deg[1], euler_deg[2]);
  Orientation o;
  o.P = R.topRows<2>();
  o.offset = (center_A - R * center_A).head<2>();
  return o;
}

std::vector<std::vector<Component>> components(const ProjectionModel& model, bool unit) {
  const double s2 = model.sigma2_A2();
  std::vector<std::vector<Component>> out(model.profile.size());
  for (std::size_t t = 0; t < model.profile.size(); ++t) {
    const GaussianSum& k = model.profile[t];
    const double a = unit ? 1.0 : (t < model.amplitude.size() ? model.amplitude[t] : 0.0);
    for (std::size_t j = 0; j < k.weight.size(); ++j) {
      const double v = s2 + k.variance_A2[j];
      out[t].push_back(
          {a * k.weight[j] / (2.0 * std::numbers::pi * v), v, model.render_sigmas * std::sqrt(v)});
    }
  }
  return out;
}

void splat_atom(double x, double y, const std::vector<Component>& comps, const Detector& det,
                double* image, std::vector<double>& ex, std::vector<double>& ey) {
  for (const Component& c : comps) {
    long x0, x1, y0, y1;
    pixel_range(x, c.radius, det.ox, det.px, det.nx, x0, x1);
    pixel_range(y, c.radius, det.oy, det.py, det.ny, y0, y1);
    if (x0 > x1 || y0 > y1 || c.coefficient == 0.0) continue;
    ex.resize(static_cast<std::size_t>(x1 - x0 + 1));
    ey.resize(static_cast<std::size_t>(y1 - y0 + 1));
    const double inv = -0.5 / c.variance;
    for (long ix = x0; ix <= x1; ++ix) {
      const double d = det.ox + static_cast<double>(ix) * det.px - x;
      ex[static_cast<std::size_t>(ix - x0)] = std::exp(inv * d * d);
    }
    for (long iy = y0; iy <= y1; ++iy) {
      const double d = det.oy + static_cast<double>(iy) * det.py - y;
      ey[static_cast<std::size_t>(iy - y0)] = c.coefficient * std::exp(inv * d * d);
    }
    for (long iy = y0; iy <= y1; ++iy) {
      double* row = image + static_cast<std::size_t>(iy) * det.nx;
      const double wy = ey[static_cast<std::size_t>(iy - y0)];
      for (long ix = x0; ix <= x1; ++ix) row[ix] += wy * ex[static_cast<std::size_t>(ix - x0)];
    }
  }
}

}  // namespace detail

void render_projections(const ProjectionModel& model, const std::vector<core::Vec3>& positions_A,
                        const std::vector<int>& types, const core::Vec3& center_A,
                        core::TiltSeries& series, const core::ExecutionContext& ctx) {
  series.validate();
  if (positions_A.size() != types.size())
    throw InputError("render_projections: " + std::to_string(positions_A.size()) +
                     " positions but " + std::to_string(types.size()) + " types");
  for (int t : types)
    if (t < 0 || static_cast<std::size_t>(t) >= model.profile.size() ||
        static_cast<std::size_t>(t) >= model.amplitude.size())
      throw InputError("render_projections: type " + std::to_string(t) +
                       " has no profile or amplitude");
  const double s2 = model.sigma2_A2();
  core::require(std::isfinite(s2) && s2 > 0, "render_projections sigma2_A2", s2, "> 0 (Å²)");
  const detail::Detector det = detail::detector_of(series);
  const auto comps = detail::components(model, false);
  core::parallel_for(ctx, 0, series.tilt_count(), [&](std::size_t t) {
    const detail::Orientation o = detail::orientation(series.euler_deg[t], center_A);
    std::vector<double> image(det.pixels(), 0.0), ex, ey;
    for (std::size_t k = 0; k < positions_A.size(); ++k) {
      const Eigen::Vector2d rho = o.project(positions_A[k]);
      detail::splat_atom(rho.x(), rho.y(), comps[static_cast<std::size_t>(types[k])], det,
                         image.data(), ex, ey);
    }
    float* out = series.images.data() + t * det.pixels();
    for (std::size_t i = 0; i < det.pixels(); ++i) out[i] = static_cast<float>(image[i]);
  });
}

}  // namespace vitrum::inverse
