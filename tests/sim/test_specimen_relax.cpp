#include <gtest/gtest.h>

#include <cmath>

#include "io_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/sim/md_job.hpp"
#include "vitrum/sim/md_potential.hpp"
#include "vitrum/sim/specimen_relax.hpp"

namespace vitrum::sim {
namespace {

using core::testing::expect_error;
using core::testing::TempDir;

// A bcc Ta ball (a = 3.30 Å, radius 7 Å) in a 30 Å box, labelled 1 inside 4 Å, else 0.
core::AtomicModel ta_ball(std::array<bool, 3> pbc = {false, false, false}) {
  core::AtomicModel ball(core::Cell::orthorhombic(30, 30, 30, pbc));
  ball.enable_labels();
  const double a = 3.30;
  for (int i = -3; i <= 3; ++i)
    for (int j = -3; j <= 3; ++j)
      for (int k = -3; k <= 3; ++k)
        for (double shift : {0.0, 0.5}) {
          const core::Vec3 r = a * core::Vec3(i + shift, j + shift, k + shift);
          if (r.norm() <= 7.0) ball.add_atom(r + core::Vec3(15, 15, 15), 73, r.norm() < 4 ? 1 : 0);
        }
  return ball;
}

TEST(SurfaceRelaxation, ParametersFollowTheSpecimen) {
  core::AtomicModel mixed(core::Cell::orthorhombic(20, 20, 40, {true, true, false}));
  mixed.add_atom({1, 1, 1}, 78);  // Pt
  mixed.add_atom({3, 1, 1}, 44);  // Ru
  mixed.add_atom({5, 1, 1}, 44);
  mixed.add_atom({7, 1, 1}, 27);  // Co
  const MeltQuenchParams p = surface_relaxation_params(
      mixed, {2.0, 300.0, "zhou", "Ru:Pd,Rh:Pd,Ir:Pt"}, "/tmp/specimen.data");
  // Species in increasing Z (the type order of core::write_lammps_data), exact fractions.
  const auto species = p.species();
  ASSERT_EQ(species.size(), 3u);
  EXPECT_EQ(species[0].symbol, "Co");
  EXPECT_EQ(species[1].symbol, "Ru");
  EXPECT_EQ(species[1].potential_symbol, "Pd");
  EXPECT_DOUBLE_EQ(species[1].fraction, 0.5);
  EXPECT_EQ(p.proxies, "Ru:Pd");  // Rh and Ir are absent: their proxies are dropped
  EXPECT_EQ(p.boundary, "p p s");
  EXPECT_TRUE(p.minimize_start);
  EXPECT_EQ(p.melt_K, 300);
  EXPECT_EQ(p.final_K, 300);
  EXPECT_EQ(p.ramp_steps() + p.hold_steps(), 0);
  EXPECT_EQ(p.melt_steps(), 1000);  // 2 ps at 2 fs
  EXPECT_NO_THROW(p.validate());
  EXPECT_EQ(
      surface_relaxation_params(ta_ball(), {1.0, 300.0, "CuTa.eam.alloy", ""}, "x.data").boundary,
      "s s s");
}

TEST(SurfaceRelaxation, ProxiesFromAPotentialRecord) {
  EXPECT_EQ(proxies_from_record("Co,Ru→Pd,Rh→Pd,Pd,Ir→Pt"), "Ru:Pd,Rh:Pd,Ir:Pt");
  EXPECT_EQ(proxies_from_record("Ta"), "");
}

TEST(SurfaceRelaxation, RelaxedPositionsKeepLabelsAndCell) {
  const core::AtomicModel ball = ta_ball();
  core::AtomicModel moved = ball;
  moved.clear_labels();
  for (core::Vec3& r : moved.positions_A()) r += core::Vec3(0.1, 0, 0);
  const core::AtomicModel out = with_relaxed_positions(ball, moved);
  EXPECT_EQ(out.labels()[0], ball.labels()[0]);
  EXPECT_EQ(out.cell().vectors_A, ball.cell().vectors_A);
  EXPECT_NEAR(out.positions_A()[3].x(), ball.positions_A()[3].x() + 0.1, 1e-12);
  core::AtomicModel fewer(ball.cell());
  fewer.add_atom({1, 1, 1}, 73);
  expect_error<InputError>([&] { with_relaxed_positions(ball, fewer); }, {"returned 1 atoms"});
}

// A real relaxation: the ball's energy is minimised, then 0.4 ps NVT at 300 K. Atoms stay
// near their sites (bcc Ta is the ground state of this potential) and none is lost.
TEST(SurfaceRelaxation, RelaxesABccBallInPlace) {
  TempDir dir;
  const core::AtomicModel ball = ta_ball();
  const auto data = dir / "ball.data";
  core::write_lammps_data(data, ball, core::Provenance::make("test"));
  const MdJob job = prepare_job(
      surface_relaxation_params(ball, {0.4, 300.0, "CuTa.eam.alloy", ""}, data), 3, dir.path());
  const MeltQuenchResult result = run_job_in_process(JobDirectory{dir.path()}, job, false,
                                                     core::Logger(core::Verbosity::kQuiet));
  const core::AtomicModel relaxed = with_relaxed_positions(ball, result.snapshots.back().model);
  ASSERT_EQ(relaxed.size(), ball.size());
  double worst = 0;
  for (std::size_t i = 0; i < ball.size(); ++i)
    worst = std::max(worst, (relaxed.positions_A()[i] - ball.positions_A()[i]).norm());
  EXPECT_LT(worst, 0.8);   // surface contraction plus thermal motion, far below a bond (2.86 Å)
  EXPECT_GT(worst, 0.01);  // it did move
  EXPECT_NEAR(result.snapshots.back().temperature_K, 300, 150);
}

}  // namespace
}  // namespace vitrum::sim
