#include "vitrum/core/elements.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "text_parsing.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/text_match.hpp"

namespace vitrum::core::embedded {
extern const std::string_view elements_table;  // core/data/elements.txt
}  // namespace vitrum::core::embedded

namespace vitrum::core {
namespace {

struct ElementTable {
  std::array<Element, kMaxZ> by_Z;  // by_Z[Z - 1]
  std::unordered_map<std::string_view, int> Z_by_symbol;
  std::vector<std::string> symbols_sorted;  // candidates for "did you mean", alphabetical
};

// The embedded table is part of the build, so a malformed line is a defect of vitrum, not
// bad user input: report it as a plain Error.
ElementTable parse_elements(std::string_view text) {
  ElementTable table;
  int rows = 0;
  text::for_each_data_row(text, [&](const std::vector<std::string_view>& fields, int line) {
    const std::string where = "elements.txt:" + std::to_string(line);
    if (rows == kMaxZ || fields.size() != 3) throw Error("corrupt embedded element table", where);
    const std::int64_t Z = text::parse_int(fields[0]).value_or(0);
    const double mass_u = text::parse_double(fields[2]).value_or(0.0);
    if (Z != rows + 1 || !(mass_u > 0.0)) throw Error("corrupt embedded element table", where);
    table.by_Z[rows] = Element{rows + 1, fields[1], mass_u};
    table.Z_by_symbol.emplace(fields[1], rows + 1);
    table.symbols_sorted.emplace_back(fields[1]);
    ++rows;
  });
  if (rows != kMaxZ)
    throw Error("embedded element table has " + std::to_string(rows) + " elements, expected " +
                std::to_string(kMaxZ));
  std::sort(table.symbols_sorted.begin(), table.symbols_sorted.end());
  return table;
}

const ElementTable& elements() {
  static const ElementTable table = parse_elements(embedded::elements_table);
  return table;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A symbol that differs only in case ("TA", "ni") is almost certainly that element; otherwise
// the nearest by edit distance, ties broken alphabetically ("Tx" -> "Ta").
std::string suggestion(std::string_view symbol) {
  const ElementTable& table = elements();
  const std::string symbol_lower = lower(symbol);
  for (const std::string& candidate : table.symbols_sorted)
    if (lower(candidate) == symbol_lower) return " (did you mean \"" + candidate + "\"?)";
  return did_you_mean(symbol, table.symbols_sorted);
}

}  // namespace

const Element& element(int Z) {
  if (Z < 1 || Z > kMaxZ)
    throw InputError("atomic number Z = " + std::to_string(Z) + " is outside 1.." +
                     std::to_string(kMaxZ));
  return elements().by_Z[static_cast<std::size_t>(Z - 1)];
}

const Element& element(std::string_view symbol) {
  const ElementTable& table = elements();
  const auto it = table.Z_by_symbol.find(symbol);
  if (it == table.Z_by_symbol.end())
    throw InputError("unknown element symbol \"" + std::string(symbol) + "\"" + suggestion(symbol));
  return table.by_Z[static_cast<std::size_t>(it->second - 1)];
}

bool is_element_symbol(std::string_view symbol) { return elements().Z_by_symbol.contains(symbol); }

}  // namespace vitrum::core
