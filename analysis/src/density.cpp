#include "vitrum/analysis/density.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <sstream>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::analysis {

using core::require;

namespace {
/// g/cm³ per u/Å³: 1.66053906660×10⁻²⁴ g / 10⁻²⁴ cm³ (CODATA 2018 atomic mass constant).
constexpr double kGramPerCm3PerUPerA3 = 1.66053906660;
}  // namespace

void DensityFieldParams::validate() const {
  require(std::isfinite(grid_A) && grid_A >= 0.05 && grid_A <= 20.0, "density.grid_A", grid_A,
          "[0.05, 20] Å");
  require(std::isfinite(sigma_A) && sigma_A > 0.0 && sigma_A <= 50.0, "density.sigma_A", sigma_A,
          "(0, 50] Å");
}

core::Volume mass_density_field(const core::AtomicModel& model, std::span<const double> volume_A3,
                                std::span<const std::uint8_t> surface, const DensityFieldParams& p,
                                core::FftPlanCache& ffts, const core::ExecutionContext& ctx) {
  p.validate();
  const std::size_t n = model.size();
  if (n == 0 || volume_A3.size() != n || surface.size() != n)
    throw InputError("density field: needs one Voronoi volume and surface flag per atom");
  const core::Cell& cell = model.cell();
  const int periodic = int(cell.pbc[0]) + int(cell.pbc[1]) + int(cell.pbc[2]);
  const core::Mat3 off_diagonal =
      cell.vectors_A - core::Mat3(cell.vectors_A.diagonal().asDiagonal());
  if (periodic == 3 && off_diagonal.cwiseAbs().maxCoeff() > 1e-9)
    throw InputError("density field of a triclinic cell is not supported");
  if (periodic != 0 && periodic != 3)
    throw InputError("density field of a partly periodic model is not supported");

  // Grid: [z][y][x], axis a of the array is Cartesian axis 2 − a.
  std::array<std::size_t, 3> shape{};
  std::array<double, 3> sampling{}, origin{};
  core::Vec3 lo = core::Vec3::Constant(std::numeric_limits<double>::infinity()), hi = -lo;
  for (const core::Vec3& r : model.positions_A()) {
    lo = lo.cwiseMin(r);
    hi = hi.cwiseMax(r);
  }
  for (int a = 0; a < 3; ++a) {
    const int axis = 2 - a;
    if (periodic == 3) {
      const double length = cell.vectors_A(axis, axis);
      shape[std::size_t(a)] =
          std::max<std::size_t>(1, std::size_t(std::llround(length / p.grid_A)));
      sampling[std::size_t(a)] = length / double(shape[std::size_t(a)]);
      origin[std::size_t(a)] = 0.0;
    } else {
      const double margin = 3.0 * p.sigma_A + p.grid_A;
      shape[std::size_t(a)] =
          std::size_t(std::ceil((hi[axis] - lo[axis] + 2.0 * margin) / p.grid_A)) + 1;
      sampling[std::size_t(a)] = p.grid_A;
      origin[std::size_t(a)] = lo[axis] - margin;
    }
  }
  const double samples = double(shape[0]) * double(shape[1]) * double(shape[2]);
  if (samples > 2.0e8)
    throw InputError("density field: " + std::to_string(samples) +
                     " grid samples; raise density.grid_A");
  const std::size_t total = shape[0] * shape[1] * shape[2];

  std::vector<double> rho(n);
  for (std::size_t i = 0; i < n; ++i)
    rho[i] = surface[i] || !(volume_A3[i] > 0.0)
                 ? 0.0
                 : core::element(model.Z()[i]).mass_u / volume_A3[i] * kGramPerCm3PerUPerA3;

  // Nearest atom of each sample, searched within 1.5 mean spacings: inside a dense sample
  // every point is closer than that to an atom (Voronoi cells reach ≈ 0.8 spacings); a
  // sample with no atom that close is outside (0).
  double box_volume = 1.0;
  for (int a = 0; a < 3; ++a) box_volume *= std::max(hi[a] - lo[a], 1.0);
  if (periodic == 3) box_volume = cell.volume_A3();
  const double reach = 1.5 * std::cbrt(box_volume / double(n));
  const NeighborQuery query(model, NeighborParams{std::min(reach, 100.0)});
  core::AlignedVector<std::complex<float>> grid(total);
  core::parallel_for(ctx, 0, shape[0], [&](std::size_t iz) {
    for (std::size_t iy = 0; iy < shape[1]; ++iy)
      for (std::size_t ix = 0; ix < shape[2]; ++ix) {
        const core::Vec3 point(origin[2] + double(ix) * sampling[2],
                               origin[1] + double(iy) * sampling[1],
                               origin[0] + double(iz) * sampling[0]);
        double best = std::numeric_limits<double>::infinity();
        std::size_t nearest = n;
        query.for_each_near_point(point, [&](std::size_t j, const core::Vec3&, double r) {
          if (r < best || (r == best && j < nearest)) {
            best = r;
            nearest = j;
          }
        });
        grid[(iz * shape[1] + iy) * shape[2] + ix] =
            nearest < n ? static_cast<float>(rho[nearest]) : 0.0f;
      }
  });

  const auto plan = ffts.plan_float(shape);
  plan->forward(grid);
  const double scale = 1.0 / double(total);
  const double two_pi2_s2 = 2.0 * std::numbers::pi * std::numbers::pi * p.sigma_A * p.sigma_A;
  for (std::size_t iz = 0; iz < shape[0]; ++iz)
    for (std::size_t iy = 0; iy < shape[1]; ++iy)
      for (std::size_t ix = 0; ix < shape[2]; ++ix) {
        double q2 = 0;
        const std::array<std::size_t, 3> k{iz, iy, ix};
        for (std::size_t a = 0; a < 3; ++a) {
          const double m = double(shape[a]);
          const double kk = double(k[a]) < m / 2 ? double(k[a]) : double(k[a]) - m;
          const double q = kk / (m * sampling[a]);
          q2 += q * q;
        }
        grid[(iz * shape[1] + iy) * shape[2] + ix] *=
            static_cast<float>(scale * std::exp(-two_pi2_s2 * q2));
      }
  plan->inverse(grid);
  core::Volume out(shape, sampling, origin);
  for (std::size_t k = 0; k < total; ++k) out.values()[k] = grid[k].real();
  return out;
}

}  // namespace vitrum::analysis
