#pragma once
/// \file
/// The Zhou–Johnson–Wadley generalized EAM database: X. W. Zhou, R. A. Johnson,
/// H. N. G. Wadley, "Misfit-energy-increasing dislocations in vapor-deposited CoFe/NiFe
/// multilayers", Phys. Rev. B 69, 144113 (2004) (functional forms and parameter table), for the
/// 16 metals
/// Cu, Ag, Au, Ni, Pd, Pt, Al, Pb, Fe, Mo, Ta, W, Mg, Co, Ti, Zr; tabulated as DYNAMO setfl
/// (`pair_style eam/alloy`) files in the way of the authors' public tool, LAMMPS
/// `tools/eam_database` (`create.f`, parameter file `EAM_code`; also `create_eam.py`). That tool
/// made Debian's `/usr/share/lammps/potentials/CuTa.eam.alloy`, which this generator reproduces.
///
/// With x = r/rₑ (r in Å):
///   pair     φ(r) = A e^{−α(x−1)} / (1 + (x−κ)²⁰) − B e^{−β(x−1)} / (1 + (x−λ)²⁰)      (eV)
///   density  f(r) = fₑ e^{−β₁(x−1)} / (1 + (x−λ₁)²⁰)       (β₁ = β, λ₁ = λ for all 16 metals)
///   embedding, with ρₙ = ρ_low·ρₑ and ρ₀ = ρ_high·ρₑ (ρ_low = 0.85, except 0.25 for Pt in
///   EAM_code; ρ_high = 1.15):
///     ρ < ρₙ:       F = Σ_{i=0..3} Fₙᵢ (ρ/ρₙ − 1)ⁱ
///     ρₙ ≤ ρ < ρ₀:  F = Σ_{i=0..3} Fᵢ (ρ/ρₑ − 1)ⁱ   (F₃ → F₃⁺ for ρ ≥ ρₑ; F₃⁺ = F₃ for all 16)
///     ρ₀ ≤ ρ:       F = Fₑ [1 − η ln(ρ/ρₛ)] (ρ/ρₛ)^η
///   cross pair  φ_ab(r) = ½ [ f_b(r)/f_a(r) φ_aa(r) + f_a(r)/f_b(r) φ_bb(r) ].
/// Caveat: the cross terms come only from this mixing rule (no alloy data were fitted), so
/// chemical short-range order in multi-component glasses is qualitative.

#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vitrum/sim/eam_file.hpp"

namespace vitrum::sim {

/// The 27 parameters of one element as EAM_code lists them (the paper's parameter table plus
/// the tool's extra columns F₃⁺, β₁, λ₁, ρₙ/ρₑ, ρ₀/ρₑ), and the ground-state lattice for the
/// setfl header.
struct ZhouParameters {
  std::string_view symbol;
  double re_A;                  ///< rₑ, equilibrium nearest-neighbour distance (Å)
  double fe;                    ///< fₑ, density scale
  double rhoe;                  ///< ρₑ, equilibrium electron density
  double rhos;                  ///< ρₛ, scale of the high-density embedding branch
  double alpha;                 ///< α (repulsive pair decay)
  double beta;                  ///< β (attractive pair decay)
  double A_eV;                  ///< A (eV)
  double B_eV;                  ///< B (eV)
  double kappa;                 ///< κ (repulsive cutoff position, in units of rₑ)
  double lambda;                ///< λ (attractive cutoff position, in units of rₑ)
  std::array<double, 4> Fn_eV;  ///< Fₙ₀ … Fₙ₃ (eV), low-density branch
  std::array<double, 4> F_eV;   ///< F₀ … F₃ (eV), middle branch below ρₑ
  double eta;                   ///< η, high-density branch exponent
  double Fe_eV;                 ///< Fₑ (eV), high-density branch scale
  int Z;                        ///< atomic number
  double mass_amu;              ///< atomic mass (u) as EAM_code gives it
  double F3_above_eV;           ///< F₃ of the middle branch for ρ ≥ ρₑ (EAM_code "Fm4")
  double beta_density;          ///< β₁ of the density function (EAM_code "beta1")
  double lambda_density;        ///< λ₁ of the density function (EAM_code "ramda1")
  double rho_low;               ///< ρₙ/ρₑ, lower boundary of the middle branch
  double rho_high;              ///< ρ₀/ρₑ, upper boundary of the middle branch
  std::string_view lattice;     ///< ground state: "fcc", "bcc" or "hcp" (setfl header only)
};

/// The 16 element symbols of the database, in the paper's order.
std::vector<std::string> zhou_elements();

/// The parameters of `symbol`. InputError naming it and listing the 16 if it is not in the
/// database (Ru, Rh and Ir are not: the message says to use a documented proxy, PHYSICS.md §1).
const ZhouParameters& zhou_parameters(std::string_view symbol);

/// φ(r) of an element with itself (eV), r in Å.
double zhou_pair_eV(const ZhouParameters& p, double r_A);
/// f(r), the element's atomic electron density at distance r (Å).
double zhou_density(const ZhouParameters& p, double r_A);
/// F(ρ) (eV), the three-piece embedding function.
double zhou_embedding_eV(const ZhouParameters& p, double rho);
/// φ_ab(r) (eV) by the mixing rule; equals zhou_pair_eV(a, r) when a and b are the same element.
double zhou_cross_pair_eV(const ZhouParameters& a, const ZhouParameters& b, double r_A);

/// How the functions are tabulated. The defaults are those of LAMMPS tools/eam_database
/// (create.f): 2000 points in r and in ρ; r from 0 to the cutoff √10/2 · max(√2 rₑ) (between
/// the 3rd and 4th neighbour shells of the fcc lattice with the largest rₑ); ρ from 0 to
/// max(largest tabulated f, 2 max ρₑ, 100); functions of r evaluated at max(r, r_floor_A).
struct ZhouTabulation {
  int nr = 2000;    ///< points of ρ(r), r·φ(r); dr_A = cutoff_A / (nr − 1)
  int nrho = 2000;  ///< points of F(ρ); drho = rho_max / (nrho − 1)
  /// Cutoff (Å); unset: the reference rule above, from the elements requested.
  std::optional<double> cutoff_A;
  /// Upper end of the F(ρ) table; unset: the reference rule above.
  std::optional<double> rho_max;
  /// Below this distance (Å) the functions of r are evaluated at r_floor_A (r·φ uses it too),
  /// as in the reference; LAMMPS never samples so close in practice.
  double r_floor_A = 0.5;

  /// InputError naming the field unless nr, nrho in [2, 10⁶], cutoff_A in (r_floor_A, 100] Å,
  /// rho_max > 0, r_floor_A in [0, 2] Å.
  void validate() const;
};

/// The setfl table of `elements` (1 to 16 distinct symbols from zhou_elements(), in the order
/// given, which becomes the LAMMPS type order). InputError for an unknown, repeated or missing
/// element, or a bad tabulation.
SetflTable zhou_eam_alloy(std::span<const std::string> elements, const ZhouTabulation& tab = {});

/// zhou_eam_alloy() written with write_setfl() (temporary file, then rename).
void write_zhou_eam_alloy(const std::filesystem::path& path, std::span<const std::string> elements,
                          const ZhouTabulation& tab = {});

}  // namespace vitrum::sim
