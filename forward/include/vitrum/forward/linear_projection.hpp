#pragma once
/// \file
/// The linear (incoherent, kinematic) projection model of ADF-STEM: the image is a sum of
/// one 2D Gaussian per atom, with an integrated signal ∝ Z^n (PHYSICS.md §2 and §4 — the
/// forward model RESIRE's reconstruction assumes):
///
///   I(x, y) = Σ_j s·Z_j^n / (2πw²) · exp(−[(x − x_j)² + (y − y_j)²] / 2w²)
///
/// I is the fraction of the incident electrons the ADF detector collects, as for the
/// multislice model; s (Å²) is the effective ADF cross-section of an atom of Z^n = 1. The
/// defaults of s and w come from vitrum's multislice images of single atoms (Z = 20–80) at
/// the default probe and detector (300 kV, 30 mrad aberration-free, ADF 40–200 mrad,
/// Lobato f_e): integrated signal 1.73e-5 Å²·Z^1.7 (the fitted exponent there is 1.61), probe
/// image width 0.165 Å, widened by the default thermal rms √0.0093 Å to 0.19 Å. The test
/// LinearModel.DefaultsMatchMultisliceOfSingleAtoms keeps them honest.

#include <array>
#include <vector>

#include "vitrum/core/atomic_model.hpp"

namespace vitrum::forward {

struct LinearModelParams {
  double z_exponent = 1.7;            ///< n in Z^n (Kirkland 2010 §5.3; seed 001 uses Z^1.7)
  double width_A = 0.19;              ///< Gaussian width w of one atom's image
  double cross_section_A2 = 1.73e-5;  ///< s: integrated ADF fraction × area for Z^n = 1

  void validate() const;
};

/// The linear-model signal at each probe position (x, y in Å) of a model already rotated
/// into the beam frame (the beam along +z). Exact point sampling of the Gaussians (atoms
/// farther than 6w from a position are skipped; their weight is < 1.6e-8 of the peak).
std::vector<double> linear_signal(const core::AtomicModel& model, const LinearModelParams& params,
                                  const std::vector<std::array<double, 2>>& positions_A);

}  // namespace vitrum::forward
