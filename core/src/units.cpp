#include "vitrum/core/units.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {
void require_positive_energy(double energy_keV) {
  if (!(energy_keV > 0.0) || !std::isfinite(energy_keV))
    throw InputError("beam energy must be positive and finite, got " + std::to_string(energy_keV) +
                     " keV");
}
}  // namespace

double electron_wavelength_A(double energy_keV) {
  require_positive_energy(energy_keV);
  return kPlanckTimesC_keVA / std::sqrt(energy_keV * (2.0 * kElectronRestEnergy_keV + energy_keV));
}

double interaction_parameter_radPerVA(double energy_keV) {
  require_positive_energy(energy_keV);
  const double volts = energy_keV * 1e3;
  const double lambda_A = electron_wavelength_A(energy_keV);
  return 2.0 * std::numbers::pi / (lambda_A * volts) * (kElectronRestEnergy_keV + energy_keV) /
         (2.0 * kElectronRestEnergy_keV + energy_keV);
}

}  // namespace vitrum::core
