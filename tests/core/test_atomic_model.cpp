#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numbers>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/text_match.hpp"

namespace vitrum::core {
namespace {

AtomicModel three_atoms() {
  AtomicModel m(Cell::orthorhombic(10, 10, 10));
  m.add_atom({1, 2, 3}, 73);
  m.add_atom({4, 5, 6}, 46);
  m.add_atom({7, 8, 9}, 73);
  return m;
}

TEST(AtomicModel, EulerMatrixIsARotationAndFollowsZYX) {
  const Mat3 R = euler_zyx_matrix(30, -50, 70);
  EXPECT_NEAR((R * R.transpose() - Mat3::Identity()).norm(), 0, 1e-12);
  EXPECT_NEAR(R.determinant(), 1, 1e-12);
  // A single-axis tilt (0, θ, 0) is a right-handed rotation about y: x → −z for θ = 90°.
  EXPECT_NEAR((euler_zyx_matrix(0, 90, 0) * Vec3::UnitX() - Vec3(0, 0, -1)).norm(), 0, 1e-12);
  // Composition order R = Rz(φ) Ry(θ) Rx(ψ).
  const Mat3 composed =
      euler_zyx_matrix(30, 0, 0) * euler_zyx_matrix(0, -50, 0) * euler_zyx_matrix(0, 0, 70);
  EXPECT_NEAR((R - composed).norm(), 0, 1e-12);
}

TEST(AtomicModel, RotationKeepsDistancesAndRotatesTheCell) {
  AtomicModel m = three_atoms();
  const double d01 = (m.positions_A()[0] - m.positions_A()[1]).norm();
  const Mat3 R = euler_zyx_matrix(10, 20, 30);
  rotate(m, R, centroid(m));
  EXPECT_NEAR((m.positions_A()[0] - m.positions_A()[1]).norm(), d01, 1e-12);
  EXPECT_NEAR(m.cell().volume_A3(), 1000, 1e-9);
  EXPECT_NEAR((m.cell().vectors_A.row(0).transpose() - R * Vec3(10, 0, 0)).norm(), 0, 1e-12);
  EXPECT_NEAR((centroid(m) - Vec3(4, 5, 6)).norm(), 0, 1e-12);
}

TEST(AtomicModel, WrapMapsIntoTheCellOnlyAlongPeriodicAxes) {
  AtomicModel m(Cell::orthorhombic(10, 10, 10, {true, true, false}));
  m.add_atom({-1, 23, -4}, 28);
  wrap(m);
  EXPECT_NEAR((m.positions_A()[0] - Vec3(9, 3, -4)).norm(), 0, 1e-12);
}

TEST(AtomicModel, WrapHandlesTriclinicCells) {
  Cell cell;
  cell.vectors_A << 10, 0, 0, 3, 9, 0, 1, 2, 8;
  cell.pbc = {true, true, true};
  AtomicModel m(cell);
  const Vec3 inside = cell.cartesian({0.2, 0.7, 0.4});
  m.add_atom(inside + cell.cartesian({2, -1, 3}), 28);
  wrap(m);
  EXPECT_NEAR((m.positions_A()[0] - inside).norm(), 0, 1e-9);
}

TEST(AtomicModel, CarveKeepsLabelsAndComposition) {
  AtomicModel m = three_atoms();
  m.enable_labels(0);
  m.labels()[2] = 5;
  const AtomicModel kept = carve(m, [](const Vec3& r, int, std::size_t) { return r.x() > 2; });
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept.labels()[1], 5);
  EXPECT_EQ(composition(kept), (std::map<int, std::size_t>{{46, 1}, {73, 1}}));
}

TEST(AtomicModel, MergeConcatenatesAndFillsMissingLabels) {
  AtomicModel a = three_atoms();
  AtomicModel b = three_atoms();
  b.enable_labels(2);
  const AtomicModel m = merge(a, b);
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m.labels()[0], 0);
  EXPECT_EQ(m.labels()[5], 2);
  EXPECT_EQ(composition(m).at(73), 4u);
}

TEST(AtomicModel, ValidateRejectsNonFiniteCoordinates) {
  AtomicModel m = three_atoms();
  m.positions_A()[1].y() = std::numeric_limits<double>::quiet_NaN();
  try {
    m.validate("model.xyz");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(describe(e).find("atom 2"), std::string::npos);
    EXPECT_NE(describe(e).find("model.xyz"), std::string::npos);
  }
  EXPECT_THROW(AtomicModel().add_atom({0, 0, 0}, 0), InputError);
}

TEST(SafeFile, AFailingWriterLeavesNothingBehind) {
  const auto dir = std::filesystem::temp_directory_path() / "vitrum_safe_file_test";
  std::filesystem::create_directories(dir);
  const auto target = dir / "out.txt";
  std::filesystem::remove(target);
  EXPECT_THROW(write_stream_atomically(target,
                                       [](std::ostream& out) {
                                         out << "partial";
                                         throw IoError("simulated failure");
                                       }),
               IoError);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  write_stream_atomically(target, [](std::ostream& out) { out << "complete"; });
  std::ifstream in(target);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "complete");
  std::filesystem::remove_all(dir);
}

TEST(TextMatch, SuggestsTheNearestCandidateOnlyWhenClose) {
  const std::vector<std::string> keys{"energy_keV", "semiangle_mrad", "defocus_A"};
  EXPECT_EQ(closest_match("energy_kev", keys), "energy_keV");
  EXPECT_EQ(closest_match("defocus", keys), "defocus_A");
  EXPECT_FALSE(closest_match("thickness", keys).has_value());
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace vitrum::core
