#pragma once
/// \file
/// Electron scattering factors f_e(q) in Å (first Born approximation, no relativistic
/// mass factor), with q = 1/d in Å⁻¹ (DESIGN.md "Units"; PHYSICS.md §2).
///
///  - Kirkland (2010), *Advanced Computing in Electron Microscopy*, 2nd ed., App. C, eq. C.15:
///      f_e(q) = Σ_{i=1..3} a_i / (q² + b_i) + Σ_{i=1..3} c_i exp(−d_i q²)
///  - Lobato & Van Dyck (2014), Acta Cryst. A70, 636, eq. 13 (g = q):
///      f_e(q) = Σ_{i=1..5} a_i (2 + b_i q²) / (1 + b_i q²)²
///
/// Kirkland's fit covers 0 ≤ q ≤ 12 Å⁻¹ and drifts from the Mott–Bethe limit beyond it
/// (up to 9 %); Lobato's obeys that limit by construction. At q < 0.3 Å⁻¹ the two differ by
/// up to 10 % for a few elements (Ir, Po; 5–6 % for Cr, Mo, Ru, Rh), reflecting different
/// outer-shell configurations: say which table a result used.
///
/// Both parameter tables ship as data files in core/data/ with their source, and are
/// embedded in the library at build time.

#include <span>
#include <string_view>
#include <vector>

namespace vitrum::core {

enum class ScatteringParametrization { kKirkland2010, kLobato2014 };

/// Parses "kirkland" or "lobato" (as written in configs); throws InputError otherwise.
ScatteringParametrization parse_scattering_parametrization(std::string_view name);

/// Electron scattering factor f_e(q) of element Z in Å, q = 1/d in Å⁻¹ (q ≥ 0).
/// Throws InputError if Z has no parameters in the chosen table (valid: 1..103).
double electron_scattering_factor_A(int Z, double q_invA, ScatteringParametrization p);

/// f_e at many q at once: out[i] = f_e(q[i]). `out` must have the size of `q`.
void electron_scattering_factor_A(int Z, std::span<const double> q_invA,
                                  ScatteringParametrization p, std::span<double> out);

}  // namespace vitrum::core
