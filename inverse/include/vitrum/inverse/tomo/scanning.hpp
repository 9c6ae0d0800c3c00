#pragma once
/// \file
/// Scanning AET for thin films (PHYSICS.md §4; seed 001 Methods, "Tomographic reconstruction":
/// a large-volume RESIRE reconstruction, an estimate of the film's thickness variation, then
/// "multiple local volume reconstructions … patched together"; their ref. 40, Tian et al.,
/// Nature Materials 19, 867 (2020)).
///
/// 1. Thickness. From the global RESIRE volume G, for each patch the laterally averaged profile
///    P(z) = ⟨G(z, y, x)⟩ over the patch's core columns; the film occupies the voxels between the
///    first and last z with P ≥ `threshold`·max P (0.5: the half-maximum points, which sit on the
///    surfaces of a top-hat film blurred by any symmetric kernel narrower than the film). A patch
///    whose peak is below 0.1 of the whole field's (vacuum beside a finite film) uses the whole
///    field's profile. `thickness_A` > 0 replaces the estimate by a slab of that thickness
///    centred on the profile's centroid Σ z P / Σ P.
/// 2. Local volumes. The field (G's x, y extent) is split into a grid of cores of at most
///    `patch_A`, on G's voxel boundaries. Each local box is the core plus `overlap_A` plus
///    `padding_A` on every side, the film's z range plus `margin_z_A` above and below, clipped to
///    G, on G's grid (stitching then needs no interpolation). For every tilt the detector is
///    cropped to a window of (box width + box thickness) centred on the projection R(p − c) + c
///    of the box centre p (which covers the box's projection at any tilt), clamped to the
///    recorded detector; the crop's integer pixel offset is carried as a detector shift
///    (core::DetectorShifts), so the geometry is exact. RESIRE then runs on the box, same angles,
///    same centre c. A window pixel whose ray also crosses film outside the box would push that
///    mass into the box, so it is not fitted (window_mask): only pixels whose ray crosses the
///    slab within the box's columns are. A kept voxel then loses the rays that leave the box at
///    high tilt unless the padding is ≥ T·tan θ_max (a ray runs T·tan θ laterally through a slab
///    of thickness T); the default padding is that. Measured on a film of blobs
///    (tests/inverse/test_scanning.cpp, ±60°, 100 iterations, 6 Å padding where T·tan θ_max ≈
///    24 Å): correlation with the truth 0.949 fitting every window pixel, 0.964 masked, 0.973
///    for the global volume and for 24 Å of padding.
/// 3. Stitching. Each local volume is weighted by w(x, y) = w_x(x)·w_y(y), w_a = 1 in the core,
///    ramping linearly from 1 to 0 across a band of ±overlap about each core boundary shared with
///    a neighbour (no ramp at the field's edge), 0 in the padding. Neighbouring ramps sum to 1, so
///    Σ_p w_p = 1 on every column (a partition of unity); the sum is divided out anyway.
///    A local volume is zero outside its z range (the film's support), so the stitched volume is
///    zero above and below the film.
///
/// Cost: one RESIRE per distinct box, about (box area × box thickness) / (field area × field
/// edge) of the global run each (patches whose boxes coincide share one reconstruction).

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace vitrum::inverse {

struct ScanningParams {
  bool enabled = false;   ///< run scanning AET after the global reconstruction
  double patch_A = 24.0;  ///< lateral size of the kept core of each local volume (Å, ≥ 4 voxels)
  double overlap_A = 4.0;  ///< half-width of the blending band about a shared core edge (Å)
  /// Extra lateral margin reconstructed and discarded (Å); 0: T·tan θ_max per patch (T the
  /// local slab's thickness), which keeps every ray through the kept region inside the box at
  /// the steepest tilt (see the file comment). Less is cheaper; set a small value for ~none.
  double padding_A = 0.0;
  double thickness_A = 0.0;  ///< film thickness (Å); 0: estimated per patch from the profile
  double threshold = 0.5;    ///< profile level (fraction of its peak) marking the surfaces
  double margin_z_A = 4.0;   ///< added above and below the film's z range (Å)
  int iterations = 0;        ///< RESIRE iterations per local volume; 0: RESIRE's `iterations`

  /// InputError naming the key (`scanning.…`), its value and the allowed range.
  void validate() const;
  /// The keys, prefixed (`scanning.patch_A`, …).
  void add_to(core::ParamSet& set, const std::string& prefix = "scanning.");
};

/// One local volume: its core and box in voxel indices of the global grid G (half-open).
struct ScanPatch {
  std::array<std::size_t, 2> core_lo{}, core_hi{};  ///< (y, x) core columns
  std::array<std::size_t, 3> box_lo{}, box_hi{};    ///< (z, y, x) reconstructed box
  double thickness_A = 0.0;                         ///< estimated (or given) film thickness
  double mid_z_A = 0.0;        ///< film mid-plane height (Å): middle of the surfaces (or centroid)
  double r1 = 0.0;             ///< mean R₁ of the local reconstruction against its windows
  double kept_fraction = 0.0;  ///< fraction of the window pixels fitted (window_mask)
  double padding_A = 0.0;      ///< the padding used (params' or T·tan θ_max)
};

/// max_t |d_xy|/|d_z| of the beam d = R_tᵀ ẑ in the object's frame: tan θ_max for single-axis
/// tilts (≈ 10¹² for a view along the film).
double steepest_tan(const std::vector<std::array<double, 3>>& euler_deg);

/// The patches `scanning_reconstruct` makes from the global volume (step 1, 2 of the file
/// comment); `tan_max` (steepest_tan of the series) sets the automatic padding (at most the
/// field's width). InputError naming `scanning.enabled` (a volume under 4 voxels along an
/// axis), `scanning.patch_A` (core < 4 voxels), `scanning.overlap_A`
/// (band wider than a core allows) or `scanning.thickness_A` (an empty volume: no profile).
std::vector<ScanPatch> plan_patches(const core::Volume& global, const ScanningParams& params,
                                    double tan_max);

/// The box of `patch` on G's grid (zero-filled).
core::Volume patch_box(const core::Volume& global, const ScanPatch& patch);

/// The stitching weight w(x, y) of `patch` at column (iy, ix) of G (file comment, step 3).
double patch_weight(const core::Volume& global, const ScanPatch& patch, double overlap_A,
                    std::size_t iy, std::size_t ix);

/// Σ_p w_p V_p / Σ_p w_p on G's grid (V_p zero outside its box; columns no patch covers stay 0).
/// InputError unless there is one volume per patch with that patch's box.
core::Volume stitch(const core::Volume& global, const std::vector<ScanPatch>& patches,
                    const std::vector<core::Volume>& locals, double overlap_A);

/// A tilt series cropped to per-tilt windows, and each window's offset as a detector shift.
struct CroppedSeries {
  core::TiltSeries series;          ///< windows; images' origin is the full detector's
  core::DetectorShifts shift_yx_A;  ///< window t's origin − the full detector's origin (Å)
};

/// Crops every view of `series` to ny × nx pixels centred (to the nearest pixel) on the
/// projection R_t(p − c) + c of `point_A`, clamped to the detector (so at most its size).
CroppedSeries crop_series(const core::TiltSeries& series, const core::Vec3& center_A,
                          const core::Vec3& point_A, std::size_t ny, std::size_t nx);

/// The pixels a local volume fits: 1 where the pixel's ray crosses the slab of `patch`'s box
/// (z between the outer faces of its first and last layers) entirely within the box's columns
/// (voxel centres; a side on the field's edge is open, as the global box assumes vacuum beyond
/// the field), else 0. Rays that also cross the film outside the box would put that mass into
/// the box; masked, they cannot. One value per pixel of crop.series.
std::vector<float> window_mask(const CroppedSeries& crop, const core::Vec3& center_A,
                               const core::Volume& global, const ScanPatch& patch);

struct ScanningResult {
  core::Volume volume;  ///< the stitched volume on G's grid
  std::vector<ScanPatch> patches;
  std::vector<double> r1_per_projection;  ///< R₁,θ of the stitched volume on the full series
};

/// Scanning AET from the global reconstruction `global` of `series` about `center_A`, each
/// local volume by RESIRE with `resire` (its iterations unless params.iterations > 0). Patches
/// run one after another, each reconstruction parallel over ctx; same bytes for every
/// ctx.threads. InputError on bad params or input.
ScanningResult scanning_reconstruct(const core::TiltSeries& series, const core::Vec3& center_A,
                                    const core::Volume& global, const ResireParams& resire,
                                    const ScanningParams& params, const core::ExecutionContext& ctx,
                                    const core::Logger& logger);

}  // namespace vitrum::inverse
