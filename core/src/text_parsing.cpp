#include "text_parsing.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "vitrum/core/error.hpp"

namespace vitrum::core::text {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// std::from_chars does not accept a leading '+', which other programs (and Python's float())
// do; strip exactly one if a digit or '.' follows.
std::string_view strip_plus(std::string_view token) {
  if (token.size() > 1 && token[0] == '+' && token[1] != '+' && token[1] != '-')
    token.remove_prefix(1);
  return token;
}

}  // namespace

LineFile::LineFile(const std::filesystem::path& path) : name_(path.string()) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw IoError("is a directory, not a file", name_);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(std::string("cannot open for reading: ") + std::strerror(errno), name_);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("read failed", name_);
  const std::string content = buffer.str();
  std::size_t begin = 0;
  while (begin < content.size()) {
    std::size_t end = content.find('\n', begin);
    if (end == std::string::npos) end = content.size();
    std::size_t stop = end;
    if (stop > begin && content[stop - 1] == '\r') --stop;
    lines_.emplace_back(content, begin, stop - begin);
    begin = end + 1;
  }
}

std::string LineFile::where(std::size_t index) const {
  return name_ + ":" + std::to_string(index + 1);
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  return tokens;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::pair<std::string_view, std::string_view> split_comment(std::string_view s) {
  const std::size_t hash = s.find('#');
  if (hash == std::string_view::npos) return {s, {}};
  return {s.substr(0, hash), s.substr(hash + 1)};
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

std::optional<double> parse_double(std::string_view token) {
  token = strip_plus(token);
  double value = 0.0;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end || token.empty()) return std::nullopt;
  return value;
}

void for_each_data_row(std::string_view text,
                       const std::function<void(const std::vector<std::string_view>&, int)>& row) {
  int line_number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = split_comment(text.substr(0, end)).first;
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_number;
    if (!is_blank(line)) row(split(line), line_number);
  }
}

std::optional<std::int64_t> parse_int(std::string_view token) {
  token = strip_plus(token);
  std::int64_t value = 0;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end || token.empty()) return std::nullopt;
  return value;
}

double to_finite_double(std::string_view token, const std::string& where, std::string_view what) {
  const std::optional<double> value = parse_double(token);
  if (!value)
    throw InputError(
        "expected a number for " + std::string(what) + ", found '" + std::string(token) + "'",
        where);
  if (!std::isfinite(*value))
    throw InputError(std::string(what) + " is not finite ('" + std::string(token) + "')", where);
  return *value;
}

std::int64_t to_int(std::string_view token, const std::string& where, std::string_view what) {
  const std::optional<std::int64_t> value = parse_int(token);
  if (!value)
    throw InputError(
        "expected an integer for " + std::string(what) + ", found '" + std::string(token) + "'",
        where);
  return *value;
}

std::string format_double(double value) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, ptr);
}

std::string quote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  out += '"';
  return out;
}

std::map<std::string, std::string> parse_key_values(std::string_view line) {
  // A character-by-character port of ASE's key_val_str_to_dict (ase/io/extxyz.py), so that
  // vitrum and ASE split a comment line into the same pairs.
  std::vector<std::vector<std::string>> pairs{{std::string()}};
  char closing = 0;
  bool escaped = false;
  for (char c : trim(line)) {
    if (escaped) {
      pairs.back().back() += c;
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (closing != 0) {
      if (c == closing)
        closing = 0;
      else
        pairs.back().back() += c;
    } else if (c == '"' || c == '\'' || c == '{' || c == '[') {
      closing = c == '{' ? '}' : c == '[' ? ']' : c;
    } else if (is_space(c)) {
      if (!pairs.back().back().empty()) pairs.push_back({std::string()});
    } else if (c == '=') {
      if (pairs.back().size() == 1 && pairs.back()[0].empty()) {
        pairs.pop_back();
        if (pairs.empty()) pairs.push_back({std::string()});
      }
      pairs.back().emplace_back();
    } else {
      pairs.back().back() += c;
    }
  }
  std::map<std::string, std::string> result;
  for (const auto& pair : pairs) {
    if (pair.size() < 2 || pair[0].empty()) continue;
    std::string value = pair[1];
    for (std::size_t i = 2; i < pair.size(); ++i) value += "=" + pair[i];
    result[lower(pair[0])] = value;
  }
  return result;
}

std::optional<std::array<bool, 3>> parse_pbc(std::string_view value) {
  std::vector<bool> flags;
  std::string token;
  auto flush = [&]() -> bool {
    if (token.empty()) return true;
    const std::string t = lower(token);
    token.clear();
    if (t == "t" || t == "true") {
      flags.push_back(true);
    } else if (t == "f" || t == "false") {
      flags.push_back(false);
    } else {
      return false;
    }
    return true;
  };
  for (char c : value) {
    if (is_space(c) || c == ',') {
      if (!flush()) return std::nullopt;
    } else {
      token += c;
    }
  }
  if (!flush()) return std::nullopt;
  if (flags.size() == 1) return std::array<bool, 3>{flags[0], flags[0], flags[0]};
  if (flags.size() == 3) return std::array<bool, 3>{flags[0], flags[1], flags[2]};
  return std::nullopt;
}

std::string format_pbc(const std::array<bool, 3>& pbc) {
  std::string out;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) out += ' ';
    out += pbc[i] ? 'T' : 'F';
  }
  return out;
}

}  // namespace vitrum::core::text
