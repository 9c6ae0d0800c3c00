#pragma once
/// \file
/// The STEM probe: a convergent wave formed by an objective aperture and shaped by the
/// lens aberrations (PHYSICS.md §2).
///
///   ψ(q) = A(q) exp(−iχ(q)),   A(q) = 1 for λ|q| ≤ α, 0 otherwise,
///   χ(q) = (2π/λ) [ ½ a² (C1,0 + C1,2 cos 2(φ − φ1,2)) + ⅓ a³ C2,3 cos 3(φ − φ2,3)
///                   + ¼ a⁴ C3,0 + ⅙ a⁶ C5,0 ],   a = λ|q|, φ = atan2(q_y, q_x)
///
/// (Krivanek, Dellby & Lupini 1999, Ultramicroscopy 78, 1, eq. 1; for C1,0 and C3,0 this is
/// Kirkland 2010, *Advanced Computing in Electron Microscopy*, eq. 3.42, with the defocus
/// Δf = −C1,0: positive Δf is underfocus.) The wave is normalised so Σ_r |ψ(r)|² = 1.

#include <complex>
#include <cstddef>

namespace vitrum::forward {

struct ProbeParams {
  double energy_keV = 300.0;                 ///< beam energy (TEAM I, seed 001 Methods)
  double convergence_semiangle_mrad = 30.0;  ///< objective aperture semi-angle α
  double defocus_A = 0.0;                    ///< Δf = −C1,0; positive is underfocus
  double cs_mm = 0.0;                        ///< spherical aberration C3,0
  double c5_mm = 0.0;                        ///< fifth-order spherical aberration C5,0
  double astigmatism_2fold_A = 0.0;          ///< C1,2 magnitude
  double astigmatism_2fold_angle_deg = 0.0;  ///< azimuth φ1,2
  double astigmatism_3fold_A = 0.0;          ///< C2,3 magnitude
  double astigmatism_3fold_angle_deg = 0.0;  ///< azimuth φ2,3

  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// Aberration phase χ(q) in radians at spatial frequency (q_x, q_y) (Å⁻¹, q = 1/d).
double aberration_phase_rad(const ProbeParams& probe, double qx_invA, double qy_invA);

}  // namespace vitrum::forward
