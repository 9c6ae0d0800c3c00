#include "vitrum/validation/baseline.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::validation {

namespace {

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError("cannot open", path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("malformed JSON: ") + e.what(), path.string());
  }
}

std::string number(double v) {
  if (std::isnan(v)) return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

}  // namespace

Baseline read_baseline(const std::filesystem::path& path) {
  Baseline b;
  b.scorecard = core::read_scorecard(path);
  const nlohmann::json j = read_json(path);
  if (!j.contains("tolerances")) return b;
  const nlohmann::json& t = j["tolerances"];
  if (!t.is_object()) throw InputError("\"tolerances\" is not an object", path.string());
  for (const auto& [name, spec] : t.items()) {
    const std::string where = path.string() + ": tolerances." + name;
    if (!b.scorecard.metrics.count(name))
      throw InputError("a tolerance for a metric the baseline does not have", where);
    if (!spec.is_object()) throw InputError("not an object", where);
    Tolerance tol;
    try {
      if (!spec.contains("direction") || !spec["direction"].is_string())
        throw InputError("\"direction\" (higher, lower, two-sided) is missing");
      tol.direction = parse_direction(spec["direction"].get<std::string>());
      for (const char* key : {"abs", "rel"}) {
        if (!spec.contains(key)) continue;
        if (!spec[key].is_number())
          throw InputError(std::string("\"") + key + "\" is not a number");
        (std::string(key) == "abs" ? tol.abs : tol.rel) = spec[key].get<double>();
      }
      tol.validate();
    } catch (const InputError& e) {
      throw InputError(e.what(), where);
    }
    b.tolerances[name] = tol;
  }
  return b;
}

void write_baseline(const std::filesystem::path& path, const core::Scorecard& scorecard,
                    const std::map<std::string, Tolerance>& tolerances) {
  core::write_scorecard(path, scorecard);
  nlohmann::json j = read_json(path);
  nlohmann::json t = nlohmann::json::object();
  for (const auto& [name, tol] : tolerances)
    t[name] = {{"direction", to_string(tol.direction)}, {"abs", tol.abs}, {"rel", tol.rel}};
  j["tolerances"] = t;
  core::write_stream_atomically(path, [&](std::ostream& o) { o << j.dump(2) << "\n"; });
}

std::map<std::string, Tolerance> default_tolerances(const core::Scorecard& scorecard,
                                                    const MetricRegistry& registry) {
  std::map<std::string, Tolerance> out;
  for (const auto& [name, value] : scorecard.metrics) {
    const MetricSpec* spec = registry.find(name);
    if (spec && spec->tolerance) out[name] = *spec->tolerance;
  }
  return out;
}

std::string to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kWorse:
      return "WORSE";
    case CheckStatus::kMissing:
      return "MISSING";
    case CheckStatus::kUnchecked:
      return "-";
  }
  return "-";
}

BaselineReport compare_to_baseline(const core::Scorecard& now, const Baseline& baseline) {
  if (now.chain != baseline.scorecard.chain)
    throw InputError("the scorecard's chain \"" + now.chain + "\" differs from the baseline's \"" +
                     baseline.scorecard.chain + "\"");
  BaselineReport report;
  for (const auto& [name, base] : baseline.scorecard.metrics) {
    MetricCheck c;
    c.name = name;
    c.baseline = base;
    const auto found = now.metrics.find(name);
    c.now = found == now.metrics.end() ? std::numeric_limits<double>::quiet_NaN() : found->second;
    const auto tol = baseline.tolerances.find(name);
    if (tol == baseline.tolerances.end()) {
      c.status = CheckStatus::kUnchecked;
      report.checks.push_back(c);
      continue;
    }
    c.has_tolerance = true;
    c.tolerance = tol->second;
    c.allowed = c.tolerance.allowed(base);
    if (found == now.metrics.end()) {
      c.status = CheckStatus::kMissing;
    } else if (std::isnan(c.now) || std::isnan(base)) {
      c.status = std::isnan(c.now) && !std::isnan(base) ? CheckStatus::kWorse : CheckStatus::kPass;
    } else {
      const double change = c.now - base;
      bool worse = false;
      switch (c.tolerance.direction) {
        case Direction::kHigherIsBetter:
          worse = change < -c.allowed;
          break;
        case Direction::kLowerIsBetter:
          worse = change > c.allowed;
          break;
        case Direction::kTwoSided:
          worse = std::abs(change) > c.allowed;
          break;
      }
      c.status = worse ? CheckStatus::kWorse : CheckStatus::kPass;
    }
    if (c.status == CheckStatus::kWorse || c.status == CheckStatus::kMissing) ++report.failures;
    report.checks.push_back(c);
  }
  return report;
}

std::string format_report(const BaselineReport& report) {
  std::size_t width = 6;
  for (const auto& c : report.checks) width = std::max(width, c.name.size());
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-*s %12s %12s %22s  %s\n", int(width), "metric", "baseline",
                "now", "tolerance", "status");
  out << line;
  for (const auto& c : report.checks) {
    const std::string tol = c.has_tolerance
                                ? to_string(c.tolerance.direction) + " by " + number(c.allowed)
                                : std::string("-");
    std::snprintf(line, sizeof line, "%-*s %12s %12s %22s  %s\n", int(width), c.name.c_str(),
                  number(c.baseline).c_str(), number(c.now).c_str(), tol.c_str(),
                  to_string(c.status).c_str());
    out << line;
  }
  out << (report.passed() ? "baseline: pass" : "baseline: FAIL") << " (" << report.failures
      << " metric" << (report.failures == 1 ? "" : "s") << " worse beyond tolerance or missing)\n";
  return out.str();
}

}  // namespace vitrum::validation
