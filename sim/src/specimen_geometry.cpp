// Geometry of a built specimen and the point search the nuclei use.

#include <algorithm>
#include <cmath>
#include <numbers>

#include "specimen_internal.hpp"

namespace vitrum::sim::detail {

using core::Vec3;

core::Vec3 min_image(const core::Cell& cell, const Vec3& a, const Vec3& b) {
  Vec3 d = b - a;
  if (!(cell.pbc[0] || cell.pbc[1] || cell.pbc[2])) return d;
  Vec3 s = cell.fractional(d);
  for (int i = 0; i < 3; ++i)
    if (cell.pbc[static_cast<std::size_t>(i)]) s[i] -= std::round(s[i]);
  return cell.cartesian(s);
}

core::Vec3 wrap_point(const core::Cell& cell, const Vec3& r) {
  if (!(cell.pbc[0] || cell.pbc[1] || cell.pbc[2])) return r;
  Vec3 s = cell.fractional(r);
  for (int i = 0; i < 3; ++i)
    if (cell.pbc[static_cast<std::size_t>(i)]) s[i] -= std::floor(s[i]);
  return cell.cartesian(s);
}

double cell_width(const core::Cell& cell, int axis) {
  const Vec3 u = cell.vectors_A.row((axis + 1) % 3);
  const Vec3 v = cell.vectors_A.row((axis + 2) % 3);
  return cell.volume_A3() / u.cross(v).norm();
}

std::array<double, 3> random_euler_deg(core::RngStream& rng) {
  const double phi = 360.0 * rng.uniform() - 180.0;
  const double theta = std::asin(2.0 * rng.uniform() - 1.0) * 180.0 / std::numbers::pi;
  const double psi = 360.0 * rng.uniform() - 180.0;
  return {phi, theta, psi};
}

Geometry Geometry::of(const SpecimenParams& params, const core::Cell& cell) {
  Geometry g;
  g.shape = params.shape;
  g.cell = cell;
  const double v = params.vacuum_A;
  switch (params.shape) {
    case SpecimenShape::kSphere:
      g.semi_axes_A = Vec3::Constant(params.particle_radius_A);
      g.centre_A = g.semi_axes_A + Vec3::Constant(v);
      break;
    case SpecimenShape::kEllipsoid:
      g.semi_axes_A = {params.semi_axes_A[0], params.semi_axes_A[1], params.semi_axes_A[2]};
      g.centre_A = g.semi_axes_A + Vec3::Constant(v);
      break;
    case SpecimenShape::kFilm:
      g.z_lo_A = v;
      g.z_hi_A = v + params.film_thickness_A;
      g.lateral_periodic = params.film_lateral == FilmLateral::kPeriodic;
      g.x_lo_A = g.y_lo_A = v;
      g.x_hi_A = g.y_hi_A = v + params.film_lateral_size_A;
      break;
  }
  return g;
}

bool Geometry::inside(const Vec3& r) const {
  if (shape == SpecimenShape::kFilm) {
    if (r.z() < z_lo_A || r.z() > z_hi_A) return false;
    return lateral_periodic ||
           (r.x() >= x_lo_A && r.x() <= x_hi_A && r.y() >= y_lo_A && r.y() <= y_hi_A);
  }
  return (r - centre_A).cwiseQuotient(semi_axes_A).squaredNorm() <= 1.0;
}

namespace {

// A uniform random point of the film's lateral extent at height z.
Vec3 lateral_point(const Geometry& g, core::RngStream& rng, double z) {
  const double u = rng.uniform(), w = rng.uniform();
  if (g.lateral_periodic) {
    Vec3 r = u * g.cell.vectors_A.row(0).transpose() + w * g.cell.vectors_A.row(1).transpose();
    r.z() = z;
    return r;
  }
  return {g.x_lo_A + u * (g.x_hi_A - g.x_lo_A), g.y_lo_A + w * (g.y_hi_A - g.y_lo_A), z};
}

// A uniform direction on the unit sphere (Marsaglia 1972 via z uniform and an azimuth).
Vec3 random_direction(core::RngStream& rng) {
  const double z = 2.0 * rng.uniform() - 1.0;
  const double phi = 2.0 * std::numbers::pi * rng.uniform();
  const double s = std::sqrt(std::max(0.0, 1.0 - z * z));
  return {s * std::cos(phi), s * std::sin(phi), z};
}

}  // namespace

Vec3 Geometry::random_surface_point(core::RngStream& rng) const {
  if (shape == SpecimenShape::kFilm) {
    const double z = rng.uniform() < 0.5 ? z_lo_A : z_hi_A;
    return lateral_point(*this, rng, z);
  }
  const Vec3 u = random_direction(rng);
  return centre_A + u / u.cwiseQuotient(semi_axes_A).norm();
}

Vec3 Geometry::random_inside_point(core::RngStream& rng, double radius_A) const {
  if (shape == SpecimenShape::kFilm) {
    const double lo = z_lo_A + radius_A, hi = z_hi_A - radius_A;
    const double z = lo < hi ? lo + rng.uniform() * (hi - lo) : 0.5 * (z_lo_A + z_hi_A);
    return lateral_point(*this, rng, z);
  }
  const Vec3 shrunk = (semi_axes_A - Vec3::Constant(radius_A)).cwiseMax(0.0);
  // Uniform in the unit ball (direction × radius u^(1/3)), scaled to the shrunk ellipsoid.
  const Vec3 u = random_direction(rng) * std::cbrt(rng.uniform());
  return centre_A + u.cwiseProduct(shrunk);
}

// ---- PointGrid ------------------------------------------------------------------------------

PointGrid::PointGrid(const core::Cell& cell, std::span<const Vec3> points, double bin_A)
    : cell_(cell),
      to_fractional_(cell.vectors_A.transpose().inverse()),
      to_cartesian_(cell.vectors_A.transpose()),
      points_(points) {
  for (int a = 0; a < 3; ++a) {
    const double w = cell_width(cell, a);
    n_[static_cast<std::size_t>(a)] = std::clamp(static_cast<int>(w / bin_A), 1, 512);
    width_[static_cast<std::size_t>(a)] = w / n_[static_cast<std::size_t>(a)];
  }
  const std::size_t bins = static_cast<std::size_t>(n_[0]) * static_cast<std::size_t>(n_[1]) *
                           static_cast<std::size_t>(n_[2]);
  std::vector<std::size_t> bin(points.size());
  start_.assign(bins + 1, 0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto b = bin_of(points[i]);
    bin[i] = (static_cast<std::size_t>(b[0]) * static_cast<std::size_t>(n_[1]) +
              static_cast<std::size_t>(b[1])) *
                 static_cast<std::size_t>(n_[2]) +
             static_cast<std::size_t>(b[2]);
    ++start_[bin[i] + 1];
  }
  for (std::size_t b = 0; b < bins; ++b) start_[b + 1] += start_[b];
  order_.resize(points.size());
  std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < points.size(); ++i) order_[fill[bin[i]]++] = i;
}

std::array<int, 3> PointGrid::bin_of(const Vec3& r) const {
  const Vec3 s = to_fractional_ * r;
  std::array<int, 3> b{};
  for (std::size_t a = 0; a < 3; ++a) {
    double f = s[static_cast<int>(a)];
    if (cell_.pbc[a]) f -= std::floor(f);
    b[a] = std::clamp(static_cast<int>(std::floor(f * n_[a])), 0, n_[a] - 1);
  }
  return b;
}

void PointGrid::for_each_within(const Vec3& p, double radius_A,
                                const std::function<void(std::size_t, double)>& f) const {
  const auto centre = bin_of(p);
  // Bin ranges per axis: a displacement of length d changes fractional coordinate a by at most
  // d / width_a, so ±ceil(d / bin width) bins hold every point within d.
  std::array<std::vector<int>, 3> ranges;
  for (std::size_t a = 0; a < 3; ++a) {
    const int k = static_cast<int>(std::ceil(radius_A / width_[a]));
    if (cell_.pbc[a] && 2 * k + 1 >= n_[a]) {
      for (int b = 0; b < n_[a]; ++b) ranges[a].push_back(b);
    } else if (cell_.pbc[a]) {
      for (int d = -k; d <= k; ++d) ranges[a].push_back(((centre[a] + d) % n_[a] + n_[a]) % n_[a]);
    } else {
      for (int b = std::max(0, centre[a] - k); b <= std::min(n_[a] - 1, centre[a] + k); ++b)
        ranges[a].push_back(b);
    }
  }
  const bool periodic = cell_.pbc[0] || cell_.pbc[1] || cell_.pbc[2];
  const double r2 = radius_A * radius_A;
  for (int bx : ranges[0])
    for (int by : ranges[1])
      for (int bz : ranges[2]) {
        const std::size_t b = (static_cast<std::size_t>(bx) * static_cast<std::size_t>(n_[1]) +
                               static_cast<std::size_t>(by)) *
                                  static_cast<std::size_t>(n_[2]) +
                              static_cast<std::size_t>(bz);
        for (std::size_t o = start_[b]; o < start_[b + 1]; ++o) {
          const std::size_t i = order_[o];
          Vec3 d = points_[i] - p;
          if (periodic) {
            Vec3 s = to_fractional_ * d;
            for (int a = 0; a < 3; ++a)
              if (cell_.pbc[static_cast<std::size_t>(a)]) s[a] -= std::round(s[a]);
            d = to_cartesian_ * s;
          }
          const double d2 = d.squaredNorm();
          if (d2 <= r2) f(i, d2);
        }
      }
}

}  // namespace vitrum::sim::detail
