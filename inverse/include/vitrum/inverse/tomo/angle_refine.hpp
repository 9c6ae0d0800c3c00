#pragma once
/// \file
/// Angle refinement of AET (PHYSICS.md §4; seed 001 Methods, "angle refinement"; reference code
/// AET-AmorphousMaterials/Supplementary-Data-Codes, RESIRE with angle refinement): the Euler
/// angles a series records are the goniometer's, off by a fraction of a degree to a degree or
/// two. Per round k = 1 … K:
///
///   1. N RESIRE iterations (30 in the reference) with the current angles, continuing from the
///      previous round's volume O;
///   2. per projection t, a grid search of offsets Δ_t = (Δφ, Δθ, Δψ) on
///      {−m_a δ, …, 0, …, m_a δ} per angle a (m_a = round(range_a / δ); range 0 leaves the
///      angle alone), minimising R₁,t(Δ) = Σ|Π_{θ_t+Δ} O − b_t| / Σ|b_t| against the current O;
///      the best grid point is then refined by a parabola through its neighbours along each
///      searched angle (moved at most δ/2, kept only if R₁ is lower there);
///   3. with gauge kMean, the mean offset of each angle over the projections is subtracted:
///      a common θ or ψ offset of every view is the same data as a rotated object (about y,
///      or x), so the data cannot fix it; the nominal mean orientation is kept instead.
///
/// Each round can move an angle by at most range + δ/2, so K rounds reach K·(range + δ/2).
/// Cost per round: N RESIRE iterations plus Π_a (2 m_a + 1) forward projections per tilt.
/// The search is parallel over projections (each one serial, writing only its own result),
/// so results are the same bytes for every thread count.

#include <array>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace vitrum::inverse {

/// What fixes the overall orientation the data cannot determine.
enum class AngleGauge {
  kMean,  ///< the mean offset of each refined angle over all projections is zero
  kNone,  ///< offsets are kept as found (the common part is then arbitrary within the noise)
};

struct AngleRefineParams {
  int rounds = 0;       ///< K rounds of (RESIRE iterations, search); 0: no refinement
  int iterations = 30;  ///< N RESIRE iterations before each search (reference code: 30)
  /// Search half-range per Euler angle (φ, θ, ψ), degrees; 0 leaves that angle fixed.
  std::vector<double> range_deg = {0.0, 2.0, 0.0};
  double step_deg = 0.25;  ///< grid step δ (deg)
  AngleGauge gauge = AngleGauge::kMean;

  /// InputError naming the field, its value and the allowed range (including a search grid
  /// of more than 10⁵ points per projection).
  void validate() const;
};

/// One search over all projections (step 2 of the file comment).
struct AngleSearchResult {
  std::vector<std::array<double, 3>> offset_deg;  ///< best (Δφ, Δθ, Δψ) per projection (deg)
  std::vector<double> r1_before;  ///< R₁,t at the angles searched about (offset 0)
  std::vector<double> r1_after;   ///< R₁,t at the best offset
};

/// Searches offsets of every projection's Euler angles about series.euler_deg against
/// `volume` (step 2; no gauge). `subsamples` is the projector's S. InputError on a bad
/// series, centre or params.
AngleSearchResult search_angles(const core::Volume& volume, const core::TiltSeries& series,
                                const core::Vec3& center_A, const AngleRefineParams& params,
                                int subsamples, const core::ExecutionContext& ctx);

struct AngleRefineResult {
  std::vector<std::array<double, 3>> euler_deg;   ///< refined (φ, θ, ψ) per projection (deg)
  std::vector<std::array<double, 3>> offset_deg;  ///< refined − recorded (deg)
  /// RESIRE's volume after the last round's iterations (made with the angles before its
  /// search); resire() with the refined angles may continue from it.
  core::Volume volume;
  std::vector<double> r1_before;  ///< mean R₁ before each round's search, one per round
  std::vector<double> r1_after;   ///< mean R₁ after each round's search (and gauge)
};

/// Refines the Euler angles of `series` (images in value·Å; angles in degrees) about the
/// rotation centre `center_A` (Å), alternating `params.iterations` RESIRE iterations (with
/// `resire`'s step, positivity, box and projector; its `iterations` is not used) and a search,
/// for params.rounds rounds. InputError on a bad series, centre or params, or rounds = 0.
/// Same bytes for every ctx.threads.
AngleRefineResult refine_angles(const core::TiltSeries& series, const core::Vec3& center_A,
                                const ResireParams& resire, const AngleRefineParams& params,
                                const core::ExecutionContext& ctx, const core::Logger& logger);

}  // namespace vitrum::inverse
