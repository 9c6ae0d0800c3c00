#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "io_test_support.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"

namespace vitrum::core {
namespace {

using testing::expect_error;
using testing::file_bytes;
using testing::TempDir;

const Provenance kProvenance{"vitrum sim --out model.h5", "[md]\nT_K = 300\n", 7, "0.1.0-test"};

AtomicModel triclinic_model(bool labels) {
  Cell cell;
  cell.vectors_A << 10.0, 0.0, 0.0,  //
      2.0, 9.0, 0.0,                 //
      1.0, -1.5, 8.0;
  cell.pbc = {true, false, true};
  AtomicModel model(cell);
  model.add_atom({0.1, 0.2, 0.3}, 73);
  model.add_atom({-5.5, 4.25, 1e-9}, 46);
  model.add_atom({9.999999999, 8.5, 7.75}, 8);
  if (labels) {
    model.enable_labels();
    model.labels()[1] = -3;
    model.labels()[2] = 2147483647;
  }
  return model;
}

void expect_same_model(const AtomicModel& a, const AtomicModel& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.positions_A()[i], b.positions_A()[i]) << "atom " << i;
    EXPECT_EQ(a.Z()[i], b.Z()[i]) << "atom " << i;
  }
  EXPECT_EQ(a.cell().vectors_A, b.cell().vectors_A);
  EXPECT_EQ(a.cell().pbc, b.cell().pbc);
  ASSERT_EQ(a.has_labels(), b.has_labels());
  for (std::size_t i = 0; i < a.labels().size(); ++i) EXPECT_EQ(a.labels()[i], b.labels()[i]);
}

TEST(IoHdf5Atoms, RoundTripWithAndWithoutLabels) {
  TempDir dir;
  for (const bool labels : {true, false}) {
    const AtomicModel model = triclinic_model(labels);
    write_atoms_hdf5(dir / "model.h5", model, kProvenance);
    expect_same_model(read_atoms_hdf5(dir / "model.h5"), model);
    const Hdf5Reader reader(dir / "model.h5");
    EXPECT_EQ(reader.has("/atoms/label"), labels);
    EXPECT_EQ(reader.read_array<double>("/atoms/positions").units, "Å");
    EXPECT_EQ(reader.read_provenance().command, kProvenance.command);
  }
}

TEST(IoHdf5Atoms, EmptyModelRoundTrips) {
  TempDir dir;
  const AtomicModel model(Cell::orthorhombic(5, 6, 7));
  write_atoms_hdf5(dir / "empty.h5", model, kProvenance);
  expect_same_model(read_atoms_hdf5(dir / "empty.h5"), model);
}

TEST(IoHdf5Atoms, SameModelGivesIdenticalBytes) {
  TempDir dir;
  write_atoms_hdf5(dir / "a.h5", triclinic_model(true), kProvenance);
  write_atoms_hdf5(dir / "b.h5", triclinic_model(true), kProvenance);
  EXPECT_EQ(file_bytes(dir / "a.h5"), file_bytes(dir / "b.h5"));
}

TEST(IoHdf5Atoms, InvalidModelIsNotWrittenAndLeavesNoFile) {
  TempDir dir;
  AtomicModel model = triclinic_model(false);
  model.positions_A()[1].y() = std::numeric_limits<double>::quiet_NaN();
  expect_error<InputError>([&] { write_atoms_hdf5(dir / "bad.h5", model, kProvenance); },
                           {"bad.h5", "atom 2"});
  EXPECT_TRUE(dir.entries().empty());
}

// Writes an `/atoms` group dataset by dataset, so that each can be made wrong on purpose.
struct AtomsFile {
  std::vector<double> positions{0, 0, 0, 1, 1, 1};
  std::vector<std::size_t> positions_shape{2, 3};
  std::vector<std::uint8_t> Z{14, 8};
  std::vector<double> cell{5, 0, 0, 0, 5, 0, 0, 0, 5};
  bool with_Z = true;

  void write(const std::filesystem::path& path) const {
    Hdf5Writer writer(path);
    writer.write_array<double>("/atoms/positions", positions, positions_shape, "Å");
    if (with_Z) writer.write_array<std::uint8_t>("/atoms/Z", Z, {Z.size()});
    writer.write_array<double>("/atoms/cell", cell, {3, 3}, "Å");
    writer.write_array<std::uint8_t>("/atoms/pbc", std::vector<std::uint8_t>{1, 1, 1}, {3});
    writer.commit();
  }
};

TEST(IoHdf5Atoms, HandWrittenFileReads) {
  TempDir dir;
  AtomsFile{}.write(dir / "ok.h5");
  const AtomicModel model = read_atoms_hdf5(dir / "ok.h5");
  EXPECT_EQ(model.size(), 2u);
  EXPECT_EQ(model.Z()[0], 14);
  EXPECT_FALSE(model.has_labels());
}

TEST(IoHdf5Atoms, MissingDatasetNamesFileAndDataset) {
  TempDir dir;
  AtomsFile file;
  file.with_Z = false;
  file.write(dir / "noZ.h5");
  expect_error<InputError>([&] { read_atoms_hdf5(dir / "noZ.h5"); },
                           {"noZ.h5", "/atoms/Z", "missing", "uint8 [2]"});
}

TEST(IoHdf5Atoms, PositionsNotNx3AreRejected) {
  TempDir dir;
  AtomsFile file;
  file.positions_shape = {3, 2};
  file.write(dir / "shape.h5");
  expect_error<InputError>([&] { read_atoms_hdf5(dir / "shape.h5"); },
                           {"shape.h5", "/atoms/positions", "[3][2]", "expected [*][3]"});
}

TEST(IoHdf5Atoms, ZLengthDifferentFromAtomCountIsRejected) {
  TempDir dir;
  AtomsFile file;
  file.Z = {14, 8, 8};
  file.write(dir / "z.h5");
  expect_error<InputError>([&] { read_atoms_hdf5(dir / "z.h5"); },
                           {"z.h5", "/atoms/Z", "[3]", "expected [2]"});
}

TEST(IoHdf5Atoms, NaNPositionsAreRejected) {
  TempDir dir;
  AtomsFile file;
  file.positions[4] = std::numeric_limits<double>::quiet_NaN();
  file.write(dir / "nan.h5");
  expect_error<InputError>([&] { read_atoms_hdf5(dir / "nan.h5"); },
                           {"nan.h5", "/atoms/positions", "non-finite", "element 4"});
}

TEST(IoHdf5Atoms, InfiniteCellIsRejected) {
  TempDir dir;
  AtomsFile file;
  file.cell[8] = std::numeric_limits<double>::infinity();
  file.write(dir / "cell.h5");
  expect_error<InputError>([&] { read_atoms_hdf5(dir / "cell.h5"); },
                           {"cell.h5", "/atoms/cell", "non-finite"});
}

TEST(IoHdf5Atoms, AtomicNumberOutOfRangeIsRejected) {
  TempDir dir;
  AtomsFile file;
  file.Z = {14, 0};
  file.write(dir / "z0.h5");
  expect_error<InputError>([&] { read_atoms_hdf5(dir / "z0.h5"); },
                           {"z0.h5", "/atoms/Z", "1..118"});
}

TEST(IoHdf5Atoms, NotAnHdf5FileIsRejected) {
  TempDir dir;
  testing::write_text(dir / "model.h5", "3\nLattice=\"1 0 0 0 1 0 0 0 1\"\n");
  expect_error<IoError>([&] { read_atoms_hdf5(dir / "model.h5"); }, {"model.h5", "not an HDF5"});
}

}  // namespace
}  // namespace vitrum::core
