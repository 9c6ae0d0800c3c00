// The generalised Anscombe transform and its exact unbiased inverse (denoise.hpp).

#include <algorithm>
#include <cmath>
#include <numbers>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"

namespace vitrum::inverse {

namespace {

// Above this λ (counts) the asymptotically unbiased inverse replaces the table: at λ = 1000 it
// differs from the exact inverse by 3·10⁻⁷ counts for σ̃ = 1.5 and 3·10⁻⁶ for σ̃ = 5
// (quadrature), far below anything a denoiser resolves.
constexpr double kLambdaMax = 1000.0;
// σ̃ below which the Gaussian part is ignored in E[f] (pure Poisson).
constexpr double kTinySigma = 1e-6;

double normalised_sigma(const NoiseModel& noise) { return noise.sigma / noise.alpha; }

/// f(x) = 2√(x + 3/8 + σ̃²), 0 below the root (x in counts).
double gat_counts(double x, double s2) {
  const double arg = x + 0.375 + s2;
  return arg > 0.0 ? 2.0 * std::sqrt(arg) : 0.0;
}

/// E_n[f(k + n)], n ~ N(0, σ̃²), by Simpson's rule over ±8σ̃ (400 intervals).
double gaussian_mean_f(double k, double s) {
  const double s2 = s * s;
  if (s < kTinySigma) return gat_counts(k, 0.0);
  constexpr int kIntervals = 400;
  constexpr double kHalfWidth = 8.0;
  const double h = 2.0 * kHalfWidth / kIntervals;
  double sum = 0.0;
  for (int i = 0; i <= kIntervals; ++i) {
    const double t = -kHalfWidth + h * i;
    const double w = (i == 0 || i == kIntervals) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0);
    sum += w * std::exp(-0.5 * t * t) * gat_counts(k + s * t, s2);
  }
  return sum * h / 3.0 / std::sqrt(2.0 * std::numbers::pi);
}

}  // namespace

void NoiseModel::validate(const std::string& prefix) const {
  core::require(std::isfinite(alpha) && alpha >= 0.0, prefix + "alpha", alpha,
                ">= 0 (image units per count; 0: Gaussian noise only)");
  core::require(std::isfinite(sigma) && sigma >= 0.0, prefix + "sigma", sigma, ">= 0");
  core::require(std::isfinite(offset), prefix + "offset", offset, "finite");
  core::require(alpha > 0.0 || sigma > 0.0, prefix + "sigma", sigma,
                "> 0 when alpha = 0 (a model without noise)");
}

double gat_forward(double z, const NoiseModel& noise) {
  if (noise.alpha == 0.0) return (z - noise.offset) / noise.sigma;
  const double s = normalised_sigma(noise);
  return gat_counts((z - noise.offset) / noise.alpha, s * s);
}

double gat_inverse_algebraic(double d, const NoiseModel& noise) {
  if (noise.alpha == 0.0) return d * noise.sigma + noise.offset;
  const double s = normalised_sigma(noise);
  return noise.alpha * (0.25 * d * d - 0.375 - s * s) + noise.offset;
}

GatExactInverse::GatExactInverse(const NoiseModel& noise, std::size_t nodes) : noise_(noise) {
  noise.validate();
  if (nodes < 16) throw InputError("GatExactInverse needs at least 16 nodes");
  if (noise.alpha == 0.0) return;  // Gaussian: f is affine, its inverse exact and unbiased
  const double s = normalised_sigma(noise);

  // E_n[f(k + n)] for every count k the Poisson sums below reach.
  const auto k_max = static_cast<std::size_t>(kLambdaMax + 12.0 * std::sqrt(kLambdaMax) + 16.0);
  std::vector<double> g(k_max + 1);
  std::vector<double> log_factorial(k_max + 1);
  for (std::size_t k = 0; k <= k_max; ++k) {
    g[k] = gaussian_mean_f(static_cast<double>(k), s);
    log_factorial[k] = std::lgamma(static_cast<double>(k) + 1.0);
  }

  // Nodes uniform in √λ: dense where E[f | λ] bends (a few counts), sparse where it is √-like.
  lambda_.resize(nodes);
  mean_f_.resize(nodes);
  const double root_max = std::sqrt(kLambdaMax);
  for (std::size_t i = 0; i < nodes; ++i) {
    const double r = root_max * static_cast<double>(i) / static_cast<double>(nodes - 1);
    const double lambda = r * r;
    lambda_[i] = lambda;
    if (lambda == 0.0) {
      mean_f_[i] = g[0];
      continue;
    }
    // Poisson weights over λ ± 12√λ (+12 for small λ): the rest is below 10⁻²⁰.
    const double spread = 12.0 * std::sqrt(lambda) + 12.0;
    const auto k0 = static_cast<std::size_t>(std::max(0.0, std::floor(lambda - spread)));
    const auto k1 = std::min(k_max, static_cast<std::size_t>(std::ceil(lambda + spread)));
    const double log_lambda = std::log(lambda);
    double sum = 0.0;
    for (std::size_t k = k0; k <= k1; ++k) {
      sum += std::exp(static_cast<double>(k) * log_lambda - lambda - log_factorial[k]) * g[k];
    }
    mean_f_[i] = sum;
  }
  for (std::size_t i = 1; i < nodes; ++i)
    if (!(mean_f_[i] > mean_f_[i - 1]))
      throw NumericsError("E[f | λ] of the generalised Anscombe transform is not increasing",
                          "GatExactInverse");
}

double GatExactInverse::operator()(double d) const {
  if (noise_.alpha == 0.0) return d * noise_.sigma + noise_.offset;
  double lambda = 0.0;
  if (d >= mean_f_.back()) {
    const double s = normalised_sigma(noise_);
    lambda = 0.25 * d * d - 0.125 - s * s;
  } else if (d > mean_f_.front()) {
    const auto it = std::upper_bound(mean_f_.begin(), mean_f_.end(), d);
    const auto i = static_cast<std::size_t>(it - mean_f_.begin());  // mean_f_[i-1] <= d < [i]
    const double t = (d - mean_f_[i - 1]) / (mean_f_[i] - mean_f_[i - 1]);
    lambda = lambda_[i - 1] + t * (lambda_[i] - lambda_[i - 1]);
  }
  return noise_.alpha * lambda + noise_.offset;
}

double GatExactInverse::expected_forward(double y) const {
  if (noise_.alpha == 0.0) return y / noise_.sigma;
  const double lambda = std::max(0.0, y / noise_.alpha);
  if (lambda >= lambda_.back()) {
    const double s = normalised_sigma(noise_);
    return 2.0 * std::sqrt(lambda + 0.125 + s * s);
  }
  const auto it = std::upper_bound(lambda_.begin(), lambda_.end(), lambda);
  const auto i = static_cast<std::size_t>(it - lambda_.begin());
  const double t = (lambda - lambda_[i - 1]) / (lambda_[i] - lambda_[i - 1]);
  return mean_f_[i - 1] + t * (mean_f_[i] - mean_f_[i - 1]);
}

}  // namespace vitrum::inverse
