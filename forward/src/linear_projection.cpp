#include "vitrum/forward/linear_projection.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::forward {

void LinearModelParams::validate() const {
  core::require(z_exponent >= 0.0 && z_exponent <= 3.0, "linear.z_exponent", z_exponent, "0 to 3");
  core::require(width_A > 0.0 && width_A <= 5.0, "linear.width_A", width_A, "(0, 5] Å");
  core::require(cross_section_A2 > 0.0 && std::isfinite(cross_section_A2),
                "linear.cross_section_A2", cross_section_A2, "> 0 Å²");
}

std::vector<double> linear_signal(const core::AtomicModel& model, const LinearModelParams& params,
                                  const std::vector<std::array<double, 2>>& positions_A) {
  params.validate();
  if (model.empty()) throw InputError("the model has no atoms: nothing to project");
  // Atoms binned on a square grid of side `reach` in (x, y): a position needs only the atoms
  // of its own and the eight neighbouring bins.
  const double reach = 6.0 * params.width_A;
  double x0 = model.positions_A()[0].x(), y0 = model.positions_A()[0].y(), x1 = x0, y1 = y0;
  for (const core::Vec3& r : model.positions_A()) {
    x0 = std::min(x0, r.x()), x1 = std::max(x1, r.x());
    y0 = std::min(y0, r.y()), y1 = std::max(y1, r.y());
  }
  const auto nbx = static_cast<long>(std::floor((x1 - x0) / reach)) + 1;
  const auto nby = static_cast<long>(std::floor((y1 - y0) / reach)) + 1;
  std::vector<std::vector<std::size_t>> bins(static_cast<std::size_t>(nbx * nby));
  const auto bin_of = [&](double v, double v0) {
    return static_cast<long>(std::floor((v - v0) / reach));
  };
  for (std::size_t i = 0; i < model.size(); ++i) {
    const core::Vec3& r = model.positions_A()[i];
    bins[static_cast<std::size_t>(bin_of(r.y(), y0) * nbx + bin_of(r.x(), x0))].push_back(i);
  }
  std::vector<double> weight(model.size());
  const double norm =
      params.cross_section_A2 / (2.0 * std::numbers::pi * params.width_A * params.width_A);
  for (std::size_t i = 0; i < model.size(); ++i)
    weight[i] = norm * std::pow(static_cast<double>(model.Z()[i]), params.z_exponent);

  const double inv_2w2 = 1.0 / (2.0 * params.width_A * params.width_A);
  std::vector<double> signal(positions_A.size(), 0.0);
  for (std::size_t p = 0; p < positions_A.size(); ++p) {
    const auto [x, y] = positions_A[p];
    const long bx = bin_of(x, x0), by = bin_of(y, y0);
    double sum = 0;
    for (long j = std::max(by - 1, 0L); j <= std::min(by + 1, nby - 1); ++j)
      for (long k = std::max(bx - 1, 0L); k <= std::min(bx + 1, nbx - 1); ++k)
        for (std::size_t i : bins[static_cast<std::size_t>(j * nbx + k)]) {
          const double dx = x - model.positions_A()[i].x(), dy = y - model.positions_A()[i].y();
          const double d2 = dx * dx + dy * dy;
          if (d2 < reach * reach) sum += weight[i] * std::exp(-d2 * inv_2w2);
        }
    signal[p] = sum;
  }
  return signal;
}

}  // namespace vitrum::forward
