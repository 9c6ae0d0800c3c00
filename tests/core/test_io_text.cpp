// .chi and .gr profiles (core/src/io_text.cpp): exact round trips, the layout PDFgui and
// PDFgetX3 read, files written by other programs, and bad input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <numbers>

#include "io_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/io_text.hpp"

namespace vitrum::core {
namespace {

using namespace testing;  // catch_error, Caught, FileTest
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class TextProfileTest : public testing::FileTest {
 protected:
  Provenance provenance_{"vitrum epdf --scan s.h5", "[epdf]\nQ_max_invA = 20.0\nmask = \"ring\"", 3,
                         "0.1.0"};
};

TEST_F(TextProfileTest, ChiRoundTripIsExact) {
  const std::vector<double> Q{0.05, 0.1 + 1e-17, 1.0 / 3.0, 2.0 * std::numbers::pi, 25.0};
  const std::vector<double> I{1e5, 0.0, -1.5e-300, 12345.678901234567, 1.0 / 7.0};
  const auto path = dir() / "iq.chi";
  write_chi(path, Q, I, provenance_);
  const Profile p = read_chi(path);
  EXPECT_EQ(p.x, Q);
  EXPECT_EQ(p.y, I);
}

TEST_F(TextProfileTest, GrRoundTripIsExact) {
  std::vector<double> r, G;
  for (int i = 0; i < 200; ++i) {
    r.push_back(0.01 * i);
    G.push_back(std::sin(0.37 * i) * std::exp(-0.01 * i));
  }
  const auto path = dir() / "pdf.gr";
  write_gr(path, r, G, provenance_);
  const Profile p = read_gr(path);
  EXPECT_EQ(p.x, r);
  EXPECT_EQ(p.y, G);
}

TEST_F(TextProfileTest, GrLayoutIsWhatPdfguiReads) {
  const auto path = dir() / "pdf.gr";
  write_gr(path, std::vector<double>{0.0, 0.5}, std::vector<double>{0.0, -0.25}, provenance_);
  const std::string text = slurp(path);
  // Header: '#' lines with the provenance; every parameter line commented.
  EXPECT_THAT(text, StartsWith("# vitrum G(r)"));
  EXPECT_THAT(text, HasSubstr("\n# command = vitrum epdf --scan s.h5\n"));
  EXPECT_THAT(text, HasSubstr("\n# seed = 3\n"));
  EXPECT_THAT(text, HasSubstr("\n#   [epdf]\n#   Q_max_invA = 20.0\n#   mask = \"ring\"\n"));
  // PDFgui (PDFDataSet.readStr): data follow "#+ start data" and the '#' lines right after.
  EXPECT_THAT(text, EndsWith("\n#### start data\n#L r(A) G(A^-2)\n0 0\n0.5 -0.25\n"));
  for (char c : text) EXPECT_LT(static_cast<unsigned char>(c), 128u) << "header must be ASCII";
}

TEST_F(TextProfileTest, ChiHeaderNamesQ) {
  const auto path = dir() / "iq.chi";
  write_chi(path, std::vector<double>{1.0}, std::vector<double>{2.0}, provenance_);
  EXPECT_THAT(slurp(path), HasSubstr("4 pi sin(theta)/lambda in 1/A"));
  EXPECT_THAT(slurp(path), HasSubstr("#L Q(1/A) I\n1 2\n"));
}

TEST_F(TextProfileTest, ReadsPdfgetx3Output) {
  const auto path = write_file("x3.gr",
                               "[DEFAULT]\n\nversion = diffpy.pdfgetx-2.0.0\n\n"
                               "# input and output specifications\ndataformat = QA\n"
                               "qmax = 26\nrstep = 0.01\n\n"
                               "#### start data\n#S 1\n#L r(\xc3\x85)  G(\xc3\x85$^{-2}$)\n"
                               "0 0\n0.01 -0.00616538\n0.02 -0.0119065\n");
  const Profile p = read_gr(path);
  ASSERT_EQ(p.x.size(), 3u);
  EXPECT_EQ(p.x[2], 0.02);
  EXPECT_EQ(p.y[1], -0.00616538);
}

TEST_F(TextProfileTest, ReadsFit2dChiWithoutMarkerAndExtraColumns) {
  const auto path = write_file("fit2d.chi",
                               "sample.tif: Powder pattern\n2-Theta Angle (Degrees)\nIntensity\n"
                               "       3\n  1.0  10.0  0.5\n  2.0  20.0  0.5\n  3.0  30.0  0.5\n");
  const Profile p = read_chi(path);
  EXPECT_EQ(p.x, (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(p.y, (std::vector<double>{10.0, 20.0, 30.0}));
}

TEST_F(TextProfileTest, EmptyFile) {
  const auto path = write_file("empty.chi", "");
  const Caught e = catch_error<InputError>([&] { read_chi(path); });
  EXPECT_THAT(e.where, EndsWith("empty.chi:1"));
  EXPECT_THAT(e.what, HasSubstr("empty file"));
}

TEST_F(TextProfileTest, HeaderOnly) {
  const auto path = write_file("header.gr", "# a header\n#### start data\n#L r G\n");
  const Caught e = catch_error<InputError>([&] { read_gr(path); });
  EXPECT_THAT(e.where, EndsWith("header.gr:3"));
  EXPECT_THAT(e.what, HasSubstr("no data"));
}

TEST_F(TextProfileTest, NonNumericField) {
  const auto path = write_file("bad.gr", "#### start data\n0.0 1.0\n0.1 one\n0.2 3.0\n");
  const Caught e = catch_error<InputError>([&] { read_gr(path); });
  EXPECT_THAT(e.where, EndsWith("bad.gr:3"));
  EXPECT_THAT(e.what, HasSubstr("expected a number for G, found 'one'"));
}

TEST_F(TextProfileTest, MissingColumn) {
  const auto path = write_file("short.chi", "#### start data\n0.0 1.0\n0.1\n");
  const Caught e = catch_error<InputError>([&] { read_chi(path); });
  EXPECT_THAT(e.where, EndsWith("short.chi:3"));
  EXPECT_THAT(e.what, HasSubstr("expected at least 2 columns (Q I), found 1"));
}

TEST_F(TextProfileTest, NonFiniteValue) {
  const auto path = write_file("nan.chi", "#### start data\n0.0 1.0\n0.1 nan\n");
  const Caught e = catch_error<InputError>([&] { read_chi(path); });
  EXPECT_THAT(e.where, EndsWith("nan.chi:3"));
  EXPECT_THAT(e.what, HasSubstr("I is not finite"));
}

TEST_F(TextProfileTest, WriterRejectsMismatchedAndNonFiniteData) {
  const std::vector<double> x{1.0, 2.0}, y{1.0};
  const Caught mismatch = catch_error<InputError>([&] { write_chi(dir() / "a.chi", x, y, {}); });
  EXPECT_THAT(mismatch.what, HasSubstr("Q has 2 points but I has 1"));
  const std::vector<double> bad{1.0, std::numeric_limits<double>::infinity()};
  const Caught nonfinite =
      catch_error<NumericsError>([&] { write_gr(dir() / "a.gr", x, bad, {}); });
  EXPECT_THAT(nonfinite.what, HasSubstr("point 1 is not finite"));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(TextProfileTest, WritingIntoAMissingDirectoryLeavesNothing) {
  const std::vector<double> x{1.0}, y{1.0};
  EXPECT_THROW(write_gr(dir() / "missing" / "a.gr", x, y, provenance_), IoError);
  EXPECT_EQ(entries(), 0u);
}

}  // namespace
}  // namespace vitrum::core
