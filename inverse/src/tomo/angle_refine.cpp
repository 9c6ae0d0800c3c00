#include "vitrum/inverse/tomo/angle_refine.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "tomo/series_checks.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

namespace {

constexpr double kMaxGridPoints = 1e5;

/// m_a = round(range_a / δ) grid steps either side, per Euler angle.
std::array<long, 3> half_widths(const AngleRefineParams& p) {
  std::array<long, 3> m{};
  for (std::size_t a = 0; a < 3; ++a) m[a] = std::lround(p.range_deg[a] / p.step_deg);
  return m;
}

}  // namespace

void AngleRefineParams::validate() const {
  core::require(rounds >= 0 && rounds <= 1000, "refine_angles.rounds", rounds,
                "0 … 1000 (0: no refinement)");
  core::require(iterations >= 1, "refine_angles.iterations", iterations, ">= 1");
  core::require(range_deg.size() == 3, "refine_angles.range_deg (count)",
                static_cast<double>(range_deg.size()), "3 values: φ, θ, ψ");
  for (double r : range_deg)
    core::require(std::isfinite(r) && r >= 0.0 && r <= 30.0, "refine_angles.range_deg", r,
                  "0 … 30 deg per angle");
  core::require(std::isfinite(step_deg) && step_deg > 0.0 && step_deg <= 10.0,
                "refine_angles.step_deg", step_deg, "(0, 10] deg");
  double points = 1.0;
  for (long m : half_widths(*this)) points *= static_cast<double>(2 * m + 1);
  core::require(points <= kMaxGridPoints, "refine_angles grid points per projection", points,
                "<= 1e5: a larger refine_angles.step_deg or smaller range_deg");
}

AngleSearchResult search_angles(const core::Volume& volume, const core::TiltSeries& series,
                                const core::Vec3& center_A, const AngleRefineParams& params,
                                int subsamples, const core::ExecutionContext& ctx) {
  params.validate();
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  const core::ProjectorParams projector{subsamples};
  projector.validate();
  const std::vector<double> b_norm = detail::projection_l1(series);
  const std::array<long, 3> m = half_widths(params);
  std::array<std::size_t, 3> size{};
  std::size_t points = 1;
  for (std::size_t a = 0; a < 3; ++a) points *= size[a] = static_cast<std::size_t>(2 * m[a] + 1);
  const double delta = params.step_deg;
  const std::size_t ny = series.images.extent(1), nx = series.images.extent(2);
  const std::size_t n_tilt = series.tilt_count();

  AngleSearchResult result;
  result.offset_deg.assign(n_tilt, {0.0, 0.0, 0.0});
  result.r1_before.assign(n_tilt, 0.0);
  result.r1_after.assign(n_tilt, 0.0);
  // Each projection is searched serially by one thread and writes only its own entries.
  const core::ExecutionContext serial{1};
  core::parallel_for(
      ctx, 0, n_tilt,
      [&](std::size_t t) {
        core::Image image({ny, nx}, {series.images.sampling()[1], series.images.sampling()[2]},
                          {series.images.origin()[1], series.images.origin()[2]});
        const float* b = series.images.data() + t * ny * nx;
        const auto r1_at = [&](const std::array<double, 3>& offset) {
          std::array<double, 3> euler = series.euler_deg[t];
          for (std::size_t a = 0; a < 3; ++a) euler[a] += offset[a];
          core::project(volume, euler, center_A, image, projector, serial);
          double sum = 0.0;
          for (std::size_t i = 0; i < ny * nx; ++i)
            sum += std::abs(static_cast<double>(image.data()[i]) - static_cast<double>(b[i]));
          return sum / b_norm[t];
        };
        // R₁ on the whole grid, point g ↔ steps (k_φ, k_θ, k_ψ), k_a = digit_a − m_a.
        const auto steps_of = [&](std::size_t g) {
          std::array<long, 3> k{};
          for (std::size_t a = 3; a-- > 0;) {
            k[a] = static_cast<long>(g % size[a]) - m[a];
            g /= size[a];
          }
          return k;
        };
        const auto index_of = [&](const std::array<long, 3>& k) {
          std::size_t g = 0;
          for (std::size_t a = 0; a < 3; ++a)
            g = g * size[a] + static_cast<std::size_t>(k[a] + m[a]);
          return g;
        };
        std::vector<double> r1(points);
        for (std::size_t g = 0; g < points; ++g) {
          const std::array<long, 3> k = steps_of(g);
          r1[g] = r1_at({static_cast<double>(k[0]) * delta, static_cast<double>(k[1]) * delta,
                         static_cast<double>(k[2]) * delta});
        }
        // The best point; ties go to the zero offset, then to the first in grid order.
        std::size_t best = index_of({0, 0, 0});
        for (std::size_t g = 0; g < points; ++g)
          if (r1[g] < r1[best]) best = g;
        const std::array<long, 3> k = steps_of(best);
        std::array<double, 3> offset{};
        std::array<double, 3> refined{};
        for (std::size_t a = 0; a < 3; ++a) {
          offset[a] = static_cast<double>(k[a]) * delta;
          refined[a] = offset[a];
          if (k[a] <= -m[a] || k[a] >= m[a]) continue;  // no neighbour on one side (or m = 0)
          std::array<long, 3> below = k, above = k;
          --below[a];
          ++above[a];
          const double lo = r1[index_of(below)], mid = r1[best], hi = r1[index_of(above)];
          const double curvature = lo - 2.0 * mid + hi;
          if (curvature > 0.0)
            refined[a] += delta * std::clamp(0.5 * (lo - hi) / curvature, -0.5, 0.5);
        }
        double best_r1 = r1[best];
        if (refined != offset) {
          const double r = r1_at(refined);
          if (r < best_r1) {
            best_r1 = r;
            offset = refined;
          }
        }
        result.offset_deg[t] = offset;
        result.r1_before[t] = r1[index_of({0, 0, 0})];
        result.r1_after[t] = best_r1;
      },
      core::Schedule::kDynamic);
  return result;
}

AngleRefineResult refine_angles(const core::TiltSeries& series, const core::Vec3& center_A,
                                const ResireParams& resire_params, const AngleRefineParams& params,
                                const core::ExecutionContext& ctx, const core::Logger& logger) {
  params.validate();
  core::require(params.rounds >= 1, "refine_angles.rounds", params.rounds, ">= 1 to refine angles");
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  ResireParams rp = resire_params;
  rp.iterations = params.iterations;
  rp.validate();
  const std::vector<double> b_norm = detail::projection_l1(series);
  const std::size_t n_tilt = series.tilt_count();

  core::TiltSeries current = series;
  core::TiltSeries residual = detail::zero_like(series);
  core::Volume volume = resire_volume(series, center_A, rp);
  AngleRefineResult result;
  for (int round = 0; round < params.rounds; ++round) {
    volume = resire(current, center_A, rp, ctx, logger, std::move(volume)).volume;
    const AngleSearchResult found =
        search_angles(volume, current, center_A, params, rp.subsamples, ctx);
    std::array<double, 3> mean_offset{};
    for (std::size_t t = 0; t < n_tilt; ++t)
      for (std::size_t a = 0; a < 3; ++a) {
        current.euler_deg[t][a] += found.offset_deg[t][a];
        mean_offset[a] += (current.euler_deg[t][a] - series.euler_deg[t][a]) / double(n_tilt);
      }
    if (params.gauge == AngleGauge::kMean)
      for (auto& e : current.euler_deg)
        for (std::size_t a = 0; a < 3; ++a) e[a] -= mean_offset[a];
    residual.euler_deg = current.euler_deg;
    detail::residual_of(volume, current, center_A, core::ProjectorParams{rp.subsamples}, ctx,
                        residual);
    result.r1_before.push_back(detail::mean(found.r1_before));
    result.r1_after.push_back(detail::mean(detail::r1_per_projection(residual, b_norm)));
    double largest = 0.0;
    for (const auto& o : found.offset_deg)
      for (double v : o) largest = std::max(largest, std::abs(v));
    logger.info("angle refinement round " + std::to_string(round + 1) + "/" +
                std::to_string(params.rounds) + ": mean R₁ " +
                core::format_number(result.r1_before.back()) + " → " +
                core::format_number(result.r1_after.back()) + ", largest step " +
                core::format_number(largest) + "°");
  }
  result.euler_deg = current.euler_deg;
  result.offset_deg.resize(n_tilt);
  for (std::size_t t = 0; t < n_tilt; ++t)
    for (std::size_t a = 0; a < 3; ++a)
      result.offset_deg[t][a] = current.euler_deg[t][a] - series.euler_deg[t][a];
  result.volume = std::move(volume);
  return result;
}

}  // namespace vitrum::inverse
