// `vitrum tomo --tilts T.h5 --out volume.h5`: a reconstruction of a tilt series by RESIRE, SIRT
// or WBP, optionally after angle refinement (inverse/tomo/reconstruct.hpp), written as an EMD
// volume with its R₁ history (and refined angles), and as an MRC file beside it.

#include <filesystem>

#include "cli.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_mrc.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/tomo/reconstruct.hpp"

namespace vitrum::app {

std::string tomo_defaults_toml() { return inverse::TomoParams().params_toml(); }

namespace {

/// The rotation centre: `/geometry/rotation_center_A` (written by `vitrum stem`), else the
/// centre of the images with z = the x centre (a cube about the image's width).
core::Vec3 rotation_center(const core::Hdf5Reader& reader, const core::TiltSeries& series) {
  if (reader.has("/geometry/rotation_center_A")) {
    const auto c = reader.read_array<double>("/geometry/rotation_center_A", {3});
    return {c.values[0], c.values[1], c.values[2]};
  }
  const auto& g = series.images;
  const double x =
      g.coordinate(2, 0) + 0.5 * static_cast<double>(g.extent(2) - 1) * g.sampling()[2];
  const double y =
      g.coordinate(1, 0) + 0.5 * static_cast<double>(g.extent(1) - 1) * g.sampling()[1];
  return {x, y, x};
}

/// (φ, θ, ψ) triplets as a flat row-major [n][3] array.
std::vector<double> flatten(const std::vector<std::array<double, 3>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

void run_tomo(const RunContext& run, const inverse::TomoParams& p,
              const std::filesystem::path& tilts, const std::filesystem::path& out) {
  const core::Hdf5Reader reader(tilts);
  const core::TiltSeries series = core::read_tilt_series(reader);
  const core::Vec3 c = rotation_center(reader, series);
  run.logger.info("rotation centre (" + core::format_number(c.x()) + ", " +
                  core::format_number(c.y()) + ", " + core::format_number(c.z()) + ") Å");
  const inverse::TomoResult result = inverse::reconstruct(series, c, p, run.execution, run.logger);
  const core::Provenance provenance = run.provenance(p.params_toml());
  core::Hdf5Writer writer(out);
  core::write_volume(writer, result.volume);
  writer.write_array<double>("/tomo/r1_history", result.r1_history, {result.r1_history.size()});
  writer.write_array<double>("/tomo/r1_per_projection", result.r1_per_projection,
                             {result.r1_per_projection.size()});
  writer.write_attribute("/tomo", "method", inverse::to_string(p.method));
  if (!result.euler_offset_deg.empty()) {
    const std::size_t n = result.euler_deg.size();
    writer.write_array<double>("/tomo/euler_refined_deg", flatten(result.euler_deg), {n, 3}, "deg");
    writer.write_array<double>("/tomo/euler_offset_deg", flatten(result.euler_offset_deg), {n, 3},
                               "deg");
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
    p.params().load(config->load());
    p.validate();
    run_tomo(run, p, *tilts, *out);
  });
}

}  // namespace vitrum::app
