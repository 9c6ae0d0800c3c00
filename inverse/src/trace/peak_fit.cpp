#include "vitrum/inverse/trace/peak_fit.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {
namespace {

// Exponents (i, j, k) of x, y, z with i + j + k ≤ 4: the 35 monomials of a 4th-order
// polynomial in three variables (the reference code's fitCoeff).
constexpr std::array<std::array<int, 3>, 35> monomials() {
  std::array<std::array<int, 3>, 35> e{};
  std::size_t n = 0;
  for (int i = 0; i <= 4; ++i)
    for (int j = 0; i + j <= 4; ++j)
      for (int k = 0; i + j + k <= 4; ++k) e[n++] = {i, j, k};
  return e;
}
constexpr auto kMonomials = monomials();

double ipow(double x, int p) {
  double r = 1.0;
  for (int q = 0; q < p; ++q) r *= x;
  return r;
}

}  // namespace

void PeakFitParams::validate() const {
  core::require(std::isfinite(radius_voxels) && radius_voxels >= 1.5 && radius_voxels <= 30.0,
                "radius_voxels", radius_voxels, "1.5 to 30 voxels (≥ 35 samples for 35 terms)");
  core::require(std::isfinite(max_step_voxels) && max_step_voxels > 0.0 && max_step_voxels <= 2.0,
                "max_step_voxels", max_step_voxels, "(0, 2] voxels");
  core::require(converge_steps >= 1, "converge_steps", converge_steps, ">= 1");
  core::require(max_iterations >= converge_steps, "max_iterations", max_iterations,
                ">= converge_steps (" + std::to_string(converge_steps) + ")");
}

PolynomialPeakFitter::PolynomialPeakFitter(const PeakFitParams& params) : params_(params) {
  params_.validate();
  const double r = params_.radius_voxels;
  const int h = static_cast<int>(std::floor(r));
  for (int dz = -h; dz <= h; ++dz)
    for (int dy = -h; dy <= h; ++dy)
      for (int dx = -h; dx <= h; ++dx)
        if (dz * dz + dy * dy + dx * dx <= r * r) offsets_.push_back({dz, dy, dx});
  // Coordinates scaled by R lie in [−1, 1], which keeps the normal matrix well conditioned.
  design_.resize(static_cast<Eigen::Index>(offsets_.size()), 35);
  for (std::size_t p = 0; p < offsets_.size(); ++p) {
    const double x = offsets_[p][2] / r, y = offsets_[p][1] / r, z = offsets_[p][0] / r;
    for (std::size_t t = 0; t < 35; ++t)
      design_(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(t)) =
          ipow(x, kMonomials[t][0]) * ipow(y, kMonomials[t][1]) * ipow(z, kMonomials[t][2]);
  }
}

PeakFit PolynomialPeakFitter::fit(const core::Volume& grid,
                                  const std::array<std::size_t, 3>& start) const {
  const double r = params_.radius_voxels;
  const auto n = static_cast<Eigen::Index>(offsets_.size());
  Eigen::VectorXd values(n);
  for (Eigen::Index p = 0; p < n; ++p) {
    const auto& o = offsets_[static_cast<std::size_t>(p)];
    double v = 0.0;
    std::array<long long, 3> idx{};
    bool inside = true;
    for (std::size_t a = 0; a < 3; ++a) {
      idx[a] = static_cast<long long>(start[a]) + o[a];
      inside = inside && idx[a] >= 0 && idx[a] < static_cast<long long>(grid.extent(a));
    }
    if (inside) v = grid(idx[0], idx[1], idx[2]);
    values(p) = v;
  }

  PeakFit result;
  Eigen::Vector3d pos = Eigen::Vector3d::Zero();  // (x, y, z) offset from start, voxels
  Eigen::VectorXd sqrt_w(n);
  Eigen::MatrixXd weighted(n, 35);
  int small_steps = 0;
  for (int it = 1; it <= params_.max_iterations; ++it) {
    result.iterations = it;
    for (Eigen::Index p = 0; p < n; ++p) {
      const auto& o = offsets_[static_cast<std::size_t>(p)];
      const double d2 = (o[2] - pos.x()) * (o[2] - pos.x()) + (o[1] - pos.y()) * (o[1] - pos.y()) +
                        (o[0] - pos.z()) * (o[0] - pos.z());
      sqrt_w(p) = std::exp(-0.5 * d2 / (r * r));
    }
    weighted = sqrt_w.asDiagonal() * design_;
    const Eigen::MatrixXd normal = weighted.transpose() * weighted;
    const Eigen::VectorXd rhs = weighted.transpose() * sqrt_w.cwiseProduct(values);
    const Eigen::VectorXd c = normal.ldlt().solve(rhs);

    // Gradient and Hessian of the polynomial at the estimate, in the scaled coordinates.
    const Eigen::Vector3d u = pos / r;
    Eigen::Vector3d g = Eigen::Vector3d::Zero();
    Eigen::Matrix3d hess = Eigen::Matrix3d::Zero();
    for (std::size_t t = 0; t < 35; ++t) {
      const auto& e = kMonomials[t];
      const double ct = c(static_cast<Eigen::Index>(t));
      for (int a = 0; a < 3; ++a) {
        if (e[static_cast<std::size_t>(a)] == 0) continue;
        double d = ct * e[static_cast<std::size_t>(a)];
        for (int q = 0; q < 3; ++q)
          d *= ipow(u(q), e[static_cast<std::size_t>(q)] - (q == a ? 1 : 0));
        g(a) += d;
        for (int b = 0; b < 3; ++b) {
          std::array<int, 3> f = e;
          f[static_cast<std::size_t>(a)] -= 1;
          if (f[static_cast<std::size_t>(b)] == 0) continue;
          double h = ct * e[static_cast<std::size_t>(a)] * f[static_cast<std::size_t>(b)];
          f[static_cast<std::size_t>(b)] -= 1;
          for (int q = 0; q < 3; ++q) h *= ipow(u(q), f[static_cast<std::size_t>(q)]);
          hess(a, b) += h;
        }
      }
    }
    const Eigen::LLT<Eigen::Matrix3d> negative(-hess);
    if (negative.info() != Eigen::Success) {
      result.status = PeakFitStatus::kNoMaximum;
      break;
    }
    const Eigen::Vector3d newton = negative.solve(g) * r;  // −H⁻¹g, back in voxels
    const double q = params_.max_step_voxels;
    const Eigen::Vector3d step = newton.cwiseMax(-q).cwiseMin(q);
    pos += step;
    if (pos.cwiseAbs().maxCoeff() > r) {
      result.status = PeakFitStatus::kLeftWindow;
      break;
    }
    small_steps = newton.cwiseAbs().maxCoeff() < q ? small_steps + 1 : 0;
    if (small_steps == params_.converge_steps) {
      result.status = PeakFitStatus::kConverged;
      break;
    }
  }
  result.position_voxels = {static_cast<double>(start[0]) + pos.z(),
                            static_cast<double>(start[1]) + pos.y(),
                            static_cast<double>(start[2]) + pos.x()};
  return result;
}

}  // namespace vitrum::inverse
