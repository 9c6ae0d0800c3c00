#pragma once
// The rendering kernel shared by render_projections and the refinement (refine.hpp): one
// atom's image as a sum of normalised 2D Gaussians, sampled at the pixel centres within
// ± render_sigmas of each component's width. Separable: exp(−(dx² + dy²)/2v) = e(dx)·e(dy),
// so a patch costs one exp per row and column.

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/inverse/trace/refine.hpp"

namespace vitrum::inverse::detail {

/// The detector of a tilt series: pixel (iy, ix) at (ox + ix·px, oy + iy·py) of the rotated
/// frame (core/projector.hpp).
struct Detector {
  std::size_t ny = 0, nx = 0;
  double ox = 0, oy = 0, px = 1, py = 1;
  std::size_t pixels() const { return ny * nx; }
};

inline Detector detector_of(const core::TiltSeries& series) {
  const auto& g = series.images;
  return {g.extent(1), g.extent(2), g.origin()[2], g.origin()[1], g.sampling()[2], g.sampling()[1]};
}

/// ρ = P·r + offset: the detector-plane position (x', y') of r at one orientation, with P the
/// first two rows of R and offset = (c − R c)_{x,y} (r' = R(r − c) + c).
struct Orientation {
  Eigen::Matrix<double, 2, 3> P;
  Eigen::Vector2d offset;
  Eigen::Vector2d project(const core::Vec3& r) const { return P * r + offset; }
};

Orientation orientation(const std::array<double, 3>& euler_deg, const core::Vec3& center_A);

/// One normalised 2D Gaussian term of an atom's image: coefficient (amplitude·w_j / 2πv),
/// variance v = σ² + s_j² (Å²) and the render radius (Å).
struct Component {
  double coefficient = 0;
  double variance = 0;
  double radius = 0;
};

/// The components of each type's atom image, with the amplitudes of `model` or (unit = true)
/// with amplitude 1 (the per-type basis images of the least-squares amplitudes).
std::vector<std::vector<Component>> components(const ProjectionModel& model, bool unit);

/// The pixel range [first, last] (inclusive) within ± radius of coordinate x on an axis of n
/// samples at origin o, step h; empty (first > last) when it misses the axis.
inline void pixel_range(double x, double radius, double o, double h, std::size_t n, long& first,
                        long& last) {
  first = static_cast<long>(std::ceil((x - radius - o) / h));
  last = static_cast<long>(std::floor((x + radius - o) / h));
  if (first < 0) first = 0;
  if (last > static_cast<long>(n) - 1) last = static_cast<long>(n) - 1;
}

/// Adds the image of one atom at ρ = (x, y) (Å, rotated frame) to `image` (ny·nx doubles).
/// `ex`, `ey` are scratch.
void splat_atom(double x, double y, const std::vector<Component>& comps, const Detector& det,
                double* image, std::vector<double>& ex, std::vector<double>& ey);

}  // namespace vitrum::inverse::detail
