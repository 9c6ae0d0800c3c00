#include "vitrum/core/scattering.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>

#include "text_parsing.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::core::embedded {
extern const std::string_view kirkland2010_table;  // core/data/kirkland2010.txt
extern const std::string_view lobato2014_table;    // core/data/lobato2014.txt
}  // namespace vitrum::core::embedded

namespace vitrum::core {
namespace {

// Row layouts of the data files (see their headers):
//   kirkland2010.txt: a1 b1 a2 b2 a3 b3 c1 d1 c2 d2 c3 d3 (a in 1/Å, b in 1/Å², c in Å, d in Å²)
//   lobato2014.txt:   a1 a2 a3 a4 a5 b1 b2 b3 b4 b5       (a in Å, b in Å²)
constexpr std::size_t kKirklandCount = 12;
constexpr std::size_t kLobatoCount = 10;

template <std::size_t N>
using ParameterTable = std::array<std::array<double, N>, kMaxZ>;  // [Z - 1][parameter]

// The embedded tables are part of the build, so a malformed line is a defect of vitrum, not
// bad user input: report it as a plain Error.
template <std::size_t N>
ParameterTable<N> parse_table(std::string_view text, const std::string& name) {
  ParameterTable<N> table{};
  int rows = 0;
  text::for_each_data_row(text, [&](const std::vector<std::string_view>& fields, int line) {
    const std::string where = name + ":" + std::to_string(line);
    if (rows == kMaxZ || fields.size() != N + 1 ||
        text::parse_int(fields[0]).value_or(0) != rows + 1)
      throw Error("corrupt embedded scattering-factor table", where);
    for (std::size_t i = 0; i < N; ++i) {
      const double value = text::parse_double(fields[i + 1]).value_or(NAN);
      if (!std::isfinite(value)) throw Error("corrupt embedded scattering-factor table", where);
      table[static_cast<std::size_t>(rows)][i] = value;
    }
    ++rows;
  });
  if (rows != kMaxZ)
    throw Error("embedded table " + name + " has " + std::to_string(rows) + " elements, expected " +
                std::to_string(kMaxZ));
  return table;
}

const ParameterTable<kKirklandCount>& kirkland_table() {
  static const auto table =
      parse_table<kKirklandCount>(embedded::kirkland2010_table, "kirkland2010.txt");
  return table;
}

const ParameterTable<kLobatoCount>& lobato_table() {
  static const auto table = parse_table<kLobatoCount>(embedded::lobato2014_table, "lobato2014.txt");
  return table;
}

std::size_t row_index(int Z) {
  if (Z < 1 || Z > kMaxZ)
    throw InputError("no electron scattering factor for atomic number Z = " + std::to_string(Z) +
                     " (tables cover 1.." + std::to_string(kMaxZ) + ")");
  return static_cast<std::size_t>(Z - 1);
}

/// Kirkland (2010), Advanced Computing in Electron Microscopy, 2nd ed., App. C, eq. C.15:
/// f_e(q) = Σ_{i=1..3} a_i / (q² + b_i) + Σ_{i=1..3} c_i exp(−d_i q²), q = 1/d in Å⁻¹, f_e in Å.
double kirkland_A(const std::array<double, kKirklandCount>& p, double q_invA) {
  const double q2 = q_invA * q_invA;
  double f = 0.0;
  for (std::size_t i = 0; i < 3; ++i) f += p[2 * i] / (q2 + p[2 * i + 1]);
  for (std::size_t i = 0; i < 3; ++i) f += p[6 + 2 * i] * std::exp(-p[7 + 2 * i] * q2);
  return f;
}

/// Lobato & Van Dyck (2014), Acta Cryst. A70, 636, eq. 13 with g = q = 1/d in Å⁻¹:
/// f_e(q) = Σ_{i=1..5} a_i (2 + b_i q²) / (1 + b_i q²)², a_i in Å, b_i in Å², f_e in Å.
double lobato_A(const std::array<double, kLobatoCount>& p, double q_invA) {
  const double q2 = q_invA * q_invA;
  double f = 0.0;
  for (std::size_t i = 0; i < 5; ++i) {
    const double bq2 = p[5 + i] * q2;
    f += p[i] * (2.0 + bq2) / ((1.0 + bq2) * (1.0 + bq2));
  }
  return f;
}

}  // namespace

ScatteringParametrization parse_scattering_parametrization(std::string_view name) {
  if (name == "kirkland") return ScatteringParametrization::kKirkland2010;
  if (name == "lobato") return ScatteringParametrization::kLobato2014;
  throw InputError("unknown scattering-factor parametrization \"" + std::string(name) +
                   "\" (expected \"kirkland\" or \"lobato\")");
}

double electron_scattering_factor_A(int Z, double q_invA, ScatteringParametrization p) {
  const std::size_t row = row_index(Z);
  return p == ScatteringParametrization::kKirkland2010 ? kirkland_A(kirkland_table()[row], q_invA)
                                                       : lobato_A(lobato_table()[row], q_invA);
}

void electron_scattering_factor_A(int Z, std::span<const double> q_invA,
                                  ScatteringParametrization p, std::span<double> out) {
  if (out.size() != q_invA.size())
    throw InputError("electron_scattering_factor_A: output has " + std::to_string(out.size()) +
                     " elements for " + std::to_string(q_invA.size()) + " q values");
  const std::size_t row = row_index(Z);
  if (p == ScatteringParametrization::kKirkland2010) {
    const auto& params = kirkland_table()[row];
    for (std::size_t i = 0; i < q_invA.size(); ++i) out[i] = kirkland_A(params, q_invA[i]);
  } else {
    const auto& params = lobato_table()[row];
    for (std::size_t i = 0; i < q_invA.size(); ++i) out[i] = lobato_A(params, q_invA[i]);
  }
}

}  // namespace vitrum::core
