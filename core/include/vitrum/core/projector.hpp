#pragma once
/// \file
/// The tomographic projector: a matched real-space pair, forward projection Π_θ (volume →
/// image) and its exact adjoint Π_θᵀ (image → volume), for arbitrary ZYX Euler angles. RESIRE's
/// gradient Σ_θ Π_θᵀ(Π_θO − b_θ) is built on it (PHYSICS.md §4; seed 001 Methods eq. 1).
///
/// Geometry — the convention of `vitrum stem` (forward/stem.hpp), pinned by tests: projection
/// θ = (φ, θ, ψ) rotates the object about the rotation centre c, r' = R(r − c) + c with
/// R = Rz(φ)Ry(θ)Rx(ψ) (core::euler_zyx_matrix), and integrates along the beam (+z):
///
///   p_θ(x', y') = ∫ O(c + Rᵀ(r' − c)) dz',     r' = (x', y', z').
///
/// Image pixel (iy, ix) sits at (origin_x + ix·step_x, origin_y + iy·step_y) of the rotated
/// frame; voxel (iz, iy, ix) at (origin_x + ix·h_x, origin_y + iy·h_y, origin_z + iz·h_z).
/// Both grids carry their own origin and sampling, so the volume need not be centred on c;
/// `detector_image` makes the image `vitrum stem` makes (n pixels centred on c). Example:
/// at θ = 90° (0, 90, 0), +z of the object maps to +x of the image and +x to −z.
///
/// Discretisation (voxel-driven, the GPU projector of the RESIRE reference code and ASTRA's
/// shared-traversal design, STYLE.md): each voxel is split into S³ sub-points (S per axis,
/// `ProjectorParams::subsamples`); each sub-point carries O·h_x·h_y·h_z / S³ (value × volume)
/// and is splatted bilinearly onto the four nearest pixel centres, divided by the pixel area.
/// So the image is a line integral in the volume's value unit × Å, and mass is conserved:
/// Σ p·step_x·step_y = Σ O·h_x·h_y·h_z whenever the detector covers the projected volume.
/// (RESIRE's reference code sums voxels instead; with equal voxel and pixel sizes h the two
/// differ by the factor h.) The adjoint gathers with the same weights from the same traversal,
/// so ⟨Π x, y⟩ = ⟨x, Πᵀ y⟩ (plain sums over pixels and voxels) up to rounding.
///
/// Threads: results are the same bytes for every ExecutionContext::threads. The forward
/// projection splats fixed z-slabs into their own double buffers and adds them in slab order;
/// the adjoint writes each voxel from one thread (parallel over z-planes).

#include <array>
#include <cstddef>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::core {

struct ProjectorParams {
  /// Sub-points per voxel axis, S (S³ per voxel, at the centres of an S×S×S split of the
  /// voxel). 1 treats a voxel as a point at its centre; 2 spreads it over the voxel's extent,
  /// which smooths the splat for coarse voxels at 8× the cost.
  int subsamples = 1;

  void validate() const;
};

/// A zero image of ny × nx pixels of `pixel_A`, centred on `center_A` as `vitrum stem` makes
/// it: pixel (iy, ix) at c + ((ix − (nx−1)/2)·pixel, (iy − (ny−1)/2)·pixel).
Image detector_image(std::size_t ny, std::size_t nx, double pixel_A, const Vec3& center_A);

/// The centre of a volume's sampled box (x, y, z in Å): origin + (n−1)/2·h per axis.
Vec3 volume_center(const Volume& volume);

/// Forward projection p = Π_θ O into `image`, whose shape, sampling and origin define the
/// detector; its values are overwritten. Euler angles in degrees, centre in Å (x, y, z).
/// InputError on an empty volume or image, non-finite angles or centre, or bad params.
void project(const Volume& volume, const std::array<double, 3>& euler_deg, const Vec3& center_A,
             Image& image, const ProjectorParams& params, const ExecutionContext& ctx);

/// Adjoint O += Π_θᵀ p: adds the back-projection of `image` to `volume` (accumulating).
void back_project(const Image& image, const std::array<double, 3>& euler_deg, const Vec3& center_A,
                  Volume& volume, const ProjectorParams& params, const ExecutionContext& ctx);

/// Forward projections for every tilt of `series`: series.images[t] = Π_θt O, with θt =
/// series.euler_deg[t]; the detector is series.images' axes 1, 2 (shape, sampling, origin).
/// Parallel over batches of up to 8 tilts, each batch one pass over the volume (every voxel
/// loaded once for the batch); each image is the same bytes `project` gives.
void project_series(const Volume& volume, const Vec3& center_A, TiltSeries& series,
                    const ProjectorParams& params, const ExecutionContext& ctx);

/// Back-projection of a stack (e.g. RESIRE's residuals Π_θO − b_θ): volume += Σ_t Π_θtᵀ r_t,
/// tilts added in order for each voxel. Parallel over z-planes.
void back_project_series(const TiltSeries& residuals, const Vec3& center_A, Volume& volume,
                         const ProjectorParams& params, const ExecutionContext& ctx);

/// Per-view detector shifts (y, x) in Å: view t's detector origin is the series' origin (axes
/// 1, 2) plus shift[t]. Scanning AET (inverse/tomo/scanning.hpp) crops every view at its own
/// integer-pixel offset; carrying that offset here keeps the geometry exact without resampling.
using DetectorShifts = std::vector<std::array<double, 2>>;

/// project_series with view t's detector shifted by shift_yx_A[t]. InputError unless there is
/// one finite shift per tilt. All-zero shifts give the same bytes as project_series.
void project_series(const Volume& volume, const Vec3& center_A, TiltSeries& series,
                    const DetectorShifts& shift_yx_A, const ProjectorParams& params,
                    const ExecutionContext& ctx);

/// back_project_series with view t's detector shifted by shift_yx_A[t] (as above).
void back_project_series(const TiltSeries& residuals, const DetectorShifts& shift_yx_A,
                         const Vec3& center_A, Volume& volume, const ProjectorParams& params,
                         const ExecutionContext& ctx);

/// What the Fourier-slice projector does about the trilinear interpolation of the spectrum,
/// which on average multiplies the object by Π_a sinc²(s_a / (M_a·h_a)) (s relative to the
/// rotation centre, M_a·h_a the padded box; 1.6 % at 2 Å from the centre of a 9.6 Å box at 3×
/// oversampling). kNone keeps it, as the RESIRE reference code does; slices that lie on grid
/// planes (θ = 0 with pixel = voxel) are then exact. kDeapodize divides the volume by it before
/// the FFT (the gridding correction): 0.45 % instead of 1.2 % relative RMS at general angles in
/// the test, but 1.2 % at θ = 0, where no interpolation happens to be corrected.
enum class FourierSliceCorrection { kNone, kDeapodize };

struct FourierSliceParams {
  int oversampling = 3;  ///< padded FFT size per axis / volume size (RESIRE reference CPU code: 3)
  FourierSliceCorrection correction = FourierSliceCorrection::kNone;

  void validate() const;
};

/// The Fourier-slice forward projector, the alternative the RESIRE reference CPU code uses
/// (PHYSICS.md §4): the volume's 3D FFT on a grid `oversampling`× larger per axis, made once;
/// each projection is the central slice P̂(κ) = Ô(Rᵀ(κ_x, κ_y, 0)) (projection-slice theorem,
/// same geometry as `project`), interpolated trilinearly at the detector's DFT frequencies,
/// then a 2D inverse FFT. Same units as `project` (a line integral, value × Å). The detector
/// must cover the projected volume (the inverse DFT is periodic over the detector), and the
/// volume's content is taken band-limited to its voxel Nyquist frequency. Forward only: its
/// exact adjoint is not the real-space back-projection (RESIRE pairs them anyway).
class FourierSliceProjector {
 public:
  /// Transforms `volume` (memory: 8·Π(M_a) bytes, M_a = oversampling·n_a: 3.6 GB for 256³ at
  /// 3×). `ffts` must outlive the projector. InputError on an empty volume, a non-finite
  /// centre or bad params.
  FourierSliceProjector(const Volume& volume, const Vec3& center_A, FftPlanCache& ffts,
                        const FourierSliceParams& params = {});
  /// p = Π_θ O into `image` (its shape, sampling and origin define the detector; overwritten).
  void project(const std::array<double, 3>& euler_deg, Image& image,
               const ExecutionContext& ctx) const;

 private:
  std::array<std::size_t, 3> padded_{};  // M_z, M_y, M_x
  std::array<double, 3> sampling_{};     // h_z, h_y, h_x
  Vec3 center_A_ = Vec3::Zero();
  AlignedVector<std::complex<float>> spectrum_;  // Ô at k_a = m_a / (M_a·h_a), origin at c
  FftPlanCache* ffts_ = nullptr;
};

}  // namespace vitrum::core
