#pragma once
// The demo: a small, real end-to-end run of what vitrum has, in seconds. Today: build an fcc
// nanoparticle with thermal displacements, write it in every model format, project it along a
// tilt series with a Gaussian-atom (linear, incoherent Z-contrast) model, and write the tilt
// series, a density volume and images in the result formats, plus a scorecard of
// self-consistency checks. Later issues replace the stand-in stages (MD glass, multislice,
// reconstruction, tracing) with the real chain.

#include <cstdint>
#include <filesystem>
#include <string>

#include "vitrum/core/config.hpp"

namespace vitrum::app {

struct DemoParams {
  std::string element = "Ni";     ///< fcc element of the particle
  double lattice_A = 3.52;        ///< fcc lattice constant (Ni, PHYSICS.md §1)
  double radius_A = 12.0;         ///< particle radius
  double thermal_rms_A = 0.0964;  ///< rms displacement per axis, √⟨u_x²⟩ (Ni, B ≈ 0.73 Å²)
  double surface_shell_A = 2.5;  ///< atoms this close to the surface get label 1
  double pixel_A = 0.4;          ///< projection sampling
  double atom_sigma_A = 0.5;     ///< Gaussian width of one atom's image
  double z_exponent = 1.7;       ///< image intensity ∝ Z^n (Z contrast, PHYSICS.md §2)
  double tilt_min_deg = -63.0;   ///< first tilt (Ta film series, seed 001)
  double tilt_max_deg = 63.0;    ///< last tilt
  double tilt_step_deg = 3.0;    ///< tilt increment
  double energy_keV = 300.0;     ///< beam energy, recorded for the electron optics

  core::ParamSet params();
  /// The current values as TOML (recorded as provenance).
  std::string params_toml() const { return DemoParams(*this).params().to_toml(); }
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

}  // namespace vitrum::app
