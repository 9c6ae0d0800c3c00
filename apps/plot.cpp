#include "plot.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>

#include "vitrum/core/error.hpp"
#include "vitrum/core/io_png.hpp"

namespace vitrum::app {

namespace {

// 5×7 glyphs, one byte a row, bit 4 the leftmost pixel (the classic HD44780 shapes).
struct Glyph {
  char c;
  std::array<std::uint8_t, 7> rows;
};
constexpr Glyph kFont[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'A', {0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}},
    {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {'+', {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}},
    {'=', {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
    {',', {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}},
    {'@', {0x0E, 0x11, 0x17, 0x15, 0x17, 0x10, 0x0E}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    {' ', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
    {'?', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}},
};

const Glyph& glyph(char c) {
  const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Glyph& g : kFont)
    if (g.c == u) return g;
  return kFont[std::size(kFont) - 1];
}

constexpr int kCharW = 6;  // 5 pixels and a space

using Color = std::array<std::uint8_t, 3>;  // 8-bit sRGB

constexpr Color kInk{0, 0, 0}, kGrid{225, 225, 225};
/// Series colours: the Okabe–Ito palette, distinguishable with the common colour-vision
/// deficiencies (Okabe & Ito, "Color Universal Design", 2008; Wong, Nat. Methods 8, 441 (2011)).
constexpr Color kPalette[] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
                              {230, 159, 0}, {86, 180, 233}, {0, 0, 0}};

/// An RGB canvas, white to start with.
class Canvas {
 public:
  Canvas(int w, int h) : w_(w), h_(h), pixels_(static_cast<std::size_t>(w) * h * 3, 255) {}
  int width() const { return w_; }
  int height() const { return h_; }
  void set(int x, int y, const Color& color) {
    if (x >= 0 && y >= 0 && x < w_ && y < h_)
      std::copy(color.begin(), color.end(),
                pixels_.begin() + 3 * (static_cast<std::ptrdiff_t>(y) * w_ + x));
  }
  void line(int x0, int y0, int x1, int y1, const Color& level) {
    // Bresenham: every octant with integer steps.
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int e = dx + dy;
    for (;;) {
      set(x0, y0, level);
      if (x0 == x1 && y0 == y1) break;
      const int e2 = 2 * e;
      if (e2 >= dy) {
        e += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        e += dx;
        y0 += sy;
      }
    }
  }
  /// Text with its top-left corner at (x, y); `vertical`: rotated to read bottom to top.
  void text(int x, int y, const std::string& s, const Color& level, bool vertical = false) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Glyph& g = glyph(s[i]);
      for (int r = 0; r < 7; ++r)
        for (int c = 0; c < 5; ++c) {
          if (!(g.rows[r] & (0x10 >> c))) continue;
          const int along = static_cast<int>(i) * kCharW + c;
          if (vertical)
            set(x + r, y - along, level);
          else
            set(x + along, y + r, level);
        }
    }
  }
  void marker(int x, int y, int shape, const Color& level) {
    constexpr int r = 3;
    switch (shape % 4) {
      case 0:  // filled square
        for (int j = -r; j <= r; ++j)
          for (int i = -r; i <= r; ++i) set(x + i, y + j, level);
        break;
      case 1:  // open square
        for (int i = -r; i <= r; ++i) {
          set(x + i, y - r, level);
          set(x + i, y + r, level);
          set(x - r, y + i, level);
          set(x + r, y + i, level);
        }
        break;
      case 2:  // cross
        line(x - r, y - r, x + r, y + r, level);
        line(x - r, y + r, x + r, y - r, level);
        break;
      default:  // filled diamond
        for (int j = -r; j <= r; ++j)
          for (int i = -(r - std::abs(j)); i <= r - std::abs(j); ++i) set(x + i, y + j, level);
    }
  }
  std::span<const std::uint8_t> pixels() const { return pixels_; }

 private:
  int w_, h_;
  std::vector<std::uint8_t> pixels_;
};

std::string tick_label(double v) {
  if (std::abs(v) < 1e-12) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// Round tick positions covering [lo, hi] (steps of 1, 2 or 5 × 10^k), about `target` of them.
std::vector<double> linear_ticks(double lo, double hi, int target) {
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step)
    ticks.push_back(std::abs(t) < 1e-9 * step ? 0.0 : t);
  return ticks;
}

}  // namespace

void write_plot_png(const std::filesystem::path& path, const PlotSpec& spec) {
  if (spec.width < 200 || spec.height < 150)
    throw InputError("plot size must be at least 200 × 150 pixels, got " +
                     std::to_string(spec.width) + " × " + std::to_string(spec.height));
  const bool categorical = !spec.x_categories.empty();
  const auto tx = [&](double x) { return spec.x_log ? std::log10(x) : x; };
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const PlotSeries& s : spec.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (spec.x_log && s.x[i] <= 0)) continue;
      const double e = i < s.err.size() && std::isfinite(s.err[i]) ? s.err[i] : 0.0;
      xlo = std::min(xlo, tx(s.x[i]));
      xhi = std::max(xhi, tx(s.x[i]));
      ylo = std::min(ylo, s.y[i] - e);
      yhi = std::max(yhi, s.y[i] + e);
    }
  if (categorical) {
    xlo = 0;
    xhi = static_cast<double>(spec.x_categories.size() - 1);
  }
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1, ylo = 0, yhi = 1;  // nothing to draw
  if (xhi - xlo <= 0) xlo -= 0.5, xhi += 0.5;
  if (yhi - ylo <= 0) {
    const double pad = std::max(std::abs(ylo) * 0.05, 1e-3);
    ylo -= pad, yhi += pad;
  }
  // 5 % padding so markers and bars are not cut by the frame.
  const double xpad = (xhi - xlo) * 0.06, ypad = (yhi - ylo) * 0.08;
  xlo -= xpad, xhi += xpad, ylo -= ypad, yhi += ypad;

  Canvas c(spec.width, spec.height);
  const int left = 78, right = spec.width - 16, top = 28, bottom = spec.height - 46;
  const auto px = [&](double x) {
    return left + static_cast<int>(std::lround((tx(x) - xlo) / (xhi - xlo) * (right - left)));
  };
  const auto pxc = [&](double x) {  // an already-transformed coordinate
    return left + static_cast<int>(std::lround((x - xlo) / (xhi - xlo) * (right - left)));
  };
  const auto py = [&](double y) {
    return bottom - static_cast<int>(std::lround((y - ylo) / (yhi - ylo) * (bottom - top)));
  };

  // Ticks, grid lines and labels.
  for (double t : linear_ticks(ylo, yhi, 5)) {
    const int y = py(t);
    c.line(left + 1, y, right - 1, y, kGrid);
    c.line(left - 4, y, left, y, kInk);
    const std::string s = tick_label(t);
    c.text(left - 7 - kCharW * static_cast<int>(s.size()), y - 3, s, kInk);
  }
  std::vector<std::pair<double, std::string>> xticks;  // transformed position, label
  if (categorical) {
    for (std::size_t i = 0; i < spec.x_categories.size(); ++i)
      xticks.emplace_back(static_cast<double>(i), spec.x_categories[i]);
  } else if (spec.x_log) {
    const bool few = xhi - xlo < 2.0;
    for (int k = static_cast<int>(std::floor(xlo)); k <= static_cast<int>(std::ceil(xhi)); ++k)
      for (double m : {1.0, 2.0, 5.0}) {
        if (m != 1.0 && !few) continue;
        const double pos = k + std::log10(m);
        if (pos >= xlo && pos <= xhi) xticks.emplace_back(pos, tick_label(m * std::pow(10.0, k)));
      }
  } else {
    for (double t : linear_ticks(xlo, xhi, 6)) xticks.emplace_back(t, tick_label(t));
  }
  for (const auto& [pos, label] : xticks) {
    const int x = pxc(pos);
    c.line(x, top + 1, x, bottom - 1, kGrid);
    c.line(x, bottom, x, bottom + 4, kInk);
    c.text(x - kCharW * static_cast<int>(label.size()) / 2, bottom + 8, label, kInk);
  }
  // Frame and labels.
  c.line(left, top, right, top, kInk);
  c.line(left, bottom, right, bottom, kInk);
  c.line(left, top, left, bottom, kInk);
  c.line(right, top, right, bottom, kInk);
  c.text(left, 9, spec.title, kInk);
  const std::string xl = spec.x_label + (spec.x_log ? " (LOG)" : "");
  c.text((left + right) / 2 - kCharW * static_cast<int>(xl.size()) / 2, spec.height - 18, xl, kInk);
  c.text(8, (top + bottom) / 2 + kCharW * static_cast<int>(spec.y_label.size()) / 2, spec.y_label,
         kInk, true);

  // Series: lines in x order, error bars with caps, markers on top.
  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const PlotSeries& s = spec.series[k];
    const Color& level = kPalette[k % std::size(kPalette)];
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && (!spec.x_log || s.x[i] > 0))
        order.push_back(i);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return s.x[a] < s.x[b]; });
    for (std::size_t j = 1; j < order.size(); ++j)
      c.line(px(s.x[order[j - 1]]), py(s.y[order[j - 1]]), px(s.x[order[j]]), py(s.y[order[j]]),
             level);
    for (std::size_t i : order) {
      const int x = px(s.x[i]), y = py(s.y[i]);
      if (i < s.err.size() && std::isfinite(s.err[i]) && s.err[i] > 0) {
        const int y0 = py(s.y[i] - s.err[i]), y1 = py(s.y[i] + s.err[i]);
        c.line(x, y0, x, y1, level);
        c.line(x - 4, y0, x + 4, y0, level);
        c.line(x - 4, y1, x + 4, y1, level);
      }
      c.marker(x, y, static_cast<int>(k), level);
    }
    if (spec.series.size() > 1 || !s.label.empty()) {  // legend, top right
      const int ly = top + 8 + 12 * static_cast<int>(k);
      const int lx = right - 14 - kCharW * static_cast<int>(s.label.size());
      c.marker(lx - 10, ly + 3, static_cast<int>(k), level);
      c.text(lx, ly, s.label, level);
    }
  }
  core::write_png_rgb(path, c.pixels(), static_cast<std::size_t>(c.height()),
                      static_cast<std::size_t>(c.width()));
}

}  // namespace vitrum::app
