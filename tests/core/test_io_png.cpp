#include "vitrum/core/io_png.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "io_test_support.hpp"

namespace vitrum::core {
namespace {

using testing::expect_error;
using testing::file_bytes;
using testing::TempDir;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The 256 levels 0…255 as a 16 × 16 image, with the range [0, 256) fixed so that value v has
// level ⌊v⌋.
Image level_ramp() {
  Image image({16, 16});
  for (std::size_t i = 0; i < image.size(); ++i) image.values()[i] = static_cast<float>(i) + 0.5f;
  return image;
}

TEST(IoPng, GrayRoundTripGivesTheLevels) {
  TempDir dir;
  write_png(dir / "gray.png", level_ramp(), {Colormap::kGray, 0.0, 256.0});
  const RgbImage png = read_png_rgb(dir / "gray.png");
  ASSERT_EQ(png.height, 16u);
  ASSERT_EQ(png.width, 16u);
  for (std::size_t i = 0; i < 256; ++i)
    for (std::size_t c = 0; c < 3; ++c) ASSERT_EQ(png.rgb[3 * i + c], i) << "pixel " << i;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"gray.png"});
}

TEST(IoPng, ViridisRoundTripMatchesTheTable) {
  TempDir dir;
  write_png(dir / "viridis.png", level_ramp(), {Colormap::kViridis, 0.0, 256.0});
  const RgbImage png = read_png_rgb(dir / "viridis.png");
  for (std::size_t i = 0; i < 256; ++i) {
    const auto rgb = colormap_rgb(Colormap::kViridis, static_cast<std::uint8_t>(i));
    for (std::size_t c = 0; c < 3; ++c) ASSERT_EQ(png.rgb[3 * i + c], rgb[c]) << "pixel " << i;
  }
  // Published endpoints and midpoint of viridis: #440154, #21918C, #FDE725.
  EXPECT_EQ(colormap_rgb(Colormap::kViridis, 0), (std::array<std::uint8_t, 3>{0x44, 0x01, 0x54}));
  EXPECT_EQ(colormap_rgb(Colormap::kViridis, 128), (std::array<std::uint8_t, 3>{0x21, 0x91, 0x8c}));
  EXPECT_EQ(colormap_rgb(Colormap::kViridis, 255), (std::array<std::uint8_t, 3>{0xfd, 0xe7, 0x25}));
}

TEST(IoPng, ValuesOutsideTheRangeClampAndNaNIsLevelZero) {
  TempDir dir;
  const std::vector<float> values{-5.0f, 0.0f, 0.5f, 1.0f, 7.0f, kNaN};
  write_png(dir / "clamp.png", values, 1, 6, {Colormap::kGray, 0.0, 1.0});
  const RgbImage png = read_png_rgb(dir / "clamp.png");
  const std::vector<int> expected{0, 0, 128, 255, 255, 0};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(png.rgb[3 * i], expected[i]) << i;
}

TEST(IoPng, AutomaticRangeIgnoresAFewHotPixels) {
  std::vector<float> values(1000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 100);
  values[17] = 1e6f;  // one hot pixel of 1000 lies above the 99.5th percentile
  values[18] = kNaN;
  const auto [lo, hi] = png_display_range(values, {});
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 99.0);
  // A given bound is kept; a constant image gets a non-empty range.
  EXPECT_EQ(png_display_range(values, {Colormap::kGray, -1.0, kNaN})[0], -1.0);
  const std::vector<float> flat(10, 3.0f);
  const auto [flo, fhi] = png_display_range(flat, {});
  EXPECT_EQ(flo, 3.0);
  EXPECT_GT(fhi, flo);
  // A given bound is never moved, even when all data lie beyond it.
  EXPECT_EQ(png_display_range(flat, {Colormap::kGray, kNaN, 0.0}), (std::array{-1.0, 0.0}));
}

TEST(IoPng, SameImageGivesIdenticalBytes) {
  TempDir dir;
  write_png(dir / "a.png", level_ramp(), {Colormap::kViridis});
  write_png(dir / "b.png", level_ramp(), {Colormap::kViridis});
  EXPECT_EQ(file_bytes(dir / "a.png"), file_bytes(dir / "b.png"));
}

TEST(IoPng, InvalidParamsNameTheField) {
  expect_error<InputError>(
      [] {
        PngParams{Colormap::kGray, 2.0, 1.0}.validate();
      },
      {"vmin", "vmax"});
  expect_error<InputError>(
      [] {
        PngParams{Colormap::kGray, -std::numeric_limits<double>::infinity()}.validate();
      },
      {"PngParams.vmin"});
  EXPECT_NO_THROW(PngParams{}.validate());
}

TEST(IoPng, RgbPixelsRoundTripUnchanged) {
  TempDir dir;
  std::vector<std::uint8_t> rgb(3 * 5 * 7);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>((37 * i) % 256);
  write_png_rgb(dir / "rgb.png", rgb, 5, 7);
  const RgbImage png = read_png_rgb(dir / "rgb.png");
  EXPECT_EQ(png.height, 5u);
  EXPECT_EQ(png.width, 7u);
  EXPECT_EQ(png.rgb, rgb);
  expect_error<InputError>([&] { write_png_rgb(dir / "bad.png", rgb, 5, 6); },
                           {"bad.png", "5×6", "105 values", "expected 90"});
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"rgb.png"});
}

TEST(IoPng, BadSizesAreRejectedAndLeaveNoFile) {
  TempDir dir;
  const std::vector<float> values(5, 1.0f);
  expect_error<InputError>([&] { write_png(dir / "bad.png", values, 2, 3); },
                           {"bad.png", "2×3", "5 values"});
  expect_error<InputError>([&] { write_png(dir / "bad.png", {}, 0, 3); }, {"bad.png", "empty"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(IoPng, ReadingRejectsMissingAndNonPngFiles) {
  TempDir dir;
  expect_error<IoError>([&] { read_png_rgb(dir / "none.png"); }, {"none.png"});
  testing::write_text(dir / "text.png", "not a png at all");
  expect_error<InputError>([&] { read_png_rgb(dir / "text.png"); }, {"text.png", "PNG"});
}

}  // namespace
}  // namespace vitrum::core
