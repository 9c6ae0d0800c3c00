#include "finite_window.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis::detail {

namespace {

// Squared Euclidean distance transform of a sampled function along one line (Felzenszwalb &
// Huttenlocher, Theory Comput. 8, 415 (2012), Algorithm 1): d(q) = min_p (q − p)² + f(p).
// A large finite value stands for +∞ so that differences stay finite.
void distance_transform_1d(const std::vector<double>& f, std::vector<double>& d,
                           std::vector<long>& v, std::vector<double>& z) {
  const long n = static_cast<long>(f.size());
  long k = 0;
  v[0] = 0;
  z[0] = -std::numeric_limits<double>::max();
  z[1] = std::numeric_limits<double>::max();
  const auto intersection = [&](long q, long p) {
    return ((f[q] + double(q) * double(q)) - (f[p] + double(p) * double(p))) /
           (2.0 * double(q) - 2.0 * double(p));
  };
  for (long q = 1; q < n; ++q) {
    double s = intersection(q, v[k]);
    while (s <= z[k]) {
      --k;
      s = intersection(q, v[k]);
    }
    ++k;
    v[k] = q;
    z[k] = s;
    z[k + 1] = std::numeric_limits<double>::max();
  }
  k = 0;
  for (long q = 0; q < n; ++q) {
    while (z[k + 1] < double(q)) ++k;
    const double dq = double(q - v[k]);
    d[q] = dq * dq + f[v[k]];
  }
}

}  // namespace

FiniteWindow::FiniteWindow(const core::AtomicModel& model, double alpha_A, double grid_A,
                           const core::ExecutionContext& ctx)
    : grid_A_(grid_A) {
  core::Vec3 lo = core::Vec3::Constant(std::numeric_limits<double>::infinity());
  core::Vec3 hi = -lo;
  for (const core::Vec3& r : model.positions_A()) {
    lo = lo.cwiseMin(r);
    hi = hi.cwiseMax(r);
  }
  const double margin_A = 2.0 * alpha_A + 2.0 * grid_A;
  origin_A_ = lo - core::Vec3::Constant(margin_A);
  for (int a = 0; a < 3; ++a)
    n_[a] = static_cast<long>(std::ceil((hi[a] - lo[a] + 2.0 * margin_A) / grid_A)) + 1;
  const double samples = double(n_[0]) * double(n_[1]) * double(n_[2]);
  if (samples > 4.0e8)
    throw InputError("the finite-window grid would have " + std::to_string(samples) +
                     " samples; raise gr.window_grid_A");
  const auto total = static_cast<std::size_t>(samples);

  // Centres of empty balls: samples with no atom centre within α.
  core::AtomicModel finite = model;
  finite.cell().pbc = {false, false, false};
  const NeighborQuery query(finite, NeighborParams{alpha_A});
  const double big = 1.0e20;
  std::vector<double> field(total, 0.0);
  core::parallel_for(ctx, 0, static_cast<std::size_t>(n_[0]), [&](std::size_t ix) {
    for (long iy = 0; iy < n_[1]; ++iy)
      for (long iz = 0; iz < n_[2]; ++iz) {
        const core::Vec3 p = origin_A_ + grid_A * core::Vec3(double(ix), double(iy), double(iz));
        bool occupied = false;
        query.for_each_near_point(p,
                                  [&](std::size_t, const core::Vec3&, double) { occupied = true; });
        field[(ix * static_cast<std::size_t>(n_[1]) + static_cast<std::size_t>(iy)) *
                  static_cast<std::size_t>(n_[2]) +
              static_cast<std::size_t>(iz)] = occupied ? big : 0.0;
      }
  });

  // Squared distance (in samples²) to the nearest empty-ball centre; outside = within α of
  // one (the dilation completing the closing).
  squared_distance_transform(field, ctx);
  const double alpha_samples2 = (alpha_A / grid_A) * (alpha_A / grid_A);
  std::size_t closed = 0;
  for (double& v : field) {
    const bool in = v > alpha_samples2;
    closed += in ? 1 : 0;
    v = in ? 0.0 : big;
  }
  // The closing's boundary runs through the outermost atom centres, about half a layer inside
  // the region the atoms fill: each surface atom's share of volume lies beyond it. Dilating by
  // δ = ½ ρ₀^(−1/3) (ρ₀ = N / |closing|, so ρ₀^(−1/3) is the mean spacing) restores it.
  const double closed_A3 = double(closed) * grid_A * grid_A * grid_A;
  dilation_A_ = closed > 0 ? 0.5 * std::cbrt(closed_A3 / double(model.size())) : 0.0;
  squared_distance_transform(field, ctx);
  const double dilation_samples2 = (dilation_A_ / grid_A) * (dilation_A_ / grid_A);
  inside_.resize(total);
  std::size_t count = 0;
  for (std::size_t k = 0; k < total; ++k) {
    inside_[k] = closed > 0 && field[k] <= dilation_samples2 ? 1 : 0;
    count += inside_[k];
  }
  volume_A3_ = double(count) * grid_A * grid_A * grid_A;
}

void FiniteWindow::squared_distance_transform(std::vector<double>& field,
                                              const core::ExecutionContext& ctx) const {
  const std::array<std::size_t, 3> stride{static_cast<std::size_t>(n_[1] * n_[2]),
                                          static_cast<std::size_t>(n_[2]), 1};
  for (int axis = 0; axis < 3; ++axis) {
    const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
    const auto n1 = static_cast<std::size_t>(n_[a1]), n2 = static_cast<std::size_t>(n_[a2]);
    const auto len = static_cast<std::size_t>(n_[axis]);
    core::parallel_for(ctx, 0, n1, [&](std::size_t i1) {
      std::vector<double> f(len), d(len), z(len + 1);
      std::vector<long> v(len);
      for (std::size_t i2 = 0; i2 < n2; ++i2) {
        const std::size_t base = i1 * stride[a1] + i2 * stride[a2];
        for (std::size_t q = 0; q < len; ++q) f[q] = field[base + q * stride[axis]];
        distance_transform_1d(f, d, v, z);
        for (std::size_t q = 0; q < len; ++q) field[base + q * stride[axis]] = d[q];
      }
    });
  }
}

bool FiniteWindow::inside(const core::Vec3& p_A) const {
  const core::Vec3 u = (p_A - origin_A_) / grid_A_;
  std::array<long, 3> i{};
  for (int a = 0; a < 3; ++a) {
    i[a] = std::lround(u[a]);
    if (i[a] < 0 || i[a] >= n_[a]) return false;
  }
  return inside_[static_cast<std::size_t>((i[0] * n_[1] + i[1]) * n_[2] + i[2])] != 0;
}

}  // namespace vitrum::analysis::detail
