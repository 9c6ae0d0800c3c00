// `vitrum demo --out DIR`: see demo.hpp.

#include <cmath>
#include <complex>
#include <filesystem>
#include <functional>
#include <numbers>
#include <numeric>
#include <sstream>

#include "cli.hpp"
#include "demo.hpp"
#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/fft.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/io_mrc.hpp"
#include "vitrum/core/io_png.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/core/scorecard.hpp"
#include "vitrum/core/units.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/forward/stem.hpp"

namespace vitrum::app {

core::ParamSet DemoParams::params() {
  core::ParamSet p;
  p.add("particle.element", element, "", "element of the fcc particle")
      .add("particle.lattice_A", lattice_A, "Å", "fcc lattice constant")
      .add("particle.radius_A", radius_A, "Å", "particle radius")
      .add("particle.thermal_rms_A", thermal_rms_A, "Å", "rms thermal displacement per axis")
      .add("particle.surface_shell_A", surface_shell_A, "Å",
           "atoms within this depth of the surface are labelled 1 (surface)")
      .add("projection.pixel_A", pixel_A, "Å", "pixel size of the projections")
      .add("projection.atom_sigma_A", atom_sigma_A, "Å", "Gaussian width of one atom's image")
      .add("projection.z_exponent", z_exponent, "", "intensity per atom ∝ Z^n")
      .add("tilt.min_deg", tilt_min_deg, "deg", "first tilt angle (about y)")
      .add("tilt.max_deg", tilt_max_deg, "deg", "last tilt angle")
      .add("tilt.step_deg", tilt_step_deg, "deg", "tilt increment")
      .add("beam.energy_keV", energy_keV, "keV", "beam energy");
  return p;
}

using core::format_number;
using core::require;

void DemoParams::validate() const {
  core::element(element);
  require(lattice_A >= 2.0 && lattice_A <= 8.0, "particle.lattice_A", lattice_A, "2 to 8 Å");
  require(radius_A > 0.0 && radius_A <= 60.0, "particle.radius_A", radius_A, "(0, 60] Å");
  require(thermal_rms_A >= 0.0 && thermal_rms_A <= 0.5, "particle.thermal_rms_A", thermal_rms_A,
          "0 to 0.5 Å");
  require(surface_shell_A >= 0.0, "particle.surface_shell_A", surface_shell_A, "≥ 0 Å");
  require(pixel_A >= 0.05 && pixel_A <= 2.0, "projection.pixel_A", pixel_A, "0.05 to 2 Å");
  require(atom_sigma_A > 0.0 && atom_sigma_A <= 5.0, "projection.atom_sigma_A", atom_sigma_A,
          "(0, 5] Å");
  require(z_exponent >= 0.0 && z_exponent <= 3.0, "projection.z_exponent", z_exponent, "0 to 3");
  require(tilt_min_deg >= -90.0 && tilt_max_deg <= 90.0 && tilt_min_deg <= tilt_max_deg,
          "tilt.min_deg", tilt_min_deg, "−90 ≤ tilt.min_deg ≤ tilt.max_deg ≤ 90");
  require(tilt_step_deg > 0.0, "tilt.step_deg", tilt_step_deg, "> 0 deg");
  require(energy_keV > 0.0 && energy_keV <= 1000.0, "beam.energy_keV", energy_keV, "(0, 1000] keV");
}

std::string demo_defaults_toml() { return DemoParams().params().to_toml(); }

namespace {

/// An fcc sphere centred at the origin: lattice sites within radius_A, each displaced by a
/// Gaussian of rms thermal_rms_A per axis drawn from the stream of that site (so the model
/// is the same for any thread count). Atoms within surface_shell_A of the surface get label 1.
core::AtomicModel fcc_particle(const DemoParams& p, std::uint64_t seed) {
  const int Z = core::element(p.element).Z;
  const double box_A = 2.0 * p.radius_A + 10.0;
  core::AtomicModel model(core::Cell::orthorhombic(box_A, box_A, box_A, {false, false, false}));
  model.enable_labels(0);
  const int n = static_cast<int>(std::ceil(p.radius_A / p.lattice_A)) + 1;
  const core::Vec3 basis[4] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  std::uint64_t site = 0;
  for (int i = -n; i <= n; ++i)
    for (int j = -n; j <= n; ++j)
      for (int k = -n; k <= n; ++k)
        for (const core::Vec3& b : basis) {
          const core::Vec3 r = (core::Vec3(i, j, k) + b) * p.lattice_A;
          core::RngStream rng(seed, "demo.thermal", site++);
          if (r.norm() > p.radius_A) continue;
          const core::Vec3 u(rng.normal(), rng.normal(), rng.normal());
          const bool surface = r.norm() > p.radius_A - p.surface_shell_A;
          model.add_atom(r + p.thermal_rms_A * u + core::Vec3::Constant(box_A / 2), Z,
                         surface ? 1 : 0);
        }
  return model;
}

/// Adds `weight` at `point` (in samples) to the grid by linear interpolation weights over
/// the 2^Rank nearest samples (cloud-in-cell). Points outside the grid are dropped.
template <std::size_t Rank>
void splat(core::AlignedVector<std::complex<float>>& grid,
           const std::array<std::size_t, Rank>& shape, const std::array<double, Rank>& point,
           double weight) {
  std::array<std::size_t, Rank> base{};
  std::array<double, Rank> frac{};
  for (std::size_t a = 0; a < Rank; ++a) {
    const double f = std::floor(point[a]);
    if (f < 0 || f + 1 >= static_cast<double>(shape[a])) return;
    base[a] = static_cast<std::size_t>(f);
    frac[a] = point[a] - f;
  }
  for (unsigned corner = 0; corner < (1u << Rank); ++corner) {
    double w = weight;
    std::size_t index = 0;
    for (std::size_t a = 0; a < Rank; ++a) {
      const bool upper = (corner >> a) & 1u;
      w *= upper ? frac[a] : 1.0 - frac[a];
      index = index * shape[a] + base[a] + (upper ? 1 : 0);
    }
    grid[index] += static_cast<float>(w);
  }
}

/// Convolves a real grid (stored complex) with a normalised Gaussian of width sigma_A,
/// in Fourier space: G(q) = exp(−2π² σ² |q|²), q = 1/d on the FFT frequency grid. The
/// transfer function is 1 at q = 0, so the integral of the grid is preserved exactly.
template <std::size_t Rank>
void gaussian_blur(core::FftPlanCache& ffts, core::AlignedVector<std::complex<float>>& grid,
                   const std::array<std::size_t, Rank>& shape, double sampling_A, double sigma_A) {
  const auto plan = ffts.plan_float(shape);
  plan->forward(grid);
  const double scale = 1.0 / static_cast<double>(plan->size());
  for (std::size_t i = 0; i < grid.size(); ++i) {
    double q2 = 0;
    for (std::size_t a = 0, rest = i, stride = plan->size(); a < Rank; ++a) {
      stride /= shape[a];
      const auto k = static_cast<double>(rest / stride);
      rest %= stride;
      const double n = static_cast<double>(shape[a]);
      const double q = (k < n / 2 ? k : k - n) / (n * sampling_A);
      q2 += q * q;
    }
    grid[i] *= static_cast<float>(
        scale * std::exp(-2.0 * std::numbers::pi * std::numbers::pi * sigma_A * sigma_A * q2));
  }
  plan->inverse(grid);
}

/// The forward module's linear model at the demo's settings: each atom a 2D Gaussian of width
/// atom_sigma_A and integral Z^z_exponent (cross-section 1 Å², so a projection's pixel sum
/// times the pixel area is ΣZⁿ), noiseless, single-axis tilts about y.
forward::StemParams linear_projection_params(const DemoParams& p) {
  forward::StemParams s;
  s.model = forward::ForwardModel::kLinear;
  s.beam.energy_keV = p.energy_keV;
  s.linear.z_exponent = p.z_exponent;
  s.linear.width_A = p.atom_sigma_A;
  s.linear.cross_section_A2 = 1.0;
  s.scan.step_A = p.pixel_A;
  s.scan.margin_A = 5.0;
  s.tilt.min_deg = p.tilt_min_deg;
  s.tilt.count =
      static_cast<int>(std::floor((p.tilt_max_deg - p.tilt_min_deg) / p.tilt_step_deg + 1e-9)) + 1;
  s.tilt.max_deg = p.tilt_min_deg + (s.tilt.count - 1) * p.tilt_step_deg;
  return s;
}

/// Number density of atoms (atoms/Å³) on a cubic grid: each atom a 3D Gaussian of width
/// atom_sigma_A and unit integral.
core::Volume density(core::FftPlanCache& ffts, const core::AtomicModel& particle,
                     const DemoParams& p, std::size_t n) {
  const std::array<std::size_t, 3> shape{n, n, n};
  core::AlignedVector<std::complex<float>> grid(n * n * n);
  for (const core::Vec3& r : particle.positions_A())
    splat<3>(grid, shape, {r.z() / p.pixel_A, r.y() / p.pixel_A, r.x() / p.pixel_A}, 1.0);
  gaussian_blur<3>(ffts, grid, shape, p.pixel_A, p.atom_sigma_A);
  core::Volume volume({n, n, n}, {p.pixel_A, p.pixel_A, p.pixel_A});
  const double voxel_A3 = std::pow(p.pixel_A, 3);
  for (std::size_t i = 0; i < grid.size(); ++i)
    volume.values()[i] = static_cast<float>(grid[i].real() / voxel_A3);
  return volume;
}

double sum_of(const std::vector<float>& values) {
  double s = 0;
  for (float v : values) s += v;
  return s;
}

/// Writes one HDF5 file: `fill` adds the data, then provenance, then the atomic rename.
void write_hdf5(const std::filesystem::path& path, const core::Provenance& provenance,
                const std::function<void(core::Hdf5Writer&)>& fill) {
  core::Hdf5Writer writer(path);
  fill(writer);
  writer.write_provenance(provenance);
  writer.commit();
}

void run_demo(const RunContext& run, const DemoParams& p, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto provenance = run.provenance(p.params_toml());

  const core::AtomicModel particle = fcc_particle(p, run.global.seed);
  run.logger.info("particle: " + std::to_string(particle.size()) + " " + p.element +
                  " atoms, radius " + format_number(p.radius_A) + " Å");
  for (const char* name : {"particle.xyz", "particle.data", "particle.h5"})
    core::write_atoms(dir / name, particle, provenance);

  core::FftPlanCache ffts;
  const forward::StemResult projections = forward::simulate_tilt_series(
      particle, linear_projection_params(p), run.global.seed, run.execution, run.logger, ffts);
  const core::TiltSeries& series = projections.adf;
  const std::size_t n = series.images.extent(1);
  std::vector<double> integrals;
  for (std::size_t t = 0; t < series.tilt_count(); ++t)
    integrals.push_back(std::accumulate(series.images.data() + t * n * n,
                                        series.images.data() + (t + 1) * n * n, 0.0) *
                        p.pixel_A * p.pixel_A);
  write_hdf5(dir / "tilts.h5", provenance,
             [&](core::Hdf5Writer& w) { core::write_tilt_series(w, series); });

  const core::Image image0 = series.image(series.untilted_index());
  write_hdf5(dir / "projection.h5", provenance, [&](core::Hdf5Writer& w) {
    w.write_emd<2>("projection", image0, {{{"y", "Å", {}}, {"x", "Å", {}}}});
  });
  core::write_png(dir / "projection_0deg.png", image0, {core::Colormap::kViridis});

  const auto box = static_cast<std::size_t>(std::ceil(particle.cell().vectors_A(0, 0) / p.pixel_A));
  const core::Volume volume = density(ffts, particle, p, box);
  write_hdf5(dir / "density.h5", provenance,
             [&](core::Hdf5Writer& w) { core::write_volume(w, volume); });
  core::write_mrc(dir / "density.mrc", volume, provenance);

  // Self-consistency: every projection carries the same total intensity ΣZⁿ (the blur
  // preserves the integral, rotation keeps every atom inside the field), and the volume
  // integrates to the number of atoms.
  double expected = 0;
  for (std::uint8_t z : particle.Z()) expected += std::pow(static_cast<double>(z), p.z_exponent);
  double worst = 0;
  for (double integral : integrals) worst = std::max(worst, std::abs(integral / expected - 1.0));
  const auto atoms = static_cast<double>(particle.size());
  const double atoms_in_volume = sum_of(volume.values()) * std::pow(p.pixel_A, 3);
  double surface = 0;
  for (std::int32_t label : particle.labels()) surface += label == 1 ? 1.0 : 0.0;

  core::Scorecard card;
  card.chain = "demo: fcc particle → linear projection tilt series";
  card.inputs = {{"particle", "particle.h5"}, {"tilt_series", "tilts.h5"}};
  card.metrics = {{"atoms", atoms},
                  {"surface_fraction", surface / atoms},
                  {"tilts", static_cast<double>(series.tilt_count())},
                  {"projection_integral_max_rel_error", worst},
                  {"volume_atom_count_rel_error", atoms_in_volume / atoms - 1.0},
                  {"wavelength_A", core::electron_wavelength_A(p.energy_keV)}};
  card.units = {{"atoms", "1"},
                {"surface_fraction", "1"},
                {"tilts", "1"},
                {"projection_integral_max_rel_error", "1"},
                {"volume_atom_count_rel_error", "1"},
                {"wavelength_A", "Å"}};
  card.provenance = provenance;
  core::write_scorecard(dir / "scorecard.json", card);
  run.logger.info("wrote " + std::to_string(series.tilt_count()) + " projections of " +
                  std::to_string(n) + "² pixels; worst projection integral error " +
                  format_number(worst) + "; outputs in " + dir.string());
}

}  // namespace

void add_demo_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* demo = app.add_subcommand("demo", "run a small end-to-end example in seconds");
  auto out = std::make_shared<std::string>("demo_out");
  auto config = std::make_shared<ConfigOptions>();
  demo->add_option("--out", *out, "output folder")->capture_default_str();
  config->add_to(*demo);
  demo->callback([&global, out, config] {
    const RunContext run(global);
    DemoParams p;
    p.params().load(config->load());
    p.validate();
    run_demo(run, p, *out);
  });
}

}  // namespace vitrum::app
