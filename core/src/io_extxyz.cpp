// Extended XYZ, as specified by libAtoms/QUIP and implemented by ASE (ase/io/extxyz.py) and
// OVITO: line 1 the number of atoms N; line 2 key=value pairs, among them
// Lattice="ax ay az bx by bz cx cy cz" (the rows of the cell), Properties=name:type:ncols:...
// (type R real, I integer, S string, L logical) and pbc="T T F"; then N lines with the
// columns that Properties lists. Without Properties the file is plain XYZ: symbol x y z.
// A file may hold several frames one after another (a trajectory). vitrum reads the first
// frame only and ignores the rest (ase.io.read would return the last): a model file is
// expected to hold one model, and the first is the one that was written first.

#include <algorithm>
#include <cctype>
#include <limits>

#include "text_parsing.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

// One entry of a Properties specification.
struct Column {
  std::string name;
  char type = 'R';
  int count = 1;
  int offset = 0;  // index of its first whitespace-separated field on an atom line
};

std::vector<Column> parse_properties(std::string_view spec, const std::string& where) {
  std::vector<std::string_view> fields;
  for (std::size_t begin = 0;;) {
    const std::size_t colon = spec.find(':', begin);
    fields.push_back(spec.substr(begin, colon == std::string_view::npos ? colon : colon - begin));
    if (colon == std::string_view::npos) break;
    begin = colon + 1;
  }
  const std::string bad = "bad Properties '" + std::string(spec) +
                          "': expected name:type:count triples with type R, I, S or L";
  if (fields.size() % 3 != 0) throw InputError(bad, where);
  std::vector<Column> columns;
  int offset = 0;
  for (std::size_t i = 0; i < fields.size(); i += 3) {
    const std::string_view type = fields[i + 1];
    const std::optional<std::int64_t> count = text::parse_int(fields[i + 2]);
    const bool type_ok =
        type.size() == 1 && std::string_view("RISL").find(type[0]) != std::string_view::npos;
    if (fields[i].empty() || !type_ok || !count || *count < 1 || *count > 1000)
      throw InputError(bad, where);
    columns.push_back({std::string(fields[i]), type[0], static_cast<int>(*count), offset});
    offset += static_cast<int>(*count);
  }
  return columns;
}

// ASE reads species as "species" or "symbols", positions as "pos" or "positions", atomic
// numbers as "Z" or "numbers" (PROPERTY_NAME_MAP in ase/io/extxyz.py).
const Column* find_column(const std::vector<Column>& columns,
                          std::initializer_list<std::string_view> names, char type, int count) {
  for (const Column& c : columns)
    if (std::find(names.begin(), names.end(), c.name) != names.end() && c.type == type &&
        c.count == count)
      return &c;
  return nullptr;
}

// ASE capitalises species ("FE" → "Fe") before looking them up; do the same.
int atomic_number(std::string_view symbol, std::size_t atom, const std::string& where) {
  if (is_element_symbol(symbol)) return element(symbol).Z;
  std::string capitalised(symbol);
  for (std::size_t i = 0; i < capitalised.size(); ++i) {
    const auto c = static_cast<unsigned char>(capitalised[i]);
    capitalised[i] = static_cast<char>(i == 0 ? std::toupper(c) : std::tolower(c));
  }
  if (is_element_symbol(capitalised)) return element(capitalised).Z;
  try {
    return element(symbol).Z;
  } catch (const InputError& e) {
    throw InputError("atom " + std::to_string(atom) + ": " + e.what(), where);
  }
}

std::string atom_name(std::size_t atom) { return "atom " + std::to_string(atom); }

}  // namespace

AtomicModel read_extxyz(const std::filesystem::path& path) {
  const text::LineFile file(path);
  bool all_blank = true;
  for (std::size_t i = 0; i < file.size() && all_blank; ++i)
    all_blank = text::is_blank(file.line(i));
  if (all_blank)
    throw InputError("empty file: expected the number of atoms on line 1", file.where(0));
  const std::string_view first = text::trim(file.line(0));
  const std::optional<std::int64_t> count = text::parse_int(first);
  if (!count || *count < 0)
    throw InputError("expected the number of atoms (a non-negative integer) on line 1, found '" +
                         std::string(first) + "'",
                     file.where(0));
  const auto n_atoms = static_cast<std::size_t>(*count);
  if (file.size() < 2)
    throw InputError("truncated file: expected the comment line after the atom count",
                     file.where(1));

  const std::string where_comment = file.where(1);
  const std::map<std::string, std::string> info = text::parse_key_values(file.line(1));

  Cell cell;
  bool has_lattice = false;
  if (const auto it = info.find("lattice"); it != info.end()) {
    std::string numbers = it->second;
    std::replace(numbers.begin(), numbers.end(), ',', ' ');
    const std::vector<std::string_view> tokens = text::split(numbers);
    if (tokens.size() != 9)
      throw InputError("bad Lattice \"" + it->second +
                           "\": expected 9 numbers (ax ay az bx by bz cx cy cz), found " +
                           std::to_string(tokens.size()),
                       where_comment);
    for (int k = 0; k < 9; ++k)
      cell.vectors_A(k / 3, k % 3) = text::to_finite_double(
          tokens[k], where_comment, "Lattice component " + std::to_string(k + 1));
    has_lattice = true;
  }
  cell.pbc = {has_lattice, has_lattice, has_lattice};  // ASE's default
  if (const auto it = info.find("pbc"); it != info.end()) {
    const auto pbc = text::parse_pbc(it->second);
    if (!pbc)
      throw InputError("bad pbc \"" + it->second + "\": expected one or three of T and F",
                       where_comment);
    cell.pbc = *pbc;
  }

  const auto properties_it = info.find("properties");
  const bool plain = properties_it == info.end();
  const std::string spec = plain ? "species:S:1:pos:R:3" : properties_it->second;
  const std::vector<Column> columns = parse_properties(spec, where_comment);
  const int n_columns = columns.back().offset + columns.back().count;
  const Column* species = find_column(columns, {"species", "symbols"}, 'S', 1);
  const Column* numbers = find_column(columns, {"Z", "numbers"}, 'I', 1);
  const Column* pos = find_column(columns, {"pos", "positions"}, 'R', 3);
  const Column* label = find_column(columns, {"label"}, 'I', 1);
  if (pos == nullptr)
    throw InputError("Properties has no pos:R:3 column: cannot locate the positions",
                     where_comment);
  if (species == nullptr && numbers == nullptr)
    throw InputError("Properties has neither species:S:1 nor Z:I:1: cannot tell the elements",
                     where_comment);

  AtomicModel model(cell);
  model.reserve(n_atoms);
  std::vector<std::int32_t> labels;
  for (std::size_t i = 0; i < n_atoms; ++i) {
    const std::size_t index = i + 2;
    const std::string atom = atom_name(i + 1);
    if (index >= file.size())
      throw InputError("truncated file: line 1 announces " + std::to_string(n_atoms) +
                           " atoms but the file ends after " + std::to_string(i) + " atom lines",
                       file.where(index));
    const std::string where = file.where(index);
    const std::vector<std::string_view> fields = text::split(file.line(index));
    // Plain XYZ may carry extra columns (ASE ignores them); with Properties, the count is exact.
    const auto found = static_cast<int>(fields.size());
    if (plain ? found < n_columns : found != n_columns)
      throw InputError(atom + ": expected " + std::to_string(n_columns) + " columns (" +
                           (plain ? std::string("symbol x y z") : spec) + "), found " +
                           std::to_string(found),
                       where);
    int Z = 0;
    if (species != nullptr) {
      Z = atomic_number(fields[species->offset], i + 1, where);
    } else {
      const std::int64_t z = text::to_int(fields[numbers->offset], where, "the Z of " + atom);
      if (z < 1 || z > kMaxZ)
        throw InputError(
            atom + ": atomic number " + std::to_string(z) + " outside 1.." + std::to_string(kMaxZ),
            where);
      Z = static_cast<int>(z);
    }
    Vec3 r;
    for (int k = 0; k < 3; ++k)
      r[k] = text::to_finite_double(
          fields[pos->offset + k], where,
          std::string(1, static_cast<char>('x' + k)) + " coordinate of " + atom);
    if (label != nullptr) {
      const std::int64_t value = text::to_int(fields[label->offset], where, "the label of " + atom);
      if (value < std::numeric_limits<std::int32_t>::min() ||
          value > std::numeric_limits<std::int32_t>::max())
        throw InputError("label of " + atom + " does not fit in 32 bits", where);
      labels.push_back(static_cast<std::int32_t>(value));
    }
    model.add_atom(r, Z);
  }

  // After the frame: blank lines, or the atom count of a next frame (the rest is ignored).
  // Anything else means that line 1 undercounts the atoms.
  for (std::size_t index = n_atoms + 2; index < file.size(); ++index) {
    const std::string_view line = text::trim(file.line(index));
    if (line.empty()) continue;
    if (text::parse_int(line)) break;
    throw InputError("line 1 announces " + std::to_string(n_atoms) +
                         " atoms but more atom lines follow; expected the end of the file or "
                         "the atom count of a next frame",
                     file.where(index));
  }

  if (label != nullptr) {
    model.enable_labels(0);
    std::copy(labels.begin(), labels.end(), model.labels().begin());
  }
  model.validate(where_comment);
  return model;
}

void write_extxyz(const std::filesystem::path& path, const AtomicModel& model,
                  const Provenance& provenance) {
  model.validate(path.string());
  write_stream_atomically(path, [&](std::ostream& out) {
    out << model.size() << '\n';
    const Mat3& v = model.cell().vectors_A;
    if (!v.isZero(0.0)) {
      out << "Lattice=\"";
      for (int k = 0; k < 9; ++k) out << (k > 0 ? " " : "") << text::format_double(v(k / 3, k % 3));
      out << "\" ";
    }
    out << "Properties=species:S:1:pos:R:3" << (model.has_labels() ? ":label:I:1" : "") << " pbc=\""
        << text::format_pbc(model.cell().pbc) << '"';
    // ASE's parser glues the next pair onto an empty quoted value, so none is written.
    if (!provenance.version.empty()) out << " vitrum_version=" << text::quote(provenance.version);
    out << " vitrum_seed=" << provenance.seed;
    if (!provenance.command.empty()) out << " vitrum_command=" << text::quote(provenance.command);
    out << '\n';

    const auto positions = model.positions_A();
    const auto Z = model.Z();
    for (std::size_t i = 0; i < model.size(); ++i) {
      out << element(Z[i]).symbol;  // throws InputError for an unknown Z: nothing is kept
      for (int k = 0; k < 3; ++k) out << ' ' << text::format_double(positions[i][k]);
      if (model.has_labels()) out << ' ' << model.labels()[i];
      out << '\n';
    }
  });
}

}  // namespace vitrum::core
