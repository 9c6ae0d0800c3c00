// Extended XYZ reading and writing (core/src/io_extxyz.cpp): exact round trips, the
// variants ASE and other programs write, and one test per kind of bad input, each checking
// the exception type, the "file:line" it names and the problem it states.

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
using ::testing::Not;

class ExtxyzTest : public testing::FileTest {
 protected:
  Provenance provenance_{"vitrum convert \"a b.xyz\" c\\d.xyz", "", 42, "0.1.0"};
};

AtomicModel triclinic_model() {
  Cell cell;
  cell.vectors_A << 10.5, 0.0, 0.0,  //
      1.0 / 3.0, 9.75, 0.0,          //
      -0.7, 2.0 / 7.0, 12.125;
  cell.pbc = {true, true, false};
  AtomicModel model(cell);
  model.add_atom(Vec3(0.1, 0.2, 0.3), 26);
  model.add_atom(Vec3(1.0 / 3.0, -2.718281828459045, 1e-300), 40);
  model.add_atom(Vec3(12345.678901234567, 0.1 + 1e-16, -0.0), 5);
  model.add_atom(Vec3(3.14159, 2.5e-7, 7.0 / 9.0), 26);
  model.enable_labels(0);
  model.labels()[1] = 7;
  model.labels()[3] = -2147483647;
  return model;
}

TEST_F(ExtxyzTest, RoundTripIsExact) {
  const AtomicModel model = triclinic_model();
  const auto path = dir() / "model.xyz";
  write_extxyz(path, model, provenance_);
  const AtomicModel back = read_extxyz(path);
  ASSERT_EQ(back.size(), model.size());
  for (std::size_t i = 0; i < model.size(); ++i) {
    for (int k = 0; k < 3; ++k) EXPECT_EQ(back.positions_A()[i][k], model.positions_A()[i][k]);
    EXPECT_EQ(back.Z()[i], model.Z()[i]);
  }
  EXPECT_EQ(back.cell().vectors_A, model.cell().vectors_A);
  EXPECT_EQ(back.cell().pbc, model.cell().pbc);
  ASSERT_TRUE(back.has_labels());
  EXPECT_TRUE(std::equal(back.labels().begin(), back.labels().end(), model.labels().begin()));
}

TEST_F(ExtxyzTest, HeaderFollowsAseConventionsAndRecordsProvenance) {
  const auto path = dir() / "model.xyz";
  write_extxyz(path, triclinic_model(), provenance_);
  std::istringstream lines(slurp(path));
  std::string count, comment;
  std::getline(lines, count);
  std::getline(lines, comment);
  EXPECT_EQ(count, "4");
  EXPECT_THAT(comment, HasSubstr("Lattice=\"10.5 0 0 0.3333333333333333 9.75 0 "));
  EXPECT_THAT(comment, HasSubstr("Properties=species:S:1:pos:R:3:label:I:1"));
  EXPECT_THAT(comment, HasSubstr("pbc=\"T T F\""));
  EXPECT_THAT(comment, HasSubstr("vitrum_version=\"0.1.0\""));
  EXPECT_THAT(comment, HasSubstr("vitrum_seed=42"));
  EXPECT_THAT(comment, HasSubstr(R"(vitrum_command="vitrum convert \"a b.xyz\" c\\d.xyz")"));
}

TEST_F(ExtxyzTest, ModelWithoutCellHasNoLatticeAndNoLabelColumn) {
  AtomicModel model;
  model.add_atom(Vec3(1, 2, 3), 8);
  model.add_atom(Vec3(1.5, 2, 3), 1);
  const auto path = dir() / "molecule.xyz";
  write_extxyz(path, model, provenance_);
  EXPECT_THAT(slurp(path), Not(HasSubstr("Lattice")));
  EXPECT_THAT(slurp(path), HasSubstr("Properties=species:S:1:pos:R:3 pbc=\"F F F\""));
  const AtomicModel back = read_extxyz(path);
  EXPECT_TRUE(back.cell().vectors_A.isZero(0.0));
  EXPECT_EQ(back.cell().pbc, (std::array<bool, 3>{false, false, false}));
  EXPECT_FALSE(back.has_labels());
}

TEST_F(ExtxyzTest, ReadsAseOutputWithExtraColumnsAndInfo) {
  const auto path = write_file(
      "ase.xyz",
      "2\n"
      "Lattice=\"5.0 0.0 0.0 0.0 6.0 0.0 0.0 0.0 7.0\" Properties=species:S:1:pos:R:3:forces:R:3:"
      "tags:I:1 energy=-1.25 name=\"two atoms\" pbc=\"T T T\"\n"
      "Ta       0.00000000       1.00000000       2.00000000 0.1 0.2 0.3 1\n"
      "Pd       2.50000000       3.00000000       3.50000000 -0.1 -0.2 -0.3 0\n");
  const AtomicModel m = read_extxyz(path);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.Z()[0], 73);
  EXPECT_EQ(m.Z()[1], 46);
  EXPECT_EQ(m.positions_A()[1], Vec3(2.5, 3.0, 3.5));
  EXPECT_EQ(m.cell().vectors_A(2, 2), 7.0);
  EXPECT_FALSE(m.has_labels());
}

TEST_F(ExtxyzTest, ColumnsInAnyOrderAndAtomicNumbers) {
  const auto path = write_file("z.xyz",
                               "2\n"
                               "Properties=label:I:1:pos:R:3:Z:I:1 lattice=\"4 0 0 0 4 0 0 0 4\" "
                               "PBC=\"F T F\"\n"
                               "3 1.0 2.0 3.0 29\n"
                               "0 -1.0 -2.0 -3.0 13\n");
  const AtomicModel m = read_extxyz(path);
  EXPECT_EQ(m.Z()[0], 29);
  EXPECT_EQ(m.Z()[1], 13);
  EXPECT_EQ(m.positions_A()[1], Vec3(-1, -2, -3));
  ASSERT_TRUE(m.has_labels());
  EXPECT_EQ(m.labels()[0], 3);
  EXPECT_EQ(m.cell().vectors_A(1, 1), 4.0);  // "lattice", "PBC": keys are case-insensitive
  EXPECT_EQ(m.cell().pbc, (std::array<bool, 3>{false, true, false}));
}

TEST_F(ExtxyzTest, PlainXyzAndAseCapitalisation) {
  const auto path = write_file("plain.xyz",
                               "3\r\n"
                               "water, from some program\r\n"
                               "O 0.0 0.0 0.119\r\n"
                               "h 0.0 0.763 -0.477\r\n"
                               "H 0.0 -0.763 -0.477 extra columns are ignored\r\n");
  const AtomicModel m = read_extxyz(path);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.Z()[1], 1);
  EXPECT_EQ(m.positions_A()[2], Vec3(0.0, -0.763, -0.477));
  EXPECT_EQ(m.cell().pbc, (std::array<bool, 3>{false, false, false}));
}

TEST_F(ExtxyzTest, MultiFrameFileGivesTheFirstFrame) {
  const auto path = write_file("traj.xyz",
                               "1\nProperties=species:S:1:pos:R:3\nCu 1 2 3\n"
                               "2\nProperties=species:S:1:pos:R:3\nCu 4 5 6\nCu 7 8 9\n");
  const AtomicModel m = read_extxyz(path);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.positions_A()[0], Vec3(1, 2, 3));
}

TEST_F(ExtxyzTest, EmptyFile) {
  const auto path = write_file("empty.xyz", "");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("empty.xyz:1"));
  EXPECT_THAT(e.what, HasSubstr("empty file"));
}

TEST_F(ExtxyzTest, FirstLineNotAnAtomCount) {
  const auto path = write_file("bad.xyz", "two\n\nFe 0 0 0\nFe 1 1 1\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("bad.xyz:1"));
  EXPECT_THAT(e.what, HasSubstr("number of atoms"));
  EXPECT_THAT(e.what, HasSubstr("'two'"));
}

TEST_F(ExtxyzTest, TruncatedFile) {
  const auto path =
      write_file("short.xyz", "3\nProperties=species:S:1:pos:R:3\nFe 0 0 0\nFe 1 1 1\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("short.xyz:5"));
  EXPECT_THAT(e.what, HasSubstr("truncated"));
  EXPECT_THAT(e.what, HasSubstr("3 atoms"));
}

TEST_F(ExtxyzTest, MoreAtomLinesThanAnnounced) {
  const auto path = write_file("long.xyz", "2\n\nFe 0 0 0\nFe 1 1 1\nFe 2 2 2\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("long.xyz:5"));
  EXPECT_THAT(e.what, HasSubstr("announces 2 atoms but more atom lines follow"));
}

TEST_F(ExtxyzTest, WrongNumberOfColumns) {
  const auto path = write_file("cols.xyz", "2\nProperties=species:S:1:pos:R:3\nFe 0 0 0\nFe 1 1\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("cols.xyz:4"));
  EXPECT_THAT(e.what, HasSubstr("atom 2: expected 4 columns (species:S:1:pos:R:3), found 3"));
}

TEST_F(ExtxyzTest, NonNumericField) {
  const auto path = write_file("text.xyz", "2\n\nFe 0 0 0\nFe 1.0 abc 1.0\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("text.xyz:4"));
  EXPECT_THAT(e.what, HasSubstr("y coordinate of atom 2"));
  EXPECT_THAT(e.what, HasSubstr("'abc'"));
}

TEST_F(ExtxyzTest, NumberWithTrailingGarbage) {
  const auto path = write_file("garbage.xyz", "1\n\nFe 1.5x 0 0\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("garbage.xyz:3"));
  EXPECT_THAT(e.what, HasSubstr("'1.5x'"));
}

TEST_F(ExtxyzTest, UnknownElementSymbol) {
  const auto path = write_file("element.xyz", "2\n\nFe 0 0 0\nXq 1 1 1\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("element.xyz:4"));
  EXPECT_THAT(e.what, HasSubstr("atom 2"));
  EXPECT_THAT(e.what, HasSubstr("Xq"));
}

TEST_F(ExtxyzTest, NaNCoordinate) {
  const auto path = write_file("nan.xyz", "1\n\nFe 0 nan 0\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("nan.xyz:3"));
  EXPECT_THAT(e.what, HasSubstr("y coordinate of atom 1 is not finite"));
}

TEST_F(ExtxyzTest, InfCoordinate) {
  const auto path = write_file("inf.xyz", "1\n\nFe 0 0 -inf\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("inf.xyz:3"));
  EXPECT_THAT(e.what, HasSubstr("z coordinate of atom 1 is not finite"));
}

TEST_F(ExtxyzTest, LatticeWithoutNineNumbers) {
  const auto path =
      write_file("lattice.xyz", "1\nLattice=\"1 0 0 0 1 0 0 0\" pbc=\"T T T\"\nFe 0 0 0\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("lattice.xyz:2"));
  EXPECT_THAT(e.what, HasSubstr("bad Lattice"));
  EXPECT_THAT(e.what, HasSubstr("expected 9 numbers"));
}

TEST_F(ExtxyzTest, BadPbc) {
  const auto path =
      write_file("pbc.xyz", "1\nLattice=\"1 0 0 0 1 0 0 0 1\" pbc=\"T maybe F\"\nFe 0 0 0\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("pbc.xyz:2"));
  EXPECT_THAT(e.what, HasSubstr("bad pbc"));
}

TEST_F(ExtxyzTest, PropertiesWithoutPositions) {
  const auto path = write_file("props.xyz", "1\nProperties=species:S:1:x:R:1\nFe 0\n");
  const Caught e = catch_error<InputError>([&] { read_extxyz(path); });
  EXPECT_THAT(e.where, EndsWith("props.xyz:2"));
  EXPECT_THAT(e.what, HasSubstr("no pos:R:3"));
}

TEST_F(ExtxyzTest, MissingFileIsAnIoError) {
  const Caught e = catch_error<IoError>([&] { read_extxyz(dir() / "missing.xyz"); });
  EXPECT_THAT(e.where, EndsWith("missing.xyz"));
}

TEST_F(ExtxyzTest, FailingWriterLeavesNoFileBehind) {
  AtomicModel model = triclinic_model();
  model.Z()[2] = 110;  // passes AtomicModel::validate, but vitrum has no symbol for it
  const Caught e = catch_error<InputError>([&] { write_extxyz(dir() / "out.xyz", model, {}); });
  EXPECT_THAT(e.what, HasSubstr("110"));
  EXPECT_EQ(entries(), 0u);  // neither out.xyz nor a temporary file
}

TEST_F(ExtxyzTest, FailingWriterKeepsTheOldFile) {
  const auto path = dir() / "out.xyz";
  write_extxyz(path, triclinic_model(), provenance_);
  const std::string before = slurp(path);
  AtomicModel bad = triclinic_model();
  bad.Z()[0] = 110;
  EXPECT_THROW(write_extxyz(path, bad, provenance_), InputError);
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(ExtxyzTest, WritingIntoAMissingDirectoryFails) {
  const auto path = dir() / "no" / "such" / "dir" / "out.xyz";
  const Caught e = catch_error<IoError>([&] { write_extxyz(path, triclinic_model(), {}); });
  EXPECT_THAT(e.where, EndsWith("out.xyz"));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(ExtxyzTest, NonFiniteModelIsRejectedBeforeWriting) {
  AtomicModel model = triclinic_model();
  model.positions_A()[1][0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(write_extxyz(dir() / "out.xyz", model, {}), InputError);
  EXPECT_EQ(entries(), 0u);
}

TEST(AtomFileFormat, ByExtension) {
  EXPECT_EQ(atom_file_format("a.xyz"), AtomFileFormat::kExtendedXyz);
  EXPECT_EQ(atom_file_format("dir/a.EXTXYZ"), AtomFileFormat::kExtendedXyz);
  EXPECT_EQ(atom_file_format("a.data"), AtomFileFormat::kLammpsData);
  EXPECT_EQ(atom_file_format("a.lmp"), AtomFileFormat::kLammpsData);
  EXPECT_EQ(atom_file_format("a.lammps"), AtomFileFormat::kLammpsData);
  EXPECT_EQ(atom_file_format("a.h5"), AtomFileFormat::kHdf5);
  EXPECT_EQ(atom_file_format("a.hdf5"), AtomFileFormat::kHdf5);
  const Caught e = catch_error<InputError>([] { atom_file_format("model.pdb"); });
  EXPECT_THAT(e.where, EndsWith("model.pdb"));
  EXPECT_THAT(e.what, HasSubstr(".pdb"));
  EXPECT_THAT(e.what, HasSubstr(".xyz"));
  EXPECT_THAT(e.what, HasSubstr(".data"));
  EXPECT_THAT(e.what, HasSubstr(".h5"));
}

}  // namespace
}  // namespace vitrum::core
