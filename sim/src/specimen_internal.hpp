#pragma once
// Internals of the specimen builder shared by its source files: the specimen's geometry
// (inside test, random sites), a cell-list point search with minimum images along periodic
// axes, and uniform random rotations.

#include <Eigen/Geometry>
#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/sim/specimen.hpp"

namespace vitrum::sim::detail {

/// Displacement b − a with the minimum image along the cell's periodic axes (exact for
/// displacements shorter than half the cell's perpendicular widths).
core::Vec3 min_image(const core::Cell& cell, const core::Vec3& a, const core::Vec3& b);

/// Maps a point into the cell along its periodic axes.
core::Vec3 wrap_point(const core::Cell& cell, const core::Vec3& r);

/// Perpendicular width of the cell along axis i (Å): volume / |other two vectors' cross|.
double cell_width(const core::Cell& cell, int axis);

/// A uniformly random rotation as ZYX Euler angles (deg): φ, ψ uniform in [−180°, 180°),
/// sin θ uniform in [−1, 1] (the Haar measure of R = Rz(φ)Ry(θ)Rx(ψ) is cos θ dφ dθ dψ).
std::array<double, 3> random_euler_deg(core::RngStream& rng);

/// The shape of a built specimen, in its own coordinates.
struct Geometry {
  SpecimenShape shape = SpecimenShape::kSphere;
  core::Cell cell;
  core::Vec3 centre_A = core::Vec3::Zero();  ///< particle centre
  core::Vec3 semi_axes_A = core::Vec3::Ones();
  double z_lo_A = 0.0, z_hi_A = 0.0;                              ///< film faces
  double x_lo_A = 0.0, x_hi_A = 0.0, y_lo_A = 0.0, y_hi_A = 0.0;  ///< finite film
  bool lateral_periodic = false;

  /// The geometry of a specimen made by carve_particle / carve_film with these params.
  static Geometry of(const SpecimenParams& params, const core::Cell& cell);
  bool inside(const core::Vec3& r_A) const;
  /// A random point on the free surface (particle: the radial projection of a uniform
  /// direction onto the ellipsoid; film: either face with equal probability, laterally uniform).
  core::Vec3 random_surface_point(core::RngStream& rng) const;
  /// A random centre for a nucleus of radius r inside: uniform in the ellipsoid with semi-axes
  /// max(a − r, 0) (a sphere: the nucleus lies wholly inside), or in z ∈ [z_lo + r, z_hi − r]
  /// of a film (its middle plane if the film is thinner than 2r).
  core::Vec3 random_inside_point(core::RngStream& rng, double radius_A) const;
};

/// Points binned in the fractional coordinates of a cell, for "all points within d of p"
/// with minimum images along periodic axes. Points outside a non-periodic cell are clamped
/// into its edge bins, which keeps every query exact.
class PointGrid {
 public:
  PointGrid(const core::Cell& cell, std::span<const core::Vec3> points_A, double bin_A);
  /// Calls f(index, distance²) for every point within `radius_A` of `p_A`.
  void for_each_within(const core::Vec3& p_A, double radius_A,
                       const std::function<void(std::size_t, double)>& f) const;

 private:
  std::array<int, 3> bin_of(const core::Vec3& r_A) const;

  core::Cell cell_;
  core::Mat3 to_fractional_, to_cartesian_;
  std::span<const core::Vec3> points_;
  std::array<int, 3> n_{1, 1, 1};
  std::array<double, 3> width_{1, 1, 1};
  std::vector<std::size_t> start_;  // CSR: points of bin b are order_[start_[b] … start_[b+1])
  std::vector<std::size_t> order_;
};

}  // namespace vitrum::sim::detail
