#include "study.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "plot.hpp"
#include "vitrum/core/checksum.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/scorecard.hpp"
#include "vitrum/core/text_match.hpp"
#include "vitrum/core/version.hpp"

namespace vitrum::app {

namespace fs = std::filesystem;

void StudyParams::validate() const {
  if (repeats < 1) throw InputError("study.repeats must be ≥ 1, got " + std::to_string(repeats));
  if (sweeps.empty())
    throw InputError("the study sweeps nothing: add [[study.sweep]] with key and values");
  for (std::size_t i = 0; i < sweeps.size(); ++i) {
    const StudySweep& s = sweeps[i];
    const std::string where = "study.sweep[" + std::to_string(i) + "]";
    if (s.key.find('.') == std::string::npos || s.key.front() == '.' || s.key.back() == '.')
      throw InputError(where +
                       ".key must be stage.parameter (as vitrum run --set takes it), got \"" +
                       s.key + "\"");
    if (s.values.empty()) throw InputError(where + ".values is empty (key " + s.key + ")");
    if (s.values.size() != s.labels.size())
      throw InputError(where + ": one label per value is needed (key " + s.key + ")");
    for (std::size_t j = 0; j < i; ++j)
      if (sweeps[j].key == s.key) throw InputError("the key " + s.key + " is swept twice");
    if (mode == SweepMode::kZip && s.values.size() != sweeps.front().values.size())
      throw InputError("study.mode = \"zip\" needs sweeps of one length: " + sweeps.front().key +
                       " has " + std::to_string(sweeps.front().values.size()) + " values, " +
                       s.key + " has " + std::to_string(s.values.size()));
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

/// The shortest text that reads back to the same double.
std::string number_text(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// A sweep value as an override value (TOML) and as a label.
std::pair<std::string, std::string> sweep_value(const toml::node& node, const std::string& where) {
  if (const auto* s = node.as_string()) return {core::quote_toml_string(s->get()), s->get()};
  if (const auto* i = node.as_integer()) {
    const std::string t = std::to_string(i->get());
    return {t, t};
  }
  if (const auto* f = node.as_floating_point()) {
    if (!std::isfinite(f->get())) throw InputError(where + ": values must be finite");
    std::ostringstream toml_text;
    toml_text << *f;
    return {toml_text.str(), number_text(f->get())};
  }
  if (const auto* b = node.as_boolean()) {
    const std::string t = b->get() ? "true" : "false";
    return {t, t};
  }
  if (const auto* a = node.as_array()) {  // a list parameter: passed on as written
    std::ostringstream out;
    out << *a;
    return {out.str(), out.str()};
  }
  throw InputError(where + ": values must be numbers, strings, booleans or arrays");
}

StudyParams read_study_table(const toml::table& t, const fs::path& file, std::string& pipeline) {
  const std::string where = file.string();
  const std::vector<std::string> known{"name", "folder",   "cache", "repeats",
                                       "mode", "pipeline", "sweep"};
  StudyParams p;
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw InputError("unknown key study." + key + core::did_you_mean(key, known) +
                           "; [study] takes name, folder, cache, repeats, mode, pipeline, sweep",
                       where);
  }
  const auto str = [&](const char* key) -> std::string {
    const auto* n = t.get(key);
    if (!n) return {};
    const auto* s = n->as_string();
    if (!s) throw InputError(std::string("study.") + key + " must be a string", where);
    return s->get();
  };
  p.name = str("name");
  if (p.name.empty()) p.name = file.stem().string();
  if (p.name.find('/') != std::string::npos)
    throw InputError("study.name must be a name without '/'", where);
  p.folder = str("folder");
  p.cache = str("cache");
  pipeline = str("pipeline");
  if (const auto* n = t.get("repeats")) {
    const auto* i = n->as_integer();
    if (!i) throw InputError("study.repeats must be an integer ≥ 1", where);
    p.repeats = static_cast<int>(std::clamp<std::int64_t>(i->get(), -1, 1'000'000));
  }
  const std::string mode = str("mode");
  if (mode == "zip")
    p.mode = SweepMode::kZip;
  else if (!mode.empty() && mode != "product")
    core::throw_bad_choice("study.mode", mode, "product, zip", where);
  if (const auto* n = t.get("sweep")) {
    const auto* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables())
      throw InputError("study.sweep must be [[study.sweep]] tables with key and values", where);
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::table& s = *arr->at(i).as_table();
      const std::string w = "study.sweep[" + std::to_string(i) + "]";
      for (auto&& [k, v] : s)
        if (k.str() != "key" && k.str() != "values")
          throw InputError(
              "unknown key " + w + "." + std::string(k.str()) + "; a sweep takes key and values",
              where);
      StudySweep sweep;
      const auto* key = s.get("key");
      if (!key || !key->as_string()) throw InputError(w + ".key must be a string", where);
      sweep.key = key->as_string()->get();
      const auto* values = s.get("values");
      if (!values || !values->as_array())
        throw InputError(w + ".values must be an array (key " + sweep.key + ")", where);
      for (const toml::node& v : *values->as_array()) {
        auto [text, label] = sweep_value(v, w + ".values");
        sweep.values.push_back(std::move(text));
        sweep.labels.push_back(std::move(label));
      }
      p.sweeps.push_back(std::move(sweep));
    }
  }
  try {
    p.validate();
  } catch (const InputError& e) {
    throw InputError(e.what(), where);
  }
  return p;
}

std::vector<StudyPoint> make_points(const StudyParams& p) {
  std::vector<StudyPoint> points;
  std::size_t count = p.mode == SweepMode::kZip ? p.sweeps.front().values.size() : 1;
  if (p.mode == SweepMode::kProduct)
    for (const StudySweep& s : p.sweeps) count *= s.values.size();
  for (std::size_t i = 0; i < count; ++i) {
    StudyPoint point;
    point.index = i;
    std::size_t rest = i;
    std::vector<std::size_t> pick(p.sweeps.size());
    for (std::size_t k = p.sweeps.size(); k-- > 0;) {
      if (p.mode == SweepMode::kZip) {
        pick[k] = i;
      } else {
        pick[k] = rest % p.sweeps[k].values.size();
        rest /= p.sweeps[k].values.size();
      }
    }
    for (std::size_t k = 0; k < p.sweeps.size(); ++k) {
      point.overrides.push_back(p.sweeps[k].key + "=" + p.sweeps[k].values[pick[k]]);
      point.labels.push_back(p.sweeps[k].labels[pick[k]]);
    }
    points.push_back(std::move(point));
  }
  return points;
}

std::string point_id(std::size_t point, int repeat) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "p%03zu_r%d", point, repeat);
  return buf;
}

std::string point_name(std::size_t point) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "p%03zu", point);
  return buf;
}

std::string describe(const StudyPoint& point) {
  std::string s;
  for (const std::string& o : point.overrides) s += (s.empty() ? "" : ", ") + o;
  return s;
}

}  // namespace

Study load_study(const fs::path& file, const std::vector<StageKind>& chain,
                 const StudyLoadOptions& options) {
  const std::string where = file.string();
  toml::table document;
  try {
    document = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw InputError("TOML syntax error: " + std::string(e.description()),
                     where + ":" + std::to_string(at.line) + ":" + std::to_string(at.column));
  }
  const auto* table = document.get("study");
  if (!table || !table->is_table())
    throw InputError("a study file needs a [study] table (name, repeats, [[study.sweep]])", where);
  Study study;
  study.source = fs::absolute(file).lexically_normal();
  std::string pipeline_file;
  study.params = read_study_table(*table->as_table(), file, pipeline_file);
  if (options.folder.empty()) {
    if (study.params.folder.empty()) study.params.folder = fs::path("runs") / study.params.name;
  } else {
    study.params.folder = options.folder;
  }
  if (study.params.cache.empty()) study.params.cache = study.params.folder / "cache";

  // The chain: the file's own tables, or the pipeline file it names (not both).
  fs::path base_file = file;
  PipelineLoadOptions load;
  load.available_commands = options.available_commands;
  if (pipeline_file.empty()) {
    load.ignored_tables = {"study"};
  } else {
    for (auto&& [k, v] : document)
      if (k.str() != "study")
        throw InputError("[" + std::string(k.str()) +
                             "]: a study with study.pipeline takes its stages from that file; "
                             "put stage tables in one place",
                         where);
    base_file = fs::path(pipeline_file).is_relative() ? study.source.parent_path() / pipeline_file
                                                      : fs::path(pipeline_file);
    if (!fs::is_regular_file(base_file))
      throw InputError("study.pipeline: no such file " + base_file.string(), where);
  }
  const Pipeline base = load_pipeline(base_file, chain, load);
  if (base.stages.empty() || base.stages.back().kind.name != "score")
    throw InputError(
        "a study needs a [score] stage at the end of its chain: its scorecard's "
        "metrics are what the study tabulates",
        where);
  if (!base.stages.back().skip_reason.empty())
    throw InputError("the score stage cannot run: " + base.stages.back().skip_reason, where);
  for (const StudySweep& s : study.params.sweeps) {
    const std::string stage = s.key.substr(0, s.key.find('.'));
    if (stage == "run")
      throw InputError(
          "sweep key " + s.key + ": run.* cannot be swept (seeds come from study.repeats)", where);
    std::vector<std::string> names;
    for (const PipelineStage& ps : base.stages) names.push_back(ps.kind.name);
    if (std::find(names.begin(), names.end(), stage) == names.end())
      throw InputError("sweep key " + s.key + ": the chain has no stage [" + stage + "]" +
                           core::did_you_mean(stage, names),
                       where);
  }

  // Every point × repeat, validated now: nothing runs if any is wrong.
  const std::uint64_t seed0 = options.seed ? *options.seed : base.seed;
  study.points = make_points(study.params);
  for (const StudyPoint& point : study.points)
    for (int r = 0; r < study.params.repeats; ++r) {
      StudyJob job;
      job.point = point.index;
      job.repeat = r;
      job.seed = seed0 + static_cast<std::uint64_t>(r);
      job.id = point_id(point.index, r);
      PipelineLoadOptions o = load;
      o.overrides = point.overrides;
      o.seed = job.seed;
      o.folder = study.params.folder / "points" / job.id;
      try {
        job.pipeline = load_pipeline(base_file, chain, o);
      } catch (const InputError& e) {
        throw InputError(
            "study point " + point_name(point.index) + " (" + describe(point) + "): " + e.what(),
            e.where().empty() ? where : e.where());
      }
      job.pipeline.cache = study.params.cache;
      study.jobs.push_back(std::move(job));
    }
  return study;
}

// ---------------------------------------------------------------------------------------------
// Tables

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::vector<std::string> metric_names(const std::vector<StudyRow>& rows) {
  std::set<std::string> names;
  for (const StudyRow& r : rows)
    for (const auto& [name, v] : r.metrics) names.insert(name);
  return {names.begin(), names.end()};
}

/// A fingerprint of what a job computes: seed and every stage's resolved parameters, options
/// and given inputs. A marker with another fingerprint is from other parameters.
std::string fingerprint(const StudyJob& job) {
  std::ostringstream text;
  text << "seed " << job.pipeline.seed << "\n";
  for (const PipelineStage& s : job.pipeline.stages) {
    text << "stage " << s.kind.name << " out " << s.output_file << "\n";
    for (const auto& [k, v] : s.options) text << "option " << k << "=" << v << "\n";
    for (const auto& [k, v] : s.given_inputs) text << "input " << k << " " << v.string() << "\n";
    text << "params " << s.resolved_params.size() << "\n" << s.resolved_params;
  }
  return core::sha256_hex(text.str());
}

nlohmann::json row_json(const StudyRow& r, const std::string& print) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [k, v] : r.metrics) metrics[k] = std::isfinite(v) ? nlohmann::json(v) : nullptr;
  return {{"id", r.id},          {"point", r.point},      {"repeat", r.repeat},
          {"seed", r.seed},      {"labels", r.labels},    {"metrics", metrics},
          {"status", r.status},  {"log", r.log.string()}, {"wall_s", r.wall_s},
          {"fingerprint", print}};
}

/// The row of a finished job, if its marker is there, complete and from these parameters.
std::optional<StudyRow> read_marker(const fs::path& marker, const std::string& print) {
  if (!fs::is_regular_file(marker)) return std::nullopt;
  try {
    std::ifstream in(marker);
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.at("fingerprint").get<std::string>() != print) return std::nullopt;
    StudyRow r;
    r.id = j.at("id").get<std::string>();
    r.point = j.at("point").get<std::size_t>();
    r.repeat = j.at("repeat").get<int>();
    r.seed = j.at("seed").get<std::uint64_t>();
    r.labels = j.at("labels").get<std::vector<std::string>>();
    for (const auto& [k, v] : j.at("metrics").items())
      r.metrics[k] = v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
    r.status = j.at("status").get<std::string>();
    r.log = j.at("log").get<std::string>();
    r.wall_s = j.at("wall_s").get<double>();
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void write_results_csv(const Study& study, const std::vector<StudyRow>& rows) {
  const std::vector<std::string> metrics = metric_names(rows);
  core::write_stream_atomically(study.params.folder / "results.csv", [&](std::ostream& o) {
    o << "id,point,repeat,seed";
    for (const StudySweep& s : study.params.sweeps) o << "," << csv_field(s.key);
    for (const std::string& m : metrics) o << "," << csv_field(m);
    o << ",status,log\n";
    for (const StudyRow& r : rows) {
      if (r.status.empty()) continue;  // not run yet
      o << r.id << "," << r.point << "," << r.repeat << "," << r.seed;
      for (const std::string& l : r.labels) o << "," << csv_field(l);
      for (const std::string& m : metrics) {
        const auto it = r.metrics.find(m);
        o << "," << (it == r.metrics.end() ? "" : number_text(it->second));
      }
      o << "," << csv_field(r.status) << "," << csv_field(r.log.string()) << "\n";
    }
  });
}

void write_summary_csv(const Study& study, const std::vector<StudyRow>& rows) {
  const std::vector<std::string> metrics = metric_names(rows);
  const auto stats = summarize(study, rows);
  core::write_stream_atomically(study.params.folder / "summary.csv", [&](std::ostream& o) {
    o << "point";
    for (const StudySweep& s : study.params.sweeps) o << "," << csv_field(s.key);
    o << ",n_ok";
    for (const std::string& m : metrics)
      o << "," << csv_field(m + "_mean") << "," << csv_field(m + "_sd");
    o << "\n";
    for (const StudyPoint& p : study.points) {
      int n_ok = 0;
      for (const StudyRow& r : rows)
        if (r.point == p.index && r.status == "ok") ++n_ok;
      o << p.index;
      for (const std::string& l : p.labels) o << "," << csv_field(l);
      o << "," << n_ok;
      for (const std::string& m : metrics) {
        const auto it = stats[p.index].find(m);
        if (it == stats[p.index].end() || it->second.n == 0) {
          o << ",,";
          continue;
        }
        o << "," << number_text(it->second.mean) << ","
          << (it->second.n > 1 ? number_text(it->second.sd) : "");
      }
      o << "\n";
    }
  });
}

/// A sweep's labels as numbers, if every one is a number.
std::optional<std::vector<double>> numeric(const std::vector<std::string>& labels) {
  std::vector<double> v;
  for (const std::string& l : labels) {
    double x = 0;
    const auto r = std::from_chars(l.data(), l.data() + l.size(), x);
    if (r.ec != std::errc() || r.ptr != l.data() + l.size()) return std::nullopt;
    v.push_back(x);
  }
  return v;
}

std::string dataset_name(std::string s) {
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

void write_results_h5(const Study& study, const std::vector<StudyRow>& rows_in,
                      const std::string& command) {
  std::vector<const StudyRow*> rows;
  for (const StudyRow& r : rows_in)
    if (!r.status.empty()) rows.push_back(&r);
  const std::vector<std::string> metrics = metric_names(rows_in);
  const auto stats = summarize(study, rows_in);
  core::Hdf5Writer h5(study.params.folder / "results.h5");
  const std::size_t n = rows.size(), np = study.points.size();
  std::vector<std::int32_t> point(n), repeat(n), ok(n);
  std::vector<double> seed(n);
  std::string status, logs;
  for (std::size_t i = 0; i < n; ++i) {
    point[i] = static_cast<std::int32_t>(rows[i]->point);
    repeat[i] = rows[i]->repeat;
    ok[i] = rows[i]->status == "ok";
    seed[i] = static_cast<double>(rows[i]->seed);
    status += (i ? "\n" : "") + rows[i]->status;
    logs += (i ? "\n" : "") + rows[i]->log.string();
  }
  h5.write_array<std::int32_t>("/results/point", point, {n});
  h5.write_array<std::int32_t>("/results/repeat", repeat, {n});
  h5.write_array<double>("/results/seed", seed, {n});
  h5.write_array<std::int32_t>("/results/ok", ok, {n});
  h5.write_attribute("/results", "status", status);
  h5.write_attribute("/results", "log", logs);
  for (std::size_t k = 0; k < study.params.sweeps.size(); ++k) {
    const StudySweep& s = study.params.sweeps[k];
    const std::string name = dataset_name(s.key);
    std::vector<std::string> row_labels, point_labels;
    for (const StudyRow* r : rows) row_labels.push_back(r->labels[k]);
    for (const StudyPoint& p : study.points) point_labels.push_back(p.labels[k]);
    if (numeric(s.labels)) {
      h5.write_array<double>("/results/" + name, *numeric(row_labels), {n});
      h5.write_array<double>("/summary/" + name, *numeric(point_labels), {np});
    } else {  // text values: the index into the attribute `<key>` (labels, one a line)
      const auto index = [&](const std::string& l) {
        return static_cast<std::int32_t>(std::find(s.labels.begin(), s.labels.end(), l) -
                                         s.labels.begin());
      };
      std::vector<std::int32_t> ri, pi;
      for (const std::string& l : row_labels) ri.push_back(index(l));
      for (const std::string& l : point_labels) pi.push_back(index(l));
      h5.write_array<std::int32_t>("/results/" + name, ri, {n});
      h5.write_array<std::int32_t>("/summary/" + name, pi, {np});
      std::string all;
      for (const std::string& l : s.labels) all += (all.empty() ? "" : "\n") + l;
      h5.write_attribute("/results", name, all);
    }
  }
  for (const std::string& m : metrics) {
    std::vector<double> v(n), mean(np), sd(np);
    for (std::size_t i = 0; i < n; ++i) {
      const auto it = rows[i]->metrics.find(m);
      v[i] = it == rows[i]->metrics.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
    }
    for (std::size_t p = 0; p < np; ++p) {
      const auto it = stats[p].find(m);
      const bool have = it != stats[p].end() && it->second.n > 0;
      mean[p] = have ? it->second.mean : std::numeric_limits<double>::quiet_NaN();
      sd[p] = have && it->second.n > 1 ? it->second.sd : std::numeric_limits<double>::quiet_NaN();
    }
    h5.write_array<double>("/results/" + dataset_name(m), v, {n});
    h5.write_array<double>("/summary/" + dataset_name(m) + "_mean", mean, {np});
    h5.write_array<double>("/summary/" + dataset_name(m) + "_sd", sd, {np});
  }
  std::vector<std::int32_t> n_ok(np, 0);
  for (const StudyRow* r : rows)
    if (r->status == "ok") ++n_ok[r->point];
  h5.write_array<std::int32_t>("/summary/n_ok", n_ok, {np});
  std::ifstream in(study.source);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const core::Provenance prov =
      core::Provenance::make(command, text, study.jobs.empty() ? 0 : study.jobs.front().seed);
  h5.write_provenance(prov);
  h5.commit();
}

/// One plot per numeric-or-text sweep with two or more values, per metric: mean ± sd over
/// repeats against the sweep's values, one series per combination of the other sweeps.
void write_plots(const Study& study, const std::vector<StudyRow>& rows) {
  const std::vector<std::string> metrics = metric_names(rows);
  const auto stats = summarize(study, rows);
  const fs::path folder = study.params.folder / "plots";
  fs::create_directories(folder);
  const auto& sweeps = study.params.sweeps;
  for (std::size_t k = 0; k < sweeps.size(); ++k) {
    std::vector<std::string> distinct;  // a zip sweep may repeat a value
    for (const std::string& l : sweeps[k].labels)
      if (std::find(distinct.begin(), distinct.end(), l) == distinct.end()) distinct.push_back(l);
    if (distinct.size() < 2) continue;
    const auto xs = numeric(distinct);
    for (const std::string& m : metrics) {
      PlotSpec spec;
      spec.title = m + " VS " + sweeps[k].key + " (MEAN +- SD, " +
                   std::to_string(study.params.repeats) + " SEEDS)";
      spec.x_label = sweeps[k].key;
      spec.y_label = m;
      if (xs) {
        const auto [lo, hi] = std::minmax_element(xs->begin(), xs->end());
        spec.x_log = *lo > 0 && *hi / *lo >= 100;
      } else {
        spec.x_categories = distinct;
      }
      std::map<std::string, std::size_t> series_of;  // labels of the other sweeps → series
      for (const StudyPoint& p : study.points) {
        std::string others;
        if (study.params.mode == SweepMode::kProduct)
          for (std::size_t j = 0; j < sweeps.size(); ++j)
            if (j != k) {
              // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "" + string.
              if (!others.empty()) others += ' ';
              others.append(sweeps[j].key, sweeps[j].key.rfind('.') + 1).append("=");
              others += p.labels[j];
            }
        auto [it, added] = series_of.emplace(others, spec.series.size());
        if (added) spec.series.push_back({others, {}, {}, {}});
        PlotSeries& s = spec.series[it->second];
        const std::size_t xi = static_cast<std::size_t>(
            std::find(distinct.begin(), distinct.end(), p.labels[k]) - distinct.begin());
        const auto st = stats[p.index].find(m);
        const bool have = st != stats[p.index].end() && st->second.n > 0;
        s.x.push_back(xs ? (*xs)[xi] : static_cast<double>(xi));
        s.y.push_back(have ? st->second.mean : std::numeric_limits<double>::quiet_NaN());
        s.err.push_back(have && st->second.n > 1 ? st->second.sd
                                                 : std::numeric_limits<double>::quiet_NaN());
      }
      write_plot_png(folder / dataset_name(m + "_vs_" + sweeps[k].key + ".png"), spec);
    }
  }
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 120)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 7200)
    std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  else
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  return buf;
}

}  // namespace

std::vector<std::map<std::string, StudyStat>> summarize(const Study& study,
                                                        const std::vector<StudyRow>& rows) {
  std::vector<std::map<std::string, std::vector<double>>> values(study.points.size());
  for (const StudyRow& r : rows)
    if (r.status == "ok" && r.point < values.size())
      for (const auto& [m, v] : r.metrics)
        if (std::isfinite(v)) values[r.point][m].push_back(v);
  std::vector<std::map<std::string, StudyStat>> out(study.points.size());
  for (std::size_t p = 0; p < values.size(); ++p)
    for (const auto& [m, v] : values[p]) {
      StudyStat s;
      s.n = static_cast<int>(v.size());
      for (double x : v) s.mean += x;
      s.mean /= s.n;
      for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
      s.sd = s.n > 1 ? std::sqrt(s.sd / (s.n - 1)) : 0.0;
      out[p][m] = s;
    }
  return out;
}

StudyResult run_study(const Study& study, const RunSettings& settings, const core::Logger& logger) {
  const auto start = std::chrono::steady_clock::now();
  const auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  const fs::path& folder = study.params.folder;
  fs::create_directories(folder / "points");
  {
    std::ifstream in(study.source, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    core::write_stream_atomically(folder / "study.toml", [&](std::ostream& o) { o << text; });
  }

  StudyResult result;
  result.rows.resize(study.jobs.size());
  std::vector<std::string> prints(study.jobs.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < study.jobs.size(); ++i) {
    const StudyJob& job = study.jobs[i];
    prints[i] = fingerprint(job);
    const auto done = read_marker(job.pipeline.folder / "row.json", prints[i]);
    if (done && done->status == "ok") {
      result.rows[i] = *done;
      ++result.resumed;
    } else {
      todo.push_back(i);
    }
  }
  // Repeat by repeat: once the first repeat is through, every point has a result, so a study
  // stopped early already maps the whole sweep (with fewer seeds), and the stages a seed shares
  // across points (sim, specimen, the noiseless multislice series) are made as they are needed.
  std::stable_sort(todo.begin(), todo.end(), [&](std::size_t a, std::size_t b) {
    return study.jobs[a].repeat < study.jobs[b].repeat;
  });
  logger.info("study " + study.params.name + ": " + std::to_string(study.points.size()) +
              " points × " + std::to_string(study.params.repeats) + " repeats; " +
              std::to_string(result.resumed) + " already done (skipped), " +
              std::to_string(todo.size()) + " to run; folder " + folder.string() + ", cache " +
              study.params.cache.string());

  double run_time = 0;
  for (std::size_t t = 0; t < todo.size(); ++t) {
    const std::size_t i = todo[t];
    const StudyJob& job = study.jobs[i];
    const StudyPoint& point = study.points[job.point];
    const std::string counter =
        "study run " + std::to_string(t + 1) + "/" + std::to_string(todo.size()) + " ";
    logger.info(counter + job.id + ": " + describe(point) + ", seed " + std::to_string(job.seed));
    const auto job_start = std::chrono::steady_clock::now();
    const RunResult run = run_pipeline(job.pipeline, settings, logger);
    StudyRow& row = result.rows[i];
    row = {};
    row.point = job.point;
    row.repeat = job.repeat;
    row.seed = job.seed;
    row.id = job.id;
    row.labels = point.labels;
    for (const StageResult& s : run.stages) {
      row.stages_ran += s.status == StageStatus::kRan;
      row.stages_reused += s.status == StageStatus::kReused;
    }
    if (run.failed) {
      const StageResult& s = run.stages[*run.failed];
      row.status = "failed: " + s.name + " (" +
                   (s.exit_code >= 0 ? "exit " + std::to_string(s.exit_code) : s.message) + ")";
      row.log = s.log;
    } else {
      const PipelineStage& score = job.pipeline.stages.back();
      const fs::path card = job.pipeline.folder / score.kind.name / score.output_file;
      try {
        row.metrics = core::read_scorecard(card).metrics;
        row.status = "ok";
      } catch (const Error& e) {
        row.status = "failed: no scorecard";
        row.log = card;
        logger.warn(job.id + ": " + e.what());
      }
    }
    row.wall_s = since(job_start);
    run_time += row.wall_s;
    result.stages_ran += row.stages_ran;
    result.stages_reused += row.stages_reused;
    if (row.status == "ok")
      ++result.ran;
    else
      ++result.failed;
    const std::string text = row_json(row, prints[i]).dump(2) + "\n";
    core::write_stream_atomically(job.pipeline.folder / "row.json",
                                  [&](std::ostream& o) { o << text; });
    write_results_csv(study, result.rows);
    write_summary_csv(study, result.rows);
    const double eta =
        run_time / static_cast<double>(t + 1) * static_cast<double>(todo.size() - t - 1);
    const std::string see = row.status == "ok" ? "" : "; see " + row.log.string();
    logger.info(counter + job.id + ": " + row.status + " in " + duration_text(row.wall_s) + " (" +
                std::to_string(row.stages_ran) + " stages ran, " +
                std::to_string(row.stages_reused) + " reused)" + see + "; ETA " +
                duration_text(eta));
  }
  write_results_csv(study, result.rows);
  write_summary_csv(study, result.rows);
  write_results_h5(study, result.rows, settings.command_line);
  write_plots(study, result.rows);
  result.wall_s = since(start);
  const nlohmann::json j{{"name", study.params.name},
                         {"points", study.points.size()},
                         {"repeats", study.params.repeats},
                         {"jobs", study.jobs.size()},
                         {"ran", result.ran},
                         {"resumed", result.resumed},
                         {"failed", result.failed},
                         {"stages_ran", result.stages_ran},
                         {"stages_reused", result.stages_reused},
                         {"wall_s", result.wall_s},
                         {"command", settings.command_line},
                         {"study_file", study.source.string()},
                         {"version", std::string(vitrum::version())}};
  const std::string text = j.dump(2) + "\n";
  core::write_stream_atomically(folder / "study.json", [&](std::ostream& o) { o << text; });
  return result;
}

}  // namespace vitrum::app
