#include "vitrum/core/io_png.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

// matplotlib's `_viridis_data` (lib/matplotlib/_cm_listed.py; colormaps by Stéfan van der
// Walt and Nathaniel Smith, CC0), each component rounded to 8 bits: round(255·c).
constexpr std::uint8_t kViridis[256][3] = {
    {68, 1, 84},    {68, 2, 86},    {69, 4, 87},    {69, 5, 89},    {70, 7, 90},    {70, 8, 92},
    {70, 10, 93},   {70, 11, 94},   {71, 13, 96},   {71, 14, 97},   {71, 16, 99},   {71, 17, 100},
    {71, 19, 101},  {72, 20, 103},  {72, 22, 104},  {72, 23, 105},  {72, 24, 106},  {72, 26, 108},
    {72, 27, 109},  {72, 28, 110},  {72, 29, 111},  {72, 31, 112},  {72, 32, 113},  {72, 33, 115},
    {72, 35, 116},  {72, 36, 117},  {72, 37, 118},  {72, 38, 119},  {72, 40, 120},  {72, 41, 121},
    {71, 42, 122},  {71, 44, 122},  {71, 45, 123},  {71, 46, 124},  {71, 47, 125},  {70, 48, 126},
    {70, 50, 126},  {70, 51, 127},  {70, 52, 128},  {69, 53, 129},  {69, 55, 129},  {69, 56, 130},
    {68, 57, 131},  {68, 58, 131},  {68, 59, 132},  {67, 61, 132},  {67, 62, 133},  {66, 63, 133},
    {66, 64, 134},  {66, 65, 134},  {65, 66, 135},  {65, 68, 135},  {64, 69, 136},  {64, 70, 136},
    {63, 71, 136},  {63, 72, 137},  {62, 73, 137},  {62, 74, 137},  {62, 76, 138},  {61, 77, 138},
    {61, 78, 138},  {60, 79, 138},  {60, 80, 139},  {59, 81, 139},  {59, 82, 139},  {58, 83, 139},
    {58, 84, 140},  {57, 85, 140},  {57, 86, 140},  {56, 88, 140},  {56, 89, 140},  {55, 90, 140},
    {55, 91, 141},  {54, 92, 141},  {54, 93, 141},  {53, 94, 141},  {53, 95, 141},  {52, 96, 141},
    {52, 97, 141},  {51, 98, 141},  {51, 99, 141},  {50, 100, 142}, {50, 101, 142}, {49, 102, 142},
    {49, 103, 142}, {49, 104, 142}, {48, 105, 142}, {48, 106, 142}, {47, 107, 142}, {47, 108, 142},
    {46, 109, 142}, {46, 110, 142}, {46, 111, 142}, {45, 112, 142}, {45, 113, 142}, {44, 113, 142},
    {44, 114, 142}, {44, 115, 142}, {43, 116, 142}, {43, 117, 142}, {42, 118, 142}, {42, 119, 142},
    {42, 120, 142}, {41, 121, 142}, {41, 122, 142}, {41, 123, 142}, {40, 124, 142}, {40, 125, 142},
    {39, 126, 142}, {39, 127, 142}, {39, 128, 142}, {38, 129, 142}, {38, 130, 142}, {38, 130, 142},
    {37, 131, 142}, {37, 132, 142}, {37, 133, 142}, {36, 134, 142}, {36, 135, 142}, {35, 136, 142},
    {35, 137, 142}, {35, 138, 141}, {34, 139, 141}, {34, 140, 141}, {34, 141, 141}, {33, 142, 141},
    {33, 143, 141}, {33, 144, 141}, {33, 145, 140}, {32, 146, 140}, {32, 146, 140}, {32, 147, 140},
    {31, 148, 140}, {31, 149, 139}, {31, 150, 139}, {31, 151, 139}, {31, 152, 139}, {31, 153, 138},
    {31, 154, 138}, {30, 155, 138}, {30, 156, 137}, {30, 157, 137}, {31, 158, 137}, {31, 159, 136},
    {31, 160, 136}, {31, 161, 136}, {31, 161, 135}, {31, 162, 135}, {32, 163, 134}, {32, 164, 134},
    {33, 165, 133}, {33, 166, 133}, {34, 167, 133}, {34, 168, 132}, {35, 169, 131}, {36, 170, 131},
    {37, 171, 130}, {37, 172, 130}, {38, 173, 129}, {39, 173, 129}, {40, 174, 128}, {41, 175, 127},
    {42, 176, 127}, {44, 177, 126}, {45, 178, 125}, {46, 179, 124}, {47, 180, 124}, {49, 181, 123},
    {50, 182, 122}, {52, 182, 121}, {53, 183, 121}, {55, 184, 120}, {56, 185, 119}, {58, 186, 118},
    {59, 187, 117}, {61, 188, 116}, {63, 188, 115}, {64, 189, 114}, {66, 190, 113}, {68, 191, 112},
    {70, 192, 111}, {72, 193, 110}, {74, 193, 109}, {76, 194, 108}, {78, 195, 107}, {80, 196, 106},
    {82, 197, 105}, {84, 197, 104}, {86, 198, 103}, {88, 199, 101}, {90, 200, 100}, {92, 200, 99},
    {94, 201, 98},  {96, 202, 96},  {99, 203, 95},  {101, 203, 94}, {103, 204, 92}, {105, 205, 91},
    {108, 205, 90}, {110, 206, 88}, {112, 207, 87}, {115, 208, 86}, {117, 208, 84}, {119, 209, 83},
    {122, 209, 81}, {124, 210, 80}, {127, 211, 78}, {129, 211, 77}, {132, 212, 75}, {134, 213, 73},
    {137, 213, 72}, {139, 214, 70}, {142, 214, 69}, {144, 215, 67}, {147, 215, 65}, {149, 216, 64},
    {152, 216, 62}, {155, 217, 60}, {157, 217, 59}, {160, 218, 57}, {162, 218, 55}, {165, 219, 54},
    {168, 219, 52}, {170, 220, 50}, {173, 220, 48}, {176, 221, 47}, {178, 221, 45}, {181, 222, 43},
    {184, 222, 41}, {186, 222, 40}, {189, 223, 38}, {192, 223, 37}, {194, 223, 35}, {197, 224, 33},
    {200, 224, 32}, {202, 225, 31}, {205, 225, 29}, {208, 225, 28}, {210, 226, 27}, {213, 226, 26},
    {216, 226, 25}, {218, 227, 25}, {221, 227, 24}, {223, 227, 24}, {226, 228, 24}, {229, 228, 25},
    {231, 228, 25}, {234, 229, 26}, {236, 229, 27}, {239, 229, 28}, {241, 229, 29}, {244, 230, 30},
    {246, 230, 32}, {248, 230, 33}, {251, 231, 35}, {253, 231, 37},
};

// Frees libpng's simplified-API state however we leave.
struct PngImage {
  png_image image;
  PngImage() {
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
  }
  PngImage(const PngImage&) = delete;
  PngImage& operator=(const PngImage&) = delete;
  ~PngImage() { png_image_free(&image); }
};

// The value at nearest rank p·(n − 1) of `values` (reordered in place).
double percentile(std::vector<float>& values, double p) {
  const auto k =
      static_cast<std::ptrdiff_t>(std::lround(p * static_cast<double>(values.size() - 1)));
  std::nth_element(values.begin(), values.begin() + k, values.end());
  return values[static_cast<std::size_t>(k)];
}

}  // namespace

void PngParams::validate() const {
  for (auto [name, value] : {std::pair{"PngParams.vmin", vmin}, std::pair{"PngParams.vmax", vmax}})
    if (std::isinf(value))
      throw InputError(std::string(name) + " must be finite or NaN (automatic), got " +
                       std::to_string(value));
  if (vmin >= vmax)
    throw InputError("PngParams.vmin (" + std::to_string(vmin) + ") must be below vmax (" +
                     std::to_string(vmax) + ")");
}

std::array<double, 2> png_display_range(std::span<const float> values, const PngParams& params) {
  params.validate();
  std::vector<float> finite;
  finite.reserve(values.size());
  std::copy_if(values.begin(), values.end(), std::back_inserter(finite),
               [](float v) { return std::isfinite(v); });
  if (finite.empty()) finite.push_back(0.0f);  // nothing to scale: any range will do
  const bool auto_lo = std::isnan(params.vmin), auto_hi = std::isnan(params.vmax);
  double lo = auto_lo ? percentile(finite, 0.005) : params.vmin;
  double hi = auto_hi ? percentile(finite, 0.995) : params.vmax;
  if (!(lo < hi)) {
    const auto [min, max] = std::minmax_element(finite.begin(), finite.end());
    if (auto_lo) lo = std::min<double>(*min, hi);
    if (auto_hi) hi = std::max<double>(*max, lo);
  }
  if (lo < hi) return {lo, hi};
  // A constant image, or a given bound beyond all data: keep given bounds, widen the other.
  return auto_hi ? std::array{lo, lo + 1.0} : std::array{hi - 1.0, hi};
}

std::array<std::uint8_t, 3> colormap_rgb(Colormap colormap, std::uint8_t level) {
  if (colormap == Colormap::kViridis)
    return {kViridis[level][0], kViridis[level][1], kViridis[level][2]};
  return {level, level, level};
}

namespace {

/// InputError unless ny × nx is a non-empty size libpng takes and `count` values fill it.
void check_png_size(std::size_t ny, std::size_t nx, std::size_t count, std::size_t channels,
                    const std::string& where) {
  constexpr std::size_t kMaxSide = 1u << 30;
  if (ny == 0 || nx == 0 || ny > kMaxSide || nx > kMaxSide)
    throw InputError(
        "PNG size " + std::to_string(ny) + "×" + std::to_string(nx) + " is empty or too large",
        where);
  if (count != ny * nx * channels)
    throw InputError("PNG of " + std::to_string(ny) + "×" + std::to_string(nx) + " pixels given " +
                         std::to_string(count) + " values, expected " +
                         std::to_string(ny * nx * channels),
                     where);
}

/// Writes 8-bit gray (1 channel) or RGB (3) pixels through a temporary file.
void write_pixels(const std::filesystem::path& path, const std::uint8_t* pixels, std::size_t ny,
                  std::size_t nx, std::size_t channels) {
  write_atomically(path, [&](const std::filesystem::path& temp) {
    PngImage png;
    png.image.width = static_cast<png_uint_32>(nx);
    png.image.height = static_cast<png_uint_32>(ny);
    png.image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&png.image, temp.c_str(), 0, pixels, 0, nullptr))
      throw IoError(std::string("cannot write PNG: ") + png.image.message, path.string());
  });
}

}  // namespace

void write_png(const std::filesystem::path& path, std::span<const float> values, std::size_t ny,
               std::size_t nx, const PngParams& params) {
  params.validate();
  check_png_size(ny, nx, values.size(), 1, path.string());
  const auto [lo, hi] = png_display_range(values, params);
  const std::size_t channels = params.colormap == Colormap::kGray ? 1 : 3;
  std::vector<std::uint8_t> pixels(values.size() * channels);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double t = (static_cast<double>(values[i]) - lo) / (hi - lo);
    const auto level = static_cast<std::uint8_t>(
        std::isnan(t) ? 0.0 : std::clamp(std::floor(256.0 * t), 0.0, 255.0));
    const std::array<std::uint8_t, 3> rgb = colormap_rgb(params.colormap, level);
    std::copy_n(rgb.begin(), channels, pixels.begin() + static_cast<std::ptrdiff_t>(i * channels));
  }
  write_pixels(path, pixels.data(), ny, nx, channels);
}

void write_png_rgb(const std::filesystem::path& path, std::span<const std::uint8_t> rgb,
                   std::size_t ny, std::size_t nx) {
  check_png_size(ny, nx, rgb.size(), 3, path.string());
  write_pixels(path, rgb.data(), ny, nx, 3);
}

void write_png(const std::filesystem::path& path, const Image& image, const PngParams& params) {
  write_png(path, image.values(), image.extent(0), image.extent(1), params);
}

RgbImage read_png_rgb(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError("file does not exist", where);
  PngImage png;
  if (!png_image_begin_read_from_file(&png.image, path.c_str()))
    throw InputError(std::string("not a readable PNG: ") + png.image.message, where);
  png.image.format = PNG_FORMAT_RGB;
  RgbImage out;
  out.height = png.image.height;
  out.width = png.image.width;
  out.rgb.resize(PNG_IMAGE_SIZE(png.image));
  if (!png_image_finish_read(&png.image, nullptr, out.rgb.data(), 0, nullptr))
    throw InputError(std::string("damaged PNG: ") + png.image.message, where);
  return out;
}

}  // namespace vitrum::core
