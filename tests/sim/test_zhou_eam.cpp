// The Zhou–Johnson–Wadley (2004) EAM generator against the file its authors' tool made
// (Debian's CuTa.eam.alloy), the published parameters, the mixing rule and the cutoffs.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io_test_support.hpp"
#include "vitrum/sim/eam_file.hpp"
#include "vitrum/sim/zhou_eam.hpp"

namespace vitrum::sim {
namespace {

using core::testing::expect_error;
using core::testing::TempDir;

const std::filesystem::path kPotentials = "/usr/share/lammps/potentials";

// Largest |a − b| / max(|b|, floor) over a table: relative where values are large, absolute
// (scaled by floor) where they pass through zero.
double max_deviation(const std::vector<double>& a, const std::vector<double>& b, double floor) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
    worst = std::max(worst, std::abs(a[k] - b[k]) / std::max(std::abs(b[k]), floor));
  return worst;
}

TEST(ZhouEam, ReproducesDebianCuTaEamAlloy) {
  const SetflTable ref = read_setfl(kPotentials / "CuTa.eam.alloy");
  const std::vector<std::string> elements{"Cu", "Ta"};
  const SetflTable gen = zhou_eam_alloy(elements);

  EXPECT_EQ(gen.nr, ref.nr);
  EXPECT_EQ(gen.nrho, ref.nrho);
  EXPECT_NEAR(gen.cutoff_A, ref.cutoff_A, 1e-6 * ref.cutoff_A);
  EXPECT_NEAR(gen.dr_A, ref.dr_A, 1e-6 * ref.dr_A);
  EXPECT_NEAR(gen.drho, ref.drho, 1e-6 * ref.drho);
  ASSERT_EQ(gen.elements.size(), 2u);
  ASSERT_EQ(ref.elements.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(gen.elements[i].symbol, ref.elements[i].symbol);
    EXPECT_EQ(gen.elements[i].Z, ref.elements[i].Z);
    // The reference writes the mass with 5 significant digits (Fortran g15.5).
    EXPECT_NEAR(gen.elements[i].mass_amu, ref.elements[i].mass_amu,
                5e-5 * ref.elements[i].mass_amu);
  }
  // Cu is fcc, a = √2 rₑ as in the reference; the reference labels Ta "fcc" with √2 rₑ too,
  // we write its true bcc lattice (a = 2rₑ/√3 = 3.3025 Å). LAMMPS ignores both.
  EXPECT_NEAR(gen.elements[0].lattice_constant_A, ref.elements[0].lattice_constant_A, 5e-5);
  EXPECT_EQ(gen.elements[1].lattice, "bcc");
  EXPECT_NEAR(gen.elements[1].lattice_constant_A, 3.3025, 1e-4);

  // The reference tool (create.f) computes in single precision (default REAL), so its tables
  // carry float rounding: ~6e-8 per operation, amplified by cancellation (r·φ = repulsion −
  // attraction; F = Fₑ(1 − η ln s)s^η near its zero), by the exponentials (α ≈ 8 times the
  // relative error of r) and by its float grid (its cutoff is 6.7e-7 Å below the exact
  // √5·rₑ). Measured here (double precision): F 2.0e-6, ρ 1.2e-6, r·φ 3.9e-6; evaluating the
  // same formulas in float32 (numpy) lands 0.2–1.8e-6 from the file as well, so ~2e-6 is the
  // reference's own noise. Relative deviation where |value| ≥ 1 (eV, eV·Å, density units),
  // absolute below (r·φ crosses zero; the functions vanish at the cutoff).
  double worst_F = 0.0, worst_rho = 0.0, worst_rphi = 0.0;
  for (std::size_t i = 0; i < 2; ++i) {
    worst_F = std::max(
        worst_F, max_deviation(gen.elements[i].embedding_eV, ref.elements[i].embedding_eV, 1.0));
    worst_rho =
        std::max(worst_rho, max_deviation(gen.elements[i].density, ref.elements[i].density, 1.0));
  }
  ASSERT_EQ(gen.r_phi_eV_A.size(), 3u);
  for (std::size_t p = 0; p < 3; ++p)
    worst_rphi = std::max(worst_rphi, max_deviation(gen.r_phi_eV_A[p], ref.r_phi_eV_A[p], 1.0));
  std::printf("max deviation vs CuTa.eam.alloy: F %.3g, rho %.3g, r*phi %.3g\n", worst_F, worst_rho,
              worst_rphi);
  EXPECT_LT(worst_F, 3e-6);
  EXPECT_LT(worst_rho, 3e-6);
  EXPECT_LT(worst_rphi, 5e-6);
}

// Distances (Å) from one atom to its neighbours in a perfect fcc or bcc crystal, out to r_max.
std::vector<double> neighbour_distances(std::string_view lattice, double a_A, double r_max_A) {
  std::vector<std::array<double, 3>> basis{{0, 0, 0}};
  if (lattice == "fcc")
    basis = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
  else
    basis = {{0, 0, 0}, {0.5, 0.5, 0.5}};
  std::vector<double> d;
  const int n = static_cast<int>(r_max_A / a_A) + 2;
  for (int i = -n; i <= n; ++i)
    for (int j = -n; j <= n; ++j)
      for (int k = -n; k <= n; ++k)
        for (const auto& b : basis) {
          const double r = a_A * std::sqrt((i + b[0]) * (i + b[0]) + (j + b[1]) * (j + b[1]) +
                                           (k + b[2]) * (k + b[2]));
          if (r > 1e-9 && r < r_max_A) d.push_back(r);
        }
  return d;
}

// Energy per atom (eV) of the perfect crystal, and its host density.
std::pair<double, double> crystal_energy_eV(const ZhouParameters& p, const std::vector<double>& d) {
  double rho = 0.0, pair = 0.0;
  for (const double r : d) {
    rho += zhou_density(p, r);
    pair += zhou_pair_eV(p, r);
  }
  return {zhou_embedding_eV(p, rho) + 0.5 * pair, rho};
}

// By construction of the database, the ground-state crystal with nearest-neighbour distance
// rₑ is in equilibrium (dE/da = 0) with host density ρₑ. Its energy per atom comes out as a
// two-decimal number, the cohesive energy the fit targeted (values computed here, listed to
// catch a change; we had the tool's parameter file, not the paper's text, to compare with).
// Together this checks all 27 numbers of the 12 cubic metals: a typo moves E_c or the
// equilibrium.
TEST(ZhouEam, CubicGroundStatesHaveTheFittedCohesiveEnergyAtEquilibrium) {
  const std::vector<std::pair<std::string, double>> cohesive_eV{
      {"Cu", 3.54}, {"Ag", 2.85}, {"Au", 3.93}, {"Ni", 4.45}, {"Pd", 3.91}, {"Pt", 5.77},
      {"Al", 3.58}, {"Pb", 2.02}, {"Fe", 4.29}, {"Mo", 6.81}, {"Ta", 8.09}, {"W", 8.76}};
  for (const auto& [symbol, Ec] : cohesive_eV) {
    SCOPED_TRACE(symbol);
    const ZhouParameters& p = zhou_parameters(symbol);
    const double a = p.lattice == "fcc" ? std::sqrt(2.0) * p.re_A : 2.0 * p.re_A / std::sqrt(3.0);
    const double r_max = 3.2 * p.re_A;  // the functions are < 1e-9 of their peak beyond
    const auto [E, rho] = crystal_energy_eV(p, neighbour_distances(p.lattice, a, r_max));
    EXPECT_NEAR(rho / p.rhoe, 1.0, 1e-4);
    EXPECT_NEAR(E, -Ec, 1e-3);
    // dE/da = 0 (to the rounding of the 6-digit parameters, ~1e-5 eV/Å), and a minimum.
    const auto energy_at = [&](double aa) {
      return crystal_energy_eV(p, neighbour_distances(p.lattice, aa, r_max)).first;
    };
    const double dh = 1e-4;
    EXPECT_LT(std::abs(energy_at(a + dh) - energy_at(a - dh)) / (2 * dh), 5e-5) << "eV/Å";
    const double h = 0.005 * a;
    const double E_plus = energy_at(a + h);
    const double E_minus = energy_at(a - h);
    EXPECT_GT(E_plus, E);
    EXPECT_GT(E_minus, E);
  }
}

TEST(ZhouEam, ParametersAreThoseOfThePublishedTable) {
  // Spot checks against EAM_code (LAMMPS tools/eam_database), the authors' distribution of the
  // paper's parameter table.
  const ZhouParameters& ta = zhou_parameters("Ta");
  EXPECT_EQ(ta.Z, 73);
  EXPECT_DOUBLE_EQ(ta.re_A, 2.860082);
  EXPECT_DOUBLE_EQ(ta.fe, 3.086341);
  EXPECT_DOUBLE_EQ(ta.rhoe, 33.787168);
  EXPECT_DOUBLE_EQ(ta.alpha, 8.489528);
  EXPECT_DOUBLE_EQ(ta.Fe_eV, -5.141526);
  const ZhouParameters& zr = zhou_parameters("Zr");
  EXPECT_DOUBLE_EQ(zr.re_A, 3.199978);
  EXPECT_DOUBLE_EQ(zr.eta, 0.597133);
  EXPECT_DOUBLE_EQ(zr.kappa, 0.5);
  EXPECT_DOUBLE_EQ(zr.lambda, 1.0);
  EXPECT_EQ(zr.lattice, "hcp");
  // Pt is the one metal whose low-density branch starts at 0.25 ρₑ, not 0.85 ρₑ.
  EXPECT_DOUBLE_EQ(zhou_parameters("Pt").rho_low, 0.25);
  EXPECT_DOUBLE_EQ(zhou_parameters("Cu").rho_low, 0.85);
  const std::vector<std::string> all = zhou_elements();
  ASSERT_EQ(all.size(), 16u);
  EXPECT_EQ(all.front(), "Cu");
  EXPECT_EQ(all.back(), "Zr");
}

TEST(ZhouEam, EmbeddingIsContinuousAcrossItsThreeBranchesAndMinimalAtRhoE) {
  for (const std::string& symbol : zhou_elements()) {
    SCOPED_TRACE(symbol);
    const ZhouParameters& p = zhou_parameters(symbol);
    // The published coefficients have 6 decimals, so the branches meet to ~5e-7 eV.
    for (const double boundary : {p.rho_low * p.rhoe, p.rho_high * p.rhoe}) {
      const double below = zhou_embedding_eV(p, boundary * (1 - 1e-12));
      const double above = zhou_embedding_eV(p, boundary);
      EXPECT_NEAR(above, below, 1e-6);
    }
    EXPECT_NEAR(zhou_embedding_eV(p, 0.0), 0.0, 1.1e-6);  // no atoms, no embedding energy
    const double Fe = zhou_embedding_eV(p, p.rhoe);
    EXPECT_DOUBLE_EQ(Fe, p.F_eV[0]);
    EXPECT_GT(zhou_embedding_eV(p, 0.99 * p.rhoe), Fe);  // F₁ = 0: a minimum at ρₑ
    EXPECT_GT(zhou_embedding_eV(p, 1.01 * p.rhoe), Fe);
  }
}

TEST(ZhouEam, CrossPairFollowsTheMixingRule) {
  const ZhouParameters& cu = zhou_parameters("Cu");
  const ZhouParameters& ta = zhou_parameters("Ta");
  // φ and f written out independently from the parameters at a few distances.
  const auto phi = [](const ZhouParameters& p, double r) {
    const double x = r / p.re_A;
    return p.A_eV * std::exp(-p.alpha * (x - 1)) / (1 + std::pow(x - p.kappa, 20)) -
           p.B_eV * std::exp(-p.beta * (x - 1)) / (1 + std::pow(x - p.lambda, 20));
  };
  const auto f = [](const ZhouParameters& p, double r) {
    const double x = r / p.re_A;
    return p.fe * std::exp(-p.beta * (x - 1)) / (1 + std::pow(x - p.lambda, 20));
  };
  const std::vector<std::string> elements{"Cu", "Ta"};
  const SetflTable table = zhou_eam_alloy(elements);
  for (const double r : {2.0, 2.5, 2.7, 3.0, 4.0, 5.5}) {
    SCOPED_TRACE(r);
    const double expected =
        0.5 * (f(ta, r) / f(cu, r) * phi(cu, r) + f(cu, r) / f(ta, r) * phi(ta, r));
    EXPECT_NEAR(zhou_cross_pair_eV(cu, ta, r), expected, 1e-12 * std::max(1.0, std::abs(expected)));
    EXPECT_DOUBLE_EQ(zhou_cross_pair_eV(ta, cu, r), zhou_cross_pair_eV(cu, ta, r));
    // In the table: pair (Ta, Cu) is the second, on the grid r_k = k·dr.
    const double k = r / table.dr_A;
    const auto k0 = static_cast<std::size_t>(std::round(k));
    const double rk = static_cast<double>(k0) * table.dr_A;
    EXPECT_NEAR(table.r_phi_eV_A[SetflTable::pair_index(1, 0)][k0],
                rk * zhou_cross_pair_eV(cu, ta, rk), 1e-12);
  }
  // The mixed pair lies between the pure ones where both are repulsive... and at r = rₑ of Cu
  // it is the f-weighted mean, not the arithmetic one: check against the pure pairs.
  EXPECT_DOUBLE_EQ(zhou_cross_pair_eV(cu, cu, 2.5), zhou_pair_eV(cu, 2.5));
}

TEST(ZhouEam, PairAndDensityVanishSmoothlyAtTheCutoff) {
  for (const std::string& symbol : zhou_elements()) {
    SCOPED_TRACE(symbol);
    const ZhouParameters& p = zhou_parameters(symbol);
    const std::vector<std::string> one{symbol};
    const SetflTable t = zhou_eam_alloy(one);
    EXPECT_NEAR(t.cutoff_A, std::sqrt(5.0) * p.re_A, 1e-12);  // √10/2 · √2 rₑ
    const double rc = t.cutoff_A;
    const double h = 1e-4;
    // The functional form never reaches zero: LAMMPS truncates at the cutoff, so the step left
    // there must be negligible. Largest for the hcp metals (λ = 1): φ(r_c) ≈ 3e-5 eV
    // (Co, Ti, Zr), i.e. 1.5e-4 of |φ(rₑ)|, and φ' ≈ 2.5e-4 eV/Å: far below k_B·T at 1 K
    // (8.6e-5 eV) per pair.
    EXPECT_LT(std::abs(zhou_pair_eV(p, rc)), 5e-5);
    EXPECT_LT(zhou_density(p, rc), 1e-4 * p.fe);
    EXPECT_LT(std::abs(zhou_pair_eV(p, rc + h) - zhou_pair_eV(p, rc - h)) / (2 * h), 5e-4);
    EXPECT_LT(std::abs(zhou_density(p, rc + h) - zhou_density(p, rc - h)) / (2 * h), 1e-3 * p.fe);
    // The last tabulated values are the ones LAMMPS uses up to the cutoff.
    EXPECT_LT(std::abs(t.r_phi_eV_A[0].back()), 5e-5 * rc);
    EXPECT_LT(t.elements[0].density.back(), 1e-4 * p.fe);
    // And they are orders of magnitude below the values at rₑ.
    EXPECT_GT(std::abs(zhou_pair_eV(p, p.re_A)), 1e3 * std::abs(zhou_pair_eV(p, rc)));
  }
}

TEST(ZhouEam, RefusesElementsOutsideTheDatabase) {
  for (const std::string bad : {"Ru", "Rh", "Ir", "Xx"}) {
    const std::vector<std::string> elements{"Cu", bad};
    expect_error<InputError>(
        [&] { zhou_eam_alloy(elements); },
        {bad, "Cu, Ag, Au, Ni, Pd, Pt, Al, Pb, Fe, Mo, Ta, W, Mg, Co, Ti, Zr", "proxy"});
  }
  const std::vector<std::string> twice{"Cu", "Cu"};
  expect_error<InputError>([&] { zhou_eam_alloy(twice); }, {"Cu", "twice"});
  expect_error<InputError>([&] { zhou_eam_alloy({}); }, {"no elements"});
  ZhouTabulation tab;
  tab.nr = 1;
  const std::vector<std::string> cu{"Cu"};
  expect_error<InputError>([&] { zhou_eam_alloy(cu, tab); }, {"nr", "1"});
  tab = {};
  tab.cutoff_A = 0.1;
  expect_error<InputError>([&] { zhou_eam_alloy(cu, tab); }, {"cutoff_A"});
}

TEST(ZhouEam, WrittenFileReadsBackAndHonoursTheTabulation) {
  TempDir dir;
  ZhouTabulation tab;
  tab.nr = 500;
  tab.nrho = 300;
  tab.cutoff_A = 7.0;
  const std::vector<std::string> elements{"Zr", "Cu", "Ni", "Al"};
  write_zhou_eam_alloy(dir / "ZrCuNiAl.eam.alloy", elements, tab);
  EXPECT_EQ(dir.entries().size(), 1u);  // no temporary file left behind
  const SetflTable back = read_setfl(dir / "ZrCuNiAl.eam.alloy");
  const SetflTable gen = zhou_eam_alloy(elements, tab);
  ASSERT_EQ(back.elements.size(), 4u);
  EXPECT_EQ(back.elements[0].symbol, "Zr");
  EXPECT_EQ(back.elements[3].Z, 13);
  EXPECT_EQ(back.nr, 500);
  EXPECT_EQ(back.nrho, 300);
  EXPECT_DOUBLE_EQ(back.cutoff_A, 7.0);
  EXPECT_DOUBLE_EQ(back.dr_A, 7.0 / 499);
  // ρ table up to max(f_max, 2·max ρₑ, 100): Ni has the largest ρₑ (27.56).
  EXPECT_DOUBLE_EQ(back.drho * 299, std::max(100.0, back.drho * 299));
  ASSERT_EQ(back.r_phi_eV_A.size(), 10u);
  EXPECT_EQ(back.r_phi_eV_A, gen.r_phi_eV_A);  // %.16E reads back exactly
  EXPECT_EQ(back.elements[2].embedding_eV, gen.elements[2].embedding_eV);
}

}  // namespace
}  // namespace vitrum::sim
