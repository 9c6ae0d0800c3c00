#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/scattering.hpp"
#include "vitrum/core/units.hpp"

namespace vitrum::core {
namespace {

using P = ScatteringParametrization;
constexpr std::array kBoth{P::kKirkland2010, P::kLobato2014};
constexpr double kPi = std::numbers::pi;
constexpr double a0 = kBohrRadius_A;

const char* name(P p) { return p == P::kKirkland2010 ? "Kirkland" : "Lobato"; }

double fe(int Z, double q, P p) { return electron_scattering_factor_A(Z, q, p); }

// Mott–Bethe formula. In the first Born approximation f_e(q) = (2/a₀)(Z − f_x)/Q², with Q =
// 2πq the momentum transfer and f_x(q) the X-ray form factor of the atom's electrons (the
// Fourier transform of the potential of nucleus + cloud follows from Poisson's equation).
// So f_e(q) = (Z − f_x(q)) / (2π² a₀ q²) Å, q = 1/d in Å⁻¹; written with s = sinθ/λ = q/2
// this is the International Tables form 0.023934 (Z − f_x)/s² Å. Since f_x → 0 as q → ∞,
//   q² f_e(q) → Z / (2π² a₀) = 0.0957346 Z Å⁻¹.
double mott_bethe_bare_A(int Z, double q) { return Z / (2 * kPi * kPi * a0 * q * q); }

TEST(Scattering, ParsesConfigNames) {
  EXPECT_EQ(parse_scattering_parametrization("kirkland"), P::kKirkland2010);
  EXPECT_EQ(parse_scattering_parametrization("lobato"), P::kLobato2014);
  EXPECT_THROW(parse_scattering_parametrization("Kirkland"), InputError);
  EXPECT_THROW(parse_scattering_parametrization("peng"), InputError);
  EXPECT_THROW(parse_scattering_parametrization(""), InputError);
}

// Hydrogen is solvable: its 1s cloud has f_x = 1/(1 + (π a₀ q)²)², so by Mott–Bethe
// f_e(q) = [1 − 1/(1 + (π a₀ q)²)²] / (2π² a₀ q²), with f_e(0) = a₀ exactly.
TEST(Scattering, HydrogenMatchesTheExactAnalyticResult) {
  const auto exact = [](double q) {
    if (q == 0.0) return a0;
    const double x = std::pow(kPi * a0 * q, 2);
    return (1.0 - 1.0 / ((1 + x) * (1 + x))) / (2 * kPi * kPi * a0 * q * q);
  };
  for (double q = 0.0; q <= 6.0; q += 0.05) {
    // Lobato's form contains this function exactly; Kirkland's fit is good to 1 %.
    EXPECT_NEAR(fe(1, q, P::kLobato2014) / exact(q), 1.0, 1e-6) << "q = " << q;
    EXPECT_NEAR(fe(1, q, P::kKirkland2010) / exact(q), 1.0, 0.01) << "q = " << q;
  }
}

// International Tables for Crystallography Vol. C (2006), Table 4.3.2.2: five-Gaussian fits
// f_e(s) = Σ aᵢ exp(−bᵢ s²) (aᵢ in Å, bᵢ in Å², s = sinθ/λ = q/2 ≤ 2 Å⁻¹) by Peng, Ren,
// Dudarev & Whelan, Acta Cryst. A52 (1996) 257, to the Dirac–Fock electron scattering
// factors of Table 4.3.1.1 — an independent calculation and fit.
struct PengFit {
  int Z;
  std::array<double, 5> a_A, b_A2;
};
constexpr std::array kInternationalTables{
    PengFit{
        6, {0.0893, 0.2563, 0.7570, 1.0487, 0.3575}, {0.2465, 1.7100, 6.4094, 18.6113, 50.2523}},
    PengFit{
        8, {0.0974, 0.2921, 0.6910, 0.6990, 0.2039}, {0.2067, 1.3815, 4.6943, 12.7105, 32.4726}},
    PengFit{
        14, {0.2519, 0.6372, 1.3795, 2.5082, 1.0500}, {0.3075, 2.0174, 9.6746, 29.3744, 80.4732}},
    PengFit{
        28, {0.3860, 1.1765, 1.5451, 2.0730, 1.3814}, {0.2478, 1.7660, 6.3107, 25.2204, 74.3146}},
    PengFit{
        46, {0.5904, 1.1775, 2.6519, 2.2875, 0.8689}, {0.2324, 1.5019, 5.1591, 15.5428, 46.8213}},
    PengFit{
        73, {1.0190, 2.2291, 3.4097, 3.9252, 2.2679}, {0.2694, 1.7962, 7.6944, 31.0942, 91.1089}},
    PengFit{
        79, {0.9674, 1.8916, 3.3993, 3.0524, 1.2607}, {0.2358, 1.4712, 5.6758, 18.7119, 61.5286}},
    PengFit{
        92, {1.3382, 3.2043, 5.4558, 5.4839, 3.6342}, {0.2838, 2.2452, 10.2519, 41.7251, 124.9023}},
};

double international_tables_A(const PengFit& fit, double q) {
  const double s = q / 2;
  double f = 0;
  for (int i = 0; i < 5; ++i) f += fit.a_A[i] * std::exp(-fit.b_A2[i] * s * s);
  return f;
}

// Tolerances: the three tables rest on different relativistic Hartree–Fock / Dirac–Fock
// calculations, whose outer-shell densities (which set f_e at small q through ⟨r²⟩) differ
// by a few %; the Table 4.3.2.2 fit adds its own error near s = 2 Å⁻¹.
TEST(Scattering, AgreesWithInternationalTablesC) {
  for (const PengFit& fit : kInternationalTables)
    for (P p : kBoth)
      for (double q = 0.0; q <= 4.0; q += 0.05)
        EXPECT_NEAR(fe(fit.Z, q, p) / international_tables_A(fit, q), 1.0, 0.04)
            << element(fit.Z).symbol << " " << name(p) << " q = " << q;
}

// f_e(0) in Å of the elements of the seed studies (Ta, Pd; Zr-Cu-Ni-Al glass) and of carbon,
// from International Tables C, Table 4.3.2.2 (f_e(0) = Σ aᵢ). Both within 2 %.
TEST(Scattering, ForwardScatteringFactorsOfTheStudiedElements) {
  const std::array<std::pair<int, double>, 7> reference{{{6, 2.5088},
                                                         {13, 5.8872},
                                                         {28, 6.5620},
                                                         {29, 5.5991},
                                                         {40, 12.1548},
                                                         {46, 7.5762},
                                                         {73, 12.8509}}};
  for (const auto& [Z, f0] : reference)
    for (P p : kBoth)
      EXPECT_NEAR(fe(Z, 0.0, p) / f0, 1.0, 0.02) << element(Z).symbol << " " << name(p);
}

// The two parametrisations are independent fits; away from q → 0 (where they differ through
// the assumed valence configuration, up to ~10 % for Ir at q = 0) they agree within a few %.
TEST(Scattering, KirklandAndLobatoAgree) {
  for (int Z = 1; Z <= kMaxZ; ++Z)
    for (double q = 0.5; q <= 6.0; q += 0.1)
      EXPECT_NEAR(fe(Z, q, P::kKirkland2010) / fe(Z, q, P::kLobato2014), 1.0, 0.03)
          << element(Z).symbol << " q = " << q;
  for (int Z : {6, 13, 14, 26, 28, 29, 40, 46, 73, 79})
    for (double q = 0.0; q <= 6.0; q += 0.05)
      EXPECT_NEAR(fe(Z, q, P::kKirkland2010) / fe(Z, q, P::kLobato2014), 1.0, 0.02)
          << element(Z).symbol << " q = " << q;
}

// Lobato & Van Dyck built the Mott–Bethe limit into their fit (Σ aᵢ/bᵢ = Z/(2π²a₀)). At
// q = 100 Å⁻¹ what is left of f_x is the K shell of the heaviest atoms, < 0.2 % of Z.
TEST(Scattering, LobatoReachesTheMottBetheLimit) {
  for (int Z = 1; Z <= kMaxZ; ++Z)
    EXPECT_NEAR(fe(Z, 100.0, P::kLobato2014) / mott_bethe_bare_A(Z, 100.0), 1.0, 0.002)
        << element(Z).symbol;
}

// At q = 6 Å⁻¹ (s = 3 Å⁻¹, the largest q of a typical simulation) only the K shell of a light
// atom still scatters X-rays: for a hydrogen-like 1s orbital with Slater's screened charge
// Z' = Z − 0.3, f_1s(q) = 1/(1 + (π a₀ q / Z')²)² per electron. Then
//   q² f_e 2π²a₀ / Z = 1 − 2 f_1s / Z  (C: 0.980, N: 0.972, O: 0.965).
// Heavier atoms keep L and M shells coherent at this q and fall further below the bare
// nucleus (Ta: 0.88), but never above it (f_x ≥ 0).
TEST(Scattering, ApproachesMottBetheAtLargeQ) {
  const double q = 6.0;
  for (int Z : {6, 7, 8}) {
    const double f1s = 1.0 / std::pow(1 + std::pow(kPi * a0 * q / (Z - 0.3), 2), 2);
    const double expected = 1.0 - 2.0 * f1s / Z;
    for (P p : kBoth)
      EXPECT_NEAR(fe(Z, q, p) / mott_bethe_bare_A(Z, q), expected, 0.005)
          << element(Z).symbol << " " << name(p);
  }
  for (int Z = 1; Z <= kMaxZ; ++Z)
    for (P p : kBoth) {
      const double ratio = fe(Z, q, p) / mott_bethe_bare_A(Z, q);
      EXPECT_GT(ratio, 0.85) << element(Z).symbol << " " << name(p);
      EXPECT_LT(ratio, 1.015) << element(Z).symbol << " " << name(p);
    }
}

TEST(Scattering, PositiveAndDecreasingInQ) {
  for (int Z = 1; Z <= kMaxZ; ++Z)
    for (P p : kBoth) {
      double previous = fe(Z, 0.0, p);
      for (double q = 0.02; q <= 12.0; q += 0.02) {
        const double f = fe(Z, q, p);
        ASSERT_GT(f, 0.0) << element(Z).symbol << " " << name(p) << " q = " << q;
        ASSERT_LT(f, previous) << element(Z).symbol << " " << name(p) << " q = " << q;
        previous = f;
      }
    }
}

TEST(Scattering, VectorOverloadEqualsScalar) {
  std::vector<double> q;
  for (double x = 0.0; x <= 8.0; x += 0.25) q.push_back(x);
  q.push_back(-1.5);  // f_e depends on q² only
  std::vector<double> out(q.size());
  for (int Z : {1, 14, 46, 73, kMaxZ})
    for (P p : kBoth) {
      electron_scattering_factor_A(Z, q, p, out);
      for (std::size_t i = 0; i < q.size(); ++i) EXPECT_DOUBLE_EQ(out[i], fe(Z, q[i], p));
    }
  EXPECT_DOUBLE_EQ(fe(46, -1.5, P::kLobato2014), fe(46, 1.5, P::kLobato2014));
}

TEST(Scattering, OutOfRangeAtomicNumberIsAnInputError) {
  std::vector<double> q{0.0, 1.0}, out(2);
  for (P p : kBoth) {
    EXPECT_THROW(fe(0, 1.0, p), InputError);
    EXPECT_THROW(fe(kMaxZ + 1, 1.0, p), InputError);
    EXPECT_THROW(electron_scattering_factor_A(-3, q, p, out), InputError);
    EXPECT_NO_THROW(fe(kMaxZ, 1.0, p));
  }
  std::vector<double> too_short(1);
  EXPECT_THROW(electron_scattering_factor_A(6, q, P::kLobato2014, too_short), InputError);
}

}  // namespace
}  // namespace vitrum::core
