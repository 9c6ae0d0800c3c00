// `vitrum trace --volume V.h5 [--tilts T.h5] --out traced.xyz`: the atoms of a reconstruction
// (inverse/trace/trace.hpp), with --tilts refined against the tilt series
// (inverse/trace/refine.hpp), written as a model with species mapped from the traced types,
// as extended XYZ or as HDF5 with a `/trace` group of intensities and stage counts (and a
// `/refine` group).

#include <algorithm>
#include <filesystem>
#include <optional>

#include "cli.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/trace/refine.hpp"
#include "vitrum/inverse/trace/trace.hpp"

namespace vitrum::app {

namespace {

/// The parameters of `vitrum trace`: the tracing itself plus what the command maps around it.
struct TraceCommandParams {
  inverse::TraceParams trace;
  /// One element per type, lightest (weakest) first: ["Ta"], or ["Co", "Pd", "Pt"].
  std::vector<std::string> species{"Ta"};
  std::string corrections_file;  ///< manual corrections to replay ("" for none)
  bool refine_enabled = true;    ///< refine positions against --tilts when it is given
  inverse::RefineParams refine;  ///< type_Z is filled from `species`

  core::ParamSet params() {
    core::ParamSet p = trace.params();
    p.add("species", species, "",
          "element of each type, weakest integrated intensity first (one per classify.types)")
        .add("corrections.file", corrections_file, "",
             "manual corrections to replay, one per line: add x y z [type] | remove x y z (Å)")
        .add("refine.enabled", refine_enabled, "",
             "with --tilts: refine the positions against the tilt series");
    return refine.add_to(p, "refine.");
  }
  std::string params_toml() const { return TraceCommandParams(*this).params().to_toml(); }

  /// trace.validate(), and one known element per type.
  void validate() const {
    trace.validate();
    if (species.size() != static_cast<std::size_t>(trace.types))
      throw InputError("species has " + std::to_string(species.size()) +
                       " elements but classify.types = " + std::to_string(trace.types) +
                       "; give one element per type, weakest first");
    for (const std::string& s : species) core::element(s);
    inverse::RefineParams r = refine;
    r.type_Z.clear();
    for (const std::string& s : species) r.type_Z.push_back({core::element(s).Z});
    r.validate();
  }
};

core::AtomicModel traced_model(const inverse::TraceResult& r, const core::Volume& volume,
                               const std::vector<std::string>& species) {
  std::vector<int> Z;
  for (const std::string& s : species) Z.push_back(core::element(s).Z);
  // The cell encloses the reconstruction box (positions are in the volume's frame).
  core::AtomicModel model(core::Cell::orthorhombic(
      static_cast<double>(volume.extent(2)) * volume.sampling()[2],
      static_cast<double>(volume.extent(1)) * volume.sampling()[1],
      static_cast<double>(volume.extent(0)) * volume.sampling()[0], {false, false, false}));
  model.reserve(r.positions_A.size());
  for (std::size_t i = 0; i < r.positions_A.size(); ++i)
    model.add_atom(r.positions_A[i], Z[static_cast<std::size_t>(r.types[i])]);
  return model;
}

void write_h5(const std::filesystem::path& out, const core::AtomicModel& model,
              const inverse::TraceResult& r, const inverse::RefineResult* refined,
              const core::Provenance& provenance) {
  core::Hdf5Writer writer(out);
  core::write_atoms_group(writer, model);
  const std::size_t n = r.positions_A.size();
  writer.write_array<double>("/trace/intensity", r.intensity, {n}, "volume units·Å³");
  std::vector<std::int32_t> types(r.types.begin(), r.types.end());
  writer.write_array<std::int32_t>("/trace/type", types, {n});
  writer.write_array<double>("/trace/type_centers", r.type_centers, {r.type_centers.size()},
                             "volume units·Å³");
  const auto& c = r.counts;
  const std::pair<const char*, std::size_t> counts[] = {{"local_maxima", c.local_maxima},
                                                        {"fit_no_maximum", c.fit_no_maximum},
                                                        {"fit_left_window", c.fit_left_window},
                                                        {"fit_not_converged", c.fit_not_converged},
                                                        {"too_close", c.too_close},
                                                        {"candidates", c.candidates},
                                                        {"non_atoms", c.non_atoms},
                                                        {"reclassified", c.reclassified},
                                                        {"added", c.added},
                                                        {"removed", c.removed},
                                                        {"atoms", c.atoms}};
  for (const auto& [name, value] : counts)
    writer.write_attribute("/trace", name, static_cast<double>(value));
  writer.write_attribute("/trace", "threshold", r.threshold);
  writer.write_attribute("/trace", "upsampled_voxel_A", r.upsampled_voxel_A);
  if (refined) {
    writer.write_array<double>("/refine/r1_history", refined->r1_history,
                               {refined->r1_history.size()});
    writer.write_array<double>("/refine/b_A2", std::vector<double>{refined->b_A2}, {1}, "Å²");
    writer.write_array<double>("/refine/move_A", refined->move_A, {n}, "Å");
    writer.write_array<double>("/refine/height", refined->heights, {refined->heights.size()},
                               "data units/Å");
  }
  writer.write_provenance(provenance);
  writer.commit();
}

/// The tilt series to refine against and its rotation centre. The series is the volume
/// file's `preprocessed_tilt_series` when `vitrum tomo` preprocessed the input or refined its
/// angles (the images and angles the volume was made from), else the --tilts file's. The
/// centre: the series' `/geometry/rotation_center_A`, else the volume's (`vitrum tomo` writes
/// it), else the volume's centre (RESIRE centres its box on it).
struct RefineInput {
  core::TiltSeries series;
  core::Vec3 center_A = core::Vec3::Zero();
  bool preprocessed = false;  ///< the series is the volume file's preprocessed one
};

RefineInput read_refine_input(const std::filesystem::path& tilts, const core::Volume& volume,
                              const std::filesystem::path& volume_path) {
  const core::Hdf5Reader reader(tilts), volume_reader(volume_path);
  const bool preprocessed = volume_reader.has("/data/preprocessed_tilt_series");
  RefineInput in{
      preprocessed ? core::read_tilt_series(volume_reader, "preprocessed_tilt_series")
                   : core::read_tilt_series(reader),
      recorded_rotation_center({tilts, volume_path}).value_or(core::volume_center(volume)),
      preprocessed};
  return in;
}

/// Refines the traced positions against the tilt series (replacing them in `traced`).
inverse::RefineResult refine(const RunContext& run, const TraceCommandParams& p,
                             const RefineInput& in, const std::filesystem::path& tilts,
                             inverse::TraceResult& traced) {
  const core::TiltSeries& series = in.series;
  const core::Vec3& c = in.center_A;
  inverse::RefineParams rp = p.refine;
  rp.type_Z.clear();
  for (const std::string& s : p.species) rp.type_Z.push_back({core::element(s).Z});
  // Atoms that project outside some projection (spurious peaks at the volume's edge) cannot be
  // fitted: a few keep their traced positions, and the user is told how many; more than 10 %
  // means the series does not belong to the volume.
  const std::vector<std::uint8_t> inside =
      inverse::inside_field_of_view(series, c, traced.positions_A);
  std::vector<core::Vec3> positions;
  std::vector<int> types;
  for (std::size_t k = 0; k < inside.size(); ++k)
    if (inside[k]) {
      positions.push_back(traced.positions_A[k]);
      types.push_back(traced.types[k]);
    }
  const std::size_t outside = inside.size() - positions.size();
  if (outside * 10 > inside.size())  // many: not edge artefacts but a series that does not fit
    throw InputError(std::to_string(outside) + " of " + std::to_string(inside.size()) +
                         " traced atoms project outside the field of view of the tilt series; "
                         "is it the series the volume was made from?",
                     tilts.string());
  if (outside > 0)
    run.logger.warn(std::to_string(inside.size() - positions.size()) +
                    " traced atoms project outside the field of view of some projection; they "
                    "keep their traced positions");
  inverse::RefineResult r;
  try {
    r = inverse::refine_positions(series, c, positions, types, rp, run.execution, run.logger);
  } catch (const InputError& e) {
    throw InputError(e.what(), e.where().empty() ? tilts.string() : e.where());
  }
  std::vector<double> move_A(inside.size(), 0.0);  // per traced atom; 0 for the unfitted
  for (std::size_t k = 0, j = 0; k < inside.size(); ++k)
    if (inside[k]) {
      traced.positions_A[k] = r.positions_A[j];
      move_A[k] = r.move_A[j++];
    }
  r.move_A = std::move(move_A);
  double largest = 0;
  for (double m : r.move_A) largest = std::max(largest, m);
  run.logger.info("refined against " + std::to_string(series.tilt_count()) +
                  (in.preprocessed ? " preprocessed" : "") + " projections: R₁ " +
                  core::format_number(r.r1_history.front()) + " → " +
                  core::format_number(r.r1_history.back()) +
                  ", B = " + core::format_number(r.b_A2) + " Å², largest move " +
                  core::format_number(largest) + " Å");
  return r;
}

void run_trace(const RunContext& run, const TraceCommandParams& p,
               const std::filesystem::path& volume_path, const std::string& tilts,
               const std::filesystem::path& out) {
  const auto format = core::atom_file_format(out);
  if (format == core::AtomFileFormat::kLammpsData)
    throw InputError("--out must be .xyz/.extxyz or .h5/.hdf5, got " + out.string());
  const std::vector<inverse::ManualCorrection> corrections =
      p.corrections_file.empty() ? std::vector<inverse::ManualCorrection>{}
                                 : inverse::read_corrections(p.corrections_file);
  const core::Volume volume = core::read_volume(core::Hdf5Reader(volume_path));
  // Read the series before tracing, so that a bad file fails fast.
  std::optional<RefineInput> refine_input;
  if (!tilts.empty() && p.refine_enabled)
    refine_input = read_refine_input(tilts, volume, volume_path);
  inverse::TraceResult result;
  try {
    result = inverse::trace_atoms(inverse::VolumeView(volume), p.trace, corrections, run.execution,
                                  run.logger);
  } catch (const InputError& e) {
    // Name the file when the problem is its content (an empty volume, NaN voxels).
    throw InputError(e.what(), e.where().empty() ? volume_path.string() : e.where());
  }
  std::optional<inverse::RefineResult> refined;
  if (refine_input) refined = refine(run, p, *refine_input, tilts, result);
  const core::AtomicModel model = traced_model(result, volume, p.species);
  const core::Provenance provenance = run.provenance(p.params_toml());
  if (format == core::AtomFileFormat::kHdf5)
    write_h5(out, model, result, refined ? &*refined : nullptr, provenance);
  else
    core::write_atoms(out, model, provenance);
  std::string per_type;
  for (std::size_t t = 0; t < p.species.size(); ++t) {
    std::size_t count = 0;
    for (int type : result.types) count += type == static_cast<int>(t) ? 1 : 0;
    per_type += (t ? ", " : "") + std::to_string(count) + " " + p.species[t];
  }
  run.logger.info("wrote " + std::to_string(model.size()) + " atoms (" + per_type + ") to " +
                  out.string());
}

}  // namespace

std::string trace_defaults_toml() { return TraceCommandParams().params_toml(); }

std::string trace_resolved_toml(const core::Config& config) {
  TraceCommandParams p;
  p.params().load(config);
  p.validate();
  return p.params_toml();
}

void add_trace_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* trace =
      app.add_subcommand("trace", "trace atoms in a reconstructed volume (positions, species)");
  auto volume = std::make_shared<std::string>();
  auto tilts = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto config = std::make_shared<ConfigOptions>();
  trace->add_option("--volume", *volume, "volume (.h5, as `vitrum tomo` writes it)")
      ->required()
      ->check(CLI::ExistingFile);
  trace
      ->add_option("--tilts", *tilts,
                   "tilt series (.h5): refine the traced positions against it "
                   "(refine.* keys; /refine group in .h5 output)")
      ->check(CLI::ExistingFile);
  trace
      ->add_option("--out", *out,
                   "traced model: .xyz (extended XYZ) or .h5 (/atoms + /trace: intensities, "
                   "types, stage counts)")
      ->required();
  config->add_to(*trace);
  trace->callback([&global, volume, tilts, out, config] {
    const RunContext run(global);
    TraceCommandParams p;
    p.params().load(config->load());
    p.validate();
    run_trace(run, p, *volume, *tilts, *out);
  });
}

}  // namespace vitrum::app
