#pragma once
/// \file
/// Tilt-series preprocessing before reconstruction, in the order of seed 001 Methods "Image
/// preprocessing" (PHYSICS.md §4): (1) linear drift correction along the slow scan axis
/// (drift.hpp; frames of one tilt are registered and averaged with registration.hpp before a
/// series is assembled), (2) denoising (BM3D with the generalised Anscombe transform,
/// denoise.hpp), (3) background
/// subtraction (background.hpp), (4) alignment by centre of mass and common line (align.hpp).
/// Every step is off by default: a noiseless, aligned series from `vitrum stem` passes
/// through unchanged.

#include <array>
#include <string>
#include <vector>

#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/inverse/preprocess/align.hpp"
#include "vitrum/inverse/preprocess/background.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"
#include "vitrum/inverse/preprocess/drift.hpp"

namespace vitrum::inverse {

/// Which steps run (each off by default) and their settings; config keys under `preprocess.`.
enum class DenoiseMode { kNone, kBm3d };

struct PreprocessParams {
  DriftMode drift = DriftMode::kNone;
  DenoiseMode denoise = DenoiseMode::kNone;
  DenoiseParams denoise_params;  ///< keys under `preprocess.denoising.`
  BackgroundMode background = BackgroundMode::kNone;
  AlignMode align = AlignMode::kNone;
  /// Sub-pixel registration used by drift and alignment (replaces their own `registration`).
  RegistrationParams registration;
  DriftParams drift_params;
  BackgroundParams background_params;
  /// Alignment settings; its `mode` and `registration` are replaced by `align`, `registration`.
  AlignParams align_params;

  void validate() const;
  /// Binds every field to a key under `prefix` (e.g. "preprocess.") in `set`.
  void add_to(core::ParamSet& set, const std::string& prefix = "preprocess.");
};

/// What preprocess did, one entry per tilt in each vector.
struct PreprocessResult {
  std::vector<std::string> steps;         ///< the steps run, in order ("drift", …)
  std::vector<Shift2> drift_px_per_line;  ///< drift removed per projection (x, y), px/line
  std::vector<NoiseModel> noise;          ///< noise model the denoiser used per projection
  std::vector<double> mask_fraction;      ///< background mask fraction per projection
  std::vector<Shift2> shift_px;           ///< alignment translation per projection (x, y), px
  int align_iterations = 0;               ///< alignment rounds run
};

/// Runs the enabled steps on `series` in place (drift → denoising → background → alignment)
/// and reports what was done; vectors of steps not run hold zeros (one entry per tilt).
/// InputError on an empty series, a non-finite value or bad params. Same bytes for every
/// ctx.threads.
PreprocessResult preprocess(core::TiltSeries& series, const PreprocessParams& params,
                            const core::ExecutionContext& ctx, const core::Logger& logger);

}  // namespace vitrum::inverse
