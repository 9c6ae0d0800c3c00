#pragma once
/// \file
/// R₁ of an atomic model against a tilt series (PHYSICS.md §4; seed 001 Methods):
/// R₁ = Σ_θ Σ_{x,y} |s_θ Π_θ(M) − b_θ| / Σ_θ Σ_{x,y} |b_θ|, where M is the model rendered as
/// Gaussian atoms (validation/fsc.hpp `render_model`) on a box around it with voxels of the
/// series' pixel size, Π_θ the core projector (`core::project_series`, same detector as the
/// series) and s_θ = Σ Π_θ(M) b_θ / Σ Π_θ(M)² the per-projection least-squares scale. The scale
/// is there because a model carries no intensity unit (and a per-tilt scale absorbs dose
/// fluctuations, as the refinement's fitted heights do); R₁ then measures shape only. The
/// model's atom width should match the data's blur (`render.sigma_A`).

#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/validation/fsc.hpp"

namespace vitrum::validation {

struct R1Params {
  RenderParams render;    ///< how atoms are drawn
  double margin_A = 3.0;  ///< rendered box: the atoms' bounding box plus this on each side, Å
  double voxel_A = 0.0;   ///< voxel size of the rendered box, Å; 0: the series' pixel size
  core::ProjectorParams projector;
  void validate() const;
};

struct R1Result {
  double r1 = 0;                       ///< over all projections
  std::vector<double> per_projection;  ///< R₁ of each projection
  std::vector<double> scale;           ///< s_θ per projection
};

/// R₁ of `model` against `series` (rotation centre `center_A`, as `vitrum stem` records it in
/// `/geometry/rotation_center_A`). InputError for an empty model or series, a series whose
/// |b| sums to zero, or bad params.
R1Result r1_against_series(const core::AtomicModel& model, const core::TiltSeries& series,
                           const core::Vec3& center_A, const R1Params& params,
                           const core::ExecutionContext& ctx);

}  // namespace vitrum::validation
