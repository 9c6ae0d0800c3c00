// Projected potential and slicing against analytic values.

#include <gtest/gtest.h>

#include <cmath>

#include "forward_test_support.hpp"
#include "io_test_support.hpp"
#include "vitrum/core/scattering.hpp"
#include "vitrum/core/units.hpp"
#include "vitrum/forward/potential.hpp"

namespace vitrum::forward {
namespace {

using testing::model_of;
using testing::square_grid;

TEST(Potential, IntegralOfProjectedPotentialIsTwoPiA0eTimesFeAtZero) {
  // ∫ v dA = v(q = 0)·LxLy = 2πa₀e Σ_j f_e,j(0) (Kirkland 2010, eq. 5.17): the q = 0 term
  // survives the band limit untouched, so the pixel sum is exact.
  core::FftPlanCache ffts;
  for (auto parametrization : {core::ScatteringParametrization::kLobato2014,
                               core::ScatteringParametrization::kKirkland2010}) {
    const auto model = model_of({{3.1, 4.2, 0.5, 73}, {7.7, 2.9, 1.5, 29}});
    SliceParams params;
    params.parametrization = parametrization;
    const auto grid = square_grid(128, 0.1);
    const auto slices =
        projected_potentials(model, grid, params, slicing_for(model, 2.0), {}, ffts);
    ASSERT_EQ(slices.size(), 1u);
    double integral = 0;
    for (float v : slices[0].values()) integral += v * 0.1 * 0.1;
    const double expected = core::kTwoPiBohrRadiusCharge_VA2 *
                            (core::electron_scattering_factor_A(73, 0.0, parametrization) +
                             core::electron_scattering_factor_A(29, 0.0, parametrization));
    EXPECT_NEAR(integral / expected, 1.0, 1e-5);
  }
}

TEST(Potential, EachAtomLivesWhollyInTheSliceOfItsCentre) {
  // Two atoms 3 Å apart in z with 2 Å slices: slice 0 holds the first (at its entrance), slice
  // 1 the second; each slice integrates to exactly one atom's potential.
  core::FftPlanCache ffts;
  const auto model = model_of({{3.0, 3.0, 10.0, 47}, {9.0, 9.0, 13.0, 47}});
  const Slicing slicing = slicing_for(model, 2.0);
  EXPECT_DOUBLE_EQ(slicing.entrance_z_A, 10.0);
  ASSERT_EQ(slicing.slices, 2u);
  const auto slices = projected_potentials(model, square_grid(128, 0.1), {}, slicing, {}, ffts);
  const double one =
      core::kTwoPiBohrRadiusCharge_VA2 *
      core::electron_scattering_factor_A(47, 0.0, core::ScatteringParametrization::kLobato2014);
  for (const auto& slice : slices) {
    double integral = 0;
    for (float v : slice.values()) integral += v * 0.01;
    EXPECT_NEAR(integral / one, 1.0, 1e-5);
  }
  // The potential peaks at the atom of its slice: pixel (30, 30) in slice 0, (90, 90) in 1.
  EXPECT_GT(slices[0](30, 30), 100.0f * std::abs(slices[0](90, 90)));
  EXPECT_GT(slices[1](90, 90), 100.0f * std::abs(slices[1](30, 30)));
}

TEST(Potential, TransmissionFunctionIsBandLimitedPhaseObject) {
  // t = exp(iσv) has |t| = 1; the band limit then removes every frequency above ⅔ of
  // Nyquist (|q| > 1/(3·sampling)) and with it a little of |t|²'s mean (the sharp core of a
  // heavy atom's phase).
  core::FftPlanCache ffts;
  const auto model = model_of({{6.4, 6.4, 0.0, 79}});
  const double sampling = 0.05;
  const SliceStack stack =
      transmission_functions(model, square_grid(256, sampling), {}, 300, {}, ffts);
  auto t = stack.transmission[0];
  double mean_power = 0;
  for (auto v : t) mean_power += std::norm(v) / static_cast<double>(t.size());
  EXPECT_GT(mean_power, 0.999);
  EXPECT_LE(mean_power, 1.0 + 1e-6);
  const std::array<std::size_t, 2> shape{256, 256};
  ffts.plan_float(shape)->forward(t);
  double outside = 0, total = 0;
  for (std::size_t iy = 0; iy < 256; ++iy)
    for (std::size_t ix = 0; ix < 256; ++ix) {
      const auto f = [&](std::size_t k) {
        return (k < 128 ? double(k) : double(k) - 256) / (256 * sampling);
      };
      const double p = std::norm(t[iy * 256 + ix]);
      total += p;
      if (std::hypot(f(ix), f(iy)) > 1.0 / (3.0 * sampling)) outside += p;
    }
  EXPECT_LT(outside / total, 1e-12);
  // Far from the atom the wave passes unchanged.
  EXPECT_NEAR(std::arg(stack.transmission[0][10 * 256 + 10]), 0.0, 2e-3);
}

TEST(Potential, RefusesEmptyAndNonFiniteModels) {
  core::FftPlanCache ffts;
  core::AtomicModel empty;
  core::testing::expect_error<InputError>([&] { slicing_for(empty, 2.0); }, {"no atoms"});
  const auto bad = model_of({{NAN, 0, 0, 26}});
  core::testing::expect_error<InputError>([&] { slicing_for(bad, 2.0); }, {"non-finite"});
  SliceParams thin;
  thin.slice_thickness_A = 0.0;
  core::testing::expect_error<InputError>([&] { thin.validate(); }, {"slice_thickness_A"});
}

}  // namespace
}  // namespace vitrum::forward
