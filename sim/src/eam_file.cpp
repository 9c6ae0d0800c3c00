#include "vitrum/sim/eam_file.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "vitrum/core/checksum.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::sim {

namespace {

std::vector<std::string> split_blanks(std::string_view line) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) tokens.emplace_back(line.substr(start, i - start));
  }
  return tokens;
}

// Reads a text file line by line and hands out whitespace-separated values, which may run
// across lines, while remembering where each came from for error messages.
class TokenReader {
 public:
  explicit TokenReader(const std::filesystem::path& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open the potential file", path.string());
    std::string line;
    while (std::getline(in, line)) lines_.push_back(line);
  }

  // The next whole line (a header line); any values left on the current line are an error.
  const std::string& line(const std::string& expected) {
    require_line_consumed(expected);
    if (next_line_ >= lines_.size())
      throw InputError("the file ends before " + expected, where(lines_.size()));
    tokens_.clear();
    token_ = 0;
    return lines_[next_line_++];
  }

  // The current line's tokens, for header lines read with line().
  std::vector<std::string> line_tokens(const std::string& expected) {
    return split_blanks(line(expected));
  }

  double number(const std::string& expected) { return parse_double(token(expected), expected); }

  int integer(const std::string& expected) {
    const std::string t = token(expected);
    return parse_int(t, expected);
  }

  // n numbers running over as many lines as needed.
  std::vector<double> numbers(std::size_t n, const std::string& expected) {
    std::vector<double> values;
    values.reserve(n);
    for (std::size_t k = 0; k < n; ++k)
      values.push_back(
          number(expected + " (value " + std::to_string(k + 1) + " of " + std::to_string(n) + ")"));
    return values;
  }

  // Checks that nothing but blank lines follows.
  void expect_end(const std::string& after) {
    require_line_consumed("the end of the file after " + after);
    for (std::size_t i = next_line_; i < lines_.size(); ++i)
      if (!split_blanks(lines_[i]).empty())
        throw InputError("unexpected values after " + after + "; expected the end of the file",
                         where(i + 1));
  }

  double parse_double(const std::string& t, const std::string& expected) const {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
      throw InputError("expected " + expected + ", found '" + t + "'", where(current_line()));
    return v;
  }

  int parse_int(const std::string& t, const std::string& expected) const {
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(t.c_str(), &end, 10);
    if (end == t.c_str() || *end != '\0' || errno == ERANGE || v < -1000000000 || v > 1000000000)
      throw InputError("expected " + expected + " (an integer), found '" + t + "'",
                       where(current_line()));
    return static_cast<int>(v);
  }

  std::string where(std::size_t line_number) const {
    return path_.string() + ":" + std::to_string(line_number);
  }
  // 1-based number of the line the last token or line came from.
  std::size_t current_line() const { return next_line_; }

 private:
  std::string token(const std::string& expected) {
    while (token_ >= tokens_.size()) {
      if (next_line_ >= lines_.size())
        throw InputError("the file ends before " + expected + " (truncated?)",
                         where(lines_.size()));
      tokens_ = split_blanks(lines_[next_line_++]);
      token_ = 0;
    }
    return tokens_[token_++];
  }

  void require_line_consumed(const std::string& expected) const {
    if (token_ < tokens_.size())
      throw InputError("unexpected value '" + tokens_[token_] +
                           "' where the line should end; "
                           "next expected: " +
                           expected,
                       where(current_line()));
  }

  std::filesystem::path path_;
  std::vector<std::string> lines_;
  std::size_t next_line_ = 0;  // index of the next unread line
  std::vector<std::string> tokens_;
  std::size_t token_ = 0;
};

void require_positive_count(const TokenReader& in, int n, const std::string& name) {
  if (n < 2)
    throw InputError(
        name + " = " + std::to_string(n) + " is out of range; expected an integer >= 2",
        in.where(in.current_line()));
}

void require_positive(const TokenReader& in, double v, const std::string& name) {
  if (!(v > 0.0))
    throw InputError(name + " = " + core::format_number(v) + " is out of range; expected > 0",
                     in.where(in.current_line()));
}

// Line 4 of a setfl file: "N Element1 ... ElementN".
std::vector<std::string> read_element_names(TokenReader& in) {
  const std::string expected = "the element line \"Nelements Element1 Element2 ...\"";
  const std::vector<std::string> tokens = in.line_tokens(expected);
  if (tokens.empty()) throw InputError("expected " + expected, in.where(in.current_line()));
  const int n = in.parse_int(tokens[0], "the number of elements");
  if (n < 1)
    throw InputError("the number of elements is " + std::to_string(n) + "; expected at least 1",
                     in.where(in.current_line()));
  if (tokens.size() != static_cast<std::size_t>(n) + 1)
    throw InputError("the element line announces " + std::to_string(n) + " element(s) but names " +
                         std::to_string(tokens.size() - 1),
                     in.where(in.current_line()));
  return {tokens.begin() + 1, tokens.end()};
}

struct Grid {
  int nrho = 0;
  double drho = 0.0;
  int nr = 0;
  double dr_A = 0.0;
  double cutoff_A = 0.0;
};

// The grid line: "Nrho drho Nr dr cutoff".
Grid read_grid_line(TokenReader& in) {
  const std::string expected = "the grid line \"Nrho drho Nr dr cutoff\"";
  const std::vector<std::string> t = in.line_tokens(expected);
  if (t.size() < 5)
    throw InputError("expected " + expected + ", found " + std::to_string(t.size()) + " value(s)",
                     in.where(in.current_line()));
  Grid g;
  g.nrho = in.parse_int(t[0], "Nrho");
  g.drho = in.parse_double(t[1], "drho (a number)");
  g.nr = in.parse_int(t[2], "Nr");
  g.dr_A = in.parse_double(t[3], "dr (a number, Å)");
  g.cutoff_A = in.parse_double(t[4], "the cutoff (a number, Å)");
  require_positive_count(in, g.nrho, "Nrho");
  require_positive_count(in, g.nr, "Nr");
  require_positive(in, g.drho, "drho");
  require_positive(in, g.dr_A, "dr");
  require_positive(in, g.cutoff_A, "cutoff");
  return g;
}

// "Z mass [lattice_constant lattice]" of one element.
void read_element_header(TokenReader& in, SetflElement& e) {
  const std::string expected =
      "the line \"Z mass lattice_constant lattice\" of element " + e.symbol;
  const std::vector<std::string> t = in.line_tokens(expected);
  if (t.size() < 2)
    throw InputError("expected " + expected + ", found " + std::to_string(t.size()) + " value(s)",
                     in.where(in.current_line()));
  e.Z = in.parse_int(t[0], "the atomic number Z of " + e.symbol);
  e.mass_amu = in.parse_double(t[1], "the mass of " + e.symbol + " (a number, u)");
  if (t.size() >= 3)
    e.lattice_constant_A =
        in.parse_double(t[2], "the lattice constant of " + e.symbol + " (a number, Å)");
  if (t.size() >= 4) e.lattice = t[3];
}

void write_values(std::ostream& out, const std::vector<double>& values) {
  char buffer[32];
  for (std::size_t k = 0; k < values.size(); ++k) {
    std::snprintf(buffer, sizeof buffer, "%24.16E", values[k]);
    out << buffer << ((k % 5 == 4 || k + 1 == values.size()) ? "\n" : "");
  }
}

// Shortest text that reads back as exactly `v`.
std::string shortest(double v) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  return {buffer, result.ptr};
}

std::string exact(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.16E", v);
  return buffer;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::size_t SetflTable::pair_index(std::size_t i, std::size_t j) {
  const std::size_t hi = i > j ? i : j;
  const std::size_t lo = i > j ? j : i;
  return hi * (hi + 1) / 2 + lo;
}

void SetflTable::validate() const {
  core::require(nrho >= 2, "nrho", nrho, ">= 2");
  core::require(nr >= 2, "nr", nr, ">= 2");
  core::require(std::isfinite(drho) && drho > 0.0, "drho", drho, "> 0");
  core::require(std::isfinite(dr_A) && dr_A > 0.0, "dr_A", dr_A, "> 0");
  core::require(std::isfinite(cutoff_A) && cutoff_A > 0.0, "cutoff_A", cutoff_A, "> 0");
  if (elements.empty()) throw InputError("a setfl table needs at least one element", "elements");
  const auto check_table = [](const std::vector<double>& v, int n, const std::string& name) {
    if (v.size() != static_cast<std::size_t>(n))
      throw InputError(
          name + " has " + std::to_string(v.size()) + " values; expected " + std::to_string(n),
          name);
    for (std::size_t k = 0; k < v.size(); ++k)
      if (!std::isfinite(v[k]))
        throw InputError(name + " value " + std::to_string(k) + " is not finite", name);
  };
  for (const SetflElement& e : elements) {
    if (e.symbol.empty() || e.symbol.find_first_of(" \t\r\n") != std::string::npos)
      throw InputError("element symbol '" + e.symbol + "' is empty or contains blanks", "elements");
    if (e.lattice.find_first_of(" \t\r\n") != std::string::npos)
      throw InputError("lattice '" + e.lattice + "' of " + e.symbol + " contains blanks",
                       "elements");
    check_table(e.embedding_eV, nrho, e.symbol + " embedding_eV");
    check_table(e.density, nr, e.symbol + " density");
  }
  const std::size_t n = elements.size();
  if (r_phi_eV_A.size() != n * (n + 1) / 2)
    throw InputError("r_phi_eV_A has " + std::to_string(r_phi_eV_A.size()) + " pair tables; " +
                         std::to_string(n) + " elements need " + std::to_string(n * (n + 1) / 2),
                     "r_phi_eV_A");
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j)
      check_table(r_phi_eV_A[pair_index(i, j)], nr,
                  "r_phi_eV_A " + elements[i].symbol + "-" + elements[j].symbol);
  for (const std::string& c : comments)
    if (c.find_first_of("\r\n") != std::string::npos)
      throw InputError("a comment line contains a line break", "comments");
}

SetflTable read_setfl(const std::filesystem::path& path) {
  TokenReader in(path);
  SetflTable table;
  for (std::string& c : table.comments) {
    c = in.line("the three comment lines of a setfl file");
    if (!c.empty() && c.back() == '\r') c.pop_back();
  }
  const std::vector<std::string> names = read_element_names(in);
  const Grid g = read_grid_line(in);
  table.nrho = g.nrho;
  table.drho = g.drho;
  table.nr = g.nr;
  table.dr_A = g.dr_A;
  table.cutoff_A = g.cutoff_A;
  for (const std::string& name : names) {
    SetflElement e;
    e.symbol = name;
    read_element_header(in, e);
    e.embedding_eV = in.numbers(static_cast<std::size_t>(g.nrho), "F(rho) of " + name);
    e.density = in.numbers(static_cast<std::size_t>(g.nr), "rho(r) of " + name);
    table.elements.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = 0; j <= i; ++j)
      table.r_phi_eV_A.push_back(
          in.numbers(static_cast<std::size_t>(g.nr), "r*phi(r) of " + names[i] + "-" + names[j]));
  in.expect_end("the last pair table");
  return table;
}

void write_setfl(const std::filesystem::path& path, const SetflTable& table) {
  table.validate();
  core::write_stream_atomically(path, [&table](std::ostream& out) {
    for (const std::string& c : table.comments) out << c << '\n';
    out << table.elements.size();
    for (const SetflElement& e : table.elements) out << ' ' << e.symbol;
    out << '\n';
    out << table.nrho << ' ' << exact(table.drho) << ' ' << table.nr << ' ' << exact(table.dr_A)
        << ' ' << exact(table.cutoff_A) << '\n';
    for (const SetflElement& e : table.elements) {
      out << e.Z << ' ' << shortest(e.mass_amu) << ' ' << shortest(e.lattice_constant_A) << ' '
          << (e.lattice.empty() ? std::string("unknown") : e.lattice) << '\n';
      write_values(out, e.embedding_eV);
      write_values(out, e.density);
    }
    for (const std::vector<double>& pair : table.r_phi_eV_A) write_values(out, pair);
  });
}

std::string pair_style_name(PotentialFileInfo::Style style) {
  switch (style) {
    case PotentialFileInfo::Style::kEam:
      return "eam";
    case PotentialFileInfo::Style::kEamAlloy:
      return "eam/alloy";
    case PotentialFileInfo::Style::kEamFs:
      return "eam/fs";
  }
  return "unknown";
}

PotentialFileInfo describe_potential_file(const std::filesystem::path& path) {
  PotentialFileInfo info;
  const std::string name = path.filename().string();
  if (ends_with(name, ".eam.alloy"))
    info.style = PotentialFileInfo::Style::kEamAlloy;
  else if (ends_with(name, ".eam.fs"))
    info.style = PotentialFileInfo::Style::kEamFs;
  else if (ends_with(name, ".eam"))
    info.style = PotentialFileInfo::Style::kEam;
  else
    throw InputError("unknown potential file type '" + name +
                         "'; known: .eam (funcfl, pair_style eam), .eam.alloy (setfl, eam/alloy), "
                         ".eam.fs (Finnis-Sinclair setfl, eam/fs)",
                     path.string());

  TokenReader in(path);
  if (info.style == PotentialFileInfo::Style::kEam) {
    in.line("the comment line of a funcfl file");
    const std::string expected = "the line \"Z mass lattice_constant lattice\"";
    const std::vector<std::string> t = in.line_tokens(expected);
    if (t.size() < 2)
      throw InputError("expected " + expected + ", found " + std::to_string(t.size()) + " value(s)",
                       in.where(in.current_line()));
    const int Z = in.parse_int(t[0], "the atomic number Z");
    if (Z < 1 || Z > core::kMaxZ)
      throw InputError("atomic number Z = " + std::to_string(Z) + " is out of range; expected 1-" +
                           std::to_string(core::kMaxZ),
                       in.where(in.current_line()));
    info.elements.emplace_back(core::element(Z).symbol);
    const std::vector<std::string> g = in.line_tokens("the grid line \"Nrho drho Nr dr cutoff\"");
    if (g.size() < 5)
      throw InputError("expected the grid line \"Nrho drho Nr dr cutoff\", found " +
                           std::to_string(g.size()) + " value(s)",
                       in.where(in.current_line()));
    info.cutoff_A = in.parse_double(g[4], "the cutoff (a number, Å)");
    require_positive(in, info.cutoff_A, "cutoff");
  } else {
    for (int k = 0; k < 3; ++k) in.line("the three comment lines of a setfl file");
    info.elements = read_element_names(in);
    info.cutoff_A = read_grid_line(in).cutoff_A;
  }
  info.sha256 = core::sha256_file_hex(path);
  return info;
}

}  // namespace vitrum::sim
