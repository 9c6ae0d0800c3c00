#include <gtest/gtest.h>

#include <cmath>

#include "vitrum/core/error.hpp"
#include "vitrum/core/units.hpp"

namespace vitrum::core {
namespace {

// Reference values: PHYSICS.md §2 (Kirkland 2010, Table 2.2 / eq. 5.6).
TEST(Units, RelativisticWavelengthMatchesPublishedValues) {
  EXPECT_NEAR(electron_wavelength_A(200.0), 0.025079, 5e-7);
  EXPECT_NEAR(electron_wavelength_A(300.0), 0.019687, 5e-7);
  EXPECT_NEAR(electron_wavelength_A(100.0), 0.037014, 5e-7);
}

TEST(Units, WavelengthAgreesWithTheEmpiricalFormula) {
  // λ = 12.2643 / √(V(1 + 0.978476×10⁻⁶ V)) Å, V in volts (PHYSICS.md §2).
  for (double keV : {60.0, 80.0, 120.0, 200.0, 300.0}) {
    const double V = keV * 1e3;
    EXPECT_NEAR(electron_wavelength_A(keV), 12.2643 / std::sqrt(V * (1 + 0.978476e-6 * V)), 2e-7)
        << keV << " keV";
  }
}

TEST(Units, InteractionParameterMatchesPublishedValues) {
  EXPECT_NEAR(interaction_parameter_radPerVA(300.0), 6.526e-4, 1e-7);
  EXPECT_NEAR(interaction_parameter_radPerVA(200.0), 7.288e-4, 1e-7);
}

TEST(Units, ProjectedPotentialPrefactor) {
  // 2π a₀ e = 47.878 V·Å² (PHYSICS.md §2).
  EXPECT_NEAR(kTwoPiBohrRadiusCharge_VA2, 47.878, 1e-3);
}

TEST(Units, NonPositiveEnergyIsAnInputError) {
  EXPECT_THROW(electron_wavelength_A(0.0), InputError);
  EXPECT_THROW(electron_wavelength_A(-200.0), InputError);
  EXPECT_THROW(interaction_parameter_radPerVA(std::nan("")), InputError);
}

}  // namespace
}  // namespace vitrum::core
