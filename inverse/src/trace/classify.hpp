#pragma once
// Stages 5–6 of atom tracing (trace.hpp): integrated intensities and local profiles of the
// upsampled volume about each atom, and the local re-classification of species.

#include <cstddef>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::inverse::detail {

/// The voxels of `grid` in the cube of ±half voxels about the voxel nearest `position_A`
/// (zero outside the grid), x fastest.
std::vector<float> cube_profile(const core::Volume& grid, const core::Vec3& position_A, int half);

/// Σ of a profile × voxel volume (volume units · Å³).
double integrate(const std::vector<float>& profile, const core::Volume& grid);

/// Local re-classification (seed 000; trace.hpp stage 6): every atom takes the type whose mean
/// profile over the other atoms of that type within radius_A is nearest in least squares (the
/// type's mean over the whole model when none is that near); all atoms are updated together,
/// up to `max_sweeps` times or until no type changes. `profiles` holds one profile of equal
/// length per atom. Returns the sweeps made.
int reclassify_locally(const std::vector<core::Vec3>& positions_A,
                       const std::vector<std::vector<float>>& profiles, int types, double radius_A,
                       int max_sweeps, std::vector<int>& type_of,
                       const core::ExecutionContext& ctx);

}  // namespace vitrum::inverse::detail
