// `vitrum stem --model M --config F --out tilts.h5`: an ADF-STEM tilt series of an atomic
// model by multislice or the linear model (forward/stem.hpp), with its truth and a PNG of the
// projection nearest 0°.

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "cli.hpp"
#include "vitrum/core/checksum.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/io_png.hpp"
#include "vitrum/core/process.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/core/version.hpp"
#include "vitrum/forward/stem.hpp"

namespace vitrum::app {

std::string stem_defaults_toml() { return forward::StemParams().params_toml(); }

std::string stem_resolved_toml(const core::Config& config) {
  forward::StemParams p;
  p.params().load(config);
  p.validate();
  return p.params_toml();
}

namespace {

/// Flattens per-projection triplets or pairs for write_array.
template <std::size_t K>
std::vector<double> flatten(const std::vector<std::array<double, K>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

void write_result(const std::filesystem::path& path, const forward::StemResult& result,
                  const forward::StemParams& params, const core::Provenance& provenance) {
  core::Hdf5Writer writer(path);
  core::write_tilt_series(writer, result.adf);
  if (result.bf) core::write_tilt_series(writer, *result.bf, "bf_tilt_series");
  if (result.adf_depths) {
    std::vector<double> theta_deg;
    for (const auto& e : result.adf.euler_deg) theta_deg.push_back(e[1]);
    writer.write_emd<4>("adf_thickness_series", *result.adf_depths,
                        {core::EmdDim{"tilt angle", "deg", theta_deg},
                         core::EmdDim{"thickness", "Å", params.depths_A},
                         core::EmdDim{"y", "Å", {}}, core::EmdDim{"x", "Å", {}}});
  }
  const std::size_t n = result.adf.tilt_count();
  const auto& c = result.rotation_center_A;
  writer.write_array<double>("/geometry/rotation_center_A",
                             std::vector<double>{c.x(), c.y(), c.z()}, {3}, "Å");
  writer.write_array<double>("/geometry/dose_e_per_A2",
                             std::vector<double>{params.acquisition.dose_e_per_A2}, {1}, "e/Å²");
  std::vector<std::array<double, 2>> shift, drift;
  std::vector<std::array<double, 3>> angle_error;
  for (const auto& p : result.imperfections) {
    shift.push_back(p.shift_px);
    drift.push_back(p.drift_px_per_line);
    angle_error.push_back(p.angle_error_deg);
  }
  writer.write_array<double>("/truth/euler_actual_deg", flatten(result.euler_actual_deg), {n, 3},
                             "deg");
  writer.write_array<double>("/truth/angle_error_deg", flatten(angle_error), {n, 3}, "deg");
  writer.write_array<double>("/truth/shift_px", flatten(shift), {n, 2}, "px");
  writer.write_array<double>("/truth/drift_px_per_line", flatten(drift), {n, 2}, "px/line");
  if (!result.comparison.empty()) {
    std::vector<double> scale, rms, r;
    for (const auto& m : result.comparison) {
      scale.push_back(m.scale);
      rms.push_back(m.relative_rms);
      r.push_back(m.correlation);
    }
    writer.write_array<double>("/compare_linear/scale", scale, {n});
    writer.write_array<double>("/compare_linear/relative_rms", rms, {n});
    writer.write_array<double>("/compare_linear/correlation", r, {n});
  }
  writer.write_provenance(provenance);
  writer.commit();
}

/// Flattened per-projection rows read back into triplets or pairs.
template <std::size_t K>
std::vector<std::array<double, K>> unflatten(const std::vector<double>& values) {
  std::vector<std::array<double, K>> rows(values.size() / K);
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(K * i), K, rows[i].begin());
  return rows;
}

/// Reads back what write_result wrote for a noiseless series (the signal cache's entries),
/// except the thickness series, which entries never hold.
forward::StemResult read_signals(const std::filesystem::path& path) {
  const core::Hdf5Reader reader(path);
  forward::StemResult r;
  r.adf = core::read_tilt_series(reader);
  const std::size_t n = r.adf.tilt_count();
  if (reader.has("/data/bf_tilt_series")) r.bf = core::read_tilt_series(reader, "bf_tilt_series");
  const auto c = reader.read_array<double>("/geometry/rotation_center_A", {3}).values;
  r.rotation_center_A = core::Vec3(c[0], c[1], c[2]);
  r.euler_actual_deg =
      unflatten<3>(reader.read_array<double>("/truth/euler_actual_deg", {n, 3}).values);
  const auto angle_error =
      unflatten<3>(reader.read_array<double>("/truth/angle_error_deg", {n, 3}).values);
  const auto shift = unflatten<2>(reader.read_array<double>("/truth/shift_px", {n, 2}).values);
  const auto drift =
      unflatten<2>(reader.read_array<double>("/truth/drift_px_per_line", {n, 2}).values);
  for (std::size_t t = 0; t < n; ++t)
    r.imperfections.push_back({shift[t], drift[t], angle_error[t]});
  if (reader.has("/compare_linear")) {
    const auto scale = reader.read_array<double>("/compare_linear/scale", {n}).values;
    const auto rms = reader.read_array<double>("/compare_linear/relative_rms", {n}).values;
    const auto corr = reader.read_array<double>("/compare_linear/correlation", {n}).values;
    for (std::size_t t = 0; t < n; ++t) r.comparison.push_back({scale[t], rms[t], corr[t]});
  }
  return r;
}

/// The signal cache (`--signal-cache DIR`): a multislice series before counting noise depends
/// on the model, the seed and every parameter except the dose, background and read noise, so a
/// dose sweep computes it once. An entry is DIR/<key>.h5, the noiseless output of `vitrum stem`,
/// keyed by the SHA-256 of the version, this executable's SHA-256 (another build may compute
/// other bytes), the seed, the model file's SHA-256 and the parameters with those three zeroed.
/// Thickness series are not cached (an entry does not hold them).
class SignalCache {
 public:
  SignalCache(std::filesystem::path folder, const forward::StemParams& p,
              const std::string& model_path, std::uint64_t seed)
      : folder_(std::move(folder)), noiseless_(p) {
    noiseless_.acquisition.dose_e_per_A2 = 0.0;
    noiseless_.acquisition.background_counts = 0.0;
    noiseless_.acquisition.read_noise_counts = 0.0;
    const std::string key = core::sha256_hex(
        "vitrum stem signal 1\nversion " + std::string(vitrum::version()) + "\nexecutable " +
        core::sha256_file_hex(core::current_executable()) + "\nseed " + std::to_string(seed) +
        "\nmodel " + core::sha256_file_hex(model_path) + "\nparams\n" + noiseless_.params_toml());
    entry_ = folder_ / (key + ".h5");
  }
  const std::filesystem::path& entry() const { return entry_; }
  bool has_entry() const { return std::filesystem::is_regular_file(entry_); }
  /// Writes the entry (temporary file, then rename: concurrent writers of one key are safe).
  void store(const forward::StemResult& signals, const core::Provenance& provenance) const {
    std::filesystem::create_directories(folder_);
    write_result(entry_, signals, noiseless_, provenance);
  }

 private:
  std::filesystem::path folder_, entry_;
  forward::StemParams noiseless_;
};

/// The FFTW wisdom file: "auto" is $XDG_CACHE_HOME/vitrum/fftw_wisdom (or
/// ~/.cache/vitrum/...; none if neither is set), "" none, anything else that path.
std::filesystem::path wisdom_path(const std::string& setting) {
  if (setting != "auto") return setting;
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    base = std::filesystem::path(home) / ".cache";
  else
    return {};
  std::filesystem::create_directories(base / "vitrum");
  return base / "vitrum" / "fftw_wisdom";
}

std::filesystem::path default_png(const std::filesystem::path& out) {
  std::filesystem::path png = out;
  png.replace_extension();
  return png.string() + "_0deg.png";
}

forward::StemResult simulate(const RunContext& run, const forward::StemParams& p,
                             const core::AtomicModel& model) {
  core::FftPlanCache ffts({p.fft_rigor, wisdom_path(p.fft_wisdom_file)});
  forward::StemResult signals =
      forward::simulate_signals(model, p, run.global.seed, run.execution, run.logger, ffts);
  if (!wisdom_path(p.fft_wisdom_file).empty()) ffts.save_wisdom();
  return signals;
}

void run_stem(const RunContext& run, const forward::StemParams& p, const std::string& model_path,
              const std::filesystem::path& out, std::filesystem::path png,
              const std::filesystem::path& signal_cache) {
  const core::AtomicModel model = core::read_atoms(model_path);
  if (model.empty()) throw InputError("the model has no atoms", model_path);
  run.logger.info("model: " + std::to_string(model.size()) + " atoms from " + model_path);
  const bool cacheable =
      !signal_cache.empty() && p.model == forward::ForwardModel::kMultislice && p.depths_A.empty();
  forward::StemResult result;
  if (cacheable) {
    const SignalCache cache(signal_cache, p, model_path, run.global.seed);
    if (cache.has_entry()) {
      run.logger.info("noiseless series reused from the signal cache: " + cache.entry().string());
      result = read_signals(cache.entry());
    } else {
      result = simulate(run, p, model);
      cache.store(result, run.provenance(p.params_toml()));
    }
  } else {
    result = simulate(run, p, model);
  }
  forward::apply_counting_noise(result, p.acquisition, run.global.seed);
  write_result(out, result, p, run.provenance(p.params_toml()));
  if (png.empty()) png = default_png(out);
  core::write_png(png, result.adf.image(result.adf.untilted_index()), {core::Colormap::kGray});
  if (!result.comparison.empty()) {
    double worst = 0, mean = 0;
    for (const auto& c : result.comparison) {
      worst = std::max(worst, c.relative_rms);
      mean += c.relative_rms / static_cast<double>(result.comparison.size());
    }
    run.logger.info("linear vs multislice: relative RMS difference mean " +
                    core::format_number(mean) + ", worst " + core::format_number(worst) +
                    " (after the best scale per projection)");
  }
  run.logger.info("wrote " + std::to_string(result.adf.tilt_count()) + " projections of " +
                  std::to_string(result.adf.images.extent(1)) + "² pixels to " + out.string() +
                  " and " + png.string());
}

}  // namespace

void add_stem_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* stem =
      app.add_subcommand("stem", "simulate an ADF-STEM tilt series of an atomic model");
  auto model = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto png = std::make_shared<std::string>();
  auto config = std::make_shared<ConfigOptions>();
  stem->add_option("--model", *model, "atomic model (.xyz, .data, .h5)")
      ->required()
      ->check(CLI::ExistingFile);
  stem->add_option("--out", *out, "tilt series to write (.h5)")->required();
  stem->add_option("--png", *png, "PNG of the projection nearest 0° (default: <out>_0deg.png)");
  auto signal_cache = std::make_shared<std::string>();
  stem->add_option("--signal-cache", *signal_cache,
                   "folder of noiseless multislice series keyed by content: a series differing "
                   "only in dose, background or read noise is not simulated again");
  config->add_to(*stem);
  stem->callback([&global, model, out, png, config, signal_cache] {
    const RunContext run(global);
    forward::StemParams p;
    p.params().load(config->load());
    p.validate();
    run_stem(run, p, *model, *out, *png, *signal_cache);
  });
}

}  // namespace vitrum::app
