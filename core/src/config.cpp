#include "vitrum/core/config.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "vitrum/core/error.hpp"
#include "vitrum/core/text_match.hpp"

namespace vitrum::core {

struct Config::Impl {
  toml::table table;
  std::string source;
  std::map<std::string, std::string, std::less<>> overrides;  // key → "--set key=value"
};

namespace {

std::vector<std::string> split_dotted(std::string_view key) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = key.find('.', start)) != std::string_view::npos; start = dot + 1)
    parts.emplace_back(key.substr(start, dot - start));
  parts.emplace_back(key.substr(start));
  return parts;
}

void collect_leaves(const toml::table& table, const std::string& prefix,
                    std::vector<std::string>& out) {
  for (auto&& [k, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table())
      collect_leaves(*sub, key, out);
    else
      out.push_back(key);
  }
}

const toml::node* find_node(const toml::table& table, std::string_view dotted_key) {
  const toml::node* node = &table;
  for (const std::string& part : split_dotted(dotted_key)) {
    const auto* t = node->as_table();
    if (!t) return nullptr;
    node = t->get(part);
    if (!node) return nullptr;
  }
  return node;
}

std::string line_of(const std::string& source, const toml::source_region& region) {
  return source + ":" + std::to_string(region.begin.line);
}

}  // namespace

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

Config Config::from_string(std::string_view text, std::string source) {
  Config c;
  c.impl_->source = std::move(source);
  const std::string& name = c.impl_->source;
  try {
    c.impl_->table = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw InputError("TOML syntax error: " + std::string(e.description()),
                     name + ":" + std::to_string(where.line) + ":" + std::to_string(where.column));
  }
  return c;
}

Config Config::from_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError("cannot open config file", path.string());
  std::stringstream text;
  text << in.rdbuf();
  return from_string(text.str(), path.string());
}

void Config::set(std::string_view assignment) {
  const std::size_t eq = assignment.find('=');
  const std::string key(assignment.substr(0, eq));
  if (eq == std::string_view::npos || key.empty() || key.find_first_of(" \t") != std::string::npos)
    throw InputError("override must look like key=value, got \"" + std::string(assignment) + "\"",
                     "--set");
  const std::string value(assignment.substr(eq + 1));
  // Parse the value as TOML; if that fails, it is a bare string (so --set model=linear works).
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    parsed.insert_or_assign("v", value);
  }
  const std::vector<std::string> parts = split_dotted(key);
  toml::table* table = &impl_->table;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto [it, inserted] = table->insert(parts[i], toml::table{});
    table = it->second.as_table();
    if (!table) throw InputError("\"" + parts[i] + "\" is a value, not a table", "--set " + key);
  }
  parsed.get("v")->visit([&](auto&& node) {
    table->insert_or_assign(parts.back(), std::forward<decltype(node)>(node));
  });
  impl_->overrides[key] = "--set " + std::string(assignment);
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  collect_leaves(impl_->table, "", out);
  return out;
}

std::optional<ConfigValue> Config::find(std::string_view dotted_key) const {
  const toml::node* node = find_node(impl_->table, dotted_key);
  if (!node) return std::nullopt;
  if (auto v = node->value_exact<bool>()) return ConfigValue(*v);
  if (auto v = node->value_exact<std::int64_t>()) return ConfigValue(*v);
  if (auto v = node->value_exact<double>()) return ConfigValue(*v);
  if (auto v = node->value_exact<std::string>()) return ConfigValue(*v);
  if (const auto* array = node->as_array()) {
    if (!array->empty() && array->is_homogeneous(toml::node_type::string)) {
      std::vector<std::string> strings;
      for (const auto& element : *array) strings.push_back(*element.value<std::string>());
      return ConfigValue(std::move(strings));
    }
    std::vector<double> numbers;
    for (const auto& element : *array) {
      const auto x = element.value<double>();
      if (!x)
        throw InputError("key \"" + std::string(dotted_key) +
                             "\" must be an array of numbers or an array of strings",
                         where(dotted_key));
      numbers.push_back(*x);
    }
    return ConfigValue(std::move(numbers));
  }
  throw InputError("key \"" + std::string(dotted_key) + "\" has an unsupported kind of value",
                   where(dotted_key));
}

std::string Config::where(std::string_view dotted_key) const {
  if (auto it = impl_->overrides.find(dotted_key); it != impl_->overrides.end()) return it->second;
  if (const toml::node* node = find_node(impl_->table, dotted_key))
    return line_of(impl_->source, node->source());
  return impl_->source;
}

std::string Config::to_toml() const {
  std::ostringstream out;
  out << impl_->table;
  return out.str();
}

std::string quote_toml_string(std::string_view text) {
  std::ostringstream out;
  out << toml::value<std::string>(std::string(text));
  return out.str();
}

void throw_bad_choice(const std::string& key, const std::string& value, const std::string& allowed,
                      const std::string& where) {
  throw InputError("key \"" + key + "\" must be one of " + allowed + ", got \"" + value + "\"",
                   where);
}

namespace {

std::string format_double(double x) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  std::string s(buffer, end);
  // A TOML float needs a decimal point or exponent (2 would be read back as an integer).
  if (std::isfinite(x) && s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

[[noreturn]] void throw_wrong_type(const std::string& key, const std::string& expected,
                                   const std::string& where) {
  throw InputError("key \"" + key + "\" expects " + expected, where);
}

}  // namespace

ParamSet& ParamSet::add_entry(Entry entry) {
  for (const Entry& e : entries_)
    if (e.key == entry.key) throw Error("parameter \"" + entry.key + "\" declared twice");
  entries_.push_back(std::move(entry));
  return *this;
}

ParamSet& ParamSet::add(const std::string& key, double& field, std::string unit, std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "a number",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      if (const auto* d = std::get_if<double>(&v))
                        field = *d;
                      else if (const auto* i = std::get_if<std::int64_t>(&v))
                        field = static_cast<double>(*i);
                      else
                        throw_wrong_type(key, "a number", where);
                    },
                    [&field] { return format_double(field); }});
}

ParamSet& ParamSet::add(const std::string& key, int& field, std::string unit, std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "an integer",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      const auto* i = std::get_if<std::int64_t>(&v);
                      if (!i || *i < std::numeric_limits<int>::min() ||
                          *i > std::numeric_limits<int>::max())
                        throw_wrong_type(key, "an integer", where);
                      field = static_cast<int>(*i);
                    },
                    [&field] { return std::to_string(field); }});
}

ParamSet& ParamSet::add(const std::string& key, std::uint64_t& field, std::string unit,
                        std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "a non-negative integer",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      const auto* i = std::get_if<std::int64_t>(&v);
                      if (!i || *i < 0) throw_wrong_type(key, "a non-negative integer", where);
                      field = static_cast<std::uint64_t>(*i);
                    },
                    [&field] { return std::to_string(field); }});
}

ParamSet& ParamSet::add(const std::string& key, bool& field, std::string unit, std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "true or false",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      const auto* b = std::get_if<bool>(&v);
                      if (!b) throw_wrong_type(key, "true or false", where);
                      field = *b;
                    },
                    [&field] { return std::string(field ? "true" : "false"); }});
}

ParamSet& ParamSet::add(const std::string& key, std::string& field, std::string unit,
                        std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "a string",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      const auto* s = std::get_if<std::string>(&v);
                      if (!s) throw_wrong_type(key, "a string", where);
                      field = *s;
                    },
                    [&field] { return quote_toml_string(field); }});
}

ParamSet& ParamSet::add(const std::string& key, std::vector<double>& field, std::string unit,
                        std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "an array of numbers",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      const auto* a = std::get_if<std::vector<double>>(&v);
                      if (!a) throw_wrong_type(key, "an array of numbers", where);
                      field = *a;
                    },
                    [&field] {
                      std::string s = "[";
                      for (std::size_t i = 0; i < field.size(); ++i)
                        s += (i ? ", " : "") + format_double(field[i]);
                      return s + "]";
                    }});
}

ParamSet& ParamSet::add(const std::string& key, std::vector<std::string>& field, std::string unit,
                        std::string help) {
  return add_entry({key, std::move(unit), std::move(help), "an array of strings",
                    [&field, key](const ConfigValue& v, const std::string& where) {
                      if (const auto* a = std::get_if<std::vector<std::string>>(&v))
                        field = *a;
                      else if (const auto* n = std::get_if<std::vector<double>>(&v);
                               n && n->empty())
                        field.clear();
                      else
                        throw_wrong_type(key, "an array of strings", where);
                    },
                    [&field] {
                      std::string s = "[";
                      for (std::size_t i = 0; i < field.size(); ++i)
                        s += (i ? ", " : "") + quote_toml_string(field[i]);
                      return s + "]";
                    }});
}

void ParamSet::load(const Config& config) const {
  const std::vector<std::string> known = keys();
  for (const std::string& key : config.keys()) {
    const auto entry = std::find_if(entries_.begin(), entries_.end(),
                                    [&](const Entry& e) { return e.key == key; });
    if (entry == entries_.end())
      throw InputError("unknown key \"" + key + "\"" + did_you_mean(key, known), config.where(key));
    entry->assign(*config.find(key), config.where(key));
  }
}

std::string ParamSet::to_toml() const {
  // TOML puts root keys before any [table]; tables keep their first-declaration order.
  const auto split = [](const std::string& key) {
    const std::size_t dot = key.rfind('.');
    return dot == std::string::npos ? std::pair<std::string, std::string>{"", key}
                                    : std::pair{key.substr(0, dot), key.substr(dot + 1)};
  };
  std::vector<std::string> tables{""};
  for (const Entry& e : entries_)
    if (std::find(tables.begin(), tables.end(), split(e.key).first) == tables.end())
      tables.push_back(split(e.key).first);
  std::string out;
  for (const std::string& table : tables) {
    if (!table.empty()) out += "\n[" + table + "]\n";
    for (const Entry& e : entries_) {
      const auto [entry_table, name] = split(e.key);
      if (entry_table != table) continue;
      out += "# " + e.help + (e.unit.empty() ? "" : " [" + e.unit + "]") + "\n";
      out += name + " = " + e.show() + "\n";
    }
  }
  return out;
}

std::vector<std::string> ParamSet::keys() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.push_back(e.key);
  return out;
}

}  // namespace vitrum::core
