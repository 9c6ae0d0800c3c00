#include "vitrum/core/io_text.hpp"

#include <cmath>

#include "text_parsing.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

// What distinguishes the two profile files.
struct ProfileKind {
  const char* description;  // first header line
  const char* columns;      // the "#L" line naming the columns, as PDFgetX3 writes it
  const char* x_name;
  const char* y_name;
};

constexpr ProfileKind kChi{
    "vitrum I(Q): azimuthally integrated diffraction intensity; Q = 4 pi sin(theta)/lambda in "
    "1/A (PDFgetX3: dataformat = QA), I in arbitrary units",
    "#L Q(1/A) I", "Q", "I"};
// No "x-ray"/"neutron" or "qmax=" in this header: PDFgui would take them for the radiation
// type and the termination-ripple Qmax (PDFDataSet.readStr).
constexpr ProfileKind kGr{
    "vitrum G(r): reduced pair distribution function G(r) = 4 pi r [rho(r) - rho0]; r in A, "
    "G in 1/A^2",
    "#L r(A) G(A^-2)", "r", "G"};

void write_profile(const std::filesystem::path& path, std::span<const double> x,
                   std::span<const double> y, const Provenance& provenance,
                   const ProfileKind& kind) {
  if (x.size() != y.size())
    throw InputError(std::string(kind.x_name) + " has " + std::to_string(x.size()) +
                         " points but " + kind.y_name + " has " + std::to_string(y.size()),
                     path.string());
  if (x.empty()) throw InputError("no points to write", path.string());
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw NumericsError("point " + std::to_string(i) + " is not finite (" + kind.x_name + " = " +
                              text::format_double(x[i]) + ", " + kind.y_name + " = " +
                              text::format_double(y[i]) + ")",
                          path.string());
  write_stream_atomically(path, [&](std::ostream& out) {
    out << "# " << kind.description << '\n';
    out << "# vitrum_version = " << provenance.version << '\n';
    out << "# command = " << provenance.command << '\n';
    out << "# seed = " << provenance.seed << '\n';
    if (!provenance.parameters.empty()) {
      out << "# parameters:\n";
      std::size_t begin = 0;
      while (begin < provenance.parameters.size()) {
        std::size_t end = provenance.parameters.find('\n', begin);
        if (end == std::string::npos) end = provenance.parameters.size();
        out << "#   " << provenance.parameters.substr(begin, end - begin) << '\n';
        begin = end + 1;
      }
    }
    out << "#### start data\n" << kind.columns << '\n';
    std::string line;
    for (std::size_t i = 0; i < x.size(); ++i) {
      line = text::format_double(x[i]) + ' ' + text::format_double(y[i]) + '\n';
      out << line;
    }
  });
}

bool is_start_data_marker(std::string_view line) {
  line = text::trim(line);
  if (line.empty() || line.front() != '#') return false;
  while (!line.empty() && line.front() == '#') line.remove_prefix(1);
  return text::trim(line) == "start data";
}

bool starts_with_two_numbers(std::string_view line) {
  const std::vector<std::string_view> tokens = text::split(line);
  return tokens.size() >= 2 && text::parse_double(tokens[0]) && text::parse_double(tokens[1]);
}

Profile read_profile(const std::filesystem::path& path, const ProfileKind& kind) {
  const text::LineFile file(path);
  bool all_blank = true;
  for (std::size_t i = 0; i < file.size() && all_blank; ++i)
    all_blank = text::is_blank(file.line(i));
  if (all_blank)
    throw InputError(std::string("empty file: expected rows of ") + kind.x_name + " " + kind.y_name,
                     file.where(0));

  // PDFgui's rule: the data follow a "#### start data" line; without one, they start at the
  // first line that begins with numbers (two here, so that the point count of a Fit2D header
  // is not taken for data).
  std::size_t start = file.size();
  for (std::size_t i = 0; i < file.size(); ++i)
    if (is_start_data_marker(file.line(i))) {
      start = i + 1;
      break;
    }
  if (start == file.size())
    for (std::size_t i = 0; i < file.size(); ++i)
      if (!text::trim(file.line(i)).starts_with('#') && starts_with_two_numbers(file.line(i))) {
        start = i;
        break;
      }

  Profile profile;
  const std::string columns = std::string(kind.x_name) + " " + kind.y_name;
  for (std::size_t i = start; i < file.size(); ++i) {
    const std::string_view line = text::trim(file.line(i));
    if (line.empty() || line.front() == '#') continue;
    const std::string where = file.where(i);
    const std::vector<std::string_view> tokens = text::split(line);
    if (tokens.size() < 2)
      throw InputError(
          "expected at least 2 columns (" + columns + "), found " + std::to_string(tokens.size()),
          where);
    profile.x.push_back(text::to_finite_double(tokens[0], where, kind.x_name));
    profile.y.push_back(text::to_finite_double(tokens[1], where, kind.y_name));
  }
  if (profile.x.empty())
    throw InputError("no data: expected rows of " + columns + " after the header",
                     file.where(file.size() - 1));
  return profile;
}

}  // namespace

void write_chi(const std::filesystem::path& path, std::span<const double> Q_invA,
               std::span<const double> I, const Provenance& provenance) {
  write_profile(path, Q_invA, I, provenance, kChi);
}

Profile read_chi(const std::filesystem::path& path) { return read_profile(path, kChi); }

void write_gr(const std::filesystem::path& path, std::span<const double> r_A,
              std::span<const double> G_invA2, const Provenance& provenance) {
  write_profile(path, r_A, G_invA2, provenance, kGr);
}

Profile read_gr(const std::filesystem::path& path) { return read_profile(path, kGr); }

}  // namespace vitrum::core
