#pragma once
/// \file
/// Physical constants and the relativistic electron optics every stage needs
/// (PHYSICS.md §2). Units: energies in keV, lengths in Å, potentials in V.

namespace vitrum::core {

/// Electron rest energy m₀c² in keV (CODATA 2018: 0.51099895000 MeV).
inline constexpr double kElectronRestEnergy_keV = 510.99895000;
/// h·c in keV·Å (CODATA 2018: 1.23984198 × 10⁻⁶ eV·m).
inline constexpr double kPlanckTimesC_keVA = 12.398419843320026;
/// Bohr radius a₀ in Å (CODATA 2018).
inline constexpr double kBohrRadius_A = 0.529177210903;
/// e²/(4πε₀) in eV·Å (CODATA 2018), i.e. V·Å for a unit charge.
inline constexpr double kCoulombConstant_eVA = 14.3996454784;
/// 2π a₀ e, the factor between f_e(q) in Å and the projected atomic potential in Fourier
/// space, V(q) = 2π a₀ e f_e(q) in V·Å² (Kirkland 2010, eq. 5.17; PHYSICS.md §2: 47.878).
inline constexpr double kTwoPiBohrRadiusCharge_VA2 =
    2.0 * 3.14159265358979323846 * kBohrRadius_A * kCoulombConstant_eVA;

/// Relativistic electron wavelength λ in Å for a beam energy (kinetic, keV):
/// λ = hc / √(E (2 m₀c² + E)) — the exact form of PHYSICS.md §2's
/// λ = 12.2643 / √(V(1 + 0.978476×10⁻⁶ V)) Å (Kirkland 2010, eq. 2.5).
/// 0.025079 Å at 200 keV, 0.019687 Å at 300 keV. Requires energy_keV > 0.
double electron_wavelength_A(double energy_keV);

/// Interaction parameter σ in rad/(V·Å): σ = (2π / (λ V)) (m₀c² + eV)/(2m₀c² + eV)
/// (Kirkland 2010, eq. 5.6; PHYSICS.md §2). 6.526×10⁻⁴ at 300 keV, 7.288×10⁻⁴ at 200 keV.
/// Requires energy_keV > 0.
double interaction_parameter_radPerVA(double energy_keV);

}  // namespace vitrum::core
