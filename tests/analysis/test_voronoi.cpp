// Voronoi indices of perfect lattices and of an icosahedron, volumes, regulation of small
// faces, finite samples, triclinic cells and thread independence.

#include <gtest/gtest.h>

#include "structures.hpp"
#include "vitrum/analysis/voronoi.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

VoronoiResult run(const core::AtomicModel& m, VoronoiParams p = {}, int threads = 2) {
  return voronoi_analysis(m, p, core::ExecutionContext{threads});
}

TEST(Voronoi, FccCellsAreRhombicDodecahedra) {
  const auto m = cubic_crystal(fcc_basis(), 3.6, 4);
  const auto v = run(m);
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(v.index[i], (VoronoiIndex{0, 12, 0, 0}));
    EXPECT_EQ(v.cn[i], 12);
    EXPECT_NEAR(v.volume_A3[i], 3.6 * 3.6 * 3.6 / 4.0, 1e-9);
    EXPECT_EQ(v.surface[i], 0);
  }
  ASSERT_EQ(v.populations.size(), 1u);
  EXPECT_EQ(v.populations[0].fraction, 1.0);
  EXPECT_EQ(v.cn_mean, 12.0);
  EXPECT_EQ(v.five_edged_face_fraction, 0.0);
}

TEST(Voronoi, BccCellsAreTruncatedOctahedra) {
  const auto m = cubic_crystal(bcc_basis(), 3.3, 4);
  const auto v = run(m);
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(v.index[i], (VoronoiIndex{0, 6, 0, 8}));
    EXPECT_EQ(v.cn[i], 14);
    EXPECT_NEAR(v.volume_A3[i], 3.3 * 3.3 * 3.3 / 2.0, 1e-9);
  }
}

TEST(Voronoi, SimpleCubicAndSmallCellsUseEveryImage) {
  // A single atom in its periodic cell: the cell is the cube itself, ⟨0,6,0,0⟩.
  core::AtomicModel m(core::Cell::orthorhombic(2.5, 2.5, 2.5));
  m.add_atom(Vec3(0.3, 0.2, 0.1), 73);
  const auto v = run(m);
  EXPECT_EQ(v.index[0], (VoronoiIndex{0, 6, 0, 0}));
  EXPECT_NEAR(v.volume_A3[0], 2.5 * 2.5 * 2.5, 1e-9);
}

TEST(Voronoi, IcosahedronCentreIsFivefold) {
  const auto m = icosahedron(2.8);
  const auto v = run(m);
  EXPECT_EQ(v.index[0], (VoronoiIndex{0, 0, 12, 0}));
  EXPECT_EQ(v.cn[0], 12);
  EXPECT_EQ(v.surface[0], 0);
  // The cell of the centre is a regular dodecahedron with inradius 1.4 Å (half the bond):
  // V = (15 + 7√5)/4 e³ with edge e = 2 r_i / √((25 + 11√5)/10), i.e. V = 5.550291 r_i³.
  EXPECT_NEAR(v.volume_A3[0], 5.550291 * 1.4 * 1.4 * 1.4, 1e-4);
  for (std::size_t i = 1; i < m.size(); ++i) EXPECT_EQ(v.surface[i], 1) << i;
  EXPECT_EQ(v.interior_cells, 1u);
  EXPECT_EQ(v.near_surface[0], 1);  // every neighbour of the centre is a surface cell
  EXPECT_EQ(v.strict_interior_cells, 0u);
  EXPECT_EQ(v.distorted_icosahedra_fraction, 1.0);
  EXPECT_EQ(v.five_edged_face_fraction, 1.0);
}

TEST(Voronoi, FiniteFccSampleFlagsOnlyItsSurface) {
  const auto bulk = cubic_crystal(fcc_basis(), 3.6, 6);
  auto ball = core::carve(bulk, [](const Vec3& r, int, std::size_t) {
    return (r - Vec3(10.8, 10.8, 10.8)).norm() < 8.0;
  });
  ball.cell().pbc = {false, false, false};
  const auto v = run(ball);
  std::size_t interior = 0;
  for (std::size_t i = 0; i < ball.size(); ++i) {
    const double depth = 8.0 - (ball.positions_A()[i] - Vec3(10.8, 10.8, 10.8)).norm();
    if (depth > 3.0) {  // deeper than one neighbour shell: a bulk cell
      EXPECT_EQ(v.surface[i], 0);
      EXPECT_EQ(v.index[i], (VoronoiIndex{0, 12, 0, 0}));
    }
    if (depth < 1.0) {
      EXPECT_EQ(v.surface[i], 1);
    }
    interior += v.surface[i] ? 0 : 1;
  }
  EXPECT_EQ(v.interior_cells, interior);
  // Strictly interior cells: bounded and not next to a surface cell; all bulk ⟨0,12,0,0⟩.
  EXPECT_GT(v.strict_interior_cells, 0u);
  EXPECT_LT(v.strict_interior_cells, v.interior_cells);
  EXPECT_EQ(v.cn_mean_strict_interior, 12.0);
  for (std::size_t i = 0; i < ball.size(); ++i) {
    if (v.surface[i] || v.near_surface[i]) continue;
    EXPECT_EQ(v.index[i], (VoronoiIndex{0, 12, 0, 0}));
  }
}

TEST(Voronoi, RegulationRemovesTheSmallFacesOfANoisyCrystal) {
  // Noise (σ = 0.03 Å) lets the second-shell neighbours at a cut tiny faces at the six
  // four-valent vertices of the rhombic dodecahedron: unregulated CN ≈ 14. The 1 % rule keeps
  // the 12 nearest neighbours. Re-tessellated with them, each four-valent vertex splits into
  // two three-valent ones joined by a new edge, which adds an edge to two faces: 12 faces with
  // Σ k·n_k = 2·(24 + 6) = 60, e.g. ⟨0,3,6,3⟩, ⟨0,4,4,4⟩, ⟨0,2,8,2⟩. Dropping the faces instead
  // keeps the edges the small faces shared, so its indices differ (PHYSICS.md §7).
  const auto m = cubic_crystal(fcc_basis(), 3.6, 5, 73, 0.03, 3);
  VoronoiParams none;
  none.regulation = FaceRegulation::kNone;
  VoronoiParams drop;
  drop.regulation = FaceRegulation::kDropFaces;
  const auto raw = run(m, none);
  const auto ref = run(m);
  const auto dropped = run(m, drop);
  EXPECT_GT(raw.cn_mean, 13.5);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(ref.cn[i], 12);
    EXPECT_EQ(dropped.cn[i], 12);
    const auto& n = ref.index[i];
    EXPECT_EQ(n[0] + n[1] + n[2] + n[3], 12);
    EXPECT_EQ(3 * n[0] + 4 * n[1] + 5 * n[2] + 6 * n[3], 60);
    differ += ref.index[i] != dropped.index[i] ? 1 : 0;
  }
  EXPECT_GT(differ, m.size() / 2);
  // Volumes are those of the unregulated cells and tile the box.
  double total = 0;
  for (double vol : ref.volume_A3) total += vol;
  EXPECT_NEAR(total, m.cell().volume_A3(), 1e-6 * m.cell().volume_A3());
  EXPECT_EQ(raw.volume_A3, ref.volume_A3);
}

TEST(Voronoi, TriclinicCellGivesTheOrthorhombicResult) {
  const auto ortho = cubic_crystal(fcc_basis(), 3.6, 4, 73, 0.2, 8);
  auto tri = ortho;
  tri.cell().vectors_A.row(2) += tri.cell().vectors_A.row(0) - tri.cell().vectors_A.row(1);
  const auto a = run(ortho);
  const auto b = run(tri);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.cn, b.cn);
  for (std::size_t i = 0; i < ortho.size(); ++i) EXPECT_NEAR(a.volume_A3[i], b.volume_A3[i], 1e-9);
}

TEST(Voronoi, ResultDoesNotDependOnThreads) {
  const auto m = ideal_gas(1500, 26.0, 4);
  const auto a = run(m, {}, 1);
  const auto b = run(m, {}, 3);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.volume_A3, b.volume_A3);
  double total = 0;
  for (double vol : a.volume_A3) total += vol;
  EXPECT_NEAR(total, 26.0 * 26.0 * 26.0, 1e-6 * 26.0 * 26.0 * 26.0);
}

TEST(Voronoi, ValidatesItsParameters) {
  VoronoiParams p;
  p.min_face_area_fraction = 0.5;
  EXPECT_THROW(p.validate(), InputError);
  EXPECT_THROW(run(core::AtomicModel{}), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
