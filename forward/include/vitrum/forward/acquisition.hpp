#pragma once
/// \file
/// Experimental realism of an ADF-STEM acquisition, each effect drawn from the run's seeded
/// streams and recorded as truth (PHYSICS.md §2, seed 001 Methods):
///  - partial spatial coherence: the image convolved with a Gaussian (finite source size);
///  - dose: counts ~ Poisson(dose × pixel area × collected fraction), plus a constant
///    background and Gaussian read noise;
///  - geometry: a random rigid shift per projection, a linear drift along the slow scan axis
///    (y) per projection, and small random errors of the Euler angles.
/// All are off by default (a noiseless, perfectly aligned series).

#include <array>
#include <cstdint>

#include "vitrum/core/grid.hpp"

namespace vitrum::forward {

struct AcquisitionParams {
  double source_sigma_A = 0.0;           ///< σ of the Gaussian source-size blur
  double dose_e_per_A2 = 0.0;            ///< electron dose per projection; 0: noiseless fraction
  double background_counts = 0.0;        ///< constant offset added to every pixel (counts)
  double read_noise_counts = 0.0;        ///< σ of Gaussian read noise (counts)
  double shift_sigma_px = 0.0;           ///< σ of the random shift per projection and axis
  double drift_sigma_px_per_line = 0.0;  ///< σ of the drift velocity per projection and axis
  double angle_error_sigma_deg = 0.0;    ///< σ of the error of each Euler angle per projection

  void validate() const;
  bool counts() const { return dose_e_per_A2 > 0.0; }
};

/// What was done to one projection (the truth a reconstruction should recover).
struct ProjectionImperfections {
  std::array<double, 2> shift_px{};           ///< (x, y) rigid shift of the scan
  std::array<double, 2> drift_px_per_line{};  ///< (x, y) displacement added per scan line
  std::array<double, 3> angle_error_deg{};    ///< added to the nominal (φ, θ, ψ)
};

/// Draws the imperfections of projection `index` from the stream (seed, "forward.acquisition",
/// index).
ProjectionImperfections draw_imperfections(const AcquisitionParams& params, std::uint64_t seed,
                                           std::uint64_t index);

/// Convolves an image with a normalised Gaussian of σ = sigma_A (finite source size), on the
/// image's own pixels (mirrored edges). The image is a sampling of a continuous one, so this
/// is faithful only when the pixel is not much coarser than σ; the linear model avoids the
/// issue by widening its Gaussians instead (w² + σ²).
void apply_source_blur(core::Image& image, double sigma_A);

/// If a dose is set, replaces collected fractions by counts: Poisson(dose × pixel area ×
/// fraction) + background + N(0, read noise²), drawn from (seed, "forward.noise", index)
/// pixel by pixel in row-major order. Does nothing without a dose.
void apply_counting_noise(core::Image& image, const AcquisitionParams& params, std::uint64_t seed,
                          std::uint64_t index);

}  // namespace vitrum::forward
