#pragma once
// A small line-plot rasteriser for study curves (DESIGN.md "maps, curves: PNG"): series of
// points with vertical error bars, joined by lines, on axes with tick labels drawn in a
// built-in 5×7 bitmap font, written as an 8-bit RGB PNG through core::write_png_rgb.
// Series are told apart by colour (a colour-blind-safe palette) and marker shape; text is
// shown in capitals.

#include <filesystem>
#include <string>
#include <vector>

namespace vitrum::app {

/// One curve. `err` is empty or one half-width per point (NaN: no bar).
struct PlotSeries {
  std::string label;
  std::vector<double> x, y, err;
};

/// A plot: x is numeric (linear or logarithmic axis) or, when `x_categories` is not empty,
/// categorical (x = 0 … n−1, labelled with the categories).
struct PlotSpec {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
  std::vector<std::string> x_categories;
  bool x_log = false;  ///< logarithmic x axis (every x must be > 0)
  int width = 640, height = 440;
};

/// Draws `spec` and writes it atomically as an RGB PNG. Non-finite points are left
/// out. InputError if the size is below 200 × 150 pixels.
void write_plot_png(const std::filesystem::path& path, const PlotSpec& spec);

}  // namespace vitrum::app
