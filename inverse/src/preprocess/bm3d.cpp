// The denoiser of ADF-STEM projections: noise model → GAT → BM3D → exact unbiased inverse
// (denoise.hpp), its parameters, the tilt-series driver and the tuning on a simulation.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"

namespace vitrum::inverse {

void DenoiseParams::validate() const {
  if (noise_source == NoiseSource::kGiven) noise.validate("noise.");
  estimate.validate();
  bm3d.validate("bm3d.");
  core::require(std::isfinite(sigma_scale) && sigma_scale > 0.0 && sigma_scale <= 100.0,
                "sigma_scale", sigma_scale, "(0, 100]");
}

core::ParamSet DenoiseParams::params() {
  core::ParamSet p;
  add_to(p, "");
  return p;
}

void DenoiseParams::add_to(core::ParamSet& p, const std::string& prefix) {
  p.add_choice(prefix + "noise.source", noise_source,
               {{"estimate", NoiseSource::kEstimate}, {"given", NoiseSource::kGiven}},
               "Poisson–Gaussian noise model: estimated per image, or the values below")
      .add(prefix + "noise.alpha", noise.alpha, "image units/count",
           "α: image value of one detected count (0: Gaussian noise only)")
      .add(prefix + "noise.sigma", noise.sigma, "image units", "σ of the additive Gaussian noise")
      .add(prefix + "noise.offset", noise.offset, "image units", "μ, mean of the additive noise")
      .add(prefix + "estimate.bins", estimate.bins, "",
           "level sets of the mean–variance regression")
      .add(prefix + "estimate.ring_px", estimate.ring_px, "px",
           "ring around each 2×2 block that sorts it into a level set")
      .add(prefix + "estimate.min_bin_blocks", estimate.min_bin_blocks, "",
           "blocks per level set at least")
      .add(prefix + "estimate.offset", estimate.offset, "image units",
           "μ assumed by the estimate (the dark level)")
      .add(prefix + "bm3d.block_size", bm3d.block_size, "px", "N1, block edge")
      .add(prefix + "bm3d.search_window", bm3d.search_window, "px", "N_S, search window edge")
      .add(prefix + "bm3d.ht_step", bm3d.ht_step, "px", "step between reference blocks, step 1")
      .add(prefix + "bm3d.ht_group_max", bm3d.ht_group_max, "",
           "N2, largest group, step 1 (power of 2)")
      .add(prefix + "bm3d.ht_match", bm3d.ht_match, "σ²",
           "τ_match, step 1 (per-pixel squared distance)")
      .add(prefix + "bm3d.lambda_3d", bm3d.lambda_3d, "σ", "λ_3D, hard threshold")
      .add(prefix + "bm3d.wiener_step", bm3d.wiener_step, "px",
           "step between reference blocks, step 2")
      .add(prefix + "bm3d.wiener_group_max", bm3d.wiener_group_max, "",
           "N2, largest group, step 2 (power of 2)")
      .add(prefix + "bm3d.wiener_match", bm3d.wiener_match, "σ²", "τ_match, step 2")
      .add(prefix + "bm3d.kaiser_beta", bm3d.kaiser_beta, "", "β of the Kaiser aggregation window")
      .add_choice(prefix + "bm3d.steps", bm3d.steps,
                  {{"both", Bm3dSteps::kBoth}, {"hard_threshold", Bm3dSteps::kHardThreshold}},
                  "BM3D steps to run")
      .add(prefix + "sigma_scale", sigma_scale, "",
           "σ assumed by BM3D after the GAT (1: stabilised)")
      .add_choice(
          prefix + "inverse", inverse,
          {{"exact_unbiased", GatInverse::kExactUnbiased}, {"algebraic", GatInverse::kAlgebraic}},
          "inverse of the generalised Anscombe transform");
}

core::Image denoise_bm3d(const core::Image& image, const NoiseModel& noise,
                         const DenoiseParams& params, const core::ExecutionContext& ctx) {
  params.validate();
  noise.validate("noise.");
  if (image.size() == 0) throw InputError("image is empty", "image");
  core::Image stabilised = image;
  for (float& v : stabilised.values()) {
    if (!std::isfinite(v)) throw InputError("image has a non-finite value", "image");
    v = static_cast<float>(gat_forward(v, noise));
  }
  core::Image out = bm3d_gaussian(stabilised, params.sigma_scale, params.bm3d, ctx);
  if (params.inverse == GatInverse::kExactUnbiased) {
    const GatExactInverse inverse(noise);
    for (float& v : out.values()) v = static_cast<float>(inverse(v));
  } else {
    for (float& v : out.values()) v = static_cast<float>(gat_inverse_algebraic(v, noise));
  }
  return out;
}

core::Image denoise_bm3d(const core::Image& image, const DenoiseParams& params,
                         const core::ExecutionContext& ctx,
                         std::span<const std::uint8_t> background_mask) {
  params.validate();
  const NoiseModel noise = params.noise_source == NoiseSource::kGiven
                               ? params.noise
                               : estimate_noise(image, params.estimate, background_mask);
  return denoise_bm3d(image, noise, params, ctx);
}

std::vector<NoiseModel> denoise_series(core::TiltSeries& series, const DenoiseParams& params,
                                       const core::ExecutionContext& ctx,
                                       const core::Logger& logger,
                                       std::span<const std::uint8_t> background_masks) {
  params.validate();
  series.validate();
  const std::size_t n_tilt = series.tilt_count();
  const std::size_t n_pix = series.images.extent(1) * series.images.extent(2);
  if (n_tilt == 0 || n_pix == 0) throw InputError("the tilt series is empty", "tilt series");
  if (!background_masks.empty() && background_masks.size() != n_tilt * n_pix)
    throw InputError("background masks have " + std::to_string(background_masks.size()) +
                         " entries for a series of " + std::to_string(n_tilt * n_pix) + " px",
                     "background_masks");
  std::vector<NoiseModel> models;
  core::Progress progress(logger, "BM3D denoising", n_tilt);
  for (std::size_t t = 0; t < n_tilt; ++t) {
    const core::Image image = series.image(t);
    NoiseModel noise = params.noise;
    if (params.noise_source == NoiseSource::kEstimate) {
      try {
        noise =
            estimate_noise(image, params.estimate,
                           background_masks.empty() ? background_masks
                                                    : background_masks.subspan(t * n_pix, n_pix));
      } catch (const Error& e) {
        throw InputError(std::string(e.what()) + " (projection " + std::to_string(t) + ")",
                         e.where());
      }
    }
    logger.debug("projection " + std::to_string(t) +
                 ": alpha = " + core::format_number(noise.alpha) +
                 ", sigma = " + core::format_number(noise.sigma) +
                 ", offset = " + core::format_number(noise.offset));
    const core::Image out = denoise_bm3d(image, noise, params, ctx);
    std::copy(out.values().begin(), out.values().end(),
              series.images.values().begin() + std::ptrdiff_t(t * n_pix));
    models.push_back(noise);
    progress.advance();
  }
  progress.finish();
  return models;
}

void TuneParams::validate() const {
  core::require(size_px >= 32 && size_px <= 4096, "tune.size_px", size_px, "32 … 4096 (px)");
  core::require(std::isfinite(atom_sigma_px) && atom_sigma_px > 0.0 && atom_sigma_px <= 50.0,
                "tune.atom_sigma_px", atom_sigma_px, "(0, 50] px");
  core::require(
      std::isfinite(atom_spacing_px) && atom_spacing_px >= 1.0 && atom_spacing_px <= size_px / 2.0,
      "tune.atom_spacing_px", atom_spacing_px, "1 … size_px/2 (px)");
  core::require(std::isfinite(background) && background >= 0.0, "tune.background", background,
                ">= 0 (image units)");
  core::require(std::isfinite(peak) && peak > 0.0, "tune.peak", peak, "> 0 (image units)");
  if (lambda_3d.empty()) throw InputError("tune.lambda_3d is empty", "tune.lambda_3d");
  if (sigma_scale.empty()) throw InputError("tune.sigma_scale is empty", "tune.sigma_scale");
  for (double l : lambda_3d)
    core::require(std::isfinite(l) && l >= 0.0, "tune.lambda_3d", l, ">= 0");
  for (double s : sigma_scale)
    core::require(std::isfinite(s) && s > 0.0 && s <= 100.0, "tune.sigma_scale", s, "(0, 100]");
}

SimulatedImage simulate_blob_image(const NoiseModel& noise, const TuneParams& params) {
  params.validate();
  noise.validate("noise.");
  const auto n = static_cast<std::size_t>(params.size_px);
  // Atoms by random sequential addition at least atom_spacing_px apart, away from the edges.
  core::RngStream place(params.seed, "denoise.tune.atoms", 0);
  std::vector<std::array<double, 2>> atoms;
  const double margin = 2.0 * params.atom_sigma_px;
  const double span = double(n) - 2.0 * margin;
  const double min_d2 = params.atom_spacing_px * params.atom_spacing_px;
  const std::size_t attempts = 20 * n * n / std::size_t(std::max(1.0, min_d2));
  for (std::size_t i = 0; i < attempts; ++i) {
    const std::array<double, 2> p{margin + span * place.uniform(), margin + span * place.uniform()};
    bool free = true;
    for (const auto& q : atoms)
      if ((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) < min_d2) {
        free = false;
        break;
      }
    if (free) atoms.push_back(p);
  }
  SimulatedImage sim{core::Image({n, n}), core::Image({n, n})};
  const double inv2s2 = 1.0 / (2.0 * params.atom_sigma_px * params.atom_sigma_px);
  const double cutoff = 6.0 * params.atom_sigma_px;
  std::vector<double> y(n * n, params.background);
  for (const auto& a : atoms) {
    const auto y0 = static_cast<std::size_t>(std::max(0.0, a[0] - cutoff));
    const auto y1 = std::min(n - 1, static_cast<std::size_t>(a[0] + cutoff));
    const auto x0 = static_cast<std::size_t>(std::max(0.0, a[1] - cutoff));
    const auto x1 = std::min(n - 1, static_cast<std::size_t>(a[1] + cutoff));
    for (std::size_t iy = y0; iy <= y1; ++iy)
      for (std::size_t ix = x0; ix <= x1; ++ix) {
        const double d2 =
            (double(iy) - a[0]) * (double(iy) - a[0]) + (double(ix) - a[1]) * (double(ix) - a[1]);
        y[iy * n + ix] += params.peak * std::exp(-d2 * inv2s2);
      }
  }
  core::RngStream draw(params.seed, "denoise.tune.noise", 0);
  for (std::size_t i = 0; i < n * n; ++i) {
    sim.clean.values()[i] = static_cast<float>(y[i] + noise.offset);
    const double shot = noise.alpha > 0.0
                            ? noise.alpha * static_cast<double>(draw.poisson(y[i] / noise.alpha))
                            : y[i];
    sim.noisy.values()[i] = static_cast<float>(shot + noise.sigma * draw.normal() + noise.offset);
  }
  return sim;
}

double psnr_db(const core::Image& estimate, const core::Image& truth) {
  if (estimate.shape() != truth.shape() || truth.size() == 0)
    throw InputError("psnr_db needs two images of the same non-empty shape", "image");
  const auto [lo, hi] = std::minmax_element(truth.values().begin(), truth.values().end());
  double mse = 0.0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const double d = double(estimate.values()[i]) - double(truth.values()[i]);
    mse += d * d;
  }
  mse /= static_cast<double>(truth.size());
  const double peak = double(*hi) - double(*lo);
  if (mse == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(peak * peak / mse);
}

namespace {

double correlation(const core::Image& a, const core::Image& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0.0, mb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a.values()[i];
    mb += b.values()[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double da = a.values()[i] - ma, db = b.values()[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return (saa > 0.0 && sbb > 0.0) ? sab / std::sqrt(saa * sbb) : 0.0;
}

}  // namespace

DenoiseParams tune_on_simulation(const NoiseModel& noise, const TuneParams& params,
                                 const DenoiseParams& base, const core::ExecutionContext& ctx) {
  params.validate();
  base.validate();
  const SimulatedImage sim = simulate_blob_image(noise, params);
  DenoiseParams best = base;
  best.noise_source = NoiseSource::kGiven;
  best.noise = noise;
  double best_score = -std::numeric_limits<double>::infinity();
  for (double lambda : params.lambda_3d)
    for (double scale : params.sigma_scale) {
      DenoiseParams trial = best;
      trial.bm3d.lambda_3d = lambda;
      trial.sigma_scale = scale;
      const core::Image out = denoise_bm3d(sim.noisy, noise, trial, ctx);
      const double score = params.criterion == TuneCriterion::kPsnr ? psnr_db(out, sim.clean)
                                                                    : correlation(out, sim.clean);
      if (score > best_score) {
        best_score = score;
        best.bm3d.lambda_3d = lambda;
        best.sigma_scale = scale;
      }
    }
  return best;
}

}  // namespace vitrum::inverse
