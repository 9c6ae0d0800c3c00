// Local mass density: mass / Voronoi volume on a grid, blurred with a Gaussian of width rc.

#include <gtest/gtest.h>

#include <numeric>

#include "structures.hpp"
#include "vitrum/analysis/density.hpp"
#include "vitrum/analysis/voronoi.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

core::Volume field_of(const core::AtomicModel& m, double grid_A = 0.6, double sigma_A = 3.0) {
  const core::ExecutionContext ctx{2};
  const VoronoiResult v = voronoi_analysis(m, {}, ctx);
  core::FftPlanCache ffts;
  DensityFieldParams p;
  p.grid_A = grid_A;
  p.sigma_A = sigma_A;
  return mass_density_field(m, v.volume_A3, v.surface, p, ffts, ctx);
}

TEST(DensityField, PerfectCrystalIsUniformAtItsDensity) {
  // fcc Pd, a = 3.89 Å: 4 × 106.42 u per a³ = 58.86 Å³, i.e. 4·106.42·1.66054/58.86 = 12.01 g/cm³.
  const double a = 3.89;
  const auto m = cubic_crystal(fcc_basis(), a, 4, 46);
  const core::Volume f = field_of(m);
  const double expected = 4.0 * core::element(46).mass_u * 1.66053906660 / (a * a * a);
  EXPECT_NEAR(expected, 12.01, 0.01);
  for (float v : f.values()) ASSERT_NEAR(v, expected, 1e-4 * expected);
  // The grid spans the periodic cell exactly.
  EXPECT_NEAR(f.sampling()[0] * double(f.extent(0)), 4 * a, 1e-12);
}

TEST(DensityField, MeanOverAPeriodicCellIsTheMassOverTheVolume) {
  // Each sample takes its Voronoi cell's density, so the mean is Σ (m_i/V_i)(V_i/V) = M/V up to
  // the grid's sampling of the cells; the blur keeps the mean exactly.
  auto m = cubic_crystal(fcc_basis(), 3.9, 5, 46, 0.25, 3);
  randomize_species(m, 46, 29, 0.5, 4);
  const core::Volume f = field_of(m, 0.5, 2.0);
  double mass = 0;
  for (std::uint8_t z : m.Z()) mass += core::element(z).mass_u;
  const double expected = mass * 1.66053906660 / m.cell().volume_A3();
  const double mean =
      std::accumulate(f.values().begin(), f.values().end(), 0.0) / double(f.values().size());
  EXPECT_NEAR(mean, expected, 0.005 * expected);
}

TEST(DensityField, FiniteParticleIsBulkInsideAndEmptyOutside) {
  const auto bulk = cubic_crystal(fcc_basis(), 3.89, 8, 46);
  auto ball = core::carve(bulk, [](const core::Vec3& r, int, std::size_t) {
    return (r - core::Vec3::Constant(15.56)).norm() < 12.0;
  });
  ball.cell().pbc = {false, false, false};
  const core::Volume f = field_of(ball, 0.8, 2.0);
  const double expected = 4.0 * core::element(46).mass_u * 1.66053906660 / std::pow(3.89, 3);
  // Centre (12 Å from the surface, 6σ): the bulk value; a corner of the grid: nothing.
  const auto at = [&](const core::Vec3& r) {
    const auto index = [&](int axis, double x) {
      return std::size_t(
          std::lround((x - f.origin()[std::size_t(axis)]) / f.sampling()[std::size_t(axis)]));
    };
    return f.values()[(index(0, r.z()) * f.extent(1) + index(1, r.y())) * f.extent(2) +
                      index(2, r.x())];
  };
  EXPECT_NEAR(at(core::Vec3::Constant(15.56)), expected, 0.01 * expected);
  EXPECT_NEAR(f.values().front(), 0.0, 1e-3);
}

TEST(DensityField, RejectsTriclinicCellsAndBadParameters) {
  auto m = cubic_crystal(fcc_basis(), 3.9, 3, 46);
  m.cell().vectors_A(1, 0) = 1.0;
  core::FftPlanCache ffts;
  const std::vector<double> vol(m.size(), 10.0);
  const std::vector<std::uint8_t> surf(m.size(), 0);
  EXPECT_THROW(mass_density_field(m, vol, surf, {}, ffts, core::ExecutionContext{1}), InputError);
  DensityFieldParams p;
  p.sigma_A = 0;
  EXPECT_THROW(p.validate(), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
