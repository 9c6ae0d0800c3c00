#pragma once
/// \file
/// Configuration: a TOML file plus `--set key=value` overrides, read into the parameter
/// structs of the commands (DESIGN.md "The command line").
///
/// A command declares its parameters once in a ParamSet, binding each dotted key to a field
/// of its XxxParams struct with a unit and a help text. The same declaration loads a Config
/// into the struct (rejecting unknown keys with the nearest known key, and wrong types with
/// the expected type) and prints every parameter with its default (`vitrum config defaults`).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace vitrum::core {

/// A scalar or list value from a config: TOML booleans, integers, floats, strings, arrays of
/// numbers and arrays of strings (e.g. `species = ["Co", "Pd", "Pt"]`).
using ConfigValue = std::variant<bool, std::int64_t, double, std::string, std::vector<double>,
                                 std::vector<std::string>>;

/// A parsed TOML document with overrides applied. Keys are dotted paths ("probe.energy_keV").
class Config {
 public:
  Config();
  ~Config();
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  /// Parses a TOML file. InputError naming file:line:column on a syntax error, IoError if
  /// the file cannot be read.
  static Config from_file(const std::filesystem::path& path);
  /// Parses TOML text; `source` names it in messages.
  static Config from_string(std::string_view text, std::string source = "<config>");

  /// Applies one `key=value` override. The value is parsed as a TOML value (3, 2.5, true,
  /// [1, 2], "text"); anything that is not valid TOML is taken as a bare string.
  void set(std::string_view assignment);

  /// Every leaf key, dotted, in document order.
  std::vector<std::string> keys() const;
  /// The value at a dotted key, if present; InputError if it exists but is a table or an
  /// array that is neither all numbers nor all strings (an empty array is numbers).
  std::optional<ConfigValue> find(std::string_view dotted_key) const;
  /// Where a key was set, for messages: "file.toml:12" or "--set key=value".
  std::string where(std::string_view dotted_key) const;
  /// The whole document as TOML text (for provenance).
  std::string to_toml() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `text` as a quoted TOML basic string, escaped.
std::string quote_toml_string(std::string_view text);
/// Throws the InputError for a value that is not one of the allowed names.
[[noreturn]] void throw_bad_choice(const std::string& key, const std::string& value,
                                   const std::string& allowed, const std::string& where);

/// The parameters of one command, bound to the fields of its params struct.
class ParamSet {
 public:
  /// A parameter: a dotted key bound to a field, with unit ("" if none) and help.
  ParamSet& add(const std::string& key, double& field, std::string unit, std::string help);
  ParamSet& add(const std::string& key, int& field, std::string unit, std::string help);
  ParamSet& add(const std::string& key, std::uint64_t& field, std::string unit, std::string help);
  ParamSet& add(const std::string& key, bool& field, std::string unit, std::string help);
  ParamSet& add(const std::string& key, std::string& field, std::string unit, std::string help);
  ParamSet& add(const std::string& key, std::vector<double>& field, std::string unit,
                std::string help);
  ParamSet& add(const std::string& key, std::vector<std::string>& field, std::string unit,
                std::string help);
  /// An enum chosen by name from `choices`.
  template <class Enum>
  ParamSet& add_choice(const std::string& key, Enum& field,
                       std::vector<std::pair<std::string, Enum>> choices, std::string help);

  /// Sets every bound field present in `config`. Throws InputError for a key that no
  /// parameter has (naming the closest known key), or a value of the wrong type.
  void load(const Config& config) const;
  /// Every parameter with its current value (the defaults, if nothing was loaded) as TOML,
  /// each preceded by a comment with its help and unit.
  std::string to_toml() const;
  /// The dotted keys, in declaration order.
  std::vector<std::string> keys() const;

 private:
  struct Entry {
    std::string key, unit, help, type_name;
    std::function<void(const ConfigValue&, const std::string& where)> assign;
    std::function<std::string()> show;
  };
  ParamSet& add_entry(Entry entry);
  std::vector<Entry> entries_;
};

template <class Enum>
ParamSet& ParamSet::add_choice(const std::string& key, Enum& field,
                               std::vector<std::pair<std::string, Enum>> choices,
                               std::string help) {
  std::string names;
  for (const auto& c : choices) names += (names.empty() ? "" : ", ") + c.first;
  Entry e;
  e.key = key;
  e.help = std::move(help) + " (one of: " + names + ")";
  e.type_name = "string";
  e.assign = [&field, choices, names, key](const ConfigValue& v, const std::string& where) {
    const auto* text = std::get_if<std::string>(&v);
    for (const auto& c : choices)
      if (text && *text == c.first) {
        field = c.second;
        return;
      }
    throw_bad_choice(key, text ? *text : std::string("(not a string)"), names, where);
  };
  e.show = [&field, choices] {
    for (const auto& c : choices)
      if (c.second == field) return quote_toml_string(c.first);
    return std::string("\"?\"");
  };
  return add_entry(std::move(e));
}

}  // namespace vitrum::core
