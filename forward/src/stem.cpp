#include "vitrum/forward/stem.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/core/units.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::forward {

void TiltParams::validate() const {
  if (euler_deg.size() % 3 != 0)
    throw InputError("tilt.euler_deg must hold (φ, θ, ψ) triplets; got " +
                     std::to_string(euler_deg.size()) + " numbers");
  for (double a : euler_deg) core::require(std::isfinite(a), "tilt.euler_deg", a, "finite angles");
  for (double a : angles_deg)
    core::require(std::isfinite(a) && std::abs(a) <= 90.0, "tilt.angles_deg", a, "−90 to 90 deg");
  if (euler_deg.empty() && angles_deg.empty()) {
    core::require(count >= 1 && count <= 10000, "tilt.count", count, "1 to 10000");
    core::require(step_deg >= 0.0 && (step_deg == 0.0 || (max_deg - min_deg) / step_deg < 10000),
                  "tilt.step_deg", step_deg, "0 (use tilt.count) or > 0 with at most 10000 tilts");
    core::require(min_deg >= -90.0 && max_deg <= 90.0 && min_deg <= max_deg, "tilt.min_deg",
                  min_deg, "−90 ≤ tilt.min_deg ≤ tilt.max_deg ≤ 90");
  }
}

std::vector<std::array<double, 3>> TiltParams::orientations_deg() const {
  std::vector<std::array<double, 3>> out;
  if (!euler_deg.empty()) {
    for (std::size_t i = 0; i + 2 < euler_deg.size(); i += 3)
      out.push_back({euler_deg[i], euler_deg[i + 1], euler_deg[i + 2]});
  } else if (!angles_deg.empty()) {
    for (double a : angles_deg) out.push_back({0.0, a, 0.0});
  } else if (step_deg > 0.0) {
    const auto steps = static_cast<int>(std::floor((max_deg - min_deg) / step_deg + 1e-9));
    for (int i = 0; i <= steps; ++i) out.push_back({0.0, min_deg + i * step_deg, 0.0});
  } else {
    for (int i = 0; i < count; ++i)
      out.push_back(
          {0.0, count == 1 ? min_deg : min_deg + (max_deg - min_deg) * i / (count - 1), 0.0});
  }
  return out;
}

void ScanParams::validate() const {
  core::require(step_A >= 0.01 && step_A <= 5.0, "scan.step_A", step_A, "0.01 to 5 Å");
  core::require(margin_A >= 0.0 && margin_A <= 100.0, "scan.margin_A", margin_A, "0 to 100 Å");
}

void PhononParams::validate() const {
  core::require(configurations >= 1 && configurations <= 1000, "phonons.configurations",
                configurations, "1 to 1000");
  core::require(u2_A2 >= 0.0 && u2_A2 <= 1.0, "phonons.u2_A2", u2_A2, "0 to 1 Å²");
  for (int z = 1; z <= 103; ++z) (void)u2_for(z);  // parses the overrides
}

double PhononParams::u2_for(int Z) const {
  std::istringstream in(u2_by_element);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto colon = item.find(':');
    const auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    if (colon == std::string::npos || trim(item).empty())
      throw InputError("phonons.u2_by_element: '" + trim(item) +
                       "' is not 'Symbol:u2' (e.g. 'Ta:0.0093')");
    const int z = core::element(trim(item.substr(0, colon))).Z;
    double value = 0;
    try {
      value = std::stod(item.substr(colon + 1));
    } catch (const std::exception&) {
      throw InputError("phonons.u2_by_element: '" + trim(item) + "' has no number after ':'");
    }
    core::require(value >= 0.0 && value <= 1.0, "phonons.u2_by_element", value, "0 to 1 Å²");
    if (z == Z) return value;
  }
  return u2_A2;
}

void StemParams::validate() const {
  beam.validate();
  slices.validate();
  multislice.validate();
  linear.validate();
  tilt.validate();
  scan.validate();
  phonons.validate();
  acquisition.validate();
  core::require(sampling_A == 0.0 || (sampling_A >= 0.005 && sampling_A <= 1.0), "sampling_A",
                sampling_A, "0 (automatic) or 0.005 to 1 Å");
  core::require(adf.inner_mrad >= 0.0 && adf.outer_mrad > adf.inner_mrad, "detector.adf_outer_mrad",
                adf.outer_mrad, "> detector.adf_inner_mrad ≥ 0");
  for (double d : depths_A)
    core::require(d > 0.0 && std::isfinite(d), "detector.depths_A", d, "thicknesses > 0 Å");
  core::require(bf_outer_mrad >= 0.0, "detector.bf_outer_mrad", bf_outer_mrad, "≥ 0 (0: none)");
  if (model == ForwardModel::kMultislice) {
    const double limit = max_represented_angle_mrad(resolved_sampling_A(), beam.energy_keV);
    if (adf.outer_mrad > limit * (1 + 1e-9))
      throw InputError("detector.adf_outer_mrad = " + core::format_number(adf.outer_mrad) +
                       " mrad exceeds the " + core::format_number(std::floor(limit * 10) / 10) +
                       " mrad that sampling_A = " + core::format_number(resolved_sampling_A()) +
                       " Å represents at " + core::format_number(beam.energy_keV) +
                       " keV (λ/(3·sampling)); lower sampling_A or set it to 0 (automatic)");
  }
}

double StemParams::resolved_sampling_A() const {
  if (sampling_A > 0.0) return sampling_A;
  return core::electron_wavelength_A(beam.energy_keV) / (3.0 * adf.outer_mrad * 1e-3);
}

core::ParamSet StemParams::params() {
  core::ParamSet p;
  p.add_choice("model", model,
               {{"multislice", ForwardModel::kMultislice}, {"linear", ForwardModel::kLinear}},
               "forward model")
      .add("beam.energy_keV", beam.energy_keV, "keV", "beam energy")
      .add("beam.convergence_semiangle_mrad", beam.convergence_semiangle_mrad, "mrad",
           "probe convergence semi-angle α")
      .add("beam.defocus_A", beam.defocus_A, "Å", "defocus Δf = −C1,0 (positive: underfocus)")
      .add("beam.cs_mm", beam.cs_mm, "mm", "spherical aberration C3,0")
      .add("beam.c5_mm", beam.c5_mm, "mm", "fifth-order spherical aberration C5,0")
      .add("beam.astigmatism_2fold_A", beam.astigmatism_2fold_A, "Å", "two-fold astigmatism C1,2")
      .add("beam.astigmatism_2fold_angle_deg", beam.astigmatism_2fold_angle_deg, "deg",
           "azimuth of C1,2")
      .add("beam.astigmatism_3fold_A", beam.astigmatism_3fold_A, "Å", "three-fold astigmatism C2,3")
      .add("beam.astigmatism_3fold_angle_deg", beam.astigmatism_3fold_angle_deg, "deg",
           "azimuth of C2,3")
      .add("detector.adf_inner_mrad", adf.inner_mrad, "mrad", "ADF inner angle")
      .add("detector.adf_outer_mrad", adf.outer_mrad, "mrad", "ADF outer angle")
      .add("detector.depths_A", depths_A, "Å",
           "thicknesses at which the ADF signal is also recorded (a noiseless thickness series)")
      .add("detector.bf_outer_mrad", bf_outer_mrad, "mrad",
           "bright-field disc outer angle (0: no BF image)")
      .add("sampling_A", sampling_A, "Å",
           "simulation pixel; 0 = coarsest representing the ADF outer angle")
      .add("slices.thickness_A", slices.slice_thickness_A, "Å", "slice thickness Δz")
      .add_choice("slices.scattering_factors", slices.parametrization,
                  {{"lobato", core::ScatteringParametrization::kLobato2014},
                   {"kirkland", core::ScatteringParametrization::kKirkland2010}},
                  "electron scattering factors f_e")
      .add("multislice.window_A", multislice.window_A, "Å",
           "propagation window around each probe (0: the whole cell)")
      .add("linear.z_exponent", linear.z_exponent, "", "linear model: signal ∝ Z^n")
      .add("linear.width_A", linear.width_A, "Å", "linear model: Gaussian width of one atom")
      .add("linear.cross_section_A2", linear.cross_section_A2, "Å²",
           "linear model: integrated ADF fraction × area for Z^n = 1")
      .add("tilt.euler_deg", tilt.euler_deg, "deg",
           "flattened (φ, θ, ψ) triplets; overrides the rest")
      .add("tilt.angles_deg", tilt.angles_deg, "deg", "tilts about y; overrides the range")
      .add("tilt.min_deg", tilt.min_deg, "deg", "first tilt of the range")
      .add("tilt.max_deg", tilt.max_deg, "deg", "last tilt of the range")
      .add("tilt.count", tilt.count, "", "projections in the range")
      .add("tilt.step_deg", tilt.step_deg, "deg", "tilt step (> 0 overrides tilt.count)")
      .add("scan.step_A", scan.step_A, "Å", "scan step (image pixel)")
      .add("scan.margin_A", scan.margin_A, "Å", "field of view beyond the farthest atom")
      .add("phonons.configurations", phonons.configurations, "",
           "frozen-phonon configurations averaged")
      .add("phonons.u2_A2", phonons.u2_A2, "Å²", "mean-square displacement ⟨u_x²⟩ per axis")
      .add("phonons.u2_by_element", phonons.u2_by_element, "Å²",
           "per-element ⟨u_x²⟩, e.g. \"Pd:0.0081\"")
      .add("acquisition.source_sigma_A", acquisition.source_sigma_A, "Å",
           "σ of the source-size blur")
      .add("acquisition.dose_e_per_A2", acquisition.dose_e_per_A2, "e/Å²",
           "dose per projection (0: noiseless fractions)")
      .add("acquisition.background_counts", acquisition.background_counts, "counts",
           "constant background")
      .add("acquisition.read_noise_counts", acquisition.read_noise_counts, "counts",
           "σ of read noise")
      .add("acquisition.shift_sigma_px", acquisition.shift_sigma_px, "px",
           "σ of the random shift per projection")
      .add("acquisition.drift_sigma_px_per_line", acquisition.drift_sigma_px_per_line, "px/line",
           "σ of the drift velocity along the slow scan axis")
      .add("acquisition.angle_error_sigma_deg", acquisition.angle_error_sigma_deg, "deg",
           "σ of the error of each Euler angle")
      .add("compare_linear", compare_linear, "",
           "also compare each projection with the linear model")
      .add_choice("fft.rigor", fft_rigor,
                  {{"measure", core::FftRigor::kMeasure}, {"estimate", core::FftRigor::kEstimate}},
                  "FFTW planning (measure: faster; reproducible with the same wisdom file)")
      .add("fft.wisdom_file", fft_wisdom_file, "",
           "FFTW wisdom file (\"auto\": the user's cache folder; \"\": none)");
  return p;
}

namespace {

/// Scan geometry shared by every projection (see stem.hpp).
struct ScanGeometry {
  core::Vec3 center_A = core::Vec3::Zero();
  double half_width_A = 0.0;
  std::size_t n = 0;  // pixels per side
  double step_A = 0.0;
  double first_A(std::size_t axis) const {
    return center_A[static_cast<Eigen::Index>(axis)] - 0.5 * static_cast<double>(n - 1) * step_A;
  }
};

ScanGeometry scan_geometry(const core::AtomicModel& model, const ScanParams& scan) {
  ScanGeometry g;
  g.center_A = core::centroid(model);
  double r_max = 0;
  for (const core::Vec3& r : model.positions_A()) r_max = std::max(r_max, (r - g.center_A).norm());
  g.half_width_A = r_max + scan.margin_A;
  g.step_A = scan.step_A;
  g.n = static_cast<std::size_t>(std::ceil(2.0 * g.half_width_A / scan.step_A)) + 1;
  return g;
}

/// Probe positions of one projection with its shift and slow-axis drift.
std::vector<std::array<double, 2>> probe_positions(const ScanGeometry& g,
                                                   const ProjectionImperfections& imperfect) {
  std::vector<std::array<double, 2>> positions;
  positions.reserve(g.n * g.n);
  for (std::size_t iy = 0; iy < g.n; ++iy)
    for (std::size_t ix = 0; ix < g.n; ++ix) {
      const auto line = static_cast<double>(iy);
      positions.push_back(
          {g.first_A(0) + g.step_A * (static_cast<double>(ix) + imperfect.shift_px[0] +
                                      imperfect.drift_px_per_line[0] * line),
           g.first_A(1) + g.step_A * (static_cast<double>(iy) + imperfect.shift_px[1] +
                                      imperfect.drift_px_per_line[1] * line)});
    }
  return positions;
}

/// One frozen-phonon configuration: every atom displaced by N(0, ⟨u²⟩_Z) per axis from the
/// stream (seed, "forward.phonons", item).
core::AtomicModel displaced(const core::AtomicModel& model, const PhononParams& phonons,
                            std::uint64_t seed, std::uint64_t item) {
  core::AtomicModel out = model;
  core::RngStream rng(seed, "forward.phonons", item);
  std::array<double, 256> rms{};
  for (int z = 1; z < 256; ++z) rms[static_cast<std::size_t>(z)] = -1.0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint8_t z = out.Z()[i];
    if (rms[z] < 0) rms[z] = std::sqrt(phonons.u2_for(z));
    out.positions_A()[i] += rms[z] * core::Vec3(rng.normal(), rng.normal(), rng.normal());
  }
  return out;
}

ModelComparison compare(const std::vector<double>& multislice, const std::vector<double>& linear) {
  double ml = 0, ll = 0, mm = 0, sm = 0, sl = 0;
  const auto n = static_cast<double>(multislice.size());
  for (std::size_t i = 0; i < multislice.size(); ++i) {
    ml += multislice[i] * linear[i], ll += linear[i] * linear[i],
        mm += multislice[i] * multislice[i];
    sm += multislice[i], sl += linear[i];
  }
  ModelComparison c;
  c.scale = ll > 0 ? ml / ll : 0.0;
  double residual = 0;
  for (std::size_t i = 0; i < multislice.size(); ++i) {
    const double d = multislice[i] - c.scale * linear[i];
    residual += d * d;
  }
  c.relative_rms = mm > 0 ? std::sqrt(residual / mm) : 0.0;
  const double cov = ml / n - (sm / n) * (sl / n);
  const double var_m = mm / n - (sm / n) * (sm / n), var_l = ll / n - (sl / n) * (sl / n);
  c.correlation = var_m > 0 && var_l > 0 ? cov / std::sqrt(var_m * var_l) : 0.0;
  return c;
}

/// The lateral simulation grid of one projection: centred on the rotation centre, wide enough
/// for the scan, a propagation window and the potentials' tails without wrapping.
LateralGrid simulation_grid(const ScanGeometry& g, double sampling_A, double window_A) {
  const double extent_A = 2.0 * g.half_width_A + std::max(window_A, 4.0) + 4.0;
  LateralGrid grid;
  grid.nx = grid.ny = fft_friendly_size(static_cast<std::size_t>(std::ceil(extent_A / sampling_A)));
  grid.sampling_A = sampling_A;
  grid.origin_x_A = g.center_A.x() - 0.5 * grid.extent_x_A();
  grid.origin_y_A = g.center_A.y() - 0.5 * grid.extent_y_A();
  return grid;
}

}  // namespace

StemResult simulate_signals(const core::AtomicModel& model, const StemParams& params,
                            std::uint64_t seed, const core::ExecutionContext& ctx,
                            const core::Logger& logger, core::FftPlanCache& ffts) {
  params.validate();
  if (model.empty()) throw InputError("the model has no atoms: nothing to image");
  const auto orientations = params.tilt.orientations_deg();
  const ScanGeometry geometry = scan_geometry(model, params.scan);
  const std::size_t n = geometry.n;
  const bool multislice = params.model == ForwardModel::kMultislice;
  const bool with_bf = multislice && params.bf_outer_mrad > 0.0;
  const auto configurations =
      static_cast<std::size_t>(multislice ? params.phonons.configurations : 1);

  StemResult result;
  result.rotation_center_A = geometry.center_A;
  const core::Grid<float, 3>::Coords sampling{1.0, geometry.step_A, geometry.step_A};
  const core::Grid<float, 3>::Coords origin{0.0, geometry.first_A(1), geometry.first_A(0)};
  result.adf.images = core::Grid<float, 3>({orientations.size(), n, n}, sampling, origin);
  result.adf.euler_deg = orientations;
  if (with_bf) result.bf = core::TiltSeries{result.adf.images, orientations};
  const std::size_t depths = multislice ? params.depths_A.size() : 0;
  if (depths > 0)
    result.adf_depths = core::Grid<float, 4>({orientations.size(), depths, n, n},
                                             {1.0, 1.0, geometry.step_A, geometry.step_A},
                                             {0.0, 0.0, geometry.first_A(1), geometry.first_A(0)});

  std::vector<AnnularDetector> detectors{params.adf};
  if (with_bf) detectors.push_back({"bf", 0.0, params.bf_outer_mrad});
  const double sampling_A = params.resolved_sampling_A();
  logger.info("scan " + std::to_string(n) + "×" + std::to_string(n) + " of " +
              core::format_number(geometry.step_A) + " Å, " + std::to_string(orientations.size()) +
              " projections, " +
              (multislice ? "multislice at " + core::format_number(sampling_A) + " Å, " +
                                std::to_string(configurations) + " phonon configuration(s)"
                          : std::string("linear model")));
  // A scan samples the image at points: a step much coarser than an atom's image width makes
  // each projection an arbitrary subsample of the atoms (tilts then disagree, as they would
  // in an undersampled experiment). Say so rather than let it pass silently.
  const double atom_width_A = std::hypot(params.linear.width_A, params.acquisition.source_sigma_A);
  if (!multislice && geometry.step_A > 2.0 * atom_width_A)
    logger.warn("scan.step_A = " + core::format_number(geometry.step_A) +
                " Å undersamples the linear model's atoms (width " +
                core::format_number(atom_width_A) +
                " Å): raise linear.width_A or acquisition.source_sigma_A, or use a finer step");
  core::Progress progress(
      logger, multislice ? "probes" : "projections",
      multislice ? orientations.size() * configurations * n * n : orientations.size());

  for (std::size_t t = 0; t < orientations.size(); ++t) {
    const ProjectionImperfections imperfect = draw_imperfections(params.acquisition, seed, t);
    std::array<double, 3> euler = orientations[t];
    for (std::size_t a = 0; a < 3; ++a) euler[a] += imperfect.angle_error_deg[a];
    result.imperfections.push_back(imperfect);
    result.euler_actual_deg.push_back(euler);

    core::AtomicModel rotated = model;
    core::rotate(rotated, core::euler_zyx_matrix(euler[0], euler[1], euler[2]), geometry.center_A);
    const auto positions = probe_positions(geometry, imperfect);

    std::vector<double> adf(n * n, 0.0), bf(with_bf ? n * n : 0, 0.0);
    if (multislice) {
      const LateralGrid grid = simulation_grid(geometry, sampling_A, params.multislice.window_A);
      for (std::size_t c = 0; c < configurations; ++c) {
        const core::AtomicModel specimen =
            displaced(rotated, params.phonons, seed, t * configurations + c);
        const SliceStack stack = transmission_functions(specimen, grid, params.slices,
                                                        params.beam.energy_keV, ctx, ffts);
        // Detect after the slice that completes each requested thickness, and at the exit.
        MultisliceParams multislice_params = params.multislice;
        const std::size_t last = stack.slice_count() - 1;
        std::vector<std::size_t> depth_slice;
        for (double d : params.depths_A)
          depth_slice.push_back(std::min<std::size_t>(
              last, static_cast<std::size_t>(
                        std::max(0.0, std::ceil(d / stack.slice_thickness_A - 1e-9) - 1))));
        multislice_params.detect_after_slices = depth_slice;
        multislice_params.detect_after_slices.push_back(last);
        const ProbeScan scan(stack, params.beam, detectors, multislice_params, ffts);
        const DetectorSignals signals = scan.run(positions, ctx, &progress);
        const auto at = [&](std::size_t slice) {
          return static_cast<std::size_t>(
              std::find(signals.depths_slices.begin(), signals.depths_slices.end(), slice) -
              signals.depths_slices.begin());
        };
        const auto weight = 1.0 / static_cast<double>(configurations);
        for (std::size_t i = 0; i < n * n; ++i) {
          adf[i] += signals.value[at(last)][0][i] * weight;
          if (with_bf) bf[i] += signals.value[at(last)][1][i] * weight;
        }
        for (std::size_t k = 0; k < depth_slice.size(); ++k)
          for (std::size_t i = 0; i < n * n; ++i)
            result.adf_depths->data()[(t * depths + k) * n * n + i] +=
                static_cast<float>(signals.value[at(depth_slice[k])][0][i] * weight);
        result.slices_per_projection = stack.slice_count();
        result.window_pixels = scan.window_pixels();
      }
      if (params.compare_linear)
        result.comparison.push_back(compare(adf, linear_signal(rotated, params.linear, positions)));
    } else {
      // The source blur of a sum of Gaussians is exact: widen each one (w² + σ_source²).
      LinearModelParams blurred = params.linear;
      blurred.width_A = std::hypot(params.linear.width_A, params.acquisition.source_sigma_A);
      adf = linear_signal(rotated, blurred, positions);
      progress.advance();
    }

    const auto store = [&](core::TiltSeries& series, const std::vector<double>& values) {
      core::Image image({n, n}, {geometry.step_A, geometry.step_A},
                        {geometry.first_A(1), geometry.first_A(0)});
      std::transform(values.begin(), values.end(), image.values().begin(),
                     [](double v) { return static_cast<float>(v); });
      if (multislice) apply_source_blur(image, params.acquisition.source_sigma_A);
      std::copy(image.values().begin(), image.values().end(), series.images.data() + t * n * n);
    };
    store(result.adf, adf);
    if (with_bf) store(*result.bf, bf);
  }
  progress.finish();
  return result;
}

void apply_counting_noise(StemResult& signals, const AcquisitionParams& acquisition,
                          std::uint64_t seed) {
  const auto noisy = [&](core::TiltSeries& series, std::uint64_t parity) {
    for (std::size_t t = 0; t < series.tilt_count(); ++t) {
      core::Image image = series.image(t);
      apply_counting_noise(image, acquisition, seed, 2 * t + parity);
      std::copy(image.values().begin(), image.values().end(),
                series.images.data() + t * image.values().size());
    }
  };
  noisy(signals.adf, 0);
  if (signals.bf) noisy(*signals.bf, 1);
}

StemResult simulate_tilt_series(const core::AtomicModel& model, const StemParams& params,
                                std::uint64_t seed, const core::ExecutionContext& ctx,
                                const core::Logger& logger, core::FftPlanCache& ffts) {
  StemResult result = simulate_signals(model, params, seed, ctx, logger, ffts);
  apply_counting_noise(result, params.acquisition, seed);
  return result;
}

}  // namespace vitrum::forward
