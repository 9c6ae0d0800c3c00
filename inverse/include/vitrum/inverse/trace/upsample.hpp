#pragma once
/// \file
/// Step 1 of atom tracing (PHYSICS.md §4; seed 001 Methods, "Determination and refinement of
/// 3D atomic coordinates" (1)): the reconstruction is interpolated onto a grid f times finer
/// by cubic splines. The reference code (AET-MetallicGlass/Supplementary-Data-Codes,
/// 4_Tracing_and_classification/Main_polynomial_tracing.m) uses MATLAB's interp3(…, 'spline');
/// here the interpolant is the cubic B-spline (Unser, IEEE Signal Process. Mag. 16, 22 (1999),
/// eqs. 4–5 and Box 2; Thévenaz, Blu & Unser, IEEE TMI 19, 739 (2000), §III) with mirror
/// boundaries, separable over x, y, z. Both pass through the samples and differ only within a
/// few voxels of the volume's edge (not-a-knot vs mirror end conditions).

#include <array>
#include <cstddef>
#include <span>

#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::inverse {

/// A read-only view of a volume [z][y][x] (row-major, x fastest) with its sampling and the
/// coordinate of voxel (0, 0, 0), per axis z, y, x, in Å — the frame of `vitrum tomo`'s
/// EMD dims.
struct VolumeView {
  std::span<const float> values;
  std::array<std::size_t, 3> shape{};
  std::array<double, 3> sampling_A{1.0, 1.0, 1.0};
  std::array<double, 3> origin_A{};

  VolumeView() = default;
  VolumeView(std::span<const float> v, std::array<std::size_t, 3> s, std::array<double, 3> sampling,
             std::array<double, 3> origin)
      : values(v), shape(s), sampling_A(sampling), origin_A(origin) {}
  /// A view of an owning volume (which must outlive the view).
  explicit VolumeView(const core::Volume& v)
      : values(v.values()), shape(v.shape()), sampling_A(v.sampling()), origin_A(v.origin()) {}
};

/// The volume on a grid `factor` times finer along each axis: n' = factor·(n − 1) + 1 samples
/// of spacing h/factor from the same origin, so every input voxel is an output voxel
/// (unchanged up to rounding). An axis of one sample stays one sample. Values are float, the
/// arithmetic double. InputError if factor < 1, the view is empty or its size does not match
/// its shape. Same bytes for every ctx.threads.
core::Volume upsample_spline(const VolumeView& volume, int factor,
                             const core::ExecutionContext& ctx);

}  // namespace vitrum::inverse
