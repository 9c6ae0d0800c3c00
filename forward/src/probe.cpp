#include "vitrum/forward/probe.hpp"

#include <cmath>
#include <numbers>

#include "vitrum/core/units.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::forward {

void ProbeParams::validate() const {
  core::require(energy_keV > 0.0 && energy_keV <= 3000.0, "beam.energy_keV", energy_keV,
                "(0, 3000] keV");
  core::require(convergence_semiangle_mrad > 0.0 && convergence_semiangle_mrad <= 200.0,
                "beam.convergence_semiangle_mrad", convergence_semiangle_mrad, "(0, 200] mrad");
  for (const auto& [name, value] :
       {std::pair{"beam.defocus_A", defocus_A}, std::pair{"beam.cs_mm", cs_mm},
        std::pair{"beam.c5_mm", c5_mm}, std::pair{"beam.astigmatism_2fold_A", astigmatism_2fold_A},
        std::pair{"beam.astigmatism_2fold_angle_deg", astigmatism_2fold_angle_deg},
        std::pair{"beam.astigmatism_3fold_A", astigmatism_3fold_A},
        std::pair{"beam.astigmatism_3fold_angle_deg", astigmatism_3fold_angle_deg}})
    core::require(std::isfinite(value), name, value, "a finite number");
}

double aberration_phase_rad(const ProbeParams& probe, double qx_invA, double qy_invA) {
  constexpr double kMmToA = 1e7;
  constexpr double kDegToRad = std::numbers::pi / 180.0;
  const double lambda_A = core::electron_wavelength_A(probe.energy_keV);
  const double a = lambda_A * std::hypot(qx_invA, qy_invA);  // scattering angle (rad)
  const double phi = std::atan2(qy_invA, qx_invA);
  const double a2 = a * a;
  const double c10_A = -probe.defocus_A;
  const double c12 = probe.astigmatism_2fold_A *
                     std::cos(2.0 * (phi - probe.astigmatism_2fold_angle_deg * kDegToRad));
  const double c23 = probe.astigmatism_3fold_A *
                     std::cos(3.0 * (phi - probe.astigmatism_3fold_angle_deg * kDegToRad));
  const double path_A = 0.5 * a2 * (c10_A + c12) + a2 * a * c23 / 3.0 +
                        0.25 * a2 * a2 * probe.cs_mm * kMmToA +
                        a2 * a2 * a2 * probe.c5_mm * kMmToA / 6.0;
  return 2.0 * std::numbers::pi / lambda_A * path_A;
}

}  // namespace vitrum::forward
