// LAMMPS data reading and writing (core/src/io_lammps_data.cpp): round trips (exact for
// cells already in LAMMPS orientation, 1e-9 after rotating a general cell), image flags,
// type → element mapping, and one test per kind of bad input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "io_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/io_atoms.hpp"

namespace vitrum::core {
namespace {

using namespace testing;  // catch_error, Caught, FileTest
using ::testing::EndsWith;
using ::testing::HasSubstr;

class LammpsDataTest : public testing::FileTest {
 protected:
  Provenance provenance_{"vitrum convert a.xyz b.data", "", 7, "0.1.0"};
};

// A small valid file that the error tests modify one piece at a time.
std::string data_file(const std::string& masses, const std::string& atoms_header,
                      const std::string& atoms) {
  return "test file\n"
         "\n"
         "3 atoms\n"
         "2 atom types\n"
         "0 bonds\n"
         "\n"
         "-1.0 9.0 xlo xhi\n"
         "0.0 10.0 ylo yhi\n"
         "2.0 12.0 zlo zhi\n"
         "\n" +
         masses + atoms_header + "\n" + atoms;
}
const std::string kMasses = "Masses\n\n1 63.546\n2 26.982 # Al\n\n";
const std::string kAtoms = "1 1 0.0 0.0 2.0\n2 2 1.0 1.0 3.0\n3 1 -1.0 5.0 11.0\n";

AtomicModel model_in(const Mat3& cell_vectors, std::array<bool, 3> pbc) {
  Cell cell;
  cell.vectors_A = cell_vectors;
  cell.pbc = pbc;
  AtomicModel model(cell);
  model.add_atom(Vec3(0.5, 0.25, 1.0 / 3.0), 40);
  model.add_atom(Vec3(2.0 / 3.0, 4.125, 5.5), 29);
  model.add_atom(Vec3(7.75, 1.0 + 1e-9, 6.0 + 1.0 / 7.0), 13);
  model.add_atom(Vec3(3.0, 3.0, 3.0), 29);
  return model;
}

TEST_F(LammpsDataTest, OrthorhombicRoundTripIsExact) {
  const AtomicModel model = model_in(Vec3(10.0, 11.0, 12.5).asDiagonal(), {true, true, false});
  const auto path = dir() / "model.data";
  write_lammps_data(path, model, provenance_);
  const AtomicModel back = read_lammps_data(path);
  ASSERT_EQ(back.size(), model.size());
  for (std::size_t i = 0; i < model.size(); ++i) {
    EXPECT_EQ(back.positions_A()[i], model.positions_A()[i]) << "atom " << i;
    EXPECT_EQ(back.Z()[i], model.Z()[i]);
  }
  EXPECT_EQ(back.cell().vectors_A, model.cell().vectors_A);
  EXPECT_EQ(back.cell().pbc, model.cell().pbc);  // recorded in the title line
}

TEST_F(LammpsDataTest, WriterFollowsTheLammpsLayout) {
  Mat3 v;
  v << 10.0, 0, 0, 1.5, 11.0, 0, -0.5, 0.25, 12.0;
  const auto path = dir() / "model.data";
  write_lammps_data(path, model_in(v, {true, true, true}), provenance_);
  const std::string text = slurp(path);
  EXPECT_THAT(text, HasSubstr("\n4 atoms\n3 atom types\n"));
  EXPECT_THAT(text,
              HasSubstr("\n0 10 xlo xhi\n0 11 ylo yhi\n0 12 zlo zhi\n1.5 -0.5 0.25 xy xz yz\n"));
  // Types in order of increasing Z, each mass followed by its symbol.
  EXPECT_THAT(text, HasSubstr("\nMasses\n\n1 26.98"));
  EXPECT_THAT(text, HasSubstr("# Al\n2 63.54"));
  EXPECT_THAT(text, HasSubstr("# Cu\n3 91.22"));
  EXPECT_THAT(text, HasSubstr("# Zr\n\nAtoms # atomic\n\n1 3 0.5 0.25 0.3333333333333333 0 0 0\n"));
  EXPECT_THAT(text, HasSubstr("vitrum_command=\"vitrum convert a.xyz b.data\""));
}

TEST_F(LammpsDataTest, TriclinicRoundTripIsExact) {
  Mat3 v;
  v << 10.0, 0, 0, 1.0 / 3.0, 11.0, 0, -0.7, 2.0 / 7.0, 12.0;
  const AtomicModel model = model_in(v, {true, true, true});
  const auto path = dir() / "model.lmp";
  write_atoms(path, model, provenance_);
  const AtomicModel back = read_atoms(path);
  EXPECT_EQ(back.cell().vectors_A, v);
  for (std::size_t i = 0; i < model.size(); ++i)
    EXPECT_EQ(back.positions_A()[i], model.positions_A()[i]) << "atom " << i;
}

TEST_F(LammpsDataTest, GeneralCellIsRotatedWithTheAtoms) {
  Mat3 v;
  v << 9.0, 1.0, -2.0,  //
      0.5, 10.0, 1.5,   //
      1.0, -1.0, 11.0;
  const AtomicModel model = model_in(v, {true, true, true});
  const auto path = dir() / "model.data";
  write_lammps_data(path, model, provenance_);
  const AtomicModel back = read_lammps_data(path);
  const Mat3& w = back.cell().vectors_A;
  EXPECT_EQ(w(0, 1), 0.0);
  EXPECT_EQ(w(0, 2), 0.0);
  EXPECT_EQ(w(1, 2), 0.0);
  EXPECT_GT(w.diagonal().minCoeff(), 0.0);
  // Same lattice (metric) and the rotation that maps the cell maps the atoms: W = V Rᵀ.
  EXPECT_TRUE((w * w.transpose()).isApprox(v * v.transpose(), 1e-12));
  const Mat3 R = (v.inverse() * w).transpose();
  EXPECT_NEAR(R.determinant(), 1.0, 1e-12);
  EXPECT_TRUE((R * R.transpose()).isIdentity(1e-12));
  for (std::size_t i = 0; i < model.size(); ++i)
    EXPECT_LT((back.positions_A()[i] - R * model.positions_A()[i]).norm(), 1e-9) << "atom " << i;
}

TEST_F(LammpsDataTest, AtomsOutsideAPeriodicBoxGetImageFlags) {
  AtomicModel model = model_in(Vec3(10.0, 10.0, 10.0).asDiagonal(), {true, true, false});
  model.positions_A()[0] = Vec3(-3.5, 25.0, -4.0);  // z is not periodic: left as it is
  const auto path = dir() / "model.data";
  write_lammps_data(path, model, provenance_);
  EXPECT_THAT(slurp(path), HasSubstr("\n1 3 6.5 5 -4 -1 2 0\n"));
  const AtomicModel back = read_lammps_data(path);
  EXPECT_LT((back.positions_A()[0] - model.positions_A()[0]).norm(), 1e-12);
}

TEST_F(LammpsDataTest, ReadsLammpsWrittenFiles) {
  const auto path = write_file(
      "lammps.data",
      "LAMMPS data file via write_data, version 2 Aug 2023, timestep = 1000, units = metal\n"
      "\n"
      "3 atoms\n"
      "2 atom types\n"
      "\n"
      "-1.0 9.0 xlo xhi\n"
      "0.0 10.0 ylo yhi\n"
      "2.0 12.0 zlo zhi\n"
      "1.0 0.0 0.5 xy xz yz\n"
      "\n"
      "Masses\n"
      "\n"
      "1 63.546\n"
      "2 2.014 # H (deuterium)\n"
      "\n"
      "Atoms # atomic\n"
      "\n"
      "3 1 -1.0 5.0 11.0 0 0 0\n"
      "1 1 0.0 0.0 2.0 1 0 -1\n"
      "2 2 1.0 1.0 3.0 0 -1 0\n"
      "\n"
      "Velocities\n"
      "\n"
      "1 0.1 0.2 0.3\n"
      "2 0.1 0.2 0.3\n"
      "3 0.1 0.2 0.3\n");
  const AtomicModel m = read_lammps_data(path);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.cell().pbc, (std::array<bool, 3>{true, true, true}));
  Mat3 expected_cell;
  expected_cell << 10, 0, 0, 1, 10, 0, 0, 0.5, 10;
  EXPECT_EQ(m.cell().vectors_A, expected_cell);
  // Sorted by atom ID; origin (xlo, ylo, zlo) subtracted; image flags applied.
  EXPECT_EQ(m.Z()[0], 29);  // nearest standard mass
  EXPECT_EQ(m.Z()[1], 1);   // named in the comment
  EXPECT_LT((m.positions_A()[0] - (Vec3(1, 0, 0) + Vec3(10, 0, 0) - Vec3(0, 0.5, 10))).norm(),
            1e-12);
  EXPECT_LT((m.positions_A()[1] - (Vec3(2, 1, 1) - Vec3(1, 10, 0))).norm(), 1e-12);
  EXPECT_LT((m.positions_A()[2] - Vec3(0, 5, 9)).norm(), 1e-12);
}

TEST_F(LammpsDataTest, EmptyFile) {
  const auto path = write_file("empty.data", "\n\n");
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("empty.data:1"));
  EXPECT_THAT(e.what, HasSubstr("empty file"));
}

TEST_F(LammpsDataTest, MissingMasses) {
  const auto path = write_file("nomass.data", data_file("", "Atoms # atomic\n", kAtoms));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("nomass.data:11"));  // the Atoms section that needs them
  EXPECT_THAT(e.what, HasSubstr("no Masses section"));
}

TEST_F(LammpsDataTest, WrongAtomStyle) {
  const auto path = write_file("charge.data", data_file(kMasses, "Atoms # charge\n", kAtoms));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("charge.data:16"));
  EXPECT_EQ(e.what, "atom style charge is not supported; expected atomic");
}

TEST_F(LammpsDataTest, ColumnsOfAnotherAtomStyle) {
  const auto path = write_file(
      "full.data",
      data_file(kMasses, "Atoms\n", "1 1 1 0.5 0.0 0.0 2.0\n2 1 2 -0.5 1 1 3\n3 1 2 0.0 1 1 3\n"));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("full.data:18"));
  EXPECT_THAT(e.what, HasSubstr("expected 5 columns (id type x y z) or 8"));
  EXPECT_THAT(e.what, HasSubstr("found 7"));
}

TEST_F(LammpsDataTest, AtomCountMismatch) {
  const auto path =
      write_file("count.data", data_file(kMasses, "Atoms # atomic\n", "1 1 0 0 2\n2 2 1 1 3\n"));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("count.data:19"));
  EXPECT_THAT(e.what, HasSubstr("the Atoms section has 2 lines but the header announces 3 atoms"));
}

TEST_F(LammpsDataTest, NonNumericField) {
  const auto path = write_file(
      "text.data",
      data_file(kMasses, "Atoms # atomic\n", "1 1 0 0 2\n2 2 1 one 3\n3 1 -1.0 5.0 11.0\n"));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("text.data:19"));
  EXPECT_THAT(e.what, HasSubstr("y coordinate of atom 2"));
  EXPECT_THAT(e.what, HasSubstr("'one'"));
}

TEST_F(LammpsDataTest, NaNCoordinate) {
  const auto path = write_file("nan.data", data_file(kMasses, "Atoms # atomic\n",
                                                     "1 1 0 0 2\n2 2 1 1 3\n3 1 -1.0 NaN 11.0\n"));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("nan.data:20"));
  EXPECT_THAT(e.what, HasSubstr("y coordinate of atom 3 is not finite"));
}

TEST_F(LammpsDataTest, MassOfNoElement) {
  const auto path = write_file(
      "mass.data", data_file("Masses\n\n1 63.546\n2 500.0\n\n", "Atoms # atomic\n", kAtoms));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("mass.data:14"));
  EXPECT_THAT(e.what, HasSubstr("mass 500 of atom type 2 is not within 0.5 u"));
}

TEST_F(LammpsDataTest, AtomTypeOutOfRange) {
  const auto path = write_file(
      "type.data", data_file(kMasses, "Atoms # atomic\n", "1 1 0 0 2\n2 3 1 1 3\n3 1 0 0 3\n"));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("type.data:19"));
  EXPECT_THAT(e.what, HasSubstr("atom type 3 outside 1..2"));
}

TEST_F(LammpsDataTest, DuplicateAtomId) {
  const auto path = write_file(
      "dup.data", data_file(kMasses, "Atoms # atomic\n", "1 1 0 0 2\n2 2 1 1 3\n2 1 0 0 3\n"));
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.what, HasSubstr("atom ID 2 appears twice"));
  EXPECT_THAT(e.where, ::testing::MatchesRegex(".*dup\\.data:(19|20)"));
}

TEST_F(LammpsDataTest, MissingBoxBounds) {
  const auto path = write_file("box.data",
                               "title\n\n1 atoms\n1 atom types\n0 1 xlo xhi\n0 1 ylo yhi\n\n"
                               "Masses\n\n1 12.011\n\nAtoms\n\n1 1 0 0 0\n");
  const Caught e = catch_error<InputError>([&] { read_lammps_data(path); });
  EXPECT_THAT(e.where, EndsWith("box.data:8"));
  EXPECT_THAT(e.what, HasSubstr("no 'zlo zhi' line"));
}

TEST_F(LammpsDataTest, DegenerateCellCannotBeWritten) {
  AtomicModel model;
  model.add_atom(Vec3(1, 2, 3), 6);
  const Caught e = catch_error<InputError>([&] { write_lammps_data(dir() / "m.data", model, {}); });
  EXPECT_THAT(e.what, HasSubstr("simulation box"));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(LammpsDataTest, LeftHandedCellCannotBeWritten) {
  const AtomicModel model = model_in(Vec3(10.0, -10.0, 10.0).asDiagonal(), {true, true, true});
  const Caught e = catch_error<InputError>([&] { write_lammps_data(dir() / "m.data", model, {}); });
  EXPECT_THAT(e.what, HasSubstr("left-handed"));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(LammpsDataTest, FailingWriterLeavesNoFileBehind) {
  AtomicModel model = model_in(Vec3(10.0, 10.0, 10.0).asDiagonal(), {true, true, true});
  model.Z()[1] = 110;
  EXPECT_THROW(write_lammps_data(dir() / "m.data", model, provenance_), InputError);
  EXPECT_EQ(entries(), 0u);
  const auto missing_dir = dir() / "missing" / "m.data";
  EXPECT_THROW(
      write_lammps_data(missing_dir, model_in(Vec3(10, 10, 10).asDiagonal(), {true, true, true}),
                        provenance_),
      IoError);
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace vitrum::core
