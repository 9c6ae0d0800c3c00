#include "dataset.hpp"

#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vitrum/core/checksum.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/text_match.hpp"
#include "vitrum/core/version.hpp"

namespace vitrum::app {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kReadme = "README.md";
constexpr const char* kBuildFolder = ".build";

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read the file", file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// What a stage's main output holds and how it is laid out (README.md "File formats").
struct FileDoc {
  std::string description, format;
};

FileDoc describe_output(const std::string& stage, const std::string& file) {
  const std::string ext = fs::path(file).extension().string();
  if (ext == ".png") return {"a preview image (the projection nearest 0°)", "PNG, 8-bit grayscale"};
  if (ext == ".mrc")
    return {"the reconstructed volume for IMOD and ChimeraX",
            "MRC 2014, mode 2 (float32), cell in Å"};
  if (ext == ".json" && stage == "score")
    return {"the scorecard: the reconstruction scored against the truth",
            "JSON: {chain, inputs, metrics: {name: value}, units: {name: unit}, details, "
            "provenance}"};
  if (ext == ".json") return {"a description of the labels of the model file beside it", "JSON"};
  if (ext == ".xyz")
    return {stage == "specimen" ? "the ground truth: the specimen's atoms with a label each"
                                : "an atomic model",
            "extended XYZ: Lattice=\"ax ay az bx by bz cx cy cz\" (Å), "
            "Properties=species:S:1:pos:R:3[:label:I:1] (Å), pbc; ASE and OVITO read it"};
  const std::string atoms =
      "HDF5: /atoms/positions (N×3 f8, Å), /atoms/Z (N u1, atomic numbers), /atoms/cell "
      "(3×3 f8, Å, rows = lattice vectors), /atoms/pbc (3 u1)";
  if (stage == "sim")
    return {"the glass model made by molecular dynamics (LAMMPS melt–quench)", atoms};
  if (stage == "specimen")
    return {
        "the ground truth: the specimen's atoms, each labelled 0 = amorphous or k ≥ 1 = "
        "atom of crystal nucleus k",
        atoms +
            ", /atoms/label (N i4); /specimen (attributes label_meaning, shape, "
            "crystalline_fraction, structure_codes, relax_ps; label_counts) and "
            "/specimen/nuclei/{label, centre_A (Å), radius_A (Å), structure (1 bcc, 2 fcc), "
            "lattice_constant_A (Å), euler_deg (ZYX φ, θ, ψ), atoms, glass_removed}"};
  if (stage == "stem")
    return {"the ADF-STEM tilt series (what the microscope records)",
            "HDF5, EMD 1.0: /data/tilt_series/data [ntilt][ny][nx] (f4; fractions of the "
            "incident beam, or electron counts when a dose is set) with dim1…dim3 (attributes "
            "name, units; pixels in Å), /data/tilt_series/euler_deg (ntilt×3, ZYX φ, θ, ψ in "
            "degrees), /geometry/rotation_center_A (Å), /truth/{euler_actual_deg, "
            "angle_error_deg, shift_px, drift_px_per_line} (the simulated acquisition errors)"};
  if (stage == "tomo")
    return {"the RESIRE reconstruction of the tilt series",
            "HDF5, EMD 1.0: /data/volume/data [nz][ny][nx] (f4) with dim1…dim3 (Å)"};
  if (stage == "trace")
    return {"the atoms traced from the reconstruction",
            atoms + ", /trace/ (per-atom fit results, see the vitrum README `vitrum trace`)"};
  return {"output of `vitrum " + stage + "`", "see the vitrum README, File formats"};
}

/// Relative paths in `inputs.*` are relative to the recipe's folder; the pipeline is loaded
/// from another folder, so they are made absolute first.
void absolutise_inputs(toml::table& document, const fs::path& base) {
  for (auto&& [name, node] : document) {
    auto* stage = node.as_table();
    if (!stage) continue;
    auto* inputs = stage->get_as<toml::table>("inputs");
    if (!inputs) continue;
    for (auto&& [k, v] : *inputs) {
      auto* s = v.as_string();
      if (!s) continue;  // load_pipeline reports it
      fs::path p = s->get();
      if (p.is_relative()) *s = (base / p).lexically_normal().string();
    }
  }
}

bool plain_name(const std::string& name) {
  return !name.empty() && !name.starts_with(".") && name.find('/') == std::string::npos &&
         name != kManifest && name != kReadme;
}

std::string string_of(const toml::node& node, const std::string& key, const std::string& where) {
  const auto* s = node.as_string();
  if (!s) throw InputError(key + " must be a string", where);
  return s->get();
}

}  // namespace

DatasetRecipe load_dataset_recipe(const fs::path& file, const fs::path& scratch,
                                  const DatasetBuildOptions& options) {
  DatasetRecipe r;
  const std::string where = file.string();
  r.recipe_text = read_text(file);
  r.recipe_file = file.filename().string();
  toml::table document;
  try {
    document = toml::parse(r.recipe_text, where);
  } catch (const toml::parse_error& e) {
    throw InputError("TOML syntax error: " + std::string(e.description()), where);
  }
  toml::table dataset;
  if (const auto* node = document.get("dataset")) {
    if (!node->is_table()) throw InputError("[dataset] must be a table", where);
    dataset = *node->as_table();
    document.erase("dataset");
  }
  const std::vector<std::string> known{"name", "title", "description", "files"};
  for (auto&& [k, v] : dataset) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw InputError("unknown key dataset." + key + core::did_you_mean(key, known) +
                           "; [dataset] takes name, title, description, files",
                       where);
  }
  r.name = file.stem().string();
  if (const auto* n = dataset.get("name")) r.name = string_of(*n, "dataset.name", where);
  if (!plain_name(r.name)) throw InputError("dataset.name must be a plain name", where);
  if (const auto* n = dataset.get("title")) r.title = string_of(*n, "dataset.title", where);
  if (r.title.empty()) r.title = r.name;
  if (const auto* n = dataset.get("description"))
    r.description = string_of(*n, "dataset.description", where);

  absolutise_inputs(document, fs::absolute(file).parent_path());
  fs::create_directories(scratch);
  const fs::path pipeline_file = scratch / "pipeline.toml";
  {
    std::ostringstream text;
    text << document;
    core::write_stream_atomically(pipeline_file, [&](std::ostream& o) { o << text.str() << "\n"; });
  }
  PipelineLoadOptions load;
  load.overrides = options.overrides;
  load.seed = options.seed;
  load.folder = scratch / "run";
  load.available_commands = options.available_commands;
  try {
    r.pipeline = load_pipeline(pipeline_file, tomography_chain(), load);
  } catch (const InputError& e) {
    throw InputError(e.what(), where);  // name the recipe, not the scratch copy
  }

  const auto find_stage = [&](const std::string& name) -> const PipelineStage* {
    for (const PipelineStage& s : r.pipeline.stages)
      if (s.kind.name == name) return &s;
    return nullptr;
  };
  const auto add_file = [&](const std::string& name, const std::string& value) {
    const std::string stage = value.substr(0, value.find('/'));
    const PipelineStage* s = find_stage(stage);
    if (!s) {
      std::vector<std::string> names;
      for (const PipelineStage& st : r.pipeline.stages) names.push_back(st.kind.name);
      throw InputError("dataset.files." + name + " = \"" + value + "\": no stage " + stage +
                           " in the recipe" + core::did_you_mean(stage, names),
                       where);
    }
    DatasetFile f;
    f.stage = stage;
    f.stage_file =
        value.find('/') == std::string::npos ? s->output_file : value.substr(value.find('/') + 1);
    if (!plain_name(f.stage_file))
      throw InputError("dataset.files." + name + ": bad stage file \"" + f.stage_file + "\"",
                       where);
    f.path = name.find('.') == std::string::npos
                 ? name + fs::path(f.stage_file).extension().string()
                 : name;
    if (!plain_name(f.path))
      throw InputError("dataset.files: \"" + name + "\" is not a plain file name", where);
    for (const DatasetFile& other : r.files)
      if (other.path == f.path) throw InputError("dataset.files: " + f.path + " twice", where);
    const FileDoc doc = describe_output(stage, f.stage_file);
    f.description = doc.description;
    f.format = doc.format;
    r.files.push_back(f);
  };
  if (const auto* node = dataset.get("files")) {
    const auto* t = node->as_table();
    if (!t) throw InputError("dataset.files must be a table: name = \"stage\"", where);
    for (auto&& [k, v] : *t) add_file(std::string(k.str()), string_of(v, "dataset.files", where));
  } else {
    for (const PipelineStage& s : r.pipeline.stages) add_file(s.kind.name, s.kind.name);
  }
  if (r.files.empty()) throw InputError("dataset.files is empty: nothing to publish", where);
  return r;
}

namespace {

/// The child's command without the options that do not change a result.
std::vector<std::string> recorded_command(const std::vector<std::string>& command) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (command[i] == "--threads") {
      ++i;
      continue;
    }
    out.push_back(command[i]);
  }
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const std::string& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

std::string readme_text(const DatasetRecipe& r, const nlohmann::json& files,
                        const nlohmann::json& stages) {
  std::ostringstream o;
  o << "# " << r.title << "\n\n";
  if (!r.description.empty()) o << r.description << "\n\n";
  o << "Dataset `" << r.name << "`, built by vitrum " << vitrum::version() << " from the recipe `"
    << r.recipe_file << "` with seed " << r.pipeline.seed
    << ". Rebuilding it with the same recipe, seed and vitrum version gives byte-identical "
       "files.\n\n";
  o << "## Contents\n\n| file | bytes | what it is |\n| --- | --- | --- |\n";
  for (const auto& f : files)
    o << "| `" << f.at("path").get<std::string>() << "` | " << f.at("bytes").get<std::uintmax_t>()
      << " | " << f.at("description").get<std::string>() << " (from `vitrum "
      << f.at("stage").get<std::string>() << "`) |\n";
  o << "| `manifest.json` | | SHA-256 and size of every file, the recipe, the seed, the "
       "resolved parameters of every stage, the vitrum version |\n\n";
  o << "## Layout and units\n\n";
  for (const auto& f : files)
    o << "- `" << f.at("path").get<std::string>() << "`: " << f.at("format").get<std::string>()
      << ".\n";
  o << "\nEvery HDF5 file records what made it in the group `/meta` (attributes `command`, "
       "`parameters` (TOML), `seed`, `version`). Lengths are in Å, angles in the unit their "
       "name carries (`_deg`, `_mrad`), energies in keV, dose in e⁻/Å²; arrays are row-major "
       "`[z][y][x]`; the beam travels along +z; Euler angles are ZYX (φ, θ, ψ): R = "
       "Rz(φ)·Ry(θ)·Rx(ψ).\n";
  const bool truth = std::any_of(files.begin(), files.end(), [](const nlohmann::json& f) {
    return f.at("stage").get<std::string>() == "specimen";
  });
  if (truth)
    o << "\n## Truth labels\n\nThe truth model gives every atom a label: **0 = amorphous**, "
         "**k ≥ 1 = an atom of crystal nucleus k**. The nuclei (centre, radius, structure, "
         "lattice constant, orientation, atoms) are listed under `/specimen/nuclei`; atoms of "
         "a nucleus are the atoms placed as crystal, whatever relaxation did to them.\n";
  o << "\n## How it was made\n\nEach stage ran as a `vitrum` command in its folder of the "
       "build cache (`.build/cache/<key>/`; input paths are relative to it, `stage.toml` holds "
       "the stage's table of the recipe):\n\n```\n";
  for (const auto& s : stages) o << join(s.at("command").get<std::vector<std::string>>()) << "\n";
  o << "```\n\nThe parameters of every stage with all defaults filled in are in "
       "`manifest.json` (`stages[].parameters`); the recipe as written is `recipe`:\n\n"
       "```toml\n"
    << r.recipe_text << (r.recipe_text.ends_with("\n") ? "" : "\n") << "```\n\n";
  o << "Rebuild: `vitrum --seed " << r.pipeline.seed << " dataset build " << r.recipe_file
    << " --out " << r.name << "`.\n\n";
  o << "## Verify a copy\n\n`vitrum dataset verify <folder>` recomputes every checksum and "
       "reports each file as OK, MISSING or CHANGED (exit 0 when all match, 3 otherwise). "
       "Without vitrum:\n\n```sh\npython3 -c 'import json,hashlib; "
       "[print(f[\"path\"], "
       "hashlib.sha256(open(f[\"path\"],\"rb\").read()).hexdigest()==f[\"sha256\"]) "
       "for f in json.load(open(\"manifest.json\"))[\"files\"]]'\n```\n";
  return o.str();
}

}  // namespace

DatasetBuildResult build_dataset(const fs::path& recipe_file, const DatasetBuildOptions& options,
                                 const RunSettings& settings, const core::Logger& logger) {
  const fs::path out = fs::absolute(options.out).lexically_normal();
  if (out.filename().empty()) throw InputError("--out must name a folder", options.out.string());
  if (fs::exists(out)) {
    if (!fs::is_directory(out)) throw InputError("--out exists and is not a folder", out.string());
    if (!fs::is_empty(out) && !options.force)
      throw InputError("the folder is not empty; use --force to replace it", out.string());
  }
  std::string staging_name = ".";
  staging_name += out.filename().string();
  staging_name += ".tmp-" + std::to_string(::getpid());
  const fs::path staging = out.parent_path() / staging_name;
  fs::remove_all(staging);
  fs::create_directories(staging / kBuildFolder);
  const fs::path old_cache = out / kBuildFolder / "cache";
  fs::path cache = options.cache.empty() ? staging / kBuildFolder / "cache"
                                         : fs::absolute(options.cache).lexically_normal();
  const bool moved_cache = options.cache.empty() && fs::is_directory(old_cache);
  const auto restore = [&] {
    if (moved_cache && fs::is_directory(cache) && !fs::exists(old_cache))
      fs::rename(cache, old_cache);
  };
  try {
    if (moved_cache) fs::rename(old_cache, cache);  // reuse an earlier build's stages
    DatasetRecipe r = load_dataset_recipe(recipe_file, staging / kBuildFolder, options);
    r.pipeline.cache = cache;
    fs::create_directories(cache);
    // Given inputs are copied into the cache, so each stage's recorded command names them by
    // a path relative to the stage's folder: the same whatever folder the recipe is in.
    for (PipelineStage& s : r.pipeline.stages)
      for (auto& [name, path] : s.given_inputs) {
        const fs::path copy = cache / "inputs" / core::sha256_file_hex(path) / path.filename();
        if (!fs::is_regular_file(copy)) {
          fs::create_directories(copy.parent_path());
          fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
        }
        path = copy;
      }

    DatasetBuildResult result;
    result.run = run_pipeline(r.pipeline, settings, logger);
    if (result.run.failed) {
      const StageResult& s = result.run.stages[*result.run.failed];
      // The staging folder goes; the stage's log is kept beside the dataset folder.
      const fs::path log =
          out.parent_path() / (out.filename().string() + "." + s.name + ".failed.log");
      fs::copy_file(s.log, log, fs::copy_options::overwrite_existing);
      const std::string message =
          "stage " + s.name + " failed (" +
          (s.exit_code >= 0 ? "exit " + std::to_string(s.exit_code) : s.message) + "); see " +
          log.string();
      if (s.exit_code == 2) throw InputError(message);
      throw Error(message);
    }

    nlohmann::json stages = nlohmann::json::array();
    for (std::size_t i = 0; i < r.pipeline.stages.size(); ++i) {
      const PipelineStage& ps = r.pipeline.stages[i];
      const StageResult& sr = result.run.stages[i];
      if (sr.status == StageStatus::kSkipped) continue;
      stages.push_back({{"name", ps.kind.name},
                        {"key", sr.key},
                        {"command", recorded_command(sr.command)},
                        {"options", ps.options},
                        {"parameters", ps.resolved_params}});
    }
    nlohmann::json files = nlohmann::json::array();
    for (const DatasetFile& f : r.files) {
      const auto sr = std::find_if(result.run.stages.begin(), result.run.stages.end(),
                                   [&](const StageResult& s) { return s.name == f.stage; });
      const fs::path source = sr->folder / f.stage_file;
      if (sr->status == StageStatus::kSkipped || !fs::is_regular_file(source))
        throw InputError("dataset file " + f.path + ": stage " + f.stage + " made no " +
                         f.stage_file +
                         (sr->message.empty() ? std::string() : " (" + sr->message + ")"));
      const fs::path target = staging / f.path;
      fs::copy_file(source, target, fs::copy_options::overwrite_existing);
      fs::permissions(target, fs::perms::owner_write, fs::perm_options::add);
      files.push_back({{"path", f.path},
                       {"bytes", fs::file_size(target)},
                       {"sha256", core::sha256_file_hex(target)},
                       {"stage", f.stage},
                       {"description", f.description},
                       {"format", f.format}});
    }
    const std::string readme = readme_text(r, files, stages);
    core::write_stream_atomically(staging / kReadme, [&](std::ostream& o) { o << readme; });
    nlohmann::json listed = files;
    listed.push_back({{"path", kReadme},
                      {"bytes", readme.size()},
                      {"sha256", core::sha256_hex(readme)},
                      {"stage", ""},
                      {"description", "what this dataset holds, how it was made and verified"},
                      {"format", "Markdown"}});
    const nlohmann::json manifest{{"format", "vitrum dataset 1"},
                                  {"name", r.name},
                                  {"title", r.title},
                                  {"description", r.description},
                                  {"vitrum_version", std::string(vitrum::version())},
                                  {"seed", r.pipeline.seed},
                                  {"recipe_file", r.recipe_file},
                                  {"recipe", r.recipe_text},
                                  {"overrides", r.pipeline.overrides},
                                  {"stages", stages},
                                  {"files", listed}};
    const std::string text = manifest.dump(2) + "\n";
    core::write_stream_atomically(staging / kManifest, [&](std::ostream& o) { o << text; });

    // A cache given with --cache stays where it is; the run folder's links are the build's.
    if (fs::exists(out)) fs::remove_all(out);
    fs::rename(staging, out);
    result.manifest = out / kManifest;
    result.files = r.files;
    return result;
  } catch (...) {
    restore();
    std::error_code ec;
    fs::remove_all(staging, ec);
    throw;
  }
}

DatasetVerifyReport verify_dataset(const fs::path& dir) {
  const fs::path manifest_file = dir / kManifest;
  if (!fs::is_regular_file(manifest_file))
    throw InputError("no manifest.json: not a vitrum dataset folder", dir.string());
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(read_text(manifest_file));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("malformed manifest: ") + e.what(), manifest_file.string());
  }
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_array())
    throw InputError("malformed manifest: no \"files\" list", manifest_file.string());
  DatasetVerifyReport report;
  std::set<std::string> listed;
  for (const auto& f : manifest["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("bytes") ||
        !f["bytes"].is_number_unsigned() || !f.contains("sha256") || !f["sha256"].is_string() ||
        f["sha256"].get<std::string>().size() != 64)
      throw InputError("malformed manifest: a file entry needs path, bytes and sha256: " + f.dump(),
                       manifest_file.string());
    const std::string path = f["path"].get<std::string>();
    const fs::path rel(path);
    if (rel.empty() || rel.is_absolute() ||
        std::any_of(rel.begin(), rel.end(), [](const fs::path& p) { return p == ".."; }))
      throw InputError("malformed manifest: file path \"" + path + "\" leaves the folder",
                       manifest_file.string());
    listed.insert(rel.lexically_normal().string());
    const fs::path file = dir / rel;
    if (!fs::is_regular_file(file))
      report.missing.push_back(path);
    else if (fs::file_size(file) != f["bytes"].get<std::uintmax_t>() ||
             core::sha256_file_hex(file) != f["sha256"].get<std::string>())
      report.changed.push_back(path);
    else
      report.ok.push_back(path);
  }
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path rel = it->path().lexically_relative(dir);
    if (it->is_directory() && rel == kBuildFolder) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || rel == kManifest) continue;
    if (!listed.count(rel.lexically_normal().string())) report.extra.push_back(rel.string());
  }
  std::sort(report.extra.begin(), report.extra.end());
  return report;
}

}  // namespace vitrum::app
