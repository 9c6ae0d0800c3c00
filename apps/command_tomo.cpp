// `vitrum tomo --tilts T.h5 --out volume.h5`: a reconstruction of a tilt series by RESIRE, SIRT
// or WBP, optionally after angle refinement and followed by scanning AET
// (inverse/tomo/reconstruct.hpp), after optional
// preprocessing (inverse/preprocess/preprocess.hpp, keys `preprocess.*`), written as an EMD
// volume with its R₁ history, the preprocessing applied (and refined angles), and as an MRC
// file beside it.

#include <filesystem>

#include "cli.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_mrc.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/preprocess/preprocess.hpp"
#include "vitrum/inverse/tomo/reconstruct.hpp"

namespace vitrum::app {

namespace {

/// The keys of `vitrum tomo`: the reconstruction's, then `preprocess.*`.
core::ParamSet tomo_params(inverse::TomoParams& p, inverse::PreprocessParams& pre) {
  core::ParamSet set = p.params();
  pre.add_to(set);
  return set;
}

}  // namespace

std::string tomo_defaults_toml() {
  inverse::TomoParams p;
  inverse::PreprocessParams pre;
  return tomo_params(p, pre).to_toml();
}

std::string tomo_resolved_toml(const core::Config& config) {
  inverse::TomoParams p;
  inverse::PreprocessParams pre;
  tomo_params(p, pre).load(config);
  p.validate();
  pre.validate();
  return tomo_params(p, pre).to_toml();
}

namespace {

/// (φ, θ, ψ) triplets as a flat row-major [n][3] array.
std::vector<double> flatten(const std::vector<std::array<double, 3>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

void run_tomo(const RunContext& run, inverse::TomoParams p, inverse::PreprocessParams pre,
              const std::filesystem::path& tilts, const std::filesystem::path& out) {
  const core::Hdf5Reader reader(tilts);
  core::TiltSeries series = core::read_tilt_series(reader);
  const inverse::PreprocessResult prep =
      inverse::preprocess(series, pre, run.execution, run.logger);
  const core::Vec3 c = recorded_rotation_center({tilts}).value_or(image_rotation_center(series));
  run.logger.info("rotation centre (" + core::format_number(c.x()) + ", " +
                  core::format_number(c.y()) + ", " + core::format_number(c.z()) + ") Å");
  const inverse::TomoResult result = inverse::reconstruct(series, c, p, run.execution, run.logger);
  const core::Provenance provenance = run.provenance(tomo_params(p, pre).to_toml());
  core::Hdf5Writer writer(out);
  core::write_volume(writer, result.volume);
  // The data the volume was reconstructed from, when it differs from the input: position
  // refinement (`vitrum trace --tilts`) must fit the same images and angles.
  if (!prep.steps.empty() || !result.euler_offset_deg.empty()) {
    series.euler_deg = result.euler_deg;
    core::write_tilt_series(writer, series, "preprocessed_tilt_series");
  }
  writer.write_array<double>("/tomo/r1_history", result.r1_history, {result.r1_history.size()});
  writer.write_array<double>("/tomo/r1_per_projection", result.r1_per_projection,
                             {result.r1_per_projection.size()});
  std::vector<double> shifts, drifts;  // [tilt][2]: (x, y) applied by preprocess.align, .drift
  for (const auto& s : prep.shift_px) shifts.insert(shifts.end(), s.begin(), s.end());
  for (const auto& d : prep.drift_px_per_line) drifts.insert(drifts.end(), d.begin(), d.end());
  writer.write_array<double>("/preprocess/shift_px", shifts, {prep.shift_px.size(), 2}, "px");
  writer.write_array<double>("/preprocess/drift_px_per_line", drifts, {drifts.size() / 2, 2},
                             "px/line");
  if (!prep.noise.empty()) {  // [tilt][3]: α, σ, μ of the Poisson–Gaussian model denoised with
    std::vector<double> noise;
    for (const auto& m : prep.noise) noise.insert(noise.end(), {m.alpha, m.sigma, m.offset});
    writer.write_array<double>("/preprocess/noise_alpha_sigma_offset", noise,
                               {prep.noise.size(), 3}, "image units");
  }
  writer.write_attribute("/tomo", "method", inverse::to_string(p.method));
  if (!result.euler_offset_deg.empty()) {
    const std::size_t n = result.euler_deg.size();
    writer.write_array<double>("/tomo/euler_refined_deg", flatten(result.euler_deg), {n, 3}, "deg");
    writer.write_array<double>("/tomo/euler_offset_deg", flatten(result.euler_offset_deg), {n, 3},
                               "deg");
  }
  if (!result.scan_patches.empty()) {  // scanning AET: one entry per local volume
    const std::size_t n = result.scan_patches.size();
    std::vector<double> boxes;  // [patch][6]: core y0, y1, x0, x1 and box z0, z1 (voxels of G)
    std::vector<double> thickness, mid_z, padding, r1, kept;
    for (const auto& sp : result.scan_patches) {
      for (std::size_t v :
           {sp.core_lo[0], sp.core_hi[0], sp.core_lo[1], sp.core_hi[1], sp.box_lo[0], sp.box_hi[0]})
        boxes.push_back(static_cast<double>(v));
      thickness.push_back(sp.thickness_A);
      mid_z.push_back(sp.mid_z_A);
      padding.push_back(sp.padding_A);
      r1.push_back(sp.r1);
      kept.push_back(sp.kept_fraction);
    }
    writer.write_array<double>("/tomo/scanning/core_yx_box_z_voxels", boxes, {n, 6}, "voxel");
    writer.write_array<double>("/tomo/scanning/thickness_A", thickness, {n}, "Å");
    writer.write_array<double>("/tomo/scanning/mid_z_A", mid_z, {n}, "Å");
    writer.write_array<double>("/tomo/scanning/padding_A", padding, {n}, "Å");
    writer.write_array<double>("/tomo/scanning/r1", r1, {n});
    writer.write_array<double>("/tomo/scanning/kept_fraction", kept, {n});
    writer.write_attribute("/tomo/scanning", "patch_count", static_cast<double>(n));
  }
  writer.write_array<double>("/geometry/rotation_center_A",
                             std::vector<double>{c.x(), c.y(), c.z()}, {3}, "Å");
  writer.write_provenance(provenance);
  writer.commit();
  std::filesystem::path mrc = out;
  mrc.replace_extension(".mrc");
  core::write_mrc(mrc, result.volume, provenance);
  run.logger.info("wrote " + std::to_string(result.volume.extent(0)) + "³ voxels to " +
                  out.string() + " and " + mrc.string() + "; mean R₁ " +
                  core::format_number(result.r1_history.front()) + " → " +
                  core::format_number(result.r1_history.back()));
}

}  // namespace

void add_tomo_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* tomo =
      app.add_subcommand("tomo", "reconstruct a volume from a tilt series (RESIRE, SIRT, WBP)");
  auto tilts = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto config = std::make_shared<ConfigOptions>();
  tomo->add_option("--tilts", *tilts, "tilt series (.h5, as `vitrum stem` writes it)")
      ->required()
      ->check(CLI::ExistingFile);
  tomo->add_option("--out", *out, "volume to write (.h5; an .mrc is written beside it)")
      ->required();
  config->add_to(*tomo);
  tomo->callback([&global, tilts, out, config] {
    const RunContext run(global);
    inverse::TomoParams p;
    inverse::PreprocessParams pre;
    tomo_params(p, pre).load(config->load());
    p.validate();
    pre.validate();
    run_tomo(run, p, pre, *tilts, *out);
  });
}

}  // namespace vitrum::app
