#pragma once
/// \file
/// PNG output of maps and images (DESIGN.md "File formats": maps, curves → PNG, with the
/// numbers in HDF5): a float array [y][x] is scaled to 256 levels and written as 8-bit
/// grayscale, or as 8-bit RGB through a perceptually uniform colormap. Row 0 of the array is
/// the top row of the picture. Files are written atomically and are deterministic.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <vector>

#include "vitrum/core/grid.hpp"

namespace vitrum::core {

enum class Colormap {
  kGray,     ///< level L → gray value L
  kViridis,  ///< matplotlib's viridis (van der Walt & Smith 2015, CC0), 256 sRGB entries
};

/// How values map to levels: level = min(255, ⌊256·(v − vmin)/(vmax − vmin)⌋), clamped to
/// 0 below vmin (matplotlib's lookup of a 256-entry colormap). NaN pixels get level 0.
/// A NaN bound is chosen from the data: vmin = 0.5th and vmax = 99.5th percentile of the
/// finite values (nearest rank). Percentiles rather than min/max keep a few hot pixels or
/// Poisson outliers from compressing everything else into a handful of levels, as display
/// tools do by default. If that range is empty the data's min/max are used; a constant
/// image maps to level 0.
struct PngParams {
  Colormap colormap = Colormap::kGray;
  double vmin = std::numeric_limits<double>::quiet_NaN();  ///< in the units of the data
  double vmax = std::numeric_limits<double>::quiet_NaN();  ///< in the units of the data
  /// Throws InputError naming the field unless each bound is NaN or finite and, when both
  /// are given, vmin < vmax.
  void validate() const;
};

/// The display range [vmin, vmax] that write_png uses for these values.
std::array<double, 2> png_display_range(std::span<const float> values, const PngParams& params);

/// The 8-bit sRGB colour of `level` in `colormap`.
std::array<std::uint8_t, 3> colormap_rgb(Colormap colormap, std::uint8_t level);

/// Writes values [ny][nx] (row-major) as a PNG: 8-bit grayscale for Colormap::kGray, 8-bit
/// RGB otherwise. InputError if the sizes disagree or are 0, or params are invalid; IoError
/// if writing fails.
void write_png(const std::filesystem::path& path, std::span<const float> values, std::size_t ny,
               std::size_t nx, const PngParams& params = {});
/// Writes 8-bit RGB pixels [ny][nx][3] (row-major) as they are, e.g. a drawn figure.
/// InputError if the sizes disagree or are 0; IoError if writing fails.
void write_png_rgb(const std::filesystem::path& path, std::span<const std::uint8_t> rgb,
                   std::size_t ny, std::size_t nx);
/// Writes an image [y][x] (its sampling is not recorded).
void write_png(const std::filesystem::path& path, const Image& image, const PngParams& params = {});

/// A decoded PNG as 8-bit RGB, row-major [y][x][3].
struct RgbImage {
  std::size_t height = 0;
  std::size_t width = 0;
  std::vector<std::uint8_t> rgb;
};

/// Reads any PNG, converted to 8-bit RGB (gray becomes r = g = b). IoError if the file is
/// missing, InputError if it is not a valid PNG.
RgbImage read_png_rgb(const std::filesystem::path& path);

}  // namespace vitrum::core
