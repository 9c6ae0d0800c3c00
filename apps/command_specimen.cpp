// `vitrum specimen --model M [--config F] [--set k=v] --out specimen.h5`: a particle or film
// cut from a glass model, with crystal nuclei and per-atom truth labels (sim/specimen.hpp).
//
// Output: the atoms in the format of --out's extension. HDF5 holds `/atoms` (with `label`)
// and a `/specimen` group: attributes `label_meaning`, `shape`, `structure_codes`,
// `crystalline_fraction`, `relax_ps` (and `target_fraction` in fraction mode); datasets
// `carve_euler_deg` (3), `label_counts` (L×2: label, atoms) and the nuclei table
// `/specimen/nuclei/{label, centre_A (K×3), radius_A, structure (1 bcc, 2 fcc),
// lattice_constant_A, euler_deg (K×3), atoms, glass_removed}`. Other formats get the same
// description as JSON beside the atoms (`<out>.specimen.json`).

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/sim/md_job.hpp"
#include "vitrum/sim/md_potential.hpp"
#include "vitrum/sim/specimen.hpp"
#include "vitrum/sim/specimen_relax.hpp"

namespace vitrum::app {

std::string specimen_defaults_toml() { return sim::SpecimenParams().params_toml(); }

std::string specimen_resolved_toml(const core::Config& config) {
  sim::SpecimenParams p;
  p.params().load(config);
  p.validate();
  return p.params_toml();
}

namespace {

int structure_code(sim::CrystalStructure s) { return s == sim::CrystalStructure::kFcc ? 2 : 1; }
constexpr const char* kStructureCodes = "1 = bcc, 2 = fcc";

void write_specimen_group(core::Hdf5Writer& w, const sim::Specimen& s,
                          const sim::SpecimenParams& p) {
  w.write_attribute("/specimen", "label_meaning", sim::kSpecimenLabelMeaning);
  w.write_attribute("/specimen", "shape", sim::to_string(p.shape));
  w.write_attribute("/specimen", "structure_codes", kStructureCodes);
  w.write_attribute("/specimen", "crystalline_fraction", s.crystalline_fraction);
  w.write_attribute("/specimen", "relax_ps", p.relax_ps);
  if (p.nuclei.mode == sim::NucleiMode::kFraction)
    w.write_attribute("/specimen", "target_fraction", p.nuclei.target_fraction);
  w.write_array<double>("/specimen/carve_euler_deg",
                        std::vector<double>(s.carve_euler_deg.begin(), s.carve_euler_deg.end()),
                        {3}, "deg");
  std::vector<std::int32_t> counts;
  for (const auto& [label, n] : s.atoms_per_label)
    counts.insert(counts.end(), {label, static_cast<std::int32_t>(n)});
  w.write_array<std::int32_t>("/specimen/label_counts", counts, {s.atoms_per_label.size(), 2});

  const std::size_t k = s.nuclei.size();
  std::vector<std::int32_t> label, structure, atoms, removed;
  std::vector<double> centre, radius, a, euler;
  for (const auto& n : s.nuclei) {
    label.push_back(n.label);
    structure.push_back(structure_code(n.lattice.structure));
    atoms.push_back(static_cast<std::int32_t>(n.atoms));
    removed.push_back(static_cast<std::int32_t>(n.glass_removed));
    centre.insert(centre.end(), {n.centre_A.x(), n.centre_A.y(), n.centre_A.z()});
    radius.push_back(n.radius_A);
    a.push_back(n.lattice.lattice_constant_A);
    euler.insert(euler.end(), n.euler_deg.begin(), n.euler_deg.end());
  }
  const std::string g = "/specimen/nuclei/";
  w.write_array<std::int32_t>(g + "label", label, {k});
  w.write_array<double>(g + "centre_A", centre, {k, 3}, "Å");
  w.write_array<double>(g + "radius_A", radius, {k}, "Å");
  w.write_array<std::int32_t>(g + "structure", structure, {k});
  w.write_array<double>(g + "lattice_constant_A", a, {k}, "Å");
  w.write_array<double>(g + "euler_deg", euler, {k, 3}, "deg");
  w.write_array<std::int32_t>(g + "atoms", atoms, {k});
  w.write_array<std::int32_t>(g + "glass_removed", removed, {k});
}

nlohmann::json specimen_json(const sim::Specimen& s, const sim::SpecimenParams& p) {
  nlohmann::json j;
  j["label_meaning"] = sim::kSpecimenLabelMeaning;
  j["shape"] = sim::to_string(p.shape);
  j["crystalline_fraction"] = s.crystalline_fraction;
  j["relax_ps"] = p.relax_ps;
  j["carve_euler_deg"] = s.carve_euler_deg;
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [label, n] : s.atoms_per_label) counts[std::to_string(label)] = n;
  j["label_counts"] = counts;
  nlohmann::json nuclei = nlohmann::json::array();
  for (const auto& n : s.nuclei)
    nuclei.push_back({{"label", n.label},
                      {"centre_A", {n.centre_A.x(), n.centre_A.y(), n.centre_A.z()}},
                      {"radius_A", n.radius_A},
                      {"structure", sim::to_string(n.lattice.structure)},
                      {"lattice_constant_A", n.lattice.lattice_constant_A},
                      {"euler_deg", n.euler_deg},
                      {"atoms", n.atoms},
                      {"glass_removed", n.glass_removed}});
  j["nuclei"] = nuclei;
  return j;
}

std::string composition_text(const core::AtomicModel& m) {
  std::ostringstream out;
  for (const auto& [Z, n] : core::composition(m)) {
    if (out.tellp() > 0) out << ", ";
    out << core::element(Z).symbol << " " << n << " ("
        << core::format_number(
               std::round(1000.0 * static_cast<double>(n) / static_cast<double>(m.size())) / 10.0)
        << " %)";
  }
  return out.str();
}

/// The potential and proxies of the relaxation: the parameters, else what the glass file
/// recorded (`vitrum sim` writes /potential).
sim::SurfaceRelaxation relaxation_settings(const sim::SpecimenParams& p,
                                           const std::filesystem::path& glass_path) {
  sim::SurfaceRelaxation r{p.relax_ps, p.relax_temperature_K, p.relax_potential, p.relax_proxies};
  const bool recorded = core::atom_file_format(glass_path) == core::AtomFileFormat::kHdf5 &&
                        core::Hdf5Reader(glass_path).has("/potential");
  if (recorded) {
    const core::Hdf5Reader reader(glass_path);
    if (r.potential.empty()) r.potential = reader.read_string_attribute("/potential", "parameter");
    if (r.proxies.empty())
      r.proxies = sim::proxies_from_record(reader.read_string_attribute("/potential", "elements"));
  }
  if (r.potential.empty())
    throw InputError("relax_ps > 0 needs a potential: set relax.potential (the glass file " +
                         glass_path.string() + " records none)",
                     "relax.potential");
  return r;
}

/// Runs the surface relaxation in the MD worker and returns the relaxed specimen.
core::AtomicModel relax_surfaces(const RunContext& run, const sim::SpecimenParams& p,
                                 const core::AtomicModel& specimen,
                                 const std::filesystem::path& glass_path,
                                 const std::filesystem::path& out) {
  const sim::SurfaceRelaxation settings = relaxation_settings(p, glass_path);
  std::filesystem::path dir = out;
  dir += ".md";
  const sim::JobDirectory job_dir{dir};
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path data = std::filesystem::absolute(dir / "specimen.data");
  core::write_lammps_data(data, specimen, run.provenance(p.params_toml()));
  const sim::MdJob job = sim::prepare_job(sim::surface_relaxation_params(specimen, settings, data),
                                          run.global.seed, dir);
  run.logger.info("relaxing the surfaces: " + core::format_number(settings.time_ps) +
                  " ps NVT at " + core::format_number(settings.temperature_K) + " K, " +
                  job.potential.file.filename().string());
  const sim::MeltQuenchResult result = sim::run_job_isolated(job_dir, job, false, run.global.quiet);
  core::AtomicModel relaxed = sim::with_relaxed_positions(specimen, result.snapshots.back().model);
  double squared = 0;
  for (std::size_t i = 0; i < relaxed.size(); ++i)
    squared += (relaxed.positions_A()[i] - specimen.positions_A()[i]).squaredNorm();
  run.logger.info("relaxed: RMS displacement " +
                  core::format_number(std::sqrt(squared / static_cast<double>(relaxed.size()))) +
                  " Å");
  std::filesystem::remove_all(dir);
  return relaxed;
}

void run_specimen(const RunContext& run, const sim::SpecimenParams& p,
                  const std::filesystem::path& model_path, const std::filesystem::path& out) {
  const auto format = core::atom_file_format(out);  // refuse an unknown extension before work
  const auto start = std::chrono::steady_clock::now();
  const core::AtomicModel glass = core::read_atoms(model_path);
  run.logger.info("glass: " + std::to_string(glass.size()) + " atoms, " + composition_text(glass));
  sim::Specimen s = sim::build_specimen(glass, p, run.global.seed);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  run.logger.info(sim::to_string(p.shape) + ": " + std::to_string(s.model.size()) + " atoms, " +
                  composition_text(s.model));
  std::string fraction = "crystal nuclei: " + std::to_string(s.nuclei.size()) + ", fraction of " +
                         "atoms in nuclei " + core::format_number(s.crystalline_fraction);
  if (p.nuclei.mode == sim::NucleiMode::kFraction)
    fraction += " (target " + core::format_number(p.nuclei.target_fraction) + ")";
  run.logger.info(fraction + "; built in " + core::format_number(seconds) + " s");
  if (p.relax_ps > 0) s.model = relax_surfaces(run, p, s.model, model_path, out);

  const core::Provenance provenance = run.provenance(p.params_toml());
  if (format == core::AtomFileFormat::kHdf5) {
    core::Hdf5Writer writer(out);
    core::write_atoms_group(writer, s.model);
    write_specimen_group(writer, s, p);
    writer.write_provenance(provenance);
    writer.commit();
    run.logger.info("wrote " + out.string() + " (/atoms with label: " + sim::kSpecimenLabelMeaning +
                    "; nuclei table in /specimen)");
    return;
  }
  if (format == core::AtomFileFormat::kLammpsData)
    run.logger.warn("LAMMPS data files hold no labels; the truth labels are lost in " +
                    out.string());
  core::write_atoms(out, s.model, provenance);
  std::filesystem::path side = out;
  side += ".specimen.json";
  const std::string text = specimen_json(s, p).dump(2) + "\n";
  core::write_stream_atomically(side, [&](std::ostream& o) { o << text; });
  run.logger.info("wrote " + out.string() + " and " + side.string() +
                  " (label: " + sim::kSpecimenLabelMeaning + ")");
}

}  // namespace

void add_specimen_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand(
      "specimen",
      "cut a particle or film from a glass model, with crystal nuclei and truth labels");
  auto model = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto config = std::make_shared<ConfigOptions>();
  cmd->add_option("--model", *model, "glass model (.xyz, .h5, .data)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", *out, "specimen to write (.h5 with /specimen, or .xyz / .data)")
      ->required();
  config->add_to(*cmd);
  cmd->callback([&global, model, out, config] {
    const RunContext run(global);
    sim::SpecimenParams p;
    p.params().load(config->load());
    p.validate();
    run_specimen(run, p, *model, *out);
  });
}

}  // namespace vitrum::app
