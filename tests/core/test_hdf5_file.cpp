#include "vitrum/core/hdf5_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "io_test_support.hpp"
#include "vitrum/core/io_atoms.hpp"

namespace vitrum::core {
namespace {

using testing::expect_error;
using testing::file_bytes;
using testing::TempDir;

Provenance test_provenance() {
  return Provenance{"vitrum test --out x.h5", "[stem]\ndose = 1e5\n", 42, "0.1.0-test"};
}

// A grid whose values encode their index, with a non-trivial sampling and origin.
template <std::size_t Rank>
Grid<float, Rank> ramp(typename Grid<float, Rank>::Shape shape) {
  typename Grid<float, Rank>::Coords sampling{}, origin{};
  for (std::size_t a = 0; a < Rank; ++a) {
    sampling[a] = 0.25 * static_cast<double>(a + 1);
    origin[a] = -1.5 + static_cast<double>(a);
  }
  Grid<float, Rank> grid(shape, sampling, origin);
  for (std::size_t i = 0; i < grid.size(); ++i) grid.values()[i] = 0.5f * static_cast<float>(i);
  return grid;
}

template <std::size_t Rank>
void expect_same_grid(const Grid<float, Rank>& a, const Grid<float, Rank>& b) {
  EXPECT_EQ(a.shape(), b.shape());
  EXPECT_EQ(a.values(), b.values());
  for (std::size_t k = 0; k < Rank; ++k) {
    EXPECT_NEAR(a.sampling()[k], b.sampling()[k], 1e-12) << "axis " << k;
    EXPECT_NEAR(a.origin()[k], b.origin()[k], 1e-12) << "axis " << k;
  }
}

TEST(Hdf5File, EmdImageRoundTripWithDimsAndProvenance) {
  TempDir dir;
  const Image image = ramp<2>({5, 7});
  Hdf5Writer writer(dir / "projection.h5");
  writer.write_emd<2>("projection", image, {EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
  writer.write_provenance(test_provenance());
  writer.commit();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"projection.h5"});

  const Hdf5Reader reader(dir / "projection.h5");
  expect_same_grid(reader.read_emd<2>("projection"), image);
  EXPECT_TRUE(reader.has("/data/projection/dim2"));
  EXPECT_FALSE(reader.has("/data/projection/dim3"));
  const EmdDims<2> dims = reader.read_emd_dims<2>("projection");
  EXPECT_EQ(dims[0].name, "y");
  EXPECT_EQ(dims[1].units, "Å");
  ASSERT_EQ(dims[1].coordinates.size(), 7u);
  EXPECT_DOUBLE_EQ(dims[1].coordinates[3], image.coordinate(1, 3));
  // The EMD dim dataset stores the spec's bracket notation.
  EXPECT_EQ(reader.read_array<double>("/data/projection/dim1").units, "[Å]");

  const Provenance p = reader.read_provenance();
  EXPECT_EQ(p.command, test_provenance().command);
  EXPECT_EQ(p.parameters, test_provenance().parameters);
  EXPECT_EQ(p.version, test_provenance().version);
  EXPECT_EQ(p.seed, 42u);
}

TEST(Hdf5File, EmdRoundTripOfEveryRankAndSingleSampleAxes) {
  TempDir dir;
  const auto g1 = ramp<1>({9});
  const auto g3 = ramp<3>({1, 4, 3});  // one slice: the step must survive
  const auto g4 = ramp<4>({2, 3, 4, 5});
  Hdf5Writer writer(dir / "grids.h5");
  writer.write_emd<1>("line", g1, {EmdDim{"r", "Å", {}}});
  writer.write_emd<3>("slab", g3,
                      {EmdDim{"z", "Å", {}}, EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
  writer.write_emd<4>(
      "cube", g4,
      {EmdDim{"a", "Å", {}}, EmdDim{"b", "Å", {}}, EmdDim{"c", "Å", {}}, EmdDim{"d", "Å", {}}});
  writer.commit();
  const Hdf5Reader reader(dir / "grids.h5");
  expect_same_grid(reader.read_emd<1>("line"), g1);
  expect_same_grid(reader.read_emd<3>("slab"), g3);
  expect_same_grid(reader.read_emd<4>("cube"), g4);
  EXPECT_EQ(reader.read_emd_dims<3>("slab")[0].coordinates.size(), 1u);
  EXPECT_EQ(reader.children("/data"), (std::vector<std::string>{"cube", "line", "slab"}));
  EXPECT_EQ(reader.children("/data/line"), (std::vector<std::string>{"data", "dim1"}));
  EXPECT_THROW(reader.children("/nothing"), InputError);
}

TEST(Hdf5File, ArraysOfEveryElementTypeRoundTrip) {
  TempDir dir;
  const std::vector<double> d{1.5, -2.25, 3e-300, 4e300, 0.0, 6.0};
  const std::vector<float> f{1.5f, -2.5f, 3.0f};
  const std::vector<std::int32_t> i{-7, 0, 2147483647, -2147483647 - 1};
  const std::vector<std::uint8_t> u{0, 1, 255};
  Hdf5Writer writer(dir / "arrays.h5");
  writer.write_array<double>("/truth/shift_A", d, {3, 2}, "Å");
  writer.write_array<float>("/f", f, {3});
  writer.write_array<std::int32_t>("/a/b/c/i", i, {2, 2});
  writer.write_array<std::uint8_t>("/u", u, {3});
  writer.write_array<double>("/empty", std::vector<double>{}, {0, 3});
  writer.commit();

  const Hdf5Reader reader(dir / "arrays.h5");
  const auto rd = reader.read_array<double>("/truth/shift_A", {kAnyExtent, 2});
  EXPECT_EQ(rd.values, d);
  EXPECT_EQ(rd.shape, (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(rd.units, "Å");
  EXPECT_EQ(reader.read_array<float>("/f").values, f);
  EXPECT_EQ(reader.read_array<std::int32_t>("/a/b/c/i", {2, 2}).values, i);
  EXPECT_EQ(reader.read_array<std::uint8_t>("/u").values, u);
  EXPECT_TRUE(reader.read_array<std::uint8_t>("/u").units.empty());
  EXPECT_EQ(reader.read_array<double>("/empty", {0, 3}).values.size(), 0u);
  // Float datasets convert to double on read.
  EXPECT_EQ(reader.read_array<double>("/f").values, (std::vector<double>{1.5, -2.5, 3.0}));
  EXPECT_EQ(reader.shape("/a/b/c/i"), (std::vector<std::size_t>{2, 2}));
}

TEST(Hdf5File, TiltSeriesRoundTripKeepsNonUniformAngles) {
  TempDir dir;
  TiltSeries series;
  series.images = ramp<3>({4, 3, 5});
  series.euler_deg = {{0, -60, 0}, {0, -10, 0}, {90, 5, 0}, {0, 62.5, 1}};
  Hdf5Writer writer(dir / "tilts.h5");
  write_tilt_series(writer, series);
  writer.write_provenance(test_provenance());
  writer.commit();

  const Hdf5Reader reader(dir / "tilts.h5");
  const TiltSeries back = read_tilt_series(reader);
  EXPECT_EQ(back.euler_deg, series.euler_deg);
  EXPECT_EQ(back.images.values(), series.images.values());
  for (std::size_t a = 1; a < 3; ++a) {
    EXPECT_NEAR(back.images.sampling()[a], series.images.sampling()[a], 1e-12);
    EXPECT_NEAR(back.images.origin()[a], series.images.origin()[a], 1e-12);
  }
  const EmdDims<3> dims = reader.read_emd_dims<3>("tilt_series");
  EXPECT_EQ(dims[0].coordinates, (std::vector<double>{-60, -10, 5, 62.5}));
  EXPECT_EQ(dims[0].units, "deg");
  EXPECT_EQ(reader.read_array<double>("/data/tilt_series/euler_deg").shape,
            (std::vector<std::size_t>{4, 3}));
}

TEST(Hdf5File, VolumeRoundTrip) {
  TempDir dir;
  const Volume volume = ramp<3>({3, 4, 5});
  Hdf5Writer writer(dir / "volume.h5");
  write_volume(writer, volume);
  writer.commit();
  expect_same_grid(read_volume(Hdf5Reader(dir / "volume.h5")), volume);
}

TEST(Hdf5File, SameContentGivesIdenticalBytes) {
  TempDir dir;
  for (const char* name : {"a.h5", "b.h5"}) {
    Hdf5Writer writer(dir / name);
    writer.write_emd<2>("projection", ramp<2>({6, 4}),
                        {EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
    writer.write_array<std::int32_t>("/truth/n", std::vector<std::int32_t>{1, 2}, {2});
    writer.write_provenance(test_provenance());
    writer.commit();
  }
  const auto a = file_bytes(dir / "a.h5");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, file_bytes(dir / "b.h5"));
}

TEST(Hdf5File, WriterWithoutCommitLeavesNoFile) {
  TempDir dir;
  {
    Hdf5Writer writer(dir / "out.h5");
    writer.write_emd<2>("projection", ramp<2>({2, 2}),
                        {EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
    EXPECT_EQ(dir.entries().size(), 1u);  // the temporary file
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Hdf5File, FailedWriteLeavesNoFileAndNoTemporary) {
  TempDir dir;
  const auto write_bad = [&] {
    Hdf5Writer writer(dir / "out.h5");
    writer.write_array<double>("/x", std::vector<double>{1, 2, 3}, {2, 2});
    writer.commit();
  };
  expect_error<InputError>(write_bad, {"out.h5", "/x", "[2][2]", "3 values"});
  EXPECT_TRUE(dir.entries().empty());
  expect_error<IoError>([&] { Hdf5Writer writer(dir / "missing_dir" / "out.h5"); },
                        {"missing_dir"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Hdf5File, WriterRejectsDuplicatesBadNamesAndUseAfterCommit) {
  TempDir dir;
  Hdf5Writer writer(dir / "out.h5");
  const auto image = ramp<2>({2, 2});
  const EmdDims<2> dims{EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}};
  writer.write_emd<2>("projection", image, dims);
  expect_error<InputError>([&] { writer.write_emd<2>("projection", image, dims); },
                           {"/data/projection", "already"});
  expect_error<InputError>([&] { writer.write_emd<2>("a/b", image, dims); }, {"a/b"});
  expect_error<InputError>(
      [&] {
        writer.write_emd<2>("bad", image, {EmdDim{"y", "Å", {1.0}}, EmdDim{"x", "Å", {}}});
      },
      {"dim1", "1 coordinates", "expected 2"});
  expect_error<InputError>(
      [&] { writer.write_array<float>("relative", std::vector<float>{1}, {1}); }, {"absolute"});
  writer.commit();
  expect_error<IoError>([&] { writer.write_provenance(test_provenance()); }, {"out.h5"});
}

TEST(Hdf5File, ReaderRejectsMissingFile) {
  TempDir dir;
  expect_error<IoError>([&] { Hdf5Reader reader(dir / "nothing.h5"); },
                        {"nothing.h5", "does not exist"});
}

TEST(Hdf5File, ReaderRejectsNonHdf5File) {
  TempDir dir;
  testing::write_text(dir / "text.h5", "this is not HDF5\n");
  expect_error<IoError>([&] { Hdf5Reader reader(dir / "text.h5"); }, {"text.h5", "not an HDF5"});
}

TEST(Hdf5File, ReaderRejectsEmptyFile) {
  TempDir dir;
  testing::write_text(dir / "empty.h5", "");
  expect_error<IoError>([&] { Hdf5Reader reader(dir / "empty.h5"); }, {"empty.h5", "not an HDF5"});
}

class Hdf5FileReading : public ::testing::Test {
 protected:
  void SetUp() override {
    Hdf5Writer writer(path_);
    writer.write_emd<2>("projection", ramp<2>({3, 4}),
                        {EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
    writer.write_emd<2>("skewed", ramp<2>({3, 4}),
                        {EmdDim{"y", "Å", {0.0, 1.0, 3.0}}, EmdDim{"x", "Å", {}}});
    writer.write_array<double>("/values", std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
    writer.commit();
  }
  TempDir dir_;
  std::filesystem::path path_ = dir_ / "in.h5";
};

TEST_F(Hdf5FileReading, MissingDatasetNamesFileDatasetAndExpectation) {
  const Hdf5Reader reader(path_);
  expect_error<InputError>(
      [&] {
        reader.read_array<double>("/truth/drift_A", {kAnyExtent, 2});
      },
      {"in.h5", "/truth/drift_A", "missing", "float64 [*][2]"});
  expect_error<InputError>([&] { reader.read_emd<3>("volume"); },
                           {"in.h5", "/data/volume", "missing", "rank 3"});
  expect_error<InputError>([&] { reader.read_provenance(); }, {"in.h5", "/meta", "missing"});
}

TEST_F(Hdf5FileReading, WrongShapeStatesExpectedAndFound) {
  const Hdf5Reader reader(path_);
  expect_error<InputError>(
      [&] {
        reader.read_array<double>("/values", {kAnyExtent, 2});
      },
      {"in.h5", "/values", "[2][3]", "expected [*][2]"});
  expect_error<InputError>([&] { reader.read_array<double>("/values", {6}); },
                           {"in.h5", "/values", "[2][3]", "expected [6]"});
  expect_error<InputError>([&] { reader.read_emd<3>("projection"); },
                           {"in.h5", "/data/projection/data", "[3][4]", "expected [*][*][*]"});
}

TEST_F(Hdf5FileReading, WrongElementTypeIsInputError) {
  const Hdf5Reader reader(path_);
  expect_error<InputError>([&] { reader.read_array<std::int32_t>("/values"); },
                           {"in.h5", "/values", "int32"});
}

TEST_F(Hdf5FileReading, NonUniformDimIsRejectedByReadEmdOnly) {
  const Hdf5Reader reader(path_);
  expect_error<InputError>([&] { reader.read_emd<2>("skewed"); },
                           {"in.h5", "/data/skewed/dim1", "uniform"});
  EXPECT_EQ(reader.read_emd_dims<2>("skewed")[0].coordinates, (std::vector<double>{0, 1, 3}));
}

// ---- 4D-STEM streaming --------------------------------------------------------------------

constexpr std::array<std::size_t, 4> kScanShape{5, 3, 4, 6};

// Rows [begin, begin + n) of a deterministic test scan.
Grid<float, 4> scan_rows(std::size_t begin, std::size_t n) {
  Grid<float, 4> block({n, kScanShape[1], kScanShape[2], kScanShape[3]});
  const std::size_t per_row = block.size() / std::max<std::size_t>(n, 1);
  for (std::size_t i = 0; i < block.size(); ++i)
    block.values()[i] = std::sin(0.01f * static_cast<float>(begin * per_row + i));
  return block;
}

void write_scan(const std::filesystem::path& path, const std::vector<std::size_t>& block_rows,
                const ScanWriterParams& params = {}) {
  ScanWriter writer(path, kScanShape, 2.5, 0.02, test_provenance(), params);
  std::size_t row = 0;
  for (std::size_t n : block_rows) {
    writer.write_rows(row, scan_rows(row, n));
    row += n;
  }
  writer.finish();
}

TEST(Hdf5Scan, RowsWrittenInChunksReadBackIdentically) {
  TempDir dir;
  for (const Compression compression : {Compression::kNone, Compression::kGzip}) {
    const auto path = dir / "scan.h5";
    write_scan(path, {1, 2, 0, 2}, ScanWriterParams{compression, 6});
    const ScanReader reader(path);
    EXPECT_EQ(reader.shape(), kScanShape);
    EXPECT_EQ(reader.read_rows(0, 5).values(), scan_rows(0, 5).values());
    const Grid<float, 4> middle = reader.read_rows(1, 3);
    EXPECT_EQ(middle.values(), scan_rows(1, 3).values());
    EXPECT_DOUBLE_EQ(middle.sampling()[0], 2.5);
    EXPECT_DOUBLE_EQ(middle.origin()[0], 2.5);  // row 1
    EXPECT_NEAR(middle.sampling()[3], 0.02, 1e-15);
    EXPECT_NEAR(middle.origin()[2], -2 * 0.02, 1e-15);  // index ky/2 = 2 is q = 0
    EXPECT_NEAR(middle.origin()[3], -3 * 0.02, 1e-15);
    EXPECT_EQ(reader.read_rows(5, 0).size(), 0u);
    EXPECT_EQ(reader.provenance().seed, 42u);
    expect_error<InputError>([&] { reader.read_rows(4, 2); }, {"scan.h5", "exceed"});
    // The scan is an ordinary EMD group too.
    EXPECT_EQ(Hdf5Reader(path).read_emd_dims<4>("scan")[2].units, "Å^-1");
    std::filesystem::remove(path);
  }
}

TEST(Hdf5Scan, SameScanGivesIdenticalBytes) {
  TempDir dir;
  write_scan(dir / "a.h5", {5});
  write_scan(dir / "b.h5", {2, 3});
  EXPECT_EQ(file_bytes(dir / "a.h5"), file_bytes(dir / "b.h5"));
}

TEST(Hdf5Scan, UnfinishedWriterLeavesNoFile) {
  TempDir dir;
  {
    ScanWriter writer(dir / "scan.h5", kScanShape, 2.5, 0.02, test_provenance());
    writer.write_rows(0, scan_rows(0, 2));
  }
  EXPECT_TRUE(dir.entries().empty());
  expect_error<InputError>(
      [&] {
        write_scan(dir / "scan.h5", {2, 2});
      },
      {"scan.h5", "incomplete", "4 of 5"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Hdf5Scan, ReaderRejectsFileWithoutScan) {
  TempDir dir;
  Hdf5Writer writer(dir / "image.h5");
  writer.write_emd<2>("projection", ramp<2>({2, 2}), {EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
  writer.commit();
  expect_error<InputError>([&] { ScanReader reader(dir / "image.h5"); },
                           {"image.h5", "/data/scan", "missing", "rank 4"});
}

TEST(Hdf5Scan, RejectsOutOfOrderAndMisshapenBlocks) {
  TempDir dir;
  ScanWriter writer(dir / "scan.h5", kScanShape, 2.5, 0.02, test_provenance());
  expect_error<InputError>([&] { writer.write_rows(1, scan_rows(1, 1)); },
                           {"scan.h5", "in order", "expected row 0"});
  expect_error<InputError>(
      [&] {
        writer.write_rows(0, Grid<float, 4>({1, 3, 4, 5}));
      },
      {"scan.h5", "[1][3][4][5]", "[5][3][4][6]"});
  expect_error<InputError>([&] { writer.write_rows(0, scan_rows(0, 6)); }, {"does not fit"});
  expect_error<InputError>(
      [&] { ScanWriter bad(dir / "bad.h5", kScanShape, 0.0, 0.02, test_provenance()); },
      {"step_A"});
  expect_error<InputError>(
      [&] {
        ScanWriterParams{Compression::kGzip, 0}.validate();
      },
      {"gzip_level"});
}

}  // namespace
}  // namespace vitrum::core

namespace vitrum::core {
namespace {

TEST(Hdf5File, GroupAttributesRoundTripAndMissingOnesAreNamed) {
  testing::TempDir dir;
  Hdf5Writer writer(dir / "attributes.h5");
  writer.write_attribute("/potential", "file", std::string("CuTa.eam.alloy"));
  writer.write_attribute("/potential", "cutoff_A", 6.5);
  writer.commit();
  const Hdf5Reader reader(dir / "attributes.h5");
  EXPECT_EQ(reader.read_string_attribute("/potential", "file"), "CuTa.eam.alloy");
  EXPECT_EQ(reader.read_number_attribute("/potential", "cutoff_A"), 6.5);
  testing::expect_error<InputError>([&] { reader.read_string_attribute("/potential", "sha256"); },
                                    {"sha256"});
  testing::expect_error<InputError>([&] { reader.read_number_attribute("/thermo", "steps"); },
                                    {"/thermo"});
}

TEST(Hdf5File, AtomsUnderAnyGroupRoundTrip) {
  testing::TempDir dir;
  AtomicModel model(Cell::orthorhombic(10, 11, 12));
  model.add_atom({1, 2, 3}, 73);
  model.add_atom({4, 5, 6}, 46);
  Hdf5Writer writer(dir / "snapshots.h5");
  write_atoms_group(writer, model, "/snapshots/0");
  writer.commit();
  const AtomicModel back = read_atoms_group(Hdf5Reader(dir / "snapshots.h5"), "/snapshots/0");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back.Z()[1], 46);
  EXPECT_EQ(back.positions_A()[1], model.positions_A()[1]);
  EXPECT_EQ(back.cell().vectors_A, model.cell().vectors_A);
}

}  // namespace
}  // namespace vitrum::core
