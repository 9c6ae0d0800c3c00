#include "vitrum/core/io_mrc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "io_test_support.hpp"

namespace vitrum::core {
namespace {

using testing::expect_error;
using testing::file_bytes;
using testing::TempDir;

const Provenance kProvenance{"vitrum tomo --tilts t.h5 --out v.mrc", "", 99, "0.1.0-test"};

// [z][y][x] = 2 × 3 × 4 with sampling (z, y, x) = (0.5, 0.75, 1.25) Å.
Volume test_volume() {
  Volume v({2, 3, 4}, {0.5, 0.75, 1.25}, {-1.0, 2.0, 3.5});
  for (std::size_t i = 0; i < v.size(); ++i) v.values()[i] = static_cast<float>(i) - 7.5f;
  return v;
}

template <class T>
T at(const std::vector<char>& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

TEST(IoMrc, RoundTrip) {
  TempDir dir;
  const Volume v = test_volume();
  write_mrc(dir / "v.mrc", v, kProvenance);
  const Volume back = read_mrc(dir / "v.mrc");
  EXPECT_EQ(back.shape(), v.shape());
  EXPECT_EQ(back.values(), v.values());
  for (std::size_t a = 0; a < 3; ++a) {
    EXPECT_NEAR(back.sampling()[a], v.sampling()[a], 1e-6);
    EXPECT_NEAR(back.origin()[a], v.origin()[a], 1e-6);
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"v.mrc"});
}

// Every MRC2014 header field, read from the raw bytes (offsets: word n at 4·(n − 1)).
TEST(IoMrc, HeaderFieldsFollowMrc2014) {
  TempDir dir;
  write_mrc(dir / "v.mrc", test_volume(), kProvenance);
  const std::vector<char> b = file_bytes(dir / "v.mrc");
  ASSERT_EQ(b.size(), 1024u + 24u * 4u);
  EXPECT_EQ(at<std::int32_t>(b, 0), 4);   // NX (x fastest)
  EXPECT_EQ(at<std::int32_t>(b, 4), 3);   // NY
  EXPECT_EQ(at<std::int32_t>(b, 8), 2);   // NZ
  EXPECT_EQ(at<std::int32_t>(b, 12), 2);  // MODE float32
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(at<std::int32_t>(b, 16 + 4 * k), 0);  // NXSTART
  EXPECT_EQ(at<std::int32_t>(b, 28), 4);                                              // MX
  EXPECT_EQ(at<std::int32_t>(b, 36), 2);                                              // MZ
  EXPECT_FLOAT_EQ(at<float>(b, 40), 4 * 1.25f);                                       // cell x
  EXPECT_FLOAT_EQ(at<float>(b, 44), 3 * 0.75f);
  EXPECT_FLOAT_EQ(at<float>(b, 48), 2 * 0.5f);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_FLOAT_EQ(at<float>(b, 52 + 4 * k), 90.0f);                              // angles
    EXPECT_EQ(at<std::int32_t>(b, 64 + 4 * k), static_cast<std::int32_t>(k + 1));  // MAPC…
  }
  EXPECT_FLOAT_EQ(at<float>(b, 76), -7.5f);  // DMIN
  EXPECT_FLOAT_EQ(at<float>(b, 80), 15.5f);  // DMAX
  EXPECT_FLOAT_EQ(at<float>(b, 84), 4.0f);   // DMEAN
  EXPECT_EQ(at<std::int32_t>(b, 88), 1);     // ISPG single volume
  EXPECT_EQ(at<std::int32_t>(b, 92), 0);     // NSYMBT
  EXPECT_EQ(at<std::int32_t>(b, 104), 0);    // EXTTYP none
  EXPECT_EQ(at<std::int32_t>(b, 108), 20140);
  EXPECT_FLOAT_EQ(at<float>(b, 196), 3.5f);   // ORIGIN x
  EXPECT_FLOAT_EQ(at<float>(b, 204), -1.0f);  // ORIGIN z
  EXPECT_EQ(std::string(b.data() + 208, 4), "MAP ");
  EXPECT_EQ(std::string(b.data() + 212, 4), std::string("\x44\x44\x00\x00", 4));
  // RMS = population standard deviation of 24 consecutive values: sqrt((24² − 1) / 12).
  EXPECT_NEAR(at<float>(b, 216), std::sqrt((24.0 * 24.0 - 1.0) / 12.0), 1e-5);
  EXPECT_EQ(at<std::int32_t>(b, 220), 2);  // NLABL
  EXPECT_EQ(std::string(b.data() + 224, 30), "vitrum 0.1.0-test seed 99     ");
  EXPECT_EQ(std::string(b.data() + 304, 36), kProvenance.command);
  EXPECT_EQ(b[384], '\0');                   // unused label
  EXPECT_EQ(at<float>(b, 1024), -7.5f);      // first voxel (x = y = z = 0)
  EXPECT_EQ(at<float>(b, 1024 + 4), -6.5f);  // x = 1
}

TEST(IoMrc, SameVolumeGivesIdenticalBytes) {
  TempDir dir;
  write_mrc(dir / "a.mrc", test_volume(), kProvenance);
  write_mrc(dir / "b.mrc", test_volume(), kProvenance);
  EXPECT_EQ(file_bytes(dir / "a.mrc"), file_bytes(dir / "b.mrc"));
}

TEST(IoMrc, NonFiniteVoxelIsRejectedAndLeavesNoFile) {
  TempDir dir;
  Volume v = test_volume();
  v(1, 2, 3) = std::numeric_limits<float>::infinity();
  expect_error<InputError>([&] { write_mrc(dir / "v.mrc", v, kProvenance); },
                           {"v.mrc", "non-finite", "23"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IoMrc, MissingFileIsIoError) {
  TempDir dir;
  expect_error<IoError>([&] { read_mrc(dir / "none.mrc"); }, {"none.mrc"});
}

TEST(IoMrc, ShortFileIsRejected) {
  TempDir dir;
  testing::write_text(dir / "short.mrc", "MRC?");
  expect_error<InputError>([&] { read_mrc(dir / "short.mrc"); }, {"short.mrc", "1024-byte"});
}

TEST(IoMrc, TruncatedDataIsRejected) {
  TempDir dir;
  write_mrc(dir / "v.mrc", test_volume(), kProvenance);
  std::filesystem::resize_file(dir / "v.mrc", 1024 + 10);
  expect_error<InputError>([&] { read_mrc(dir / "v.mrc"); }, {"v.mrc", "truncated", "1120"});
}

TEST(IoMrc, UnsupportedModeAndMissingStampAreRejected) {
  TempDir dir;
  write_mrc(dir / "v.mrc", test_volume(), kProvenance);
  std::vector<char> b = file_bytes(dir / "v.mrc");
  const auto rewrite = [&](const std::vector<char>& bytes) {
    std::ofstream(dir / "x.mrc", std::ios::binary).write(bytes.data(), std::ssize(bytes));
  };
  std::vector<char> mode = b;
  mode[12] = 1;  // MODE 1: int16
  rewrite(mode);
  expect_error<InputError>([&] { read_mrc(dir / "x.mrc"); }, {"x.mrc", "MODE is 1"});
  std::vector<char> map = b;
  map[208] = 'X';
  rewrite(map);
  expect_error<InputError>([&] { read_mrc(dir / "x.mrc"); }, {"x.mrc", "MAP"});
}

}  // namespace
}  // namespace vitrum::core
