// `vitrum analyze --model M [--config F] [--set k=v] --out analysis.h5 [--json summary.json]`:
// see analyze.hpp.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <sstream>

#include "analyze.hpp"
#include "vitrum/analysis/density.hpp"
#include "vitrum/analysis/interface.hpp"
#include "vitrum/analysis/model_checks.hpp"
#include "vitrum/analysis/mro.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/analysis/sro.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/io_png.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::app {

namespace {
const std::vector<std::string> kAnalyses{"gr",  "boo",     "voronoi",   "sro", "motifs",
                                         "pbn", "density", "interface", "mro"};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep))
    if (!trim(part).empty()) parts.push_back(trim(part));
  return parts;
}
}  // namespace

core::ParamSet AnalyzeParams::params() {
  core::ParamSet p;
  p.add(
       "analyses", analyses, "",
       "analyses to run, comma-separated: gr, boo, voronoi, sro, motifs, pbn, density (pbn implies "
       "motifs, density implies voronoi)")
      .add("rc_A", rc_A, "Å",
           "neighbour cutoff for BOO, SRO and tetrahedra; 0: first valley of g(r)")
      .add("groups", groups, "",
           "species groups \"NAME=El,El; NAME=El\" (e.g. \"Zr=Zr; X=Cu,Ni,Al\"): group partials "
           "of g(r); two groups give the pseudo-binary SRO (first group = A)")
      .add("gr.r_max_A", gr.r_max_A, "Å", "largest r of g(r)")
      .add("gr.bin_A", gr.bin_A, "Å", "shell width of g(r)")
      .add_choice("gr.normalization", gr.normalization,
                  {{"auto", analysis::ShellNormalization::kAuto},
                   {"periodic_box", analysis::ShellNormalization::kPeriodicBox},
                   {"finite_window", analysis::ShellNormalization::kFiniteWindow}},
                  "shell volumes: periodic box, or the window of a finite particle")
      .add("gr.alpha_A", gr.alpha_A, "Å", "closing radius of a finite particle's window")
      .add("gr.window_grid_A", gr.window_grid_A, "Å", "grid spacing of the finite window")
      .add("gr.window_directions", gr.window_directions, "",
           "sphere directions sampled per centre for the window fraction")
      .add("gr.window_max_centres", gr.window_max_centres, "",
           "atoms used as centres for the window fraction")
      .add("boo.degrees", boo_degrees, "", "degrees l of Q_l and Q̄_l (4 and 6 give the BOO)")
      .add("boo.r_min_A", boo.r_min_A, "Å", "neighbours closer than this are ignored")
      .add("boo.crystal_threshold", boo.crystal_threshold, "",
           "normalised BOO above this is crystalline")
      .add_choice("boo.isolated_rule", boo.isolated_rule,
                  {{"reference", analysis::IsolatedAtomRule::kReference},
                   {"none", analysis::IsolatedAtomRule::kNone}},
                  "relabelling of isolated crystalline atoms")
      .add("boo.isolated_radius_A", boo.isolated_radius_A, "Å", "radius of the isolated-atom rule")
      .add("boo.isolated_min_crystalline", boo.isolated_min_crystalline, "",
           "fewer crystalline atoms within the radius: isolated")
      .add("boo.core_min", boo.core_min, "", "core crystalline atoms that keep an isolated atom")
      .add_choice("voronoi.regulation", voronoi.regulation,
                  {{"retessellate", analysis::FaceRegulation::kRetessellate},
                   {"drop_faces", analysis::FaceRegulation::kDropFaces},
                   {"none", analysis::FaceRegulation::kNone}},
                  "small-face rule: reference re-tessellation, OVITO-style dropping, or none")
      .add("voronoi.min_face_area_fraction", voronoi.min_face_area_fraction, "",
           "faces below this fraction of the cell's area are regulated")
      .add("voronoi.wall_margin_A", voronoi.wall_margin_A, "Å",
           "finite samples: clipping walls this far beyond the atoms")
      .add("motifs.delta_min", motifs.delta_min, "", "first δ_max of the motif scan")
      .add("motifs.delta_max", motifs.delta_max, "", "last δ_max of the motif scan")
      .add("motifs.delta_step", motifs.delta_step, "", "step of the motif scan")
      .add("motifs.delta_analysis", motifs.delta_analysis, "",
           "δ_max of the motif list, the PB networks and the summary (seed 001: 0.255)")
      .add("pbn.fold", pbn.fold, "",
           "bipyramids of the network analysis: 5 (pentagonal, PBN), or 4 / 6")
      .add("pbn.min_network_size", pbn.min_network_size, "", "smallest PB network reported")
      .add("pbn.partial_min_pbs", pbn.partial_min_pbs, "",
           "a centre with this many (and < 12) edge-connected PBs is a partial icosahedron")
      .add("interface.link_A", interface_fit.link_A, "Å",
           "crystalline atoms this close form one nucleus; 0: rc")
      .add("interface.min_nucleus_atoms", interface_fit.min_nucleus_atoms, "",
           "smallest crystal nucleus of the interface fit")
      .add("interface.max_distance_A", interface_fit.max_distance_A, "Å",
           "amorphous atoms farther from every nucleus are not fitted")
      .add("mro.solute", mro_solute, "",
           "solute-centre elements of the MRO analysis, e.g. \"Ir,Pt\" (seed 000 type 3)")
      .add("mro.link_min_A", mro.link_min_A, "Å", "solute–solute links from this distance")
      .add("mro.link_max_A", mro.link_max_A, "Å", "solute–solute links up to this distance")
      .add("mro.tolerance_A", mro.tolerance_A, "Å",
           "an atom joins a network this close to its site")
      .add("mro.min_network_size", mro.min_network_size, "", "smallest MRO network reported")
      .add("density.grid_A", density.grid_A, "Å", "sample spacing of the mass-density field")
      .add("density.sigma_A", density.sigma_A, "Å",
           "Gaussian width of the mass-density field; 0: rc (PHYSICS.md §7)")
      .add_choice("plots", plots, {{"png", PlotOutput::kPng}, {"none", PlotOutput::kNone}},
                  "PNG plots beside --out: g(r), Voronoi-index histogram, motif fractions vs δ, "
                  "PB-network sizes");
  return p;
}

std::vector<std::string> AnalyzeParams::selected() const {
  std::vector<std::string> names = split(analyses, ',');
  for (const std::string& n : names)
    if (std::find(kAnalyses.begin(), kAnalyses.end(), n) == kAnalyses.end())
      throw InputError("analyses = \"" + analyses + "\": unknown analysis \"" + n +
                       "\"; allowed: gr, boo, voronoi, sro, motifs, pbn, density, interface, mro");
  if (names.empty())
    throw InputError(
        "analyses is empty; allowed: gr, boo, voronoi, sro, motifs, pbn, density, interface, "
        "mro");
  return names;
}

std::vector<analysis::SpeciesGroup> AnalyzeParams::parsed_groups() const {
  std::vector<analysis::SpeciesGroup> out;
  for (const std::string& entry : split(groups, ';')) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos)
      throw InputError("groups = \"" + groups + "\": \"" + entry +
                       "\" is not NAME=El,El (e.g. \"Zr=Zr; X=Cu,Ni,Al\")");
    analysis::SpeciesGroup g;
    g.name = trim(entry.substr(0, eq));
    for (const std::string& symbol : split(entry.substr(eq + 1), ','))
      g.Z.push_back(core::element(symbol).Z);
    out.push_back(g);
  }
  return out;
}

void AnalyzeParams::validate() const {
  selected();
  if (!(std::isfinite(rc_A) && rc_A >= 0.0 && rc_A <= 20.0))
    throw InputError("rc_A = " + std::to_string(rc_A) +
                     " is out of range; allowed: 0 (from g(r)) or (0, 20] Å");
  analysis::PairDistributionParams g = gr;
  g.groups = parsed_groups();
  g.validate();
  for (double l : boo_degrees)
    if (l != std::round(l) || l < 1 || l > 16)
      throw InputError("boo.degrees holds " + std::to_string(l) + "; allowed: integers 1 to 16");
  voronoi.validate();
  analysis::PolytetrahedralParams m = motifs;
  m.rc_A = rc_A > 0 ? rc_A : 3.0;  // rc itself is checked when known
  m.validate();
  pbn.validate();
  analysis::DensityFieldParams d = density;
  if (d.sigma_A == 0.0) d.sigma_A = 3.0;  // rc, checked when known
  d.validate();
  analysis::InterfaceParams in = interface_fit;
  if (in.link_A == 0.0) in.link_A = 3.0;  // rc, checked when known
  in.validate();
  const std::vector<std::string> chosen = selected();
  if (std::find(chosen.begin(), chosen.end(), "mro") != chosen.end()) mro_params();
}

analysis::MroParams AnalyzeParams::mro_params() const {
  analysis::MroParams m = mro;
  m.solute_Z.clear();
  for (const std::string& symbol : split(mro_solute, ','))
    m.solute_Z.push_back(core::element(symbol).Z);
  if (m.solute_Z.empty())
    throw InputError(
        "analyses includes mro but mro.solute is empty; name the solute elements, "
        "e.g. --set mro.solute=Ir,Pt");
  m.validate();
  return m;
}

std::string analyze_defaults_toml() { return AnalyzeParams().params().to_toml(); }

namespace {

using Clock = std::chrono::steady_clock;

std::string seconds_since(Clock::time_point start) {
  std::ostringstream s;
  s.precision(3);
  s << std::chrono::duration<double>(Clock::now() - start).count() << " s";
  return s.str();
}

/// A white canvas [y][x] with values in [0, 1] (0 = black) for simple plots.
struct Canvas {
  std::size_t ny, nx;
  std::vector<float> pixels;
  Canvas(std::size_t height, std::size_t width) : ny(height), nx(width), pixels(ny * nx, 1.0f) {}
  void set(long x, long y, float v) {
    if (x >= 0 && y >= 0 && std::size_t(x) < nx && std::size_t(y) < ny)
      pixels[std::size_t(y) * nx + std::size_t(x)] = v;
  }
  // Straight line by uniform sampling along its longer extent.
  void line(double x0, double y0, double x1, double y1, float v) {
    const auto steps =
        static_cast<long>(std::ceil(std::max({std::abs(x1 - x0), std::abs(y1 - y0), 1.0})));
    for (long t = 0; t <= steps; ++t) {
      const double f = double(t) / double(steps);
      set(std::lround(x0 + f * (x1 - x0)), std::lround(y0 + f * (y1 - y0)), v);
    }
  }
  void fill(long x0, long y0, long x1, long y1, float v) {
    for (long y = std::min(y0, y1); y <= std::max(y0, y1); ++y)
      for (long x = std::min(x0, x1); x <= std::max(x0, x1); ++x) set(x, y, v);
  }
};

constexpr long kMargin = 40;

/// g(r) as a line plot: r from 0 to r_max along x, g from 0 to 1.1 max(g) along y, a grey
/// line at g = 1 and ticks every 1 Å.
void plot_gr(const std::filesystem::path& path, const analysis::PairDistribution& gr) {
  Canvas c(400, 640);
  const double w = double(c.nx) - 2.0 * kMargin, h = double(c.ny) - 2.0 * kMargin;
  const double r_max = gr.r_A.back() + 0.5 * (gr.r_A[1] - gr.r_A[0]);
  const double g_max = 1.1 * std::max(1.0, *std::max_element(gr.g.begin(), gr.g.end()));
  const auto px = [&](double r) { return double(kMargin) + w * r / r_max; };
  const auto py = [&](double g) { return double(c.ny) - double(kMargin) - h * g / g_max; };
  c.line(px(0), py(1), px(r_max), py(1), 0.7f);
  for (int r = 0; r <= int(std::floor(r_max + 1e-9)); ++r)
    c.line(px(r), py(0), px(r), py(0) + 6, 0.0f);
  c.line(px(0), py(0), px(r_max), py(0), 0.0f);
  c.line(px(0), py(0), px(0), py(g_max), 0.0f);
  for (std::size_t k = 1; k < gr.g.size(); ++k)
    c.line(px(gr.r_A[k - 1]), py(gr.g[k - 1]), px(gr.r_A[k]), py(gr.g[k]), 0.0f);
  core::write_png(path, c.pixels, c.ny, c.nx, {core::Colormap::kGray, 0.0, 1.0});
}

/// The populations of the most frequent Voronoi indices as bars (most frequent left).
void plot_voronoi(const std::filesystem::path& path, const analysis::VoronoiResult& v) {
  Canvas c(400, 640);
  const std::size_t bars = std::min<std::size_t>(15, v.populations.size());
  const double w = double(c.nx) - 2.0 * kMargin, h = double(c.ny) - 2.0 * kMargin;
  const double top = bars > 0 ? v.populations[0].fraction : 1.0;
  const long base = long(c.ny) - kMargin;
  for (std::size_t b = 0; b < bars; ++b) {
    const long x0 = kMargin + long(w * double(b) / 15.0) + 4;
    const long x1 = kMargin + long(w * double(b + 1) / 15.0) - 4;
    c.fill(x0, base, x1, base - long(h * v.populations[b].fraction / top), 0.25f);
  }
  c.line(double(kMargin), double(base), double(c.nx - kMargin), double(base), 0.0f);
  core::write_png(path, c.pixels, c.ny, c.nx, {core::Colormap::kGray, 0.0, 1.0});
}

/// Motif fractions against δ_max: 3-, 4-, 5-, 6-fold in four grey levels (darkest 5-fold),
/// fractions from 0 to 1.1 × the largest.
void plot_motifs(const std::filesystem::path& path, const analysis::PolytetrahedralResult& m) {
  Canvas c(400, 640);
  const double w = double(c.nx) - 2.0 * kMargin, h = double(c.ny) - 2.0 * kMargin;
  double top = 0.01;
  for (const auto& f : m.fraction) top = std::max(top, *std::max_element(f.begin(), f.end()));
  top *= 1.1;
  const double d0 = m.delta.front(), d1 = std::max(m.delta.back(), d0 + 1e-9);
  const auto px = [&](double d) { return double(kMargin) + w * (d - d0) / (d1 - d0); };
  const auto py = [&](double f) { return double(c.ny) - double(kMargin) - h * f / top; };
  c.line(px(d0), py(0), px(d1), py(0), 0.0f);
  c.line(px(d0), py(0), px(d0), py(top), 0.0f);
  const float shade[4] = {0.6f, 0.45f, 0.0f, 0.3f};
  for (std::size_t f = 0; f < 4; ++f)
    for (std::size_t k = 1; k < m.delta.size(); ++k)
      c.line(px(m.delta[k - 1]), py(m.fraction[k - 1][f]), px(m.delta[k]), py(m.fraction[k][f]),
             shade[f]);
  core::write_png(path, c.pixels, c.ny, c.nx, {core::Colormap::kGray, 0.0, 1.0});
}

/// Histogram of PB-network sizes (bins of 5 PBs up to the largest network).
void plot_pbn(const std::filesystem::path& path, const analysis::PbnResult& pbn) {
  Canvas c(400, 640);
  const double w = double(c.nx) - 2.0 * kMargin, h = double(c.ny) - 2.0 * kMargin;
  const std::size_t largest = pbn.networks.empty() ? 5 : pbn.networks.front().pbs;
  const std::size_t bins = largest / 5 + 1;
  std::vector<double> counts(bins, 0.0);
  for (const auto& net : pbn.networks) counts[net.pbs / 5] += 1.0;
  const double top = std::max(1.0, *std::max_element(counts.begin(), counts.end()));
  const long base = long(c.ny) - kMargin;
  for (std::size_t b = 0; b < bins; ++b) {
    const long x0 = kMargin + long(w * double(b) / double(bins));
    const long x1 = kMargin + long(w * double(b + 1) / double(bins)) - 1;
    if (counts[b] > 0) c.fill(x0, base, x1, base - long(h * counts[b] / top), 0.25f);
  }
  c.line(double(kMargin), double(base), double(c.nx - kMargin), double(base), 0.0f);
  core::write_png(path, c.pixels, c.ny, c.nx, {core::Colormap::kGray, 0.0, 1.0});
}

template <class T>
void write_vector(core::Hdf5Writer& w, const std::string& path, const std::vector<T>& values,
                  const std::string& units = {}) {
  w.write_array<T>(path, values, {values.size()}, units);
}

double mean_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

std::string index_text(const analysis::VoronoiIndex& n) {
  return "<" + std::to_string(n[0]) + "," + std::to_string(n[1]) + "," + std::to_string(n[2]) +
         "," + std::to_string(n[3]) + ">";
}

void run_analyze(const RunContext& run, const AnalyzeParams& p, const std::string& model_path,
                 const std::filesystem::path& out, const std::string& json_path) {
  const std::vector<std::string> chosen = p.selected();
  const auto wants = [&](const char* name) {
    return std::find(chosen.begin(), chosen.end(), name) != chosen.end();
  };
  const core::AtomicModel model = core::read_atoms(model_path);
  analysis::check_model(model, model_path, run.execution);
  const std::size_t n = model.size();
  run.logger.info("model: " + std::to_string(n) + " atoms from " + model_path);

  nlohmann::json summary;
  nlohmann::json units;
  summary["model"] = model_path;
  summary["atoms"] = n;
  summary["analyses"] = chosen;

  core::Hdf5Writer writer(out);
  std::optional<analysis::PairDistribution> gr;
  // g(r) and the density field need a fully periodic or a finite model (the density field
  // also an orthorhombic cell); for other models they are skipped with a warning, unless
  // g(r) is needed for rc.
  const auto& pbc = model.cell().pbc;
  const int periodic_axes = int(pbc[0]) + int(pbc[1]) + int(pbc[2]);
  const core::Mat3& cell = model.cell().vectors_A;
  const bool orthorhombic =
      (cell - core::Mat3(cell.diagonal().asDiagonal())).cwiseAbs().maxCoeff() <= 1e-9;
  nlohmann::json skipped = nlohmann::json::object();
  const bool gr_possible = periodic_axes == 0 || periodic_axes == 3;
  if (!gr_possible && p.rc_A == 0.0)
    throw InputError(
        "g(r) of a partly periodic model (a film) is not supported, and rc_A = 0 "
        "asks g(r) for rc; set rc_A",
        model_path);
  if (wants("gr") && !gr_possible) {
    skipped["gr"] = "partly periodic model";
    run.logger.warn("g(r) skipped: the model is periodic along some axes only");
  }
  if (gr_possible && (wants("gr") || p.rc_A == 0.0)) {
    const auto start = Clock::now();
    analysis::PairDistributionParams gp = p.gr;
    gp.groups = p.parsed_groups();
    gr = analysis::pair_distribution(model, gp, run.execution);
    write_vector(writer, "/gr/r", gr->r_A, "Å");
    write_vector(writer, "/gr/g", gr->g);
    write_vector(writer, "/gr/window_fraction", gr->window_fraction);
    for (const auto& part : gr->partials) write_vector(writer, "/gr/partial/" + part.name, part.g);
    for (const auto& part : gr->group_partials)
      write_vector(writer, "/gr/group_partial/" + part.name, part.g);
    const bool finite = gr->normalization == analysis::ShellNormalization::kFiniteWindow;
    summary["gr"] = {{"first_peak_A", gr->first_shell.peak_A},
                     {"first_peak_g", gr->first_shell.peak_g},
                     {"first_valley_A", gr->first_shell.valley_A},
                     {"density_per_A3", gr->density_per_A3},
                     {"volume_A3", gr->volume_A3},
                     {"normalization", finite ? "finite_window" : "periodic_box"}};
    double tail = 0, count = 0;
    for (std::size_t k = 0; k < gr->r_A.size(); ++k)
      if (gr->r_A[k] >= gr->r_A.back() - 2.0) {
        tail += gr->g[k];
        count += 1;
      }
    summary["gr"]["tail_mean_g"] = tail / count;
    run.logger.info("g(r): first peak " + std::to_string(gr->first_shell.peak_A) +
                    " Å, first valley " + std::to_string(gr->first_shell.valley_A) + " Å (" +
                    seconds_since(start) + ")");
  }
  double rc = p.rc_A;
  std::string rc_source = "config rc_A";
  if (rc == 0.0) {
    rc = gr->first_shell.valley_A;
    rc_source = "first valley of g(r)";
    if (!std::isfinite(rc))
      throw InputError("g(r) has no first valley below gr.r_max_A; set rc_A", model_path);
  }
  writer.write_attribute("/", "rc", rc);
  summary["rc_A"] = rc;
  summary["rc_source"] = rc_source;

  // The first-shell neighbour list serves BOO and SRO only.
  std::optional<analysis::NeighborList> neighbors;
  if (wants("boo") || wants("sro") || wants("interface") || wants("mro")) {
    neighbors.emplace(analysis::NeighborQuery(model, analysis::NeighborParams{rc}), run.execution);
    std::vector<std::int32_t> first_shell(n);
    for (std::size_t i = 0; i < n; ++i) first_shell[i] = std::int32_t(neighbors->count(i));
    write_vector(writer, "/per_atom/cn_rc", first_shell);
    summary["cn_rc_mean"] = double(neighbors->total()) / double(n);
  }

  std::vector<std::uint8_t> crystalline;
  std::vector<double> boo_norm;
  if (wants("boo") || wants("interface") || wants("mro")) {
    const auto start = Clock::now();
    analysis::BooParams bp = p.boo;
    bp.rc_A = rc;
    bp.degrees.clear();
    for (double l : p.boo_degrees) bp.degrees.push_back(int(l));
    const analysis::BooResult boo =
        analysis::bond_orientational_order(model, *neighbors, bp, run.execution);
    for (std::size_t d = 0; d < boo.degrees.size(); ++d) {
      const std::string l = std::to_string(boo.degrees[d]);
      write_vector(writer, "/per_atom/Q" + l + "bar", boo.qbar[d]);
      write_vector(writer, "/per_atom/Q" + l, boo.q[d]);
      summary["Q" + l + "bar_mean"] = mean_of(boo.qbar[d]);
    }
    if (!boo.boo_norm.empty()) {
      write_vector(writer, "/per_atom/boo_norm", boo.boo_norm);
      write_vector(writer, "/per_atom/crystalline", boo.crystalline);
      crystalline = boo.crystalline;
      boo_norm = boo.boo_norm;
      summary["crystalline_fraction"] = boo.crystalline_fraction;
    }
    run.logger.info("BOO: crystalline fraction " + std::to_string(boo.crystalline_fraction) + " (" +
                    seconds_since(start) + ")");
  }

  std::optional<analysis::VoronoiResult> voronoi;
  if (wants("voronoi") || wants("density")) {
    const auto start = Clock::now();
    voronoi = analysis::voronoi_analysis(model, p.voronoi, run.execution);
    std::vector<std::int32_t> index(4 * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < 4; ++k) index[4 * i + k] = voronoi->index[i][k];
    writer.write_array<std::int32_t>("/per_atom/voronoi_index", index, {n, 4});
    write_vector(writer, "/per_atom/cn", voronoi->cn);
    write_vector(writer, "/per_atom/voronoi_volume", voronoi->volume_A3, "Å^3");
    write_vector(writer, "/per_atom/surface", voronoi->surface);
    nlohmann::json top = nlohmann::json::array();
    for (std::size_t k = 0; k < std::min<std::size_t>(10, voronoi->populations.size()); ++k)
      top.push_back({{"index", voronoi->populations[k].index},
                     {"fraction", voronoi->populations[k].fraction}});
    summary["voronoi_top"] = top;
    summary["cn_mean"] = voronoi->cn_mean;
    summary["five_edged_face_fraction"] = voronoi->five_edged_face_fraction;
    summary["distorted_icosahedra_fraction"] = voronoi->distorted_icosahedra_fraction;
    summary["voronoi_interior_cells"] = voronoi->interior_cells;
    summary["voronoi_surface_cells"] = n - voronoi->interior_cells;
    summary["voronoi_strict_interior_cells"] = voronoi->strict_interior_cells;
    summary["cn_mean_strict_interior"] = voronoi->cn_mean_strict_interior;
    write_vector(writer, "/per_atom/near_surface", voronoi->near_surface);
    summary["voronoi_surface_handling"] =
        "cells touching the clipping walls (finite axes) are flagged in /per_atom/surface and "
        "excluded from the statistics; bounded cells next to them are flagged in "
        "/per_atom/near_surface and cn_mean_strict_interior leaves them out too";
    run.logger.info("Voronoi: most frequent " +
                    (voronoi->populations.empty() ? std::string("-")
                                                  : index_text(voronoi->populations[0].index)) +
                    ", CN " + std::to_string(voronoi->cn_mean) + " (" + seconds_since(start) + ")");
  }

  if (wants("sro")) {
    analysis::ShortRangeOrderParams sp;
    sp.rc_A = rc;
    const auto groups = p.parsed_groups();
    if (groups.size() == 2) sp.pseudo_binary = groups;
    const analysis::ShortRangeOrder sro = analysis::short_range_order(model, *neighbors, sp);
    const std::size_t ns = sro.species.size();
    nlohmann::json wc, cn;
    for (std::size_t a = 0; a < ns; ++a)
      for (std::size_t b = 0; b < ns; ++b) {
        const std::string name = std::string(core::element(sro.species[a]).symbol) + "-" +
                                 std::string(core::element(sro.species[b]).symbol);
        wc[name] = sro.warren_cowley[a * ns + b];
        cn[name] = sro.coordination[a * ns + b];
      }
    summary["sro"] = {{"warren_cowley_alpha", wc}, {"coordination", cn}};
    writer.write_array<double>("/sro/warren_cowley", sro.warren_cowley, {ns, ns});
    writer.write_array<double>("/sro/coordination", sro.coordination, {ns, ns});
    std::vector<std::int32_t> species(sro.species.begin(), sro.species.end());
    write_vector(writer, "/sro/Z", species);
    if (sro.pseudo_binary) {
      const auto& pb = *sro.pseudo_binary;
      summary["sro"]["pseudo_binary"] = {{"A", pb.a_name},
                                         {"X", pb.x_name},
                                         {"c_A", pb.c_a},
                                         {"P_XX", pb.p_xx},
                                         {"P_AX", pb.p_ax},
                                         {"P_AA", pb.p_aa},
                                         {"alpha_seed002", pb.alpha_seed002},
                                         {"alpha_warren_cowley", pb.alpha_warren_cowley}};
    }
  }
  const bool density_possible = periodic_axes == 0 || (periodic_axes == 3 && orthorhombic);
  if (wants("density") && !density_possible) {
    skipped["density"] = "needs a finite model or an orthorhombic periodic cell";
    run.logger.warn(
        "mass-density field skipped: it needs a finite model or an orthorhombic "
        "periodic cell");
  }
  if (wants("density") && density_possible) {
    const auto start = Clock::now();
    analysis::DensityFieldParams dp = p.density;
    if (dp.sigma_A == 0.0) dp.sigma_A = rc;
    core::FftPlanCache ffts;
    const core::Volume field = analysis::mass_density_field(
        model, voronoi->volume_A3, voronoi->surface, dp, ffts, run.execution);
    writer.write_emd<3>("mass_density", field, {{{"z", "Å", {}}, {"y", "Å", {}}, {"x", "Å", {}}}});
    double sum = 0;
    for (float v : field.values()) sum += v;
    summary["mass_density_mean_g_per_cm3"] = sum / double(field.values().size());
    summary["mass_density_sigma_A"] = dp.sigma_A;
    run.logger.info("mass density field: " + std::to_string(field.extent(0)) + "×" +
                    std::to_string(field.extent(1)) + "×" + std::to_string(field.extent(2)) +
                    " samples (" + seconds_since(start) + ")");
  }

  if (wants("interface") && !crystalline.empty()) {
    analysis::InterfaceParams ip = p.interface_fit;
    if (ip.link_A == 0.0) ip.link_A = rc;
    const analysis::InterfaceResult in =
        analysis::crystal_interface(model, boo_norm, crystalline, ip, run.execution);
    write_vector(writer, "/per_atom/interface_distance", in.signed_distance_A, "Å");
    write_vector(writer, "/interface/x", in.profile_x_A, "Å");
    write_vector(writer, "/interface/boo_norm", in.profile_boo);
    std::vector<std::int32_t> counts(in.profile_count.begin(), in.profile_count.end());
    write_vector(writer, "/interface/count", counts);
    summary["interface"] = {{"nuclei", in.nuclei},
                            {"largest_nucleus_atoms", in.nuclei ? in.nucleus_atoms[0] : 0},
                            {"fitted_atoms", in.fit.points},
                            {"d_c_A", in.fit.d_c_A},
                            {"a", in.fit.a},
                            {"b", in.fit.b},
                            {"rms", in.fit.rms},
                            {"d_c_at_search_bound", in.fit.at_bound}};
  }

  if (wants("mro")) {
    const auto start = Clock::now();
    const analysis::MroResult mro =
        analysis::medium_range_order(model, boo_norm, p.mro_params(), run.execution);
    std::vector<std::int32_t> size, kind;
    std::vector<double> lattice, rms;
    std::map<std::string, std::size_t> per_template;
    for (const auto& net : mro.networks) {
      size.push_back(std::int32_t(net.atoms.size()));
      kind.push_back(std::int32_t(net.kind));
      lattice.push_back(net.lattice_A);
      rms.push_back(net.rms_A);
      ++per_template[analysis::to_string(net.kind)];
    }
    write_vector(writer, "/mro/size", size);
    write_vector(writer, "/mro/template", kind);
    write_vector(writer, "/mro/lattice", lattice, "Å");
    write_vector(writer, "/mro/rms", rms, "Å");
    summary["mro"] = {
        {"solute_atoms", mro.solute_atoms},
        {"seeds", mro.seeds},
        {"networks", mro.networks.size()},
        {"per_template", per_template},
        {"largest", mro.networks.empty() ? 0 : mro.networks[0].atoms.size()},
        {"largest_template", mro.networks.empty() ? "" : analysis::to_string(mro.networks[0].kind)},
        {"template_codes", "0 fcc, 1 hcp, 2 bcc, 3 sc, 4 ico"}};
    run.logger.info("MRO: " + std::to_string(mro.networks.size()) + " networks (" +
                    seconds_since(start) + ")");
  }

  std::optional<analysis::PolytetrahedralResult> motifs;
  std::optional<analysis::PbnResult> pbn;
  if (wants("motifs") || wants("pbn")) {
    const auto start = Clock::now();
    analysis::PolytetrahedralParams mp = p.motifs;
    mp.rc_A = rc;
    mp.wall_margin_A = p.voronoi.wall_margin_A;
    motifs = analysis::polytetrahedral_analysis(model, crystalline, mp, run.execution);
    const std::size_t nd = motifs->delta.size();
    std::vector<double> fraction;
    for (const auto& f : motifs->fraction) fraction.insert(fraction.end(), f.begin(), f.end());
    std::vector<double> passing(motifs->passing.begin(), motifs->passing.end());
    write_vector(writer, "/motifs/delta", motifs->delta);
    writer.write_array<double>("/motifs/fraction", fraction, {nd, 4});
    write_vector(writer, "/motifs/passing_tetrahedra", passing);
    write_vector(writer, "/motifs/atoms_in_tetrahedra", motifs->atoms_in_tetrahedra);
    // The motifs at delta_analysis: fold and the two capping atoms.
    std::vector<std::int32_t> list;
    for (const auto& m : motifs->motifs)
      list.insert(list.end(), {m.fold, std::int32_t(m.cap_a), std::int32_t(m.cap_b)});
    writer.write_array<std::int32_t>("/motifs/list", list, {motifs->motifs.size(), 3});
    // Skeletons (seed 001 Fig. 2a): the tetrahedra centroids of motif k are rows
    // skeleton_offsets[k] … skeleton_offsets[k + 1] − 1, placed at cap A's position plus their
    // unwrapped offset so that no polygon is split by a periodic boundary.
    std::vector<double> vertices;
    std::vector<std::int32_t> offsets{0};
    for (const auto& m : motifs->motifs) {
      const core::Vec3& cap = model.positions_A()[m.cap_a];
      for (const core::Vec3& c : m.skeleton_A)
        for (int a = 0; a < 3; ++a) vertices.push_back(cap[a] + c[a]);
      offsets.push_back(std::int32_t(vertices.size() / 3));
    }
    writer.write_array<double>("/motifs/skeleton_vertices", vertices, {vertices.size() / 3, 3},
                               "Å");
    write_vector(writer, "/motifs/skeleton_offsets", offsets);
    const auto& f = motifs->analysis_fraction;
    summary["motif_delta"] = mp.delta_analysis;
    summary["motif_fraction"] = {{"3", f[0]}, {"4", f[1]}, {"5", f[2]}, {"6", f[3]}};
    summary["tetrahedra"] = motifs->tetrahedra.size();
    summary["atoms_in_tetrahedra_fraction"] = motifs->analysis_atoms_in_tetrahedra;
    summary["motifs_uses_crystal_labels"] = !crystalline.empty();
    run.logger.info("motifs: " + std::to_string(motifs->tetrahedra.size()) +
                    " tetrahedra, 5-fold fraction " + std::to_string(f[2]) + " at δ ≤ " +
                    std::to_string(mp.delta_analysis) + " (" + seconds_since(start) + ")");
  }
  if (wants("pbn")) {
    pbn = analysis::pbn_analysis(*motifs, p.pbn);
    std::vector<std::int32_t> size, atoms;
    std::vector<double> length;
    for (const auto& net : pbn->networks) {
      size.push_back(std::int32_t(net.pbs));
      atoms.push_back(std::int32_t(net.atoms));
      length.push_back(net.length_A);
    }
    write_vector(writer, "/pbn/size", size);
    write_vector(writer, "/pbn/atoms", atoms);
    write_vector(writer, "/pbn/length", length, "Å");
    write_vector(writer, "/pbn/dihedral_deg", pbn->dihedral_deg, "deg");
    write_vector(writer, "/pbn/alpha_over_gamma", pbn->alpha_over_gamma);
    write_vector(writer, "/pbn/beta_over_gamma", pbn->beta_over_gamma);
    write_vector(writer, "/pbn/theta_deg", pbn->theta_deg, "deg");
    write_vector(writer, "/pbn/vertex_sharing", pbn->vertex_sharing);
    write_vector(writer, "/pbn/edge_sharing", pbn->edge_sharing);
    std::vector<std::int32_t> centre(pbn->centre_atom.begin(), pbn->centre_atom.end());
    std::vector<std::int32_t> histogram(pbn->connected_histogram.begin(),
                                        pbn->connected_histogram.end());
    write_vector(writer, "/pbn/centre_atom", centre);
    write_vector(writer, "/pbn/centre_pbs", pbn->centre_pbs);
    write_vector(writer, "/pbn/centre_connected_pbs", pbn->centre_connected_pbs);
    write_vector(writer, "/pbn/connected_histogram", histogram);
    summary["pbn"] = {
        {"fold", p.pbn.fold},
        {"bipyramids", pbn->pentagonal_bipyramids},
        {"count", pbn->networks.size()},
        {"largest", pbn->networks.empty() ? 0 : pbn->networks.front().pbs},
        {"largest_length_A", pbn->networks.empty() ? 0.0 : pbn->networks.front().length_A},
        {"fraction_sharing_no_vertex", pbn->fraction_sharing_no_vertex},
        {"fraction_with_edge_sharing", pbn->fraction_with_edge_sharing},
        {"dihedral_mean_deg", mean_of(pbn->dihedral_deg)},
        {"alpha_over_gamma_mean", mean_of(pbn->alpha_over_gamma)},
        {"beta_over_gamma_mean", mean_of(pbn->beta_over_gamma)},
        {"theta_mean_deg", mean_of(pbn->theta_deg)},
        {"full_icosahedra", pbn->full_icosahedra},
        {"partial_icosahedra", pbn->partial_icosahedra},
        {"partial_icosahedra_min_pbs", p.pbn.partial_min_pbs}};
    // The same network analysis for all three closed bipyramids in one run, so that their
    // networks can be compared (seed 001: PBNs are more abundant and larger than the networks
    // of quadrilateral and hexagonal bipyramids).
    nlohmann::json by_fold;
    for (int fold : {4, 5, 6}) {
      analysis::PbnParams q = p.pbn;
      q.fold = fold;
      const analysis::PbnResult r = fold == p.pbn.fold ? *pbn : analysis::pbn_analysis(*motifs, q);
      std::vector<std::int32_t> fold_size, fold_atoms;
      std::vector<double> fold_length;
      for (const auto& net : r.networks) {
        fold_size.push_back(std::int32_t(net.pbs));
        fold_atoms.push_back(std::int32_t(net.atoms));
        fold_length.push_back(net.length_A);
      }
      const std::string group = "/bipyramid_networks/" + std::to_string(fold);
      write_vector(writer, group + "/size", fold_size);
      write_vector(writer, group + "/atoms", fold_atoms);
      write_vector(writer, group + "/length", fold_length, "Å");
      by_fold[std::to_string(fold)] = {
          {"bipyramids", r.pentagonal_bipyramids},
          {"count", r.networks.size()},
          {"largest", r.networks.empty() ? 0 : r.networks.front().pbs},
          {"largest_length_A", r.networks.empty() ? 0.0 : r.networks.front().length_A},
          {"fraction_with_edge_sharing", r.fraction_with_edge_sharing}};
    }
    summary["bipyramid_networks"] = by_fold;
  }
  if (!skipped.empty()) summary["skipped"] = skipped;
  writer.write_provenance(run.provenance(p.params_toml()));
  writer.commit();

  if (p.plots == PlotOutput::kPng) {
    const std::filesystem::path stem = out.parent_path() / out.stem();
    if (gr) plot_gr(stem.string() + "_gr.png", *gr);
    if (voronoi) plot_voronoi(stem.string() + "_voronoi.png", *voronoi);
    if (motifs && !motifs->delta.empty()) plot_motifs(stem.string() + "_motifs.png", *motifs);
    if (pbn) plot_pbn(stem.string() + "_pbn.png", *pbn);
  }
  if (!json_path.empty()) {
    units = {{"rc_A", "Å"},
             {"cn_mean", "neighbours (Voronoi faces, interior cells)"},
             {"cn_rc_mean", "neighbours within rc"},
             {"gr.first_peak_A", "Å"},
             {"gr.density_per_A3", "atoms/Å^3"},
             {"gr.volume_A3", "Å^3"},
             {"fractions", "1 (0 to 1)"},
             {"motif_fraction", "tetrahedra in n-fold motifs / passing tetrahedra at motif_delta"},
             {"pbn.largest", "PBs"},
             {"pbn.largest_length_A", "Å"},
             {"bipyramid_networks",
              "per fold (4, 5, 6): bipyramids, networks of ≥ pbn.min_network_size, largest "
              "(bipyramids), largest_length_A (Å)"},
             {"pbn.full_icosahedra", "centres with 12 edge-connected PBs"},
             {"pbn.partial_icosahedra",
              "centres with partial_icosahedra_min_pbs … 11 edge-connected PBs"},
             {"interface.d_c_A", "Å (fit of a e^(-x/d_c) + b to normalised BOO vs distance)"},
             {"sro.warren_cowley_alpha", "1 (Warren–Cowley α_ab = 1 − P(b|a)/c_b)"}};
    summary["units"] = units;
    core::write_stream_atomically(json_path,
                                  [&](std::ostream& o) { o << summary.dump(2) << "\n"; });
  }
  run.logger.info("wrote " + out.string() + (json_path.empty() ? "" : " and " + json_path));
}

}  // namespace

void add_analyze_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "structure analysis of an atomic model: g(r), BOO, Voronoi, chemical SRO, polytetrahedral "
      "motifs, PB networks");
  auto model = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto json = std::make_shared<std::string>();
  auto config = std::make_shared<ConfigOptions>();
  cmd->add_option("--model", *model, "atomic model (.xyz, .data, .h5)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", *out, "analysis results (HDF5)")->required();
  cmd->add_option("--json", *json, "summary of the headline numbers (JSON)");
  config->add_to(*cmd);
  cmd->callback([&global, model, out, json, config] {
    const RunContext run(global);
    AnalyzeParams p;
    p.params().load(config->load());
    p.validate();
    run_analyze(run, p, *model, *out, *json);
  });
}

}  // namespace vitrum::app
