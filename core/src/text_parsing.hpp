#pragma once
/// \file
/// Internal helpers shared by the text readers and writers (extended XYZ, LAMMPS data,
/// .chi/.gr profiles): a whole-file line reader that names "file:line" in errors,
/// whitespace tokenising, locale-independent number parsing with std::from_chars that
/// rejects trailing garbage, shortest round-trip number formatting, and the key=value
/// parser of the extended-XYZ comment line.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vitrum::core::text {

/// A text file split into lines (line terminators and a trailing '\r' removed).
/// Throws IoError if the file cannot be read.
class LineFile {
 public:
  explicit LineFile(const std::filesystem::path& path);

  std::size_t size() const { return lines_.size(); }
  /// Line `index` (0-based).
  std::string_view line(std::size_t index) const { return lines_[index]; }
  /// "file:N" for the 0-based line `index` (N = index + 1), the `where()` of an InputError.
  std::string where(std::size_t index) const;
  /// The file as given, the `where()` of errors that concern the whole file.
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<std::string> lines_;
};

/// Splits on spaces and tabs; no empty tokens.
std::vector<std::string_view> split(std::string_view s);
/// `s` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);
/// The part of `s` before the first '#', and the part after it (empty if none).
std::pair<std::string_view, std::string_view> split_comment(std::string_view s);
/// True if `s` is empty or only spaces and tabs.
bool is_blank(std::string_view s);
/// Calls row(fields, line_number) for every line of `text` that is not blank once its
/// '#' comment is removed; fields are whitespace-separated, line numbers start at 1. For
/// the whitespace tables that ship embedded in the library (elements, scattering factors).
void for_each_data_row(
    std::string_view text,
    const std::function<void(const std::vector<std::string_view>& fields, int line_number)>& row);

/// The whole token as a double (an optional leading '+' is allowed; "nan"/"inf" parse to
/// non-finite values, which callers reject with their own message); nullopt otherwise.
std::optional<double> parse_double(std::string_view token);
/// The whole token as a 64-bit integer; nullopt if it is not one or out of range.
std::optional<std::int64_t> parse_int(std::string_view token);

/// parse_double that throws InputError at `where` naming `what` if the token is not a
/// number, or not finite.
double to_finite_double(std::string_view token, const std::string& where, std::string_view what);
/// parse_int that throws InputError at `where` naming `what`.
std::int64_t to_int(std::string_view token, const std::string& where, std::string_view what);

/// Shortest decimal representation that reads back to the same double (std::to_chars).
std::string format_double(double value);

/// `value` in double quotes, with '"' and '\' escaped by a backslash and line breaks turned
/// into spaces, as the extended-XYZ key=value parser of ASE reads it back.
std::string quote(std::string_view value);

/// Key=value pairs of an extended-XYZ comment line, parsed as ASE's key_val_str_to_dict
/// does: values may be quoted with "", '', {} or []; a backslash escapes the next character;
/// a key without '=' is ignored here. Keys are stored in lower case (matching is
/// case-insensitive). Never throws: free-text comment lines simply yield no useful keys.
std::map<std::string, std::string> parse_key_values(std::string_view line);

/// Parses "T T F"-style periodicity (T/F/True/False, case-insensitive; one value for all
/// three axes or three values). nullopt if malformed.
std::optional<std::array<bool, 3>> parse_pbc(std::string_view value);
/// "T T F".
std::string format_pbc(const std::array<bool, 3>& pbc);

}  // namespace vitrum::core::text
