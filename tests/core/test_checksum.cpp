#include <gtest/gtest.h>

#include <fstream>

#include "io_test_support.hpp"
#include "vitrum/core/checksum.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {

// FIPS 180-4 / NIST CSRC example vectors for SHA-256.
TEST(Sha256, KnownAnswerVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, FileDigestEqualsDigestOfItsBytesAcrossBufferBoundaries) {
  testing::TempDir dir;
  std::string bytes;
  for (int i = 0; i < 200000; ++i) bytes.push_back(static_cast<char>(i * 7919 % 251));
  const auto path = dir.path() / "blob.bin";
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_EQ(sha256_file_hex(path), sha256_hex(bytes));
}

TEST(Sha256, MissingFileNamesIt) {
  testing::TempDir dir;
  testing::expect_error<IoError>([&] { sha256_file_hex(dir.path() / "absent.eam"); },
                                 {"absent.eam", "SHA-256"});
}

}  // namespace
}  // namespace vitrum::core
