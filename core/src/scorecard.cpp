#include "vitrum/core/scorecard.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError("is a directory, not a file", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw IoError(std::string("cannot open for reading: ") + std::strerror(errno), path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("read failed", path.string());
  return buffer.str();
}

// Reads scorecard fields, naming the file and the key ("metrics.rmsd_pm") in every error.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& expected,
                         const json& found) const {
    throw InputError("scorecard key '" + key + "': expected " + expected + ", found " +
                         (found.is_null() ? std::string("null") : found.type_name()),
                     file_);
  }

  const json* member(const json& object, const std::string& key, const std::string& path,
                     bool required) const {
    const auto it = object.find(key);
    if (it != object.end()) return &*it;
    if (required) throw InputError("scorecard has no '" + path + "'", file_);
    return nullptr;
  }

  std::string string(const json& value, const std::string& key) const {
    if (!value.is_string()) fail(key, "a string", value);
    return value.get<std::string>();
  }

  std::map<std::string, std::string> string_map(const json* value, const std::string& key) const {
    std::map<std::string, std::string> out;
    if (value == nullptr) return out;
    if (!value->is_object()) fail(key, "an object", *value);
    for (const auto& [name, v] : value->items()) out[name] = string(v, key + "." + name);
    return out;
  }

 private:
  std::string file_;
};

}  // namespace

void write_scorecard(const std::filesystem::path& path, const Scorecard& scorecard) {
  json metrics = json::object();
  for (const auto& [name, value] : scorecard.metrics)
    metrics[name] = std::isfinite(value) ? json(value) : json(nullptr);
  const json document = {
      {"chain", scorecard.chain},
      {"inputs", scorecard.inputs},
      {"metrics", metrics},
      {"units", scorecard.units},
      {"provenance",
       {{"command", scorecard.provenance.command},
        {"parameters", scorecard.provenance.parameters},
        {"seed", scorecard.provenance.seed},
        {"version", scorecard.provenance.version}}},
  };
  // nlohmann::json keeps object keys in a std::map (sorted) and prints doubles in their
  // shortest round-trip form; invalid UTF-8 in a string is replaced rather than thrown on.
  const std::string text = document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  write_stream_atomically(path, [&](std::ostream& out) { out << text; });
}

Scorecard read_scorecard(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string text = read_text(path);
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    const std::size_t byte = std::min<std::size_t>(e.byte, text.size());
    const auto line =
        1 + std::count(text.begin(),
                       text.begin() + static_cast<std::ptrdiff_t>(byte > 0 ? byte - 1 : 0), '\n');
    std::string message = e.what();
    if (const std::size_t bracket = message.find("] "); bracket != std::string::npos)
      message.erase(0, bracket + 2);
    throw InputError("malformed JSON: " + message, file + ":" + std::to_string(line));
  }

  const Reader reader(file);
  if (!document.is_object()) reader.fail("(top level)", "an object", document);
  Scorecard card;
  card.chain = reader.string(*reader.member(document, "chain", "chain", true), "chain");

  const json& metrics = *reader.member(document, "metrics", "metrics", true);
  if (!metrics.is_object()) reader.fail("metrics", "an object", metrics);
  for (const auto& [name, value] : metrics.items()) {
    if (value.is_null())
      card.metrics[name] = std::numeric_limits<double>::quiet_NaN();
    else if (value.is_number())
      card.metrics[name] = value.get<double>();
    else
      reader.fail("metrics." + name, "a number or null", value);
  }
  card.units = reader.string_map(reader.member(document, "units", "units", false), "units");
  card.inputs = reader.string_map(reader.member(document, "inputs", "inputs", false), "inputs");

  if (const json* provenance = reader.member(document, "provenance", "provenance", false)) {
    if (!provenance->is_object()) reader.fail("provenance", "an object", *provenance);
    const std::pair<const char*, std::string*> fields[] = {
        {"command", &card.provenance.command},
        {"parameters", &card.provenance.parameters},
        {"version", &card.provenance.version}};
    for (const auto& [key, target] : fields) {
      const std::string name = std::string("provenance.") + key;
      if (const json* v = reader.member(*provenance, key, name, false))
        *target = reader.string(*v, name);
    }
    if (const json* seed = reader.member(*provenance, "seed", "provenance.seed", false)) {
      if (!seed->is_number_unsigned())
        reader.fail("provenance.seed", "a non-negative integer", *seed);
      card.provenance.seed = seed->get<std::uint64_t>();
    }
  }
  return card;
}

}  // namespace vitrum::core
