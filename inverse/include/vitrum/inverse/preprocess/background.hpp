#pragma once
/// \file
/// Background subtraction (seed 001 Methods "Image preprocessing" (3); PHYSICS.md §4): a mask
/// slightly larger than the sample by thresholding, the background inside the mask estimated by
/// Laplacian interpolation from the pixels outside it (the RESIRE paper's ref. 42 procedure),
/// and subtracted.
///
/// The mask: the image blurred by a Gaussian of blur_sigma_px (noise would otherwise punch
/// holes in it), thresholded at b + threshold_fraction·(max − b), b the median of the blurred
/// image's outermost ring of pixels (taken as background), then dilated by a disc of
/// dilation_px so the sample's faint tails stay inside.
///
/// The interpolation: B = image outside the mask; inside, the discrete Laplace equation
/// ∇²B = 0 (5-point stencil) with the outside values as Dirichlet conditions, and a zero normal
/// derivative where the mask meets the image edge. A constant or linear background
/// (a + b·x + c·y) is discrete-harmonic and so reproduced exactly inside a mask that does not
/// touch the edge. The sparse symmetric positive-definite system is solved by a Cholesky
/// factorisation (Eigen SimplicialLDLT), which is deterministic.

#include <cstdint>
#include <vector>

#include "vitrum/core/grid.hpp"

namespace vitrum::inverse {

/// Whether preprocessing subtracts a background.
enum class BackgroundMode {
  kNone,     ///< leave the images as they are
  kLaplace,  ///< threshold mask + Laplacian interpolation (seed 001 Methods (3))
};

/// Settings of the sample mask (seed 001 Methods (3): "a mask slightly larger than the sample").
struct BackgroundParams {
  double blur_sigma_px = 1.0;        ///< Gaussian blur before thresholding (px; 0: none)
  double threshold_fraction = 0.05;  ///< threshold between the edge median (0) and the max (1)
  int dilation_px = 3;               ///< disc radius by which the mask is grown (px)

  void validate() const;
};

/// What subtract_background estimated for one image.
struct BackgroundResult {
  core::Image background;          ///< the estimated background B (image units)
  std::vector<std::uint8_t> mask;  ///< 1 inside the (dilated) sample mask, row-major [y][x]
  double mask_fraction = 0.0;      ///< fraction of the pixels in the mask
};

/// The sample mask of `image` (see the file comment). InputError on an empty image or a
/// non-finite value.
std::vector<std::uint8_t> sample_mask(const core::Image& image, const BackgroundParams& params);

/// The harmonic interpolation of `image` into the pixels where mask = 1. InputError if the mask
/// covers the whole image (no boundary values) or has the wrong size.
core::Image laplace_interpolate(const core::Image& image, const std::vector<std::uint8_t>& mask);

/// Estimates the background (mask + Laplacian interpolation) and subtracts it from `image`.
/// InputError on an empty image, a non-finite value, an empty mask (no sample above the
/// threshold) or a mask covering the whole image.
BackgroundResult subtract_background(core::Image& image, const BackgroundParams& params);

}  // namespace vitrum::inverse
