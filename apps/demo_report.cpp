// The demo's HTML report (demo.hpp): one page, readable offline — PNG files beside it, plots as
// inline SVG, no scripts, no fonts or styles fetched from anywhere.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "demo.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_png.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/scorecard.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/core/version.hpp"

namespace vitrum::app {

namespace fs = std::filesystem;

namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string number(double value, int digits = 4) {
  if (!std::isfinite(value)) return "—";
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

/// The file a stage made under its default (or `out`) name, if the stage has it.
std::optional<fs::path> stage_output(const Pipeline& p, const RunResult& r,
                                     const std::string& stage) {
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    if (p.stages[i].kind.name != stage) continue;
    const fs::path f = r.stages[i].folder / p.stages[i].output_file;
    if (fs::is_regular_file(f)) return f;
  }
  return std::nullopt;
}

/// One curve of an SVG plot.
struct Curve {
  std::string label, colour;
  std::vector<double> x, y;
};

/// A line plot as inline SVG: linear axes spanning the data, the range of each axis written at
/// its ends, a legend. `log_y` plots log10(y) (for R₁, which falls over decades).
std::string svg_plot(const std::vector<Curve>& curves, const std::string& x_label,
                     const std::string& y_label, bool log_y) {
  constexpr double kW = 560, kH = 300, kLeft = 60, kRight = 20, kTop = 20, kBottom = 45;
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  const auto ty = [log_y](double y) { return log_y ? std::log10(std::max(y, 1e-12)) : y; };
  for (const Curve& c : curves)
    for (std::size_t i = 0; i < c.x.size() && i < c.y.size(); ++i) {
      if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i])) continue;
      x0 = std::min(x0, c.x[i]);
      x1 = std::max(x1, c.x[i]);
      y0 = std::min(y0, ty(c.y[i]));
      y1 = std::max(y1, ty(c.y[i]));
    }
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * (kW - kLeft - kRight); };
  const auto py = [&](double y) {
    return kH - kBottom - (y - y0) / (y1 - y0) * (kH - kTop - kBottom);
  };
  const auto label_y = [&](double y) { return number(log_y ? std::pow(10.0, y) : y, 3); };
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kW << "\" height=\"" << kH
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kW - kLeft - kRight
    << "\" height=\"" << kH - kTop - kBottom << "\" fill=\"none\" stroke=\"#888\"/>\n"
    << "<text x=\"" << kLeft << "\" y=\"" << kH - kBottom + 15 << "\">" << number(x0, 3)
    << "</text>\n<text x=\"" << kW - kRight << "\" y=\"" << kH - kBottom + 15
    << "\" text-anchor=\"end\">" << number(x1, 3) << "</text>\n<text x=\""
    << (kLeft + kW - kRight) / 2 << "\" y=\"" << kH - 8 << "\" text-anchor=\"middle\">"
    << escape(x_label) << "</text>\n<text x=\"" << kLeft - 5 << "\" y=\"" << kH - kBottom
    << "\" text-anchor=\"end\">" << label_y(y0) << "</text>\n<text x=\"" << kLeft - 5 << "\" y=\""
    << kTop + 10 << "\" text-anchor=\"end\">" << label_y(y1) << "</text>\n<text x=\"15\" y=\""
    << (kTop + kH - kBottom) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 15 "
    << (kTop + kH - kBottom) / 2 << ")\">" << escape(y_label + (log_y ? " (log scale)" : ""))
    << "</text>\n";
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const Curve& c = curves[k];
    s << "<polyline fill=\"none\" stroke=\"" << c.colour << "\" stroke-width=\"1.5\" points=\"";
    for (std::size_t i = 0; i < c.x.size() && i < c.y.size(); ++i)
      if (std::isfinite(c.x[i]) && std::isfinite(c.y[i]))
        s << number(px(c.x[i]), 6) << "," << number(py(ty(c.y[i])), 6) << " ";
    s << "\"/>\n<text x=\"" << kW - kRight - 10 << "\" y=\""
      << kTop + 16 + 16 * static_cast<double>(k) << "\" text-anchor=\"end\" fill=\"" << c.colour
      << "\">" << escape(c.label) << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

std::vector<double> doubles(const nlohmann::json& j) {
  std::vector<double> v;
  if (j.is_array())
    for (const auto& e : j) v.push_back(e.is_number() ? e.get<double>() : std::nan(""));
  return v;
}

std::string json_number(const nlohmann::json& j, const char* key, int digits = 4) {
  return j.contains(key) && j[key].is_number() ? number(j[key].get<double>(), digits) : "—";
}

/// The top Voronoi indices of one side as "⟨0,2,8,2⟩ 12%" lines.
std::string voronoi_list(const nlohmann::json& side) {
  std::string out;
  if (!side.contains("voronoi_top")) return "—";
  for (const auto& v : side["voronoi_top"]) {
    std::string index;
    for (const auto& n : v.value("index", nlohmann::json::array())) {
      if (!index.empty()) index += ',';
      index += std::to_string(n.get<int>());
    }
    out += "⟨" + index + "⟩ " + number(100 * v.value("fraction", 0.0), 3) + "%<br>";
  }
  return out.empty() ? "—" : out;
}

/// The structure statistics of truth and traced model, side by side (scorecard details).
std::string structure_section(const nlohmann::json& details) {
  if (!details.contains("structure")) return "<p>Structure statistics were not computed.</p>\n";
  const nlohmann::json& st = details["structure"];
  const nlohmann::json& t = st["truth"];
  const nlohmann::json& r = st["result"];
  std::ostringstream s;
  s << "<p>Neighbour cutoff r<sub>c</sub> = " << json_number(st, "rc_A")
    << " Å (the truth's first g(r) valley), the same for both sides.</p>\n"
    << "<table>\n<tr><th>statistic</th><th>truth</th><th>traced</th></tr>\n";
  const auto row = [&](const std::string& name, const std::string& a, const std::string& b) {
    s << "<tr><td>" << name << "</td><td>" << a << "</td><td>" << b << "</td></tr>\n";
  };
  row("mean Voronoi coordination number", json_number(t, "cn_mean"), json_number(r, "cn_mean"));
  row("crystalline fraction (normalised BOO)", json_number(t, "crystalline_fraction"),
      json_number(r, "crystalline_fraction"));
  const char* folds[] = {"3-fold", "4-fold", "5-fold", "6-fold"};
  for (std::size_t k = 0; k < 4; ++k) {
    const auto ft = doubles(t.value("motif_fraction", nlohmann::json::array()));
    const auto fr = doubles(r.value("motif_fraction", nlohmann::json::array()));
    row(std::string("motif fraction, ") + folds[k] + " (δ = 0.255)",
        k < ft.size() ? number(ft[k]) : "—", k < fr.size() ? number(fr[k]) : "—");
  }
  row("PB networks", json_number(t, "pbn_count"), json_number(r, "pbn_count"));
  row("largest PB network (PBs)", json_number(t, "pbn_largest"), json_number(r, "pbn_largest"));
  row("mean PB network size (PBs)", json_number(t, "pbn_mean_size"),
      json_number(r, "pbn_mean_size"));
  row("top Voronoi indices ⟨n3,n4,n5,n6⟩", voronoi_list(t), voronoi_list(r));
  s << "</table>\n";
  if (t.contains("gr") && r.contains("gr"))
    s << "<h3>g(r)</h3>\n"
      << svg_plot({{"truth", "#1f77b4", doubles(t["gr_r_A"]), doubles(t["gr"])},
                   {"traced", "#d62728", doubles(r["gr_r_A"]), doubles(r["gr"])}},
                  "r (Å)", "g(r)", false);
  return s.str();
}

std::string scorecard_section(const core::Scorecard& card) {
  std::ostringstream s;
  // The headline metrics first (what was found, and how well), then the rest by name.
  const std::vector<std::string> order{"recall@",           "precision@", "rmsd",
                                       "species_accuracy@", "fsc_",       "r1"};
  const auto rank = [&](const std::string& name) {
    for (std::size_t i = 0; i < order.size(); ++i)
      if (name.starts_with(order[i])) return i;
    return order.size();
  };
  std::vector<std::pair<std::string, double>> metrics(card.metrics.begin(), card.metrics.end());
  std::stable_sort(metrics.begin(), metrics.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  s << "<table>\n<tr><th>metric</th><th>value</th><th>unit</th></tr>\n";
  for (const auto& [name, value] : metrics) {
    const auto unit = card.units.find(name);
    s << "<tr><td>" << escape(name) << "</td><td class=\"n\">" << number(value) << "</td><td>"
      << (unit == card.units.end() ? "" : escape(unit->second)) << "</td></tr>\n";
  }
  s << "</table>\n";
  return s.str();
}

std::string stages_section(const Pipeline& p, const RunResult& r) {
  std::ostringstream s;
  s << "<table>\n<tr><th>stage</th><th>status</th><th>wall time (s)</th><th>first made in "
       "(s)</th><th>key</th><th>outputs</th><th>log</th></tr>\n";
  for (std::size_t i = 0; i < r.stages.size(); ++i) {
    const StageResult& st = r.stages[i];
    const std::string dir = p.stages[i].kind.name + "/";
    s << "<tr><td>" << escape(st.name) << "</td><td>" << to_string(st.status)
      << "</td><td class=\"n\">" << number(st.wall_s, 3) << "</td><td class=\"n\">"
      << (st.status == StageStatus::kReused ? number(st.cached_wall_s, 3) : "") << "</td><td>"
      << st.key.substr(0, 12) << "</td><td>";
    for (const StageOutput& o : st.outputs)
      s << "<a href=\"" << escape(dir + o.file) << "\">" << escape(o.file) << "</a> ("
        << number(static_cast<double>(o.bytes) / 1024.0, 3) << " KiB)<br>";
    s << "</td><td><a href=\"" << escape(dir + st.name + ".log") << "\">" << escape(st.name)
      << ".log</a></td></tr>\n";
  }
  s << "<tr><td>total</td><td></td><td class=\"n\">" << number(r.wall_s, 3)
    << "</td><td></td><td></td><td></td><td></td></tr>\n</table>\n";
  return s.str();
}

/// The central xy and xz slices of the reconstruction, as PNGs in `images`; returns the HTML.
std::string volume_section(const fs::path& volume_file, const fs::path& images,
                           const std::string& prefix) {
  const core::Hdf5Reader reader(volume_file);
  const core::Volume v = core::read_volume(reader);
  const std::size_t nz = v.extent(0), ny = v.extent(1), nx = v.extent(2);
  const core::PngParams png{core::Colormap::kViridis};
  std::vector<float> xy(v.values().begin() + static_cast<std::ptrdiff_t>((nz / 2) * ny * nx),
                        v.values().begin() + static_cast<std::ptrdiff_t>((nz / 2 + 1) * ny * nx));
  std::vector<float> xz(nz * nx);
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t x = 0; x < nx; ++x) xz[z * nx + x] = v.values()[(z * ny + ny / 2) * nx + x];
  core::write_png(images / "volume_xy.png", xy, ny, nx, png);
  core::write_png(images / "volume_xz.png", xz, nz, nx, png);
  std::ostringstream s;
  const double h = v.sampling()[2];
  s << "<p>" << nx << "×" << ny << "×" << nz << " voxels of " << number(h) << " Å. Left: the "
    << "central xy slice (z = " << nz / 2 << "); right: the central xz slice (y = " << ny / 2
    << ", z downwards) — the tilt axis is y, so the missing wedge elongates features along "
       "z.</p>\n<div class=\"row\"><figure><img src=\""
    << prefix << "volume_xy.png\" width=\"" << std::max<std::size_t>(nx * 4, 256)
    << "\" alt=\"xy slice\"><figcaption>xy, z = " << nz / 2 << "</figcaption></figure><figure>"
    << "<img src=\"" << prefix << "volume_xz.png\" width=\"" << std::max<std::size_t>(nx * 4, 256)
    << "\" alt=\"xz slice\"><figcaption>xz, y = " << ny / 2 << "</figcaption></figure></div>\n";
  if (reader.has("/tomo/r1_history")) {
    const auto r1 = reader.read_array<double>("/tomo/r1_history");
    std::vector<double> it(r1.values.size());
    for (std::size_t i = 0; i < it.size(); ++i) it[i] = static_cast<double>(i);
    s << "<h3>R₁ history of RESIRE</h3>\n<p>Mean R₁ = Σ|Π<sub>θ</sub>O − b<sub>θ</sub>| / "
         "Σ|b<sub>θ</sub>| of the iterates O<sub>0</sub> … O<sub>K</sub>: from "
      << number(r1.values.front()) << " to " << number(r1.values.back()) << ".</p>\n"
      << svg_plot({{"R₁", "#2ca02c", it, r1.values}}, "iteration", "R₁", true);
  }
  return s.str();
}

}  // namespace

fs::path write_demo_report(const Pipeline& p, const RunResult& r) {
  const fs::path folder = p.folder;
  const fs::path images = folder / "report";
  fs::create_directories(images);
  const std::string prefix = "report/";
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>vitrum "
       "demo: "
    << escape(p.name) << "</title>\n<style>\n"
    << "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n"
    << "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;"
       "padding:2px 8px;text-align:left;vertical-align:top}td.n{text-align:right;"
       "font-variant-numeric:tabular-nums}\n"
    << "pre{background:#f6f6f6;padding:0.5em;overflow-x:auto}.row{display:flex;gap:1em;"
       "flex-wrap:wrap}figure{margin:0}img{image-rendering:pixelated}\n"
    << "</style>\n</head>\n<body>\n<h1>vitrum demo — the AET chain on a Ta glass particle</h1>\n"
    << "<p>vitrum made a ground-truth glass by melt–quench MD (<b>sim</b>), cut a spherical "
       "particle from it with a crystal nucleus (<b>specimen</b>), simulated an ADF-STEM tilt "
       "series with the linear model, shot noise and random shifts (<b>stem</b>), aligned the "
       "projections and reconstructed the volume with RESIRE (<b>tomo</b>), traced and refined "
       "the atoms (<b>trace</b>) and scored the traced model against the truth it started "
       "from (<b>score</b>).</p>\n<p>vitrum "
    << escape(std::string(vitrum::version())) << ", seed " << p.seed << ", run status <b>"
    << (r.failed ? "failed" : "complete") << "</b>, " << number(r.wall_s, 3)
    << " s. Run record: <a href=\"run.json\">run.json</a>; pipeline as run: <a "
       "href=\"pipeline.resolved.toml\">pipeline.resolved.toml</a>.</p>\n";

  h << "<h2>What was run</h2>\n<p>Stages whose inputs and parameters had not changed were "
       "reused from the cache (<code>"
    << escape(p.cache.string())
    << "</code>); “first made in” is the wall time of the run that "
       "made the cached entry.</p>\n"
    << stages_section(p, r);
  if (!p.overrides.empty()) {
    h << "<p>Overrides applied:</p>\n<pre>";
    for (const std::string& o : p.overrides) h << escape(o) << "\n";
    h << "</pre>\n";
  }
  h << "<details><summary>The pipeline with its overrides (TOML)</summary>\n<pre>"
    << escape(p.resolved_text) << "</pre></details>\n";

  if (const auto tilts = stage_output(p, r, "stem")) {
    const core::TiltSeries series = core::read_tilt_series(core::Hdf5Reader(*tilts));
    const std::size_t t0 = series.untilted_index();
    const core::Image image = series.image(t0);
    core::write_png(images / "projection_0deg.png", image, {core::Colormap::kViridis});
    h << "<h2>The tilt series</h2>\n<p>" << series.tilt_count() << " projections of "
      << image.extent(1) << "×" << image.extent(0) << " pixels of " << number(image.sampling()[1])
      << " Å, tilts " << number(series.euler_deg.front()[1]) << "° to "
      << number(series.euler_deg.back()[1])
      << "° about y. The projection nearest 0° (θ = " << number(series.euler_deg[t0][1])
      << "°):</p>\n<figure><img src=\"" << prefix << "projection_0deg.png\" width=\""
      << std::max<std::size_t>(image.extent(1) * 4, 256) << "\" alt=\"0° projection\"></figure>\n";
  }
  if (const auto volume = stage_output(p, r, "tomo"))
    h << "<h2>The reconstruction</h2>\n" << volume_section(*volume, images, prefix);

  if (const auto scorecard = stage_output(p, r, "score")) {
    const core::Scorecard card = core::read_scorecard(*scorecard);
    nlohmann::json details;
    {
      std::ifstream in(*scorecard);
      const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_object() && j.contains("details")) details = j["details"];
    }
    h << "<h2>Scorecard</h2>\n<p>The traced model against the specimen it was simulated from "
         "(<a href=\"score/scorecard.json\">scorecard.json</a>; <code>vitrum score</code> in the "
         "README "
         "defines every metric). Recall = matched / true atoms, precision = matched / traced "
         "atoms, at each matching radius.</p>\n"
      << scorecard_section(card) << "<h2>Structure: truth and traced model</h2>\n"
      << structure_section(details);
  } else {
    h << "<h2>Scorecard</h2>\n<p>The score stage did not run.</p>\n";
  }
  h << "</body>\n</html>\n";
  const fs::path report = folder / "report.html";
  const std::string text = h.str();
  core::write_stream_atomically(report, [&](std::ostream& o) { o << text; });
  return report;
}

}  // namespace vitrum::app
