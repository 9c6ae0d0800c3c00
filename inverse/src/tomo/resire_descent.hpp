#pragma once
// RESIRE's gradient descent on any box: the engine behind resire() (a cube centred on the
// rotation centre, resire.hpp) and scanning AET's local volumes (scanning.hpp), whose box is a
// slab anywhere in the field and whose views are windows cropped at per-tilt offsets.

#include <vector>

#include "vitrum/core/projector.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace vitrum::inverse::detail {

/// Descends from `start` (any shape and origin, cubic voxels) against `series`, view t's
/// detector shifted by shift_yx_A[t] (empty: none), fitting only the pixels where `mask` (one
/// 0/1 value per pixel of the series; empty: all) is 1. The step is resire.hpp's with n the
/// box's longest edge (a mask only lowers ΠᵀΠ's largest eigenvalue). Without a mask a view that
/// is zero everywhere is an InputError (as resire's); with one it drops out of R₁'s mean (its
/// R₁ is reported as 0). InputError on a bad series, centre, start, mask or params.
ResireResult resire_descent(const core::TiltSeries& series, const core::DetectorShifts& shift_yx_A,
                            const std::vector<float>& mask, const core::Vec3& center_A,
                            const ResireParams& params, const core::ExecutionContext& ctx,
                            const core::Logger& logger, core::Volume start);

}  // namespace vitrum::inverse::detail
