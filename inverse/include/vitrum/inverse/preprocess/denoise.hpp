#pragma once
/// \file
/// Denoising of ADF-STEM projections (PHYSICS.md §4, seed 001 Methods "Image preprocessing"
/// step 2): a Poisson–Gaussian noise model estimated per image, the generalised Anscombe
/// transform (GAT) to unit Gaussian noise, BM3D, and the exact unbiased inverse of the GAT.
///
/// Noise model (Foi et al., IEEE TIP 17, 1737 (2008); Mäkitalo & Foi, IEEE TIP 22, 91 (2013)):
///
///   z = α·p + n,   p ~ Poisson(y/α),   n ~ N(μ, σ²),
///
/// so E[z] = y + μ and Var[z] = α·y + σ² = α·(E[z] − μ) + σ². y ≥ 0 is the noise-free signal
/// above the offset μ, in image units; α is the image value of one detected count.
///
/// GAT (Murtagh, Starck & Bijaoui, A&AS 112, 179 (1995); Mäkitalo & Foi 2013), in terms of
/// the normalised variable z̃ = (z − μ)/α and σ̃ = σ/α:
///
///   f(z̃) = 2·√(z̃ + 3/8 + σ̃²)  for z̃ > −3/8 − σ̃²,  0 otherwise,
///
/// whose noise is close to N(·, 1) for y/α ≳ 2. With α = 0 (pure Gaussian) f(z) = (z − μ)/σ.
///
/// Exact unbiased inverse (Mäkitalo & Foi, IEEE TIP 20, 99 (2011) for Poisson; IEEE TIP 22,
/// 91 (2013) for Poisson–Gaussian): I(D) = the λ with E[f(z̃) | λ] = D (λ = y/α), which maps
/// the denoised f back to the mean E[z] rather than to the biased algebraic f⁻¹. vitrum
/// computes E[f | λ] numerically (a Poisson sum over k of a Gaussian average of f(k + n/α),
/// Simpson's rule), tabulates it on a grid uniform in √λ up to λ = 1000, and inverts the
/// monotone table by linear interpolation; above the table it uses the asymptotically unbiased
/// inverse λ = D²/4 − 1/8 − σ̃² (Mäkitalo & Foi 2013), which agrees with the exact one there to
/// 3·10⁻⁶ counts for σ̃ ≤ 5. The closed-form approximation of Mäkitalo & Foi (2011) is not used.
///
/// BM3D (Dabov, Foi, Katkovnik & Egiazarian, IEEE TIP 16, 2080 (2007)): step 1 groups similar
/// 8×8 blocks by block matching, transforms each group (orthonormal 2D DCT-II per block, 1D
/// orthonormal Haar across the group), hard-thresholds at λ_3D·σ and aggregates the blocks with
/// weights 1/(σ²·N_har) (N_har: retained coefficients) times a Kaiser window; step 2 matches
/// blocks on that basic estimate and applies the empirical Wiener shrinkage
/// W = |T(basic)|²/(|T(basic)|² + σ²) to the noisy group, weights 1/(σ²·‖W‖²).
/// Block-matching distances are ‖Z_R − Z_x‖²/N1² (no 2D prefiltering, λ_2D = 0, as in the
/// paper's profile for σ ≤ 40), thresholds given here in units of σ². The 2D DCT replaces the
/// bior1.5 wavelet the paper's experiments use in step 1 (its step 2 uses the DCT as here).
///
/// Determinism: every reference block's group is filtered independently (in parallel) and the
/// groups are aggregated in reference order, so the result is the same for any thread count.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::inverse {

/// The Poisson–Gaussian noise of one image (see the file comment). Image units throughout.
struct NoiseModel {
  double alpha = 1.0;   ///< α, image value per detected count (≥ 0; 0: Gaussian noise only)
  double sigma = 0.0;   ///< σ, standard deviation of the additive Gaussian noise (≥ 0)
  double offset = 0.0;  ///< μ, mean of the additive noise (the dark level)

  /// InputError naming `<prefix>alpha`, `<prefix>sigma` or `<prefix>offset` if a value is not
  /// finite or out of range, or if α = σ = 0 (no noise: nothing to stabilise).
  void validate(const std::string& prefix = "noise.") const;
};

/// How the noise model is estimated from an image (Foi et al. 2008 §II–III, simplified):
/// the image is cut into non-overlapping 2×2 blocks; each block gives its mean m and its
/// diagonal Haar detail d = (z₀₀ − z₀₁ − z₁₀ + z₁₁)/2, whose variance is the local Var[z] when
/// the signal is smooth on the block. Blocks are sorted into `bins` equally populated level
/// sets by the mean of the `ring_px`-wide ring of pixels around the block (independent of the
/// block's own noise, so selection does not bias m or d). Per bin, Var[z] is estimated robustly
/// as (1.4826·median|d|)² and regressed on the bin's mean of m by weighted least squares
/// (weights n_bin/Var², the inverse variance of the estimate): Var = a·E[z] + b. Then α = a and
/// σ² = b + α·μ, with μ from the background mask (its mean) if one is given, else `offset`.
/// With a background mask, σ² is the robust variance of d over the mask and only α is fitted.
/// A negative fitted a or σ² is clipped to 0. σ² is an extrapolation of Var to E[z] = μ: it is
/// well determined only when part of the image (vacuum, background) has α·y not ≫ σ²; give a
/// background mask, or the model, when the image is covered by bright signal.
struct NoiseEstimateParams {
  int bins = 16;            ///< level sets in the regression (≥ 2)
  int ring_px = 3;          ///< width of the ring around each 2×2 block that classifies it (px)
  int min_bin_blocks = 32;  ///< blocks per bin at least (fewer bins when the image is small)
  double offset = 0.0;      ///< μ assumed when no background mask is given (image units)

  void validate() const;
};

/// Estimates α, σ and μ of `image` (see NoiseEstimateParams). `background_mask`, if not empty,
/// has one entry per pixel ([y][x]), non-zero where the signal is zero (vacuum); μ and σ are
/// then measured there. InputError for an empty image, a non-finite value, a mask of the wrong
/// size, a mask with fewer than 16 blocks, or too few blocks for 2 bins.
NoiseModel estimate_noise(const core::Image& image, const NoiseEstimateParams& params = {},
                          std::span<const std::uint8_t> background_mask = {});

/// The generalised Anscombe transform f(z) of the file comment (unit-variance noise).
double gat_forward(double z, const NoiseModel& noise);
/// The algebraic inverse f⁻¹(D) = α·(D²/4 − 3/8 − σ̃²) + μ (biased at low counts).
double gat_inverse_algebraic(double d, const NoiseModel& noise);

/// The exact unbiased inverse of the GAT for one noise model (Mäkitalo & Foi 2013):
/// maps D = E[f(z)] to E[z] = α·λ + μ. Built once per model (a table of `nodes` entries,
/// ≈ 15 ms), then each call is a binary search. Immutable after construction.
class GatExactInverse {
 public:
  explicit GatExactInverse(const NoiseModel& noise, std::size_t nodes = 2048);
  /// E[z] (image units) whose E[f(z)] is d; α·0 + μ below E[f | λ = 0].
  double operator()(double d) const;
  /// E[f(z) | y] from the table (interpolated in √λ), for tests and diagnostics.
  double expected_forward(double y) const;

 private:
  NoiseModel noise_;
  std::vector<double> lambda_;  ///< λ nodes, increasing
  std::vector<double> mean_f_;  ///< E[f | λ] at the nodes, increasing
};

/// Which inverse of the GAT maps the denoised image back.
enum class GatInverse {
  kExactUnbiased,  ///< GatExactInverse (the reference code's choice)
  kAlgebraic,      ///< f⁻¹, biased low at a few counts (for comparison)
};

/// Where the noise model comes from.
enum class NoiseSource {
  kEstimate,  ///< estimate_noise on each image
  kGiven,     ///< DenoiseParams::noise, the same for every image
};

/// Which BM3D steps run.
enum class Bm3dSteps {
  kBoth,           ///< hard thresholding, then Wiener filtering (the paper's algorithm)
  kHardThreshold,  ///< the basic estimate only
};

/// Parameters of BM3D on an image with additive white Gaussian noise of standard deviation σ.
/// Defaults: the paper's "normal profile" for σ ≤ 40 (Dabov et al. 2007 §VI, Table I), with the
/// matching thresholds τ_match (3000 and 400 at the paper's 8-bit scale, where σ = 25 is
/// typical) written in units of σ²: 3000/25² = 4.8 and 400/25² = 0.64.
struct Bm3dParams {
  int block_size = 8;          ///< N1, block edge (px), 4 … 16
  int search_window = 39;      ///< N_S, edge of the search window centred on the reference (px)
  int ht_step = 3;             ///< N_step of step 1 (px between reference blocks)
  int ht_group_max = 16;       ///< N2 of step 1 (a power of 2)
  double ht_match = 4.8;       ///< τ_match of step 1, in units of σ² (distance per pixel)
  double lambda_3d = 2.7;      ///< λ_3D, hard threshold in units of σ
  int wiener_step = 3;         ///< N_step of step 2 (px)
  int wiener_group_max = 32;   ///< N2 of step 2 (a power of 2)
  double wiener_match = 0.64;  ///< τ_match of step 2, in units of σ²
  double kaiser_beta = 2.0;    ///< β of the Kaiser aggregation window
  Bm3dSteps steps = Bm3dSteps::kBoth;

  /// InputError naming the field (prefixed with `prefix`) when out of range.
  void validate(const std::string& prefix = "bm3d.") const;
};

/// BM3D of `image` corrupted by additive white Gaussian noise of standard deviation `sigma`
/// (image units, > 0). InputError for an image smaller than block_size, a non-finite value,
/// bad params or σ. Same bytes for every ctx.threads.
core::Image bm3d_gaussian(const core::Image& image, double sigma, const Bm3dParams& params,
                          const core::ExecutionContext& ctx);

/// Parameters of the whole denoiser: noise model, GAT, BM3D, inverse.
struct DenoiseParams {
  NoiseSource noise_source = NoiseSource::kEstimate;
  NoiseModel noise;              ///< used when noise_source = kGiven
  NoiseEstimateParams estimate;  ///< used when noise_source = kEstimate
  Bm3dParams bm3d;
  /// Scale of the σ that BM3D assumes after the GAT (1: the stabilised variance). Values
  /// above 1 smooth more; tune_on_simulation picks it.
  double sigma_scale = 1.0;
  GatInverse inverse = GatInverse::kExactUnbiased;

  void validate() const;
  core::ParamSet params();
  /// Binds every field to a key under `prefix` in `set` (params() uses the empty prefix).
  void add_to(core::ParamSet& set, const std::string& prefix);
  std::string params_toml() const { return DenoiseParams(*this).params().to_toml(); }
};

/// Denoises one image with the model `noise`: GAT, BM3D at σ = sigma_scale, inverse GAT.
/// Output in the units of the input (the estimate of E[z] = y + μ). Same bytes for every
/// ctx.threads. InputError for bad params, an invalid model, or a bad image (see bm3d_gaussian).
core::Image denoise_bm3d(const core::Image& image, const NoiseModel& noise,
                         const DenoiseParams& params, const core::ExecutionContext& ctx);

/// Denoises one image with the model from params (estimated from the image, or given).
/// `background_mask` (optional, one entry per pixel, non-zero on vacuum) is passed to
/// estimate_noise.
core::Image denoise_bm3d(const core::Image& image, const DenoiseParams& params,
                         const core::ExecutionContext& ctx,
                         std::span<const std::uint8_t> background_mask = {});

/// Denoises every projection of `series` in place, estimating the noise per projection when
/// params.noise_source = kEstimate; reports progress per projection and logs each model at
/// debug level. `background_masks` (optional) holds one mask per projection, [tilt][y][x],
/// non-zero on vacuum (see estimate_noise). Returns the noise model used for each projection.
/// InputError naming the projection when its noise cannot be estimated.
std::vector<NoiseModel> denoise_series(core::TiltSeries& series, const DenoiseParams& params,
                                       const core::ExecutionContext& ctx,
                                       const core::Logger& logger,
                                       std::span<const std::uint8_t> background_masks = {});

/// What tune_on_simulation maximises between the denoised and the noise-free simulation.
enum class TuneCriterion {
  kCrossCorrelation,  ///< Pearson correlation coefficient (seed 001 Methods)
  kPsnr,              ///< psnr_db against the noise-free image
};

/// The simulated image of tune_on_simulation: Gaussian "atoms" (standard deviation
/// atom_sigma_px) at random non-overlapping positions on a flat background, with the
/// noise model of the data, and the grid of parameters tried.
struct TuneParams {
  int size_px = 128;             ///< edge of the simulated square image (px)
  double atom_sigma_px = 2.5;    ///< atom width (px)
  double atom_spacing_px = 9.0;  ///< minimum distance between atoms (px)
  double background = 0.0;       ///< y of the background (image units, above μ)
  double peak = 10.0;            ///< y at an atom's centre above the background (image units)
  std::uint64_t seed = 1;        ///< seed of the RNG streams (stage "denoise.tune")
  std::vector<double> lambda_3d = {2.2, 2.7, 3.2};     ///< λ_3D values tried
  std::vector<double> sigma_scale = {0.8, 1.0, 1.25};  ///< sigma_scale values tried
  TuneCriterion criterion = TuneCriterion::kCrossCorrelation;

  void validate() const;
};

/// The clean and noisy simulated images of tune_on_simulation (exposed for tests).
struct SimulatedImage {
  core::Image clean;  ///< y + μ
  core::Image noisy;  ///< one draw of z
};
SimulatedImage simulate_blob_image(const NoiseModel& noise, const TuneParams& params);

/// Picks λ_3D and sigma_scale from the grid in `params` that maximise the criterion on a
/// simulated image with noise `noise` (seed 001 Methods: "applied BM3D to denoise a simulated
/// ADF-STEM image with the same noise level by varying denoising parameters"); returns `base`
/// with those two set, noise_source = kGiven and noise = `noise`. Ties: the first in grid order.
DenoiseParams tune_on_simulation(const NoiseModel& noise, const TuneParams& params,
                                 const DenoiseParams& base, const core::ExecutionContext& ctx);

/// PSNR (dB) of `estimate` against `truth`, peak = max(truth) − min(truth).
double psnr_db(const core::Image& estimate, const core::Image& truth);

}  // namespace vitrum::inverse
