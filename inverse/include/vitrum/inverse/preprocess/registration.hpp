#pragma once
/// \file
/// Registration of repeated frames (seed 001 Methods "Image preprocessing" (1); PHYSICS.md §4):
/// the sub-pixel translation between two images by cross-correlation, refined on a 1/upsampling
/// pixel grid (0.05 px: the step of seed 001) by the matrix-multiply DFT of Guizar-Sicairos,
/// Thurman & Fienup, "Efficient subpixel image registration algorithms", Opt. Lett. 33, 156
/// (2008), eq. (5) and §3: the cross-power spectrum is evaluated only on a small neighbourhood
/// of the integer peak, at the cost of O(m·N) instead of an m²-times larger FFT; a parabola
/// through the fine-grid maximum and its neighbours then places the peak between grid points
/// (below 0.01 px on the tests' textures, against ≤ 0.025 px from the grid alone). Then the
/// translation (Fourier shift theorem) and the average of N registered frames.
///
/// Conventions: shifts are (x, y) in pixels. An image `moving` that equals `reference`
/// translated by s, moving(r) = reference(r − s), registers to s; fourier_shift(image, s)
/// translates the content by +s, so fourier_shift(moving, −s) ≈ reference. Images are treated
/// as periodic (the DFT); content should stay clear of the edges by more than the shift.

#include <array>
#include <span>
#include <vector>

#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"

namespace vitrum::inverse {

/// (x, y) in pixels.
using Shift2 = std::array<double, 2>;

/// Settings of the sub-pixel registration (seed 001 Methods (1): 0.05 px steps).
struct RegistrationParams {
  /// Refinement factor: the peak is searched on a grid of 1/upsampling px (20: 0.05 px, seed
  /// 001), then refined by a parabola.
  int upsampling = 20;
  /// Subtract each image's mean before correlating, so a constant background does not bias
  /// the peak toward zero shift.
  bool subtract_mean = true;

  /// InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// The translation s (px) with moving(r) ≈ reference(r − s): the maximum of the cross-
/// correlation C(s) = Σ_r moving(r)·reference(r − s), found on the integer grid by FFT, then
/// on a 1/upsampling px grid within ±1.5 px of it by the DFT (Guizar-Sicairos 2008), then
/// between grid points by a parabola (not with upsampling = 1: the integer peak is returned).
/// Images of the same shape, ≥ 2 px per axis, finite; InputError otherwise.
Shift2 register_translation(const core::Image& reference, const core::Image& moving,
                            const RegistrationParams& params, core::FftPlanCache& ffts);

/// The 1D version for profiles (e.g. the common line, align.hpp): s (px) with
/// moving[i] ≈ reference[i − s].
double register_profile(std::span<const double> reference, std::span<const double> moving,
                        const RegistrationParams& params, core::FftPlanCache& ffts);

/// Translates the image content by `shift` = (x, y) px through the Fourier shift theorem
/// (multiplication by e^{−2πi k·s/N}; periodic, band-limited interpolation). The Nyquist
/// component of an even axis is kept real, so the image stays real and a zero shift is exact.
void fourier_shift(core::Image& image, const Shift2& shift, core::FftPlanCache& ffts);

/// 1D Fourier shift of a profile by `shift` px.
void fourier_shift_profile(std::span<double> profile, double shift, core::FftPlanCache& ffts);

/// The result of average_frames: the registered mean and the registrations.
struct FrameAverage {
  core::Image average;         ///< the mean of the registered frames, on frame 0's grid
  std::vector<Shift2> shifts;  ///< registration of each frame to frame 0 (frame 0: (0, 0)), px
};

/// Registers frames 1…N−1 to frame 0, translates each back by its shift and averages (seed
/// 001 Methods (1): three frames per tilt). For uncorrelated noise the SNR grows as √N.
/// InputError on no frames or mismatched shapes.
FrameAverage average_frames(std::span<const core::Image> frames, const RegistrationParams& params,
                            core::FftPlanCache& ffts);

}  // namespace vitrum::inverse
