#pragma once
// Checks and fit measures shared by the reconstructions of inverse/tomo (RESIRE, SIRT, WBP,
// angle refinement): one definition of "a usable series" and of R₁ for all of them.

#include <cstddef>
#include <vector>

#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/projector.hpp"

namespace vitrum::inverse::detail {

/// InputError unless `series` is valid (one finite Euler triplet per image), non-empty and
/// finite everywhere.
void check_series(const core::TiltSeries& series);

/// Σ|b_t| per projection (double, pixel order); InputError for a projection that is zero
/// everywhere (R₁ undefined).
std::vector<double> projection_l1(const core::TiltSeries& series);

/// Σ|b_t| per projection (double, pixel order), zero allowed.
std::vector<double> l1_norms(const core::TiltSeries& series);

/// R₁,t = Σ|r_t| / b_norm[t] for every projection of `residual` (0 where b_norm[t] = 0).
std::vector<double> r1_per_projection(const core::TiltSeries& residual,
                                      const std::vector<double>& b_norm);

double mean(const std::vector<double>& v);

/// The checks every iterative reconstruction's params share: iterations ≥ 1, report_interval
/// ≥ 1, the box (volume.voxel_A ≥ 0, volume.size_voxels 0 … 4096) and the projector.
void validate_iterative_box(int iterations, int report_interval, double voxel_A, int size_voxels,
                            int subsamples);

/// residual = Π O − b for every tilt (residual's angles and detector are used).
void residual_of(const core::Volume& volume, const core::TiltSeries& series,
                 const core::Vec3& center_A, const core::ProjectorParams& projector,
                 const core::ExecutionContext& ctx, core::TiltSeries& residual);

/// As above, with view t's detector shifted by shift_yx_A[t] (core::DetectorShifts; empty:
/// none).
void residual_of(const core::Volume& volume, const core::TiltSeries& series,
                 const core::DetectorShifts& shift_yx_A, const core::Vec3& center_A,
                 const core::ProjectorParams& projector, const core::ExecutionContext& ctx,
                 core::TiltSeries& residual);

/// An all-zero series with `series`' detector and angles.
core::TiltSeries zero_like(const core::TiltSeries& series);

}  // namespace vitrum::inverse::detail
