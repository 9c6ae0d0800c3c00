// The aberration function against its closed forms.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "io_test_support.hpp"
#include "vitrum/core/units.hpp"
#include "vitrum/forward/probe.hpp"

namespace vitrum::forward {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(Probe, DefocusAndSphericalAberrationGiveKirklandsChi) {
  // Kirkland 2010 eq. 3.42: χ(q) = πλq²(½ Cs λ² q² − Δf).
  ProbeParams p;
  p.defocus_A = 50;
  p.cs_mm = 1.2;
  const double lambda = core::electron_wavelength_A(p.energy_keV);
  for (double q : {0.1, 0.5, 1.0, 1.5}) {
    const double expected = kPi * lambda * q * q * (0.5 * 1.2e7 * lambda * lambda * q * q - 50);
    EXPECT_NEAR(aberration_phase_rad(p, q * 0.6, q * 0.8), expected,
                1e-9 * std::abs(expected) + 1e-12);
  }
}

TEST(Probe, FifthOrderTermIsOneSixthOfAlphaToTheSixth) {
  ProbeParams p;
  p.c5_mm = 5.0;
  const double lambda = core::electron_wavelength_A(p.energy_keV);
  const double q = 1.2, a = lambda * q;
  EXPECT_NEAR(aberration_phase_rad(p, 0, q), 2 * kPi / lambda * std::pow(a, 6) * 5e7 / 6, 1e-9);
}

TEST(Probe, AstigmatismHasItsFoldSymmetry) {
  // Two-fold: χ changes sign under a 90° turn of q; three-fold: under a 60° turn.
  ProbeParams two;
  two.astigmatism_2fold_A = 20;
  two.astigmatism_2fold_angle_deg = 15;
  ProbeParams three;
  three.astigmatism_3fold_A = 300;
  three.astigmatism_3fold_angle_deg = -10;
  const double q = 0.8;
  for (double phi_deg : {0.0, 33.0, 71.0}) {
    const auto at = [&](const ProbeParams& p, double deg) {
      return aberration_phase_rad(p, q * std::cos(deg * kPi / 180), q * std::sin(deg * kPi / 180));
    };
    EXPECT_NEAR(at(two, phi_deg + 90), -at(two, phi_deg), 1e-9);
    EXPECT_NEAR(at(three, phi_deg + 60), -at(three, phi_deg), 1e-9);
    EXPECT_NEAR(at(two, phi_deg + 180), at(two, phi_deg), 1e-9);
  }
  // Largest where the azimuth matches the stated angle.
  EXPECT_GT(std::abs(aberration_phase_rad(two, q * std::cos(15 * kPi / 180),
                                          q * std::sin(15 * kPi / 180))),
            std::abs(aberration_phase_rad(two, q * std::cos(40 * kPi / 180),
                                          q * std::sin(40 * kPi / 180))));
}

TEST(Probe, RejectsImpossibleOptics) {
  ProbeParams p;
  p.energy_keV = -1;
  core::testing::expect_error<InputError>([&] { p.validate(); }, {"beam.energy_keV", "-1"});
  p = {};
  p.convergence_semiangle_mrad = 0;
  core::testing::expect_error<InputError>([&] { p.validate(); }, {"convergence_semiangle_mrad"});
  p = {};
  p.defocus_A = NAN;
  core::testing::expect_error<InputError>([&] { p.validate(); }, {"beam.defocus_A"});
}

}  // namespace
}  // namespace vitrum::forward
