#include "pipeline.hpp"

#include <signal.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.hpp"
#include "vitrum/core/checksum.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/text_match.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/core/version.hpp"

namespace vitrum::app {

namespace fs = std::filesystem;

std::vector<StageKind> tomography_chain() {
  const auto plain = [](std::string (*resolve)(const core::Config&)) -> ResolveParams {
    return [resolve](const core::Config& c, const std::map<std::string, std::string>&) {
      return resolve(c);
    };
  };
  return {
      {"sim",
       {},
       "model",
       "model.h5",
       {"recipe"},
       [](const core::Config& c, const std::map<std::string, std::string>& o) {
         const auto recipe = o.find("recipe");
         return sim_resolved_toml(c, recipe == o.end() ? "" : recipe->second);
       },
       ""},
      {"specimen",
       {{"model", "model"}},
       "model",
       "specimen.h5",
       {},
       plain(specimen_resolved_toml),
       ""},
      {"stem",
       {{"model", "model"}},
       "tilts",
       "tilts.h5",
       {},
       plain(stem_resolved_toml),
       "signal-cache"},
      {"tomo", {{"tilts", "tilts"}}, "volume", "volume.h5", {}, plain(tomo_resolved_toml), ""},
      {"trace",
       {{"volume", "volume"}, {"tilts", "tilts", false}},
       "traced",
       "traced.h5",
       {},
       plain(trace_resolved_toml),
       ""},
      {"score",
       {{"truth", "model"},
        {"result", "traced"},
        {"tilts", "tilts", false},
        {"volume", "volume", false}},
       "scorecard",
       "scorecard.json",
       {},
       plain(score_resolved_toml),
       ""},
  };
}

std::string to_string(StageStatus status) {
  switch (status) {
    case StageStatus::kRan:
      return "ran";
    case StageStatus::kReused:
      return "reused";
    case StageStatus::kFailed:
      return "failed";
    case StageStatus::kSkipped:
      return "skipped";
    case StageStatus::kNotRun:
      break;
  }
  return "not run";
}

std::string stage_cache_key(const StageKeyParts& parts) {
  // One field a line, each named, lengths implied by the line structure; the parameters go
  // last because they span lines.
  std::ostringstream text;
  text << "vitrum stage cache key 1\n"
       << "stage " << parts.stage << "\n"
       << "version " << parts.version << "\n"
       << "seed " << parts.seed << "\n"
       << "output " << parts.output_file << "\n";
  for (const auto& [name, value] : parts.options) text << "option " << name << "=" << value << "\n";
  for (const auto& [name, sum] : parts.input_checksums)
    text << "input " << name << " " << sum << "\n";
  text << "params " << parts.params.size() << "\n" << parts.params;
  return core::sha256_hex(text.str());
}

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

std::string table_text(const toml::table& table) {
  std::ostringstream out;
  out << table;
  return out.str();
}

std::vector<std::string> table_keys(const toml::table& table) {
  std::vector<std::string> keys;
  for (auto&& [k, v] : table) keys.emplace_back(k.str());
  return keys;
}

const StageKind* find_kind(const std::vector<StageKind>& chain, const std::string& name) {
  for (const StageKind& k : chain)
    if (k.name == name) return &k;
  return nullptr;
}

std::string known_tables(const std::vector<StageKind>& chain) {
  std::string names = "run";
  for (const StageKind& k : chain) names += ", " + k.name;
  return names;
}

std::string string_value(const toml::node& node, const std::string& key, const std::string& where) {
  const auto* s = node.as_string();
  if (!s) throw InputError(key + " must be a string", where);
  return s->get();
}

void load_run_table(const toml::table& run, Pipeline& p, const std::string& where) {
  const std::vector<std::string> known{"name", "seed", "folder", "cache"};
  for (const std::string& key : table_keys(run))
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw InputError("unknown key run." + key + core::did_you_mean(key, known) +
                           "; [run] takes name, seed, folder, cache",
                       where);
  if (const auto* n = run.get("name")) p.name = string_value(*n, "run.name", where);
  if (const auto* n = run.get("seed")) {
    const auto* i = n->as_integer();
    if (!i || i->get() < 0) throw InputError("run.seed must be an integer ≥ 0", where);
    p.seed = static_cast<std::uint64_t>(i->get());
  }
  if (const auto* n = run.get("folder")) p.folder = string_value(*n, "run.folder", where);
  if (const auto* n = run.get("cache")) p.cache = string_value(*n, "run.cache", where);
}

PipelineStage load_stage(const StageKind& kind, toml::table table, const fs::path& base,
                         const std::string& where) {
  PipelineStage stage;
  stage.kind = kind;
  stage.output_file = kind.output_file;
  const std::string prefix = "[" + kind.name + "] ";
  if (const auto* inputs = table.get("inputs")) {
    const auto* t = inputs->as_table();
    if (!t) throw InputError(prefix + "inputs must be a table of file names", where);
    std::vector<std::string> names;
    for (const StageInput& in : kind.inputs) names.push_back(in.name);
    for (auto&& [k, v] : *t) {
      const std::string name(k.str());
      if (std::find(names.begin(), names.end(), name) == names.end())
        throw InputError(prefix + "unknown input inputs." + name + core::did_you_mean(name, names) +
                             (names.empty() ? "; " + kind.name + " reads no files"
                                            : "; " + kind.name + " reads: " +
                                                  [&] {
                                                    std::string s;
                                                    for (const auto& n : names)
                                                      s += (s.empty() ? "" : ", ") + n;
                                                    return s;
                                                  }()),
                         where);
      fs::path path = string_value(v, "inputs." + name, where);
      if (path.is_relative()) path = base / path;
      path = fs::absolute(path).lexically_normal();
      if (!fs::is_regular_file(path))
        throw InputError(prefix + "inputs." + name + ": no such file " + path.string(), where);
      stage.given_inputs[name] = path;
    }
    table.erase("inputs");
  }
  if (const auto* out = table.get("out")) {
    stage.output_file = string_value(*out, prefix + "out", where);
    if (stage.output_file.empty() || fs::path(stage.output_file).has_parent_path() ||
        stage.output_file.starts_with("."))
      throw InputError(prefix + "out must be a plain file name, got \"" + stage.output_file + "\"",
                       where);
    table.erase("out");
  }
  for (const std::string& option : kind.options)
    if (const auto* v = table.get(option)) {
      stage.options[option] = string_value(*v, prefix + option, where);
      table.erase(option);
    }
  stage.params_text = table_text(table);
  if (kind.resolve) {
    // The table is re-serialised, so line numbers in it would not be the file's: messages
    // name the file and the stage instead.
    const std::string source = where + " [" + kind.name + "]";
    try {
      stage.resolved_params =
          kind.resolve(core::Config::from_string(stage.params_text, source), stage.options);
    } catch (const InputError& e) {
      const bool ours = e.where().empty() || e.where().starts_with(source);
      throw InputError(prefix + e.what(), ours ? source : e.where());
    }
  } else {
    stage.resolved_params = stage.params_text;
  }
  return stage;
}

/// Every stage's inputs come from the file or from an earlier stage.
void check_inputs(const Pipeline& p, const std::vector<StageKind>& chain,
                  const std::string& where) {
  std::set<std::string> available;
  for (const PipelineStage& s : p.stages) {
    for (const StageInput& in : s.kind.inputs) {
      if (s.given_inputs.count(in.name)) {
        available.insert(in.kind);
        continue;
      }
      if (!in.required || available.count(in.kind)) continue;
      std::string makers;
      for (const StageKind& k : chain)
        if (k.output_kind == in.kind) makers += (makers.empty() ? "[" : " or [") + k.name + "]";
      throw InputError("stage " + s.kind.name + " needs a " + in.kind + " file: add " +
                           (makers.empty() ? std::string("a stage that makes one") : makers) +
                           " before it, or set inputs." + in.name + " = \"path\" in [" +
                           s.kind.name + "]",
                       where);
    }
    if (s.skip_reason.empty()) available.insert(s.kind.output_kind);
  }
}

}  // namespace

Pipeline load_pipeline(const fs::path& file, const std::vector<StageKind>& chain,
                       const PipelineLoadOptions& options) {
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw IoError("cannot read the pipeline file", file.string());
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return load_pipeline_text(text, file, chain, options);
}

Pipeline load_pipeline_text(const std::string& text, const fs::path& file,
                            const std::vector<StageKind>& chain,
                            const PipelineLoadOptions& options) {
  Pipeline p;
  p.source = fs::absolute(file).lexically_normal();
  p.source_text = text;
  core::Config config = core::Config::from_string(text, file.string());
  for (const std::string& o : options.overrides) config.set(o);
  p.overrides = options.overrides;
  p.resolved_text = config.to_toml();
  const std::string where = file.string();
  toml::table document;
  try {
    document = toml::parse(p.resolved_text, where);
  } catch (const toml::parse_error& e) {
    throw InputError("TOML syntax error: " + std::string(e.description()), where);
  }

  for (auto&& [k, node] : document) {
    const std::string name(k.str());
    if (options.ignored_tables.count(name)) continue;
    if (name != "run" && !find_kind(chain, name)) {
      std::vector<std::string> known{"run"};
      for (const StageKind& kind : chain) known.push_back(kind.name);
      throw InputError("unknown stage [" + name + "]" + core::did_you_mean(name, known) +
                           "; known: " + known_tables(chain),
                       where);
    }
    if (!node.is_table())
      throw InputError("[" + name + "] must be a table (a section of parameters)", where);
  }
  p.name = file.stem().string();
  if (const auto* run = document.get("run")) load_run_table(*run->as_table(), p, where);
  if (p.name.empty() || p.name.find('/') != std::string::npos)
    throw InputError("run.name must be a non-empty name without '/'", where);
  if (options.seed) p.seed = *options.seed;
  if (!options.folder.empty()) p.folder = options.folder;
  if (p.folder.empty()) p.folder = fs::path("runs") / p.name;
  if (p.cache.empty()) p.cache = p.folder / "cache";

  const fs::path base = p.source.parent_path();
  for (const StageKind& kind : chain) {
    const auto* node = document.get(kind.name);
    if (!node) continue;
    PipelineStage stage = load_stage(kind, *node->as_table(), base, where);
    if (!options.available_commands.empty() && !options.available_commands.count(kind.name))
      stage.skip_reason = "`vitrum " + kind.name + "` is not in this build";
    p.stages.push_back(std::move(stage));
  }
  if (p.stages.empty())
    throw InputError("the pipeline has no stages; add tables such as " + known_tables(chain),
                     where);
  check_inputs(p, chain, where);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Running

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string short_key(const std::string& key) { return key.substr(0, 12); }

/// A file made available to later stages: where it is and its checksum.
struct Artifact {
  fs::path path;
  std::string sha256;
};

constexpr const char* kManifest = "manifest.json";
constexpr const char* kStageConfig = "stage.toml";

std::string log_name(const std::string& stage) { return stage + ".log"; }

/// The outputs listed in an entry's manifest, if every one is there with its checksum.
std::optional<nlohmann::json> valid_entry(const fs::path& entry) {
  const fs::path manifest = entry / kManifest;
  if (!fs::is_regular_file(manifest)) return std::nullopt;
  try {
    std::ifstream in(manifest);
    nlohmann::json j = nlohmann::json::parse(in);
    for (const auto& o : j.at("outputs")) {
      const fs::path f = entry / o.at("file").get<std::string>();
      if (!fs::is_regular_file(f) || fs::file_size(f) != o.at("bytes").get<std::uintmax_t>() ||
          core::sha256_file_hex(f) != o.at("sha256").get<std::string>())
        return std::nullopt;
    }
    return j;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<StageOutput> outputs_of(const nlohmann::json& manifest) {
  std::vector<StageOutput> out;
  for (const auto& o : manifest.at("outputs"))
    out.push_back({o.at("file").get<std::string>(), o.at("bytes").get<std::uintmax_t>(),
                   o.at("sha256").get<std::string>()});
  return out;
}

/// Hard-links `from` to `to`, copying when a link is impossible (another file system).
void link_or_copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

/// Replaces <folder>/<stage>/ by a folder holding `files` from `source`, built beside it.
void publish_stage_folder(const fs::path& folder, const fs::path& source,
                          const std::vector<std::string>& files) {
  fs::path tmp = folder;
  tmp += ".tmp." + std::to_string(::getpid());
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (const std::string& f : files)
    if (fs::exists(source / f)) link_or_copy(source / f, tmp / f);
  fs::remove_all(folder);
  fs::rename(tmp, folder);
}

nlohmann::json stage_json(const StageResult& s) {
  nlohmann::json outputs = nlohmann::json::array();
  for (const StageOutput& o : s.outputs)
    outputs.push_back({{"file", o.file}, {"bytes", o.bytes}, {"sha256", o.sha256}});
  nlohmann::json j{{"name", s.name},
                   {"status", to_string(s.status)},
                   {"key", s.key},
                   {"wall_s", s.wall_s},
                   {"command", s.command},
                   {"exit_code", s.exit_code},
                   {"folder", s.folder.string()},
                   {"log", s.log.string()},
                   {"inputs", s.inputs},
                   {"outputs", outputs}};
  if (s.status == StageStatus::kReused) j["cached_wall_s"] = s.cached_wall_s;
  if (!s.message.empty()) j["message"] = s.message;
  return j;
}

void write_run_json(const Pipeline& p, const RunSettings& settings, const RunResult& r) {
  nlohmann::json stages = nlohmann::json::array();
  for (const StageResult& s : r.stages) stages.push_back(stage_json(s));
  const nlohmann::json j{{"name", p.name},
                         {"status", r.failed ? "failed" : "complete"},
                         {"stages", stages},
                         {"wall_s", r.wall_s},
                         {"folder", p.folder.string()},
                         {"cache", p.cache.string()},
                         {"provenance",
                          {{"command", settings.command_line},
                           {"pipeline_file", p.source.string()},
                           {"pipeline_sha256", core::sha256_hex(p.source_text)},
                           {"overrides", p.overrides},
                           {"seed", p.seed},
                           {"version", std::string(vitrum::version())}}}};
  const std::string text = j.dump(2) + "\n";
  core::write_stream_atomically(r.run_json, [&](std::ostream& o) { o << text; });
}

/// The argument to give a child running in `cwd` for `file`: relative when both are in the
/// cache (so recorded command lines do not depend on where the cache is), else absolute.
std::string argument_path(const fs::path& file, const fs::path& cwd, const fs::path& cache) {
  const fs::path rel = file.lexically_relative(cache);
  if (!rel.empty() && *rel.begin() != "..") return file.lexically_relative(cwd).string();
  return file.string();
}

/// Runs one stage in a temporary folder of the cache and, on success, makes it the entry.
/// Returns the exit status; on failure the temporary folder is left for the caller.
core::ProcessStatus run_stage(const PipelineStage& s, const std::string& key, const fs::path& tmp,
                              const std::map<std::string, fs::path>& inputs, const Pipeline& p,
                              const RunSettings& settings, StageResult& result) {
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  {
    std::ofstream config(tmp / kStageConfig);
    config << s.params_text;
    if (!config)
      throw IoError("cannot write the stage's parameters", (tmp / kStageConfig).string());
  }
  std::vector<std::string> argv{settings.executable.string(), "--seed", std::to_string(p.seed)};
  if (settings.threads > 0)
    argv.insert(argv.end(), {"--threads", std::to_string(settings.threads)});
  argv.push_back(s.kind.name);
  for (const StageInput& in : s.kind.inputs) {
    const auto it = inputs.find(in.name);
    if (it == inputs.end()) continue;
    const std::string arg = argument_path(it->second, tmp, fs::absolute(p.cache));
    argv.insert(argv.end(), {"--" + in.name, arg});
    result.inputs[in.name] = it->second.string();
  }
  for (const auto& [name, value] : s.options) argv.insert(argv.end(), {"--" + name, value});
  if (!s.kind.cache_flag.empty()) {
    const fs::path own = fs::absolute(p.cache) / (s.kind.name + "-" + s.kind.cache_flag);
    argv.insert(argv.end(),
                {"--" + s.kind.cache_flag, argument_path(own, tmp, fs::absolute(p.cache))});
  }
  argv.insert(argv.end(), {"--out", s.output_file, "--config", kStageConfig});
  result.command = argv;
  result.command[0] = "vitrum";
  const fs::path log = tmp / log_name(s.kind.name);
  {
    std::ofstream header(log);
    std::string line = "$";
    for (const std::string& a : result.command) line += " " + a;
    header << line << "\n# stage key " << key << "\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const core::ProcessStatus status = core::run_process(argv, {tmp, log, {}});
  result.wall_s = seconds_since(start);
  result.exit_code = status.exit_code;
  if (!status.succeeded()) return status;

  nlohmann::json outputs = nlohmann::json::array();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(tmp))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string name = f.filename().string();
    if (name == kStageConfig || name == log_name(s.kind.name)) continue;
    const StageOutput o{name, fs::file_size(f), core::sha256_file_hex(f)};
    result.outputs.push_back(o);
    outputs.push_back({{"file", o.file}, {"bytes", o.bytes}, {"sha256", o.sha256}});
  }
  const auto made = std::find_if(result.outputs.begin(), result.outputs.end(),
                                 [&](const StageOutput& o) { return o.file == s.output_file; });
  if (made == result.outputs.end()) {
    std::ofstream(log, std::ios::app)
        << "vitrum run: the stage exited 0 but wrote no " << s.output_file << "\n";
    result.exit_code = 1;
    return {1, 0};
  }
  const nlohmann::json manifest{{"key", key},
                                {"stage", s.kind.name},
                                {"command", result.command},
                                {"exit_code", 0},
                                {"wall_s", result.wall_s},
                                {"output_file", s.output_file},
                                {"inputs", result.inputs},
                                {"outputs", outputs},
                                {"version", std::string(vitrum::version())}};
  const std::string text = manifest.dump(2) + "\n";
  core::write_stream_atomically(tmp / kManifest, [&](std::ostream& o) { o << text; });
  // Cached files are read-only: the run folders hard-link them, and an edit there must not
  // change what later runs reuse.
  for (const StageOutput& o : result.outputs)
    fs::permissions(tmp / o.file,
                    fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                    fs::perm_options::remove);
  return status;
}

/// Removes the temporary stage folders (`.tmp-<key>-<pid>`) of runs that no longer exist:
/// an interrupted run leaves one behind.
void remove_abandoned_stages(const fs::path& cache) {
  for (const auto& e : fs::directory_iterator(cache)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory() || !name.starts_with(".tmp-")) continue;
    const std::size_t dash = name.rfind('-');
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str() + dash + 1));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(e.path());
  }
}

}  // namespace

RunResult run_pipeline(const Pipeline& p, const RunSettings& settings, const core::Logger& logger) {
  const auto run_start = std::chrono::steady_clock::now();
  RunResult r;
  fs::create_directories(p.folder);
  fs::create_directories(p.cache);
  remove_abandoned_stages(p.cache);
  r.run_json = p.folder / "run.json";
  core::write_stream_atomically(p.folder / "pipeline.toml",
                                [&](std::ostream& o) { o << p.source_text; });
  core::write_stream_atomically(p.folder / "pipeline.resolved.toml",
                                [&](std::ostream& o) { o << p.resolved_text; });
  for (const PipelineStage& s : p.stages) {
    StageResult sr;
    sr.name = s.kind.name;
    sr.folder = p.folder / s.kind.name;
    r.stages.push_back(sr);
  }

  // The version string alone would let a rebuilt vitrum (same version, other code) reuse
  // what an older build made: the key covers the executable's bytes too.
  const std::string build =
      std::string(vitrum::version()) + " executable " + core::sha256_file_hex(settings.executable);
  std::map<std::string, Artifact> available;  // kind → the latest file of that kind
  const std::size_t n = p.stages.size();
  for (std::size_t i = 0; i < n; ++i) {
    const PipelineStage& s = p.stages[i];
    StageResult& result = r.stages[i];
    const std::string counter = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
    if (!s.skip_reason.empty()) {
      result.status = StageStatus::kSkipped;
      result.message = s.skip_reason;
      logger.info(counter + s.kind.name + ": skipped (" + s.skip_reason + ")");
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    StageKeyParts parts{s.kind.name, build, s.resolved_params, s.output_file, p.seed,
                        s.options,   {}};
    std::map<std::string, fs::path> inputs;
    for (const StageInput& in : s.kind.inputs) {
      Artifact a;
      if (const auto given = s.given_inputs.find(in.name); given != s.given_inputs.end()) {
        a = {given->second, core::sha256_file_hex(given->second)};
        available[in.kind] = a;
      } else if (const auto made = available.find(in.kind); made != available.end()) {
        a = made->second;
      } else {
        continue;  // optional, and nothing makes it (load_pipeline checked the required ones)
      }
      inputs[in.name] = a.path;
      parts.input_checksums[in.name] = a.sha256;
    }
    result.key = stage_cache_key(parts);
    const fs::path entry = fs::absolute(p.cache / result.key);
    const std::vector<std::string> kept{kStageConfig, log_name(s.kind.name)};

    std::optional<nlohmann::json> manifest = valid_entry(entry);
    if (manifest) {
      result.status = StageStatus::kReused;
      result.outputs = outputs_of(*manifest);
      result.command = manifest->value("command", std::vector<std::string>{});
      result.cached_wall_s = manifest->value("wall_s", 0.0);
      for (const auto& [name, path] : inputs) result.inputs[name] = path.string();
    } else {
      logger.info(counter + s.kind.name + ": running (key " + short_key(result.key) + ")");
      fs::path tmp = p.cache / (".tmp-" + result.key + "-" + std::to_string(::getpid()));
      tmp = fs::absolute(tmp);
      const core::ProcessStatus status = run_stage(s, result.key, tmp, inputs, p, settings, result);
      if (!status.succeeded() || result.exit_code != 0) {
        result.status = StageStatus::kFailed;
        result.message = status.describe();
        // Keep only the log, in the stage folder; drop whatever the stage half-wrote, and the
        // folders later stages left from an earlier run.
        publish_stage_folder(result.folder, tmp, {log_name(s.kind.name), kStageConfig});
        fs::remove_all(tmp);
        for (std::size_t j = i + 1; j < n; ++j) fs::remove_all(r.stages[j].folder);
        result.log = result.folder / log_name(s.kind.name);
        r.failed = i;
        r.wall_s = seconds_since(run_start);
        write_run_json(p, settings, r);
        logger.info(counter + s.kind.name + ": FAILED (" + result.message + ") after " +
                    core::format_number(std::round(10 * result.wall_s) / 10) + " s; see " +
                    result.log.string());
        return r;
      }
      std::error_code ec;
      fs::rename(tmp, entry, ec);
      if (ec) {  // an entry appeared meanwhile (another run) or an invalid one is in the way
        if (!valid_entry(entry)) {
          fs::remove_all(entry);
          fs::rename(tmp, entry);
        } else {
          fs::remove_all(tmp);
        }
      }
      result.status = StageStatus::kRan;
    }
    std::vector<std::string> files = kept;
    for (const StageOutput& o : result.outputs) files.push_back(o.file);
    publish_stage_folder(result.folder, entry, files);
    result.log = result.folder / log_name(s.kind.name);
    for (const StageOutput& o : result.outputs)
      if (o.file == s.output_file) available[s.kind.output_kind] = {entry / o.file, o.sha256};
    if (result.status == StageStatus::kReused) result.wall_s = seconds_since(start);
    r.wall_s = seconds_since(run_start);
    write_run_json(p, settings, r);
    logger.info(counter + s.kind.name + ": " + to_string(result.status) + " in " +
                core::format_number(std::round(100 * result.wall_s) / 100) + " s (key " +
                short_key(result.key) + ", " + result.folder.string() + ")");
  }
  r.wall_s = seconds_since(run_start);
  write_run_json(p, settings, r);
  return r;
}

void throw_if_failed(const RunResult& result) {
  if (!result.failed) return;
  const StageResult& s = result.stages[*result.failed];
  const std::string message =
      "stage " + s.name + " failed (" +
      (s.exit_code >= 0 ? "exit " + std::to_string(s.exit_code) : s.message) + "); see " +
      s.log.string();
  if (s.exit_code == 2) throw InputError(message);
  throw Error(message);
}

std::set<std::string> command_names(CLI::App& app) {
  std::set<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.insert(sub->get_name());
  return names;
}

std::string summary_table(const RunResult& result) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-10s %-8s %10s  %-12s  %s\n", "stage", "status", "wall s",
                "key", "log");
  out << line;
  for (const StageResult& s : result.stages) {
    std::snprintf(line, sizeof line, "%-10s %-8s %10.2f  %-12s  %s\n", s.name.c_str(),
                  to_string(s.status).c_str(), s.wall_s, short_key(s.key).c_str(),
                  s.log.string().c_str());
    out << line;
  }
  std::snprintf(line, sizeof line, "%-10s %-8s %10.2f\n", "total", "", result.wall_s);
  out << line;
  return out.str();
}

}  // namespace vitrum::app
