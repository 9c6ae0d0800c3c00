// LAMMPS data files, atom style atomic, as specified by the read_data command
// (https://docs.lammps.org/read_data.html): line 1 is a title; header lines "N atoms",
// "N atom types", "xlo xhi", "ylo yhi", "zlo zhi", "xy xz yz"; then sections, each a keyword
// line, a blank line and its entries. vitrum uses Masses ("type mass") and Atoms
// ("id type x y z [ix iy iz]"); other sections (Velocities, Pair Coeffs, …) are skipped.
// '#' starts a comment anywhere.
//
// Coordinates: LAMMPS boxes have an origin (xlo, ylo, zlo), AtomicModel has none, so the
// reader subtracts the origin and the writer uses lo = 0. The reader applies image flags,
// r + ix·a + iy·b + iz·c; the writer wraps atoms into the box along periodic axes and writes
// the image flags that undo the wrap, so unwrapped coordinates survive a round trip.
// Periodicity: a data file does not say which axes are periodic (that is the input script's
// `boundary` command); vitrum records pbc="T T F" in the title line it writes and reads it
// back from there, and assumes T T T for titles that do not name it.
// Atoms are returned in order of increasing atom ID. Labels are not stored in LAMMPS data.

#include <Eigen/QR>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "text_parsing.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

constexpr double kMassTolerance_u = 0.5;

struct AtomRecord {
  std::int64_t id = 0;
  std::int64_t type = 0;
  Vec3 r_A;
  Eigen::Vector3i image = Eigen::Vector3i::Zero();
  std::size_t line = 0;
};

bool starts_with_letter(std::string_view s) {
  s = text::trim(s);
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s.front()));
}

std::string join(const std::vector<std::string_view>& tokens, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < tokens.size(); ++i) {
    if (i > from) out += ' ';
    out += tokens[i];
  }
  return out;
}

// The element of an atom type: a "# Symbol" comment after the mass, else the element whose
// standard atomic mass is nearest (within kMassTolerance_u).
int element_of_type(std::int64_t type, double mass_u, std::string_view comment,
                    const std::string& where) {
  const std::vector<std::string_view> words = text::split(comment);
  if (!words.empty() && is_element_symbol(words.front())) return element(words.front()).Z;
  int best = 0;
  double best_diff = std::numeric_limits<double>::infinity();
  for (int Z = 1; Z <= kMaxZ; ++Z) {
    const double diff = std::abs(element(Z).mass_u - mass_u);
    if (diff < best_diff) {
      best = Z;
      best_diff = diff;
    }
  }
  if (best_diff > kMassTolerance_u)
    throw InputError(
        "mass " + text::format_double(mass_u) + " of atom type " + std::to_string(type) +
            " is not within 0.5 u of any element (nearest: " + std::string(element(best).symbol) +
            ", " + text::format_double(element(best).mass_u) +
            " u); name the element in a comment after the mass, e.g. '# " +
            std::string(element(best).symbol) + "'",
        where);
  return best;
}

// A cell in LAMMPS orientation: a along x, b in the xy plane, positive diagonal.
bool is_lammps_oriented(const Mat3& v) {
  return v(0, 1) == 0.0 && v(0, 2) == 0.0 && v(1, 2) == 0.0 && v(0, 0) > 0.0 && v(1, 1) > 0.0 &&
         v(2, 2) > 0.0;
}

}  // namespace

AtomicModel read_lammps_data(const std::filesystem::path& path) {
  const text::LineFile file(path);
  bool all_blank = true;
  for (std::size_t i = 0; i < file.size() && all_blank; ++i)
    all_blank = text::is_blank(file.line(i));
  if (all_blank)
    throw InputError("empty file: expected a LAMMPS data file (a title line, then the header)",
                     file.where(0));

  Cell cell;
  cell.pbc = {true, true, true};
  if (const auto kv = text::parse_key_values(file.line(0)); kv.count("pbc") != 0) {
    if (const auto pbc = text::parse_pbc(kv.at("pbc"))) cell.pbc = *pbc;
  }

  // Header.
  std::optional<std::int64_t> n_atoms, n_types;
  Vec3 lo = Vec3::Zero(), hi = Vec3::Zero();
  std::array<bool, 3> has_bounds{false, false, false};
  Vec3 tilt = Vec3::Zero();  // xy xz yz
  std::size_t index = 1;
  for (; index < file.size(); ++index) {
    const std::string_view content = text::split_comment(file.line(index)).first;
    if (text::is_blank(content)) continue;
    if (starts_with_letter(content)) break;
    const std::string where = file.where(index);
    const std::vector<std::string_view> tokens = text::split(content);
    std::size_t n_numbers = 0;
    while (n_numbers < tokens.size() && text::parse_double(tokens[n_numbers])) ++n_numbers;
    const std::string keyword = join(tokens, n_numbers);
    auto expect_numbers = [&](std::size_t n) {
      if (n_numbers != n)
        throw InputError("expected " + std::to_string(n) + " number(s) before '" + keyword +
                             "', found " + std::to_string(n_numbers),
                         where);
    };
    if (keyword == "atoms" || keyword == "atom types") {
      expect_numbers(1);
      const std::int64_t n = text::to_int(tokens[0], where, "the number of " + keyword);
      if (n < 0) throw InputError("negative number of " + keyword, where);
      (keyword == "atoms" ? n_atoms : n_types) = n;
    } else if (keyword == "xlo xhi" || keyword == "ylo yhi" || keyword == "zlo zhi") {
      expect_numbers(2);
      const int axis = keyword[0] - 'x';
      const double l = text::to_finite_double(tokens[0], where, keyword.substr(0, 3));
      const double h = text::to_finite_double(tokens[1], where, keyword.substr(4, 3));
      if (!(h > l)) throw InputError(keyword + ": expected lo < hi", where);
      lo[axis] = l;
      hi[axis] = h;
      has_bounds[axis] = true;
    } else if (keyword == "xy xz yz") {
      expect_numbers(3);
      for (int k = 0; k < 3; ++k) tilt[k] = text::to_finite_double(tokens[k], where, "tilt factor");
    } else if (n_numbers == 0) {
      throw InputError("unrecognised header line '" + std::string(text::trim(content)) + "'",
                       where);
    }  // other header keywords (bonds, angles, ellipsoids, …) do not concern atom style atomic
  }
  const std::string where_header_end = file.where(std::min(index, file.size()));
  if (!n_atoms) throw InputError("the header has no 'N atoms' line", where_header_end);
  if (!n_types && *n_atoms > 0)
    throw InputError("the header has no 'N atom types' line", where_header_end);
  for (int k = 0; k < 3; ++k)
    if (!has_bounds[k]) {
      const std::string axis(1, static_cast<char>('x' + k));
      throw InputError("the header has no '" + axis + "lo " + axis + "hi' line", where_header_end);
    }

  // Sections.
  const std::int64_t types = n_types.value_or(0);
  std::vector<std::optional<double>> masses(static_cast<std::size_t>(types) + 1);
  std::vector<int> type_Z(masses.size(), 0);
  std::optional<std::size_t> masses_line, atoms_line;
  std::vector<AtomRecord> atoms;
  while (index < file.size()) {
    const auto [content, comment] = text::split_comment(file.line(index));
    const std::string name(text::trim(content));
    const std::size_t header = index;
    std::vector<std::size_t> body;
    for (++index;
         index < file.size() && !starts_with_letter(text::split_comment(file.line(index)).first);
         ++index)
      if (!text::is_blank(text::split_comment(file.line(index)).first)) body.push_back(index);
    const std::string where_header = file.where(header);

    if (name == "Masses") {
      if (masses_line) throw InputError("second Masses section", where_header);
      masses_line = header;
      for (std::size_t i : body) {
        const std::string where = file.where(i);
        const auto [entry, note] = text::split_comment(file.line(i));
        const std::vector<std::string_view> fields = text::split(entry);
        if (fields.size() != 2)
          throw InputError("expected 2 columns (type mass), found " + std::to_string(fields.size()),
                           where);
        const std::int64_t type = text::to_int(fields[0], where, "the atom type");
        if (type < 1 || type > types)
          throw InputError("atom type " + std::to_string(type) + " outside 1.." +
                               std::to_string(types) + " (the header's atom types)",
                           where);
        if (masses[type])
          throw InputError("atom type " + std::to_string(type) + " has two masses", where);
        const double mass = text::to_finite_double(fields[1], where, "the mass");
        if (!(mass > 0.0)) throw InputError("mass must be positive", where);
        masses[type] = mass;
        type_Z[type] = element_of_type(type, mass, note, where);
      }
    } else if (name == "Atoms") {
      if (atoms_line) throw InputError("second Atoms section", where_header);
      atoms_line = header;
      const std::vector<std::string_view> style = text::split(comment);
      if (!style.empty() && style.front() != "atomic")
        throw InputError(
            "atom style " + std::string(style.front()) + " is not supported; expected atomic",
            where_header);
      atoms.reserve(body.size());
      for (std::size_t i : body) {
        const std::string where = file.where(i);
        const std::vector<std::string_view> fields =
            text::split(text::split_comment(file.line(i)).first);
        if (fields.size() != 5 && fields.size() != 8)
          throw InputError(
              "expected 5 columns (id type x y z) or 8 (id type x y z ix iy iz) "
              "as atom style atomic has, found " +
                  std::to_string(fields.size()),
              where);
        AtomRecord a;
        a.line = i;
        a.id = text::to_int(fields[0], where, "the atom ID");
        if (a.id < 1) throw InputError("atom ID must be positive", where);
        a.type = text::to_int(fields[1], where, "the atom type");
        if (a.type < 1 || a.type > types)
          throw InputError("atom type " + std::to_string(a.type) + " outside 1.." +
                               std::to_string(types) + " (the header's atom types)",
                           where);
        for (int k = 0; k < 3; ++k)
          a.r_A[k] = text::to_finite_double(fields[2 + k], where,
                                            std::string(1, static_cast<char>('x' + k)) +
                                                " coordinate of atom " + std::to_string(a.id));
        if (fields.size() == 8)
          for (int k = 0; k < 3; ++k) {
            const std::int64_t n = text::to_int(fields[5 + k], where, "an image flag");
            if (std::abs(n) > 1'000'000'000) throw InputError("image flag out of range", where);
            a.image[k] = static_cast<int>(n);
          }
        atoms.push_back(a);
      }
      if (body.size() < static_cast<std::size_t>(*n_atoms))
        throw InputError("the Atoms section has " + std::to_string(body.size()) +
                             " lines but the header announces " + std::to_string(*n_atoms) +
                             " atoms",
                         file.where(body.empty() ? header : body.back()));
      if (body.size() > static_cast<std::size_t>(*n_atoms))
        throw InputError("more lines in the Atoms section than the " + std::to_string(*n_atoms) +
                             " atoms the header announces",
                         file.where(body[*n_atoms]));
    }
  }

  const std::string where_end = file.where(file.size() - 1);
  if (*n_atoms > 0 && !atoms_line)
    throw InputError(
        "no Atoms section, but the header announces " + std::to_string(*n_atoms) + " atoms",
        where_end);
  if (*n_atoms > 0 && !masses_line)
    throw InputError(
        "no Masses section: vitrum maps atom types to elements through their "
        "masses (or a '# Symbol' comment after each mass)",
        atoms_line ? file.where(*atoms_line) : where_end);

  cell.vectors_A << hi[0] - lo[0], 0, 0,  //
      tilt[0], hi[1] - lo[1], 0,          //
      tilt[1], tilt[2], hi[2] - lo[2];
  std::sort(atoms.begin(), atoms.end(),
            [](const AtomRecord& a, const AtomRecord& b) { return a.id < b.id; });
  AtomicModel model(cell);
  model.reserve(atoms.size());
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    const AtomRecord& a = atoms[i];
    if (i > 0 && atoms[i - 1].id == a.id)
      throw InputError("atom ID " + std::to_string(a.id) + " appears twice (also on line " +
                           std::to_string(atoms[i - 1].line + 1) + ")",
                       file.where(a.line));
    if (!masses[a.type])
      throw InputError("atom type " + std::to_string(a.type) + " has no entry in Masses",
                       file.where(a.line));
    const Vec3 r = a.r_A - lo + cell.vectors_A.transpose() * a.image.cast<double>();
    model.add_atom(r, type_Z[a.type]);
  }
  model.validate(file.name());
  return model;
}

void write_lammps_data(const std::filesystem::path& path, const AtomicModel& model,
                       const Provenance& provenance) {
  model.validate(path.string());
  if (!model.cell().is_valid())
    throw InputError(
        "LAMMPS data needs a simulation box but the model's cell is degenerate; "
        "give the model a cell (e.g. a box enclosing it) first",
        path.string());
  if (model.cell().vectors_A.determinant() < 0.0)
    throw InputError(
        "the cell is left-handed (det < 0), which LAMMPS cannot represent; swap "
        "two lattice vectors or negate one",
        path.string());

  // Rotate into LAMMPS orientation if needed: QR of Vᵀ = Q R gives V Q = Rᵀ, lower
  // triangular; the signs are chosen so that the diagonal is positive and Q a rotation.
  AtomicModel lammps = model;
  Mat3 v = model.cell().vectors_A;
  if (!is_lammps_oriented(v)) {
    const Eigen::HouseholderQR<Mat3> qr(v.transpose());
    Mat3 q = qr.householderQ();
    Mat3 r = qr.matrixQR().triangularView<Eigen::Upper>();
    const Vec3 sign = r.diagonal().array().sign();
    q = q * sign.asDiagonal();
    r = sign.asDiagonal() * r;
    rotate(lammps, q.transpose(), Vec3::Zero());
    v = r.transpose().triangularView<Eigen::Lower>();
    lammps.cell().vectors_A = v;
  }

  write_stream_atomically(path, [&](std::ostream& out) {
    std::map<int, int> type_of_Z;
    for (std::uint8_t Z : lammps.Z()) type_of_Z.emplace(Z, 0);
    int next_type = 1;
    for (auto& [Z, type] : type_of_Z) type = next_type++;

    out << "LAMMPS data file, atom style atomic, written by vitrum: pbc=\""
        << text::format_pbc(lammps.cell().pbc) << '"';
    if (!provenance.version.empty()) out << " vitrum_version=" << text::quote(provenance.version);
    out << " vitrum_seed=" << provenance.seed;
    if (!provenance.command.empty()) out << " vitrum_command=" << text::quote(provenance.command);
    out << "\n\n"
        << lammps.size() << " atoms\n"
        << type_of_Z.size() << " atom types\n\n"
        << "0 " << text::format_double(v(0, 0)) << " xlo xhi\n"
        << "0 " << text::format_double(v(1, 1)) << " ylo yhi\n"
        << "0 " << text::format_double(v(2, 2)) << " zlo zhi\n";
    if (v(1, 0) != 0.0 || v(2, 0) != 0.0 || v(2, 1) != 0.0)
      out << text::format_double(v(1, 0)) << ' ' << text::format_double(v(2, 0)) << ' '
          << text::format_double(v(2, 1)) << " xy xz yz\n";
    out << "\nMasses\n\n";
    for (const auto& [Z, type] : type_of_Z) {
      const Element& e = element(Z);  // throws InputError for an unknown Z: nothing is kept
      out << type << ' ' << text::format_double(e.mass_u) << " # " << e.symbol << '\n';
    }
    out << "\nAtoms # atomic\n\n";
    const auto positions = lammps.positions_A();
    const auto Z = lammps.Z();
    for (std::size_t i = 0; i < lammps.size(); ++i) {
      Vec3 r = positions[i];
      Eigen::Vector3i image = Eigen::Vector3i::Zero();
      const Vec3 s = lammps.cell().fractional(r);
      for (int k = 0; k < 3; ++k)
        if (lammps.cell().pbc[k] && (s[k] < 0.0 || s[k] >= 1.0))
          image[k] = static_cast<int>(std::floor(s[k]));
      if (!image.isZero()) r -= v.transpose() * image.cast<double>();
      out << i + 1 << ' ' << type_of_Z.at(Z[i]);
      for (int k = 0; k < 3; ++k) out << ' ' << text::format_double(r[k]);
      for (int k = 0; k < 3; ++k) out << ' ' << image[k];
      out << '\n';
    }
  });
}

}  // namespace vitrum::core
