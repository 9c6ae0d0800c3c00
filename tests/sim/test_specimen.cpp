// Specimens from a glass (sim/specimen.hpp): shapes keep the glass's composition and lie
// inside their bounds, crystal nuclei have their lattice's neighbour shells and labels, no
// pair comes closer than the minimum distance, target fractions are reached, seeds decide.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/sim/specimen.hpp"

namespace vitrum::sim {
namespace {

using core::Vec3;

// A periodic random "glass": random sequential addition of hard spheres of diameter d_min in a
// cube of edge L at number density rho (Å⁻³), with species drawn from `shares` (Z → fraction).
// Far below jamming (packing fraction ≈ 0.3), so it fills quickly; no two atoms closer than
// d_min, and no long-range order.
core::AtomicModel random_glass(double L, double rho, double d_min,
                               const std::map<int, double>& shares, std::uint64_t seed = 7) {
  core::AtomicModel m(core::Cell::orthorhombic(L, L, L));
  const auto target = static_cast<std::size_t>(rho * L * L * L);
  const int nb = std::max(1, static_cast<int>(L / d_min));
  std::vector<std::vector<std::size_t>> bins(static_cast<std::size_t>(nb * nb * nb));
  std::vector<Vec3> pos;
  core::RngStream rng(seed, "test.glass", 0);
  const auto bin = [&](int x, int y, int z) -> std::vector<std::size_t>& {
    const auto w = [nb](int i) { return ((i % nb) + nb) % nb; };
    return bins[static_cast<std::size_t>((w(x) * nb + w(y)) * nb + w(z))];
  };
  while (pos.size() < target) {
    const Vec3 r(L * rng.uniform(), L * rng.uniform(), L * rng.uniform());
    const int bx = static_cast<int>(r.x() / L * nb), by = static_cast<int>(r.y() / L * nb),
              bz = static_cast<int>(r.z() / L * nb);
    bool ok = true;
    for (int dx = -1; dx <= 1 && ok; ++dx)
      for (int dy = -1; dy <= 1 && ok; ++dy)
        for (int dz = -1; dz <= 1 && ok; ++dz)
          for (std::size_t j : bin(bx + dx, by + dy, bz + dz)) {
            Vec3 d = pos[j] - r;
            for (int a = 0; a < 3; ++a) d[a] -= L * std::round(d[a] / L);
            if (d.norm() < d_min) {
              ok = false;
              break;
            }
          }
    if (!ok) continue;
    bin(bx, by, bz).push_back(pos.size());
    pos.push_back(r);
  }
  for (std::size_t i = 0; i < pos.size(); ++i) {
    double u = rng.uniform(), acc = 0.0;
    int Z = shares.rbegin()->first;
    for (const auto& [z, share] : shares)
      if (u < (acc += share)) {
        Z = z;
        break;
      }
    m.add_atom(pos[i], Z);
  }
  return m;
}

constexpr int kTa = 73, kPd = 46, kCu = 29, kZr = 40;

// Shared glasses (built once: the RSA takes a moment).
const core::AtomicModel& ta_glass() {
  static const core::AtomicModel g = random_glass(40.0, 0.05, 2.3, {{kTa, 1.0}});
  return g;
}
const core::AtomicModel& zrcu_glass() {
  static const core::AtomicModel g = random_glass(30.0, 0.05, 2.3, {{kZr, 0.65}, {kCu, 0.35}});
  return g;
}

double fraction(const core::AtomicModel& m, int Z) {
  const auto c = core::composition(m);
  return c.count(Z) ? static_cast<double>(c.at(Z)) / static_cast<double>(m.size()) : 0.0;
}

// Smallest pair distance (minimum image along periodic axes), brute force.
double min_pair_distance(const core::AtomicModel& m) {
  const auto p = m.positions_A();
  const core::Mat3 to_f = m.cell().vectors_A.transpose().inverse();
  const core::Mat3 to_c = m.cell().vectors_A.transpose();
  double best = HUGE_VAL;
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = i + 1; j < p.size(); ++j) {
      Vec3 s = to_f * (p[j] - p[i]);
      for (int a = 0; a < 3; ++a)
        if (m.cell().pbc[static_cast<std::size_t>(a)]) s[a] -= std::round(s[a]);
      best = std::min(best, (to_c * s).norm());
    }
  return best;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return std::string(e.what()) + " | " + e.where();
  }
  return "(no InputError)";
}

// ---- shapes -------------------------------------------------------------------------------

TEST(SpecimenParticle, SphereKeepsCompositionLabelsAndLiesInside) {
  SpecimenParams p;
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 12.0;
  p.vacuum_A = 5.0;
  const Specimen s = build_specimen(zrcu_glass(), p, 3);
  const auto& m = s.model;
  EXPECT_EQ(m.cell().pbc, (std::array<bool, 3>{false, false, false}));
  EXPECT_NEAR(m.cell().vectors_A(0, 0), 34.0, 1e-12);
  const Vec3 c = Vec3::Constant(17.0);
  for (const Vec3& r : m.positions_A()) EXPECT_LE((r - c).norm(), 12.0 + 1e-9);
  // Atom count: density × volume (±4σ of a Poisson count); composition within 4σ (binomial).
  const double n_expected = 0.05 * 4.0 / 3.0 * M_PI * 12 * 12 * 12;
  EXPECT_NEAR(static_cast<double>(m.size()), n_expected, 4 * std::sqrt(n_expected));
  const double f0 = fraction(zrcu_glass(), kZr);
  EXPECT_NEAR(fraction(m, kZr), f0, 4 * std::sqrt(f0 * (1 - f0) / static_cast<double>(m.size())));
  ASSERT_TRUE(m.has_labels());
  for (auto l : m.labels()) EXPECT_EQ(l, 0);
  EXPECT_EQ(s.atoms_per_label.at(0), m.size());
  EXPECT_EQ(s.crystalline_fraction, 0.0);
}

TEST(SpecimenParticle, EllipsoidLargerThanTheCellIsTiledWithoutOverlaps) {
  SpecimenParams p;
  p.shape = SpecimenShape::kEllipsoid;
  p.semi_axes_A = {22.0, 16.0, 10.0};  // 44 Å across: larger than the 30 Å cell
  const Specimen s = build_specimen(zrcu_glass(), p, 11);
  const auto& m = s.model;
  const Vec3 A(22, 16, 10), c = A + Vec3::Constant(p.vacuum_A);
  double reach_x = 0;
  for (const Vec3& r : m.positions_A()) {
    EXPECT_LE((r - c).cwiseQuotient(A).squaredNorm(), 1.0 + 1e-12);
    reach_x = std::max(reach_x, std::abs(r.x() - c.x()));
  }
  EXPECT_GT(reach_x, 20.0);  // the tiled glass fills the whole long axis
  const double n_expected = 0.05 * 4.0 / 3.0 * M_PI * A.prod();
  EXPECT_NEAR(static_cast<double>(m.size()), n_expected, 4 * std::sqrt(n_expected));
  EXPECT_GE(min_pair_distance(m), 2.3 - 1e-9);  // images join without duplicates
  // The carving orientation is random: a different seed turns the region differently.
  EXPECT_NE(s.carve_euler_deg, build_specimen(zrcu_glass(), p, 12).carve_euler_deg);
}

TEST(SpecimenFilm, PeriodicFilmHasItsThicknessAndPbcTTF) {
  for (double t : {12.0, 45.0}) {  // thinner and thicker than the 30 Å glass
    SpecimenParams p;
    p.shape = SpecimenShape::kFilm;
    p.film_thickness_A = t;
    p.vacuum_A = 8.0;
    const auto& m = build_specimen(zrcu_glass(), p, 5).model;
    EXPECT_EQ(m.cell().pbc, (std::array<bool, 3>{true, true, false}));
    EXPECT_EQ(m.cell().vectors_A.row(0), zrcu_glass().cell().vectors_A.row(0));
    EXPECT_NEAR(m.cell().vectors_A(2, 2), t + 16.0, 1e-12);
    double zlo = HUGE_VAL, zhi = -HUGE_VAL;
    for (const Vec3& r : m.positions_A()) {
      zlo = std::min(zlo, r.z());
      zhi = std::max(zhi, r.z());
      EXPECT_GE(r.x(), 0.0);
      EXPECT_LT(r.x(), 30.0);
    }
    EXPECT_GE(zlo, 8.0);
    EXPECT_LE(zhi, 8.0 + t);
    EXPECT_GT(zhi - zlo, t - 1.5);  // atoms reach both faces
    const double n_expected = 0.05 * 30 * 30 * t;
    EXPECT_NEAR(static_cast<double>(m.size()), n_expected, 4 * std::sqrt(n_expected)) << t;
    EXPECT_GE(min_pair_distance(m), 2.3 - 1e-9) << t;
  }
}

TEST(SpecimenFilm, FiniteFilmIsASquareSlabWithFreeEdges) {
  SpecimenParams p;
  p.shape = SpecimenShape::kFilm;
  p.film_lateral = FilmLateral::kFinite;
  p.film_lateral_size_A = 50.0;  // tiled laterally
  p.film_thickness_A = 10.0;
  p.vacuum_A = 5.0;
  const auto& m = build_specimen(zrcu_glass(), p, 5).model;
  EXPECT_EQ(m.cell().pbc, (std::array<bool, 3>{false, false, false}));
  EXPECT_NEAR(m.cell().vectors_A(0, 0), 60.0, 1e-12);
  EXPECT_NEAR(m.cell().vectors_A(2, 2), 20.0, 1e-12);
  for (const Vec3& r : m.positions_A()) {
    EXPECT_TRUE(r.x() >= 5.0 && r.x() < 55.0 && r.y() >= 5.0 && r.y() < 55.0);
    EXPECT_TRUE(r.z() >= 5.0 && r.z() < 15.0);
  }
  EXPECT_NEAR(static_cast<double>(m.size()), 0.05 * 50 * 50 * 10, 4 * std::sqrt(1250.0));
}

// ---- nuclei -------------------------------------------------------------------------------

TEST(SpecimenNuclei, BccNucleusHasEightNeighboursAtRoot3Over2A) {
  SpecimenParams p;
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 16.0;
  p.nuclei.mode = NucleiMode::kExplicit;
  p.nuclei.centres_A = {26.0, 26.0, 26.0};  // the particle's centre
  p.nuclei.radii_A = {8.0};
  const Specimen s = build_specimen(ta_glass(), p, 1);
  ASSERT_EQ(s.nuclei.size(), 1U);
  const NucleusRecord& n = s.nuclei[0];
  EXPECT_EQ(n.label, 1);
  EXPECT_EQ(n.lattice.structure, CrystalStructure::kBcc);  // Ta's default
  EXPECT_DOUBLE_EQ(n.lattice.lattice_constant_A, 3.30);
  const double d_nn = std::sqrt(3.0) / 2.0 * 3.30;
  EXPECT_NEAR(n.lattice.nearest_neighbour_A(), d_nn, 1e-12);

  const auto& m = s.model;
  const auto pos = m.positions_A();
  const auto lab = m.labels();
  std::vector<std::size_t> nucleus;
  for (std::size_t i = 0; i < m.size(); ++i)
    if (lab[i] == 1) nucleus.push_back(i);
  EXPECT_EQ(nucleus.size(), n.atoms);
  EXPECT_EQ(s.atoms_per_label.at(1), n.atoms);
  // A bcc sphere of r = 8 Å holds ≈ (4/3)π r³ · 2/a³ atoms.
  EXPECT_NEAR(static_cast<double>(n.atoms), 4.0 / 3.0 * M_PI * 512 * 2 / std::pow(3.3, 3), 12);
  int interior = 0;
  for (std::size_t i : nucleus) {
    EXPECT_LE((pos[i] - n.centre_A).norm(), 8.0 + 1e-9);
    if ((pos[i] - n.centre_A).norm() > 8.0 - 3.3) continue;
    ++interior;
    int shell = 0;
    double nearest = HUGE_VAL;
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (j == i) continue;
      const double d = (pos[j] - pos[i]).norm();
      nearest = std::min(nearest, d);
      if (std::abs(d - d_nn) < 1e-6) {
        ++shell;
        EXPECT_EQ(lab[j], 1);
      }
    }
    EXPECT_EQ(shell, 8);
    EXPECT_NEAR(nearest, d_nn, 1e-9);
  }
  EXPECT_GT(interior, 20);
  // Glass atoms were replaced: none inside the sphere, none closer than 0.85·d_nn to the crystal.
  EXPECT_GT(n.glass_removed, 0U);
  for (std::size_t j = 0; j < m.size(); ++j) {
    if (lab[j] != 0) continue;
    EXPECT_GT((pos[j] - n.centre_A).norm(), 8.0);
    for (std::size_t i : nucleus) EXPECT_GE((pos[j] - pos[i]).norm(), 0.85 * d_nn);
  }
}

TEST(SpecimenNuclei, FccNucleiKeepTheCompositionOfABinaryGlass) {
  SpecimenParams p;
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 14.0;
  p.nuclei.mode = NucleiMode::kCount;
  p.nuclei.count = 3;
  p.nuclei.site = NucleusSite::kSurface;
  p.nuclei.structure = CrystalStructure::kFcc;
  p.nuclei.lattice_constant_A = 3.6;
  p.nuclei.radius_min_A = 5.0;
  p.nuclei.radius_max_A = 6.0;
  const auto carved = carve_particle(zrcu_glass(), p, 9);
  const Specimen s = build_specimen(zrcu_glass(), p, 9);
  ASSERT_EQ(s.nuclei.size(), 3U);
  // Each nucleus sets its species so every count is within one atom of its share: over three
  // nuclei the fraction moves by at most ~3/N from the carved particle's.
  const double n = static_cast<double>(s.model.size());
  EXPECT_NEAR(fraction(s.model, kZr), fraction(carved, kZr), 3.0 / n);
  // Both species are in the nuclei (a random substitutional crystal).
  std::map<int, int> in_nuclei;
  for (std::size_t i = 0; i < s.model.size(); ++i)
    if (s.model.labels()[i] > 0) ++in_nuclei[s.model.Z()[i]];
  EXPECT_GT(in_nuclei[kZr], 0);
  EXPECT_GT(in_nuclei[kCu], 0);
  // Surface nuclei: centres on the sphere's surface.
  for (const auto& nu : s.nuclei)
    EXPECT_NEAR((nu.centre_A - Vec3::Constant(24.0)).norm(), 14.0, 1e-9);
  // Glass–crystal pairs from 0.85·a/√2 = 2.16 Å (below the glass's own 2.3 Å).
  EXPECT_GE(min_pair_distance(s.model), 0.85 * 3.6 / std::sqrt(2.0) - 1e-9);
}

TEST(SpecimenNuclei, TaFilmReachesTwentyPercentInSurfaceNucleiWithoutClosePairs) {
  SpecimenParams p;
  p.shape = SpecimenShape::kFilm;
  p.film_thickness_A = 20.0;
  p.nuclei.mode = NucleiMode::kFraction;
  p.nuclei.site = NucleusSite::kSurface;
  p.nuclei.target_fraction = 0.20;  // seed 001: 20.1 % of the Ta film's atoms
  p.nuclei.radius_min_A = 5.0;
  p.nuclei.radius_max_A = 8.0;
  const Specimen s = build_specimen(ta_glass(), p, 21);
  EXPECT_NEAR(s.crystalline_fraction, 0.20, 0.01);
  EXPECT_GE(s.nuclei.size(), 3U);
  std::size_t labelled = 0;
  for (auto l : s.model.labels()) labelled += l > 0;
  EXPECT_DOUBLE_EQ(s.crystalline_fraction,
                   static_cast<double>(labelled) / static_cast<double>(s.model.size()));
  for (const auto& n : s.nuclei) {
    const double z = n.centre_A.z();
    EXPECT_TRUE(std::abs(z - p.vacuum_A) < 1e-9 || std::abs(z - p.vacuum_A - 20.0) < 1e-9) << z;
    EXPECT_GE(n.radius_A, 5.0);
    EXPECT_LE(n.radius_A, 8.0);
  }
  for (const Vec3& r : s.model.positions_A()) {  // no crystal atom beyond the free surfaces
    EXPECT_GE(r.z(), p.vacuum_A - 1e-9);
    EXPECT_LE(r.z(), p.vacuum_A + 20.0 + 1e-9);
  }
  // Glass–glass ≥ 2.3 Å (the glass), glass–crystal ≥ 0.85·d_nn = 2.43 Å, crystal ≥ 2.86 Å.
  EXPECT_GE(min_pair_distance(s.model), 2.3 - 1e-9);
}

TEST(SpecimenNuclei, PdParticleReachesTwoPercent) {
  const core::AtomicModel pd = random_glass(36.0, 0.06, 2.2, {{kPd, 1.0}}, 3);
  SpecimenParams p;
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 17.0;
  p.nuclei.mode = NucleiMode::kFraction;
  p.nuclei.target_fraction = 0.02;  // seed 001: Pd1 2.2 %, Pd2 1.8 %
  p.nuclei.radius_min_A = 3.0;
  p.nuclei.radius_max_A = 6.0;
  const Specimen s = build_specimen(pd, p, 4);
  EXPECT_NEAR(s.crystalline_fraction, 0.02, 0.006);
  EXPECT_EQ(s.nuclei.at(0).lattice.structure, CrystalStructure::kFcc);
  EXPECT_DOUBLE_EQ(s.nuclei.at(0).lattice.lattice_constant_A, 3.89);
}

TEST(SpecimenNuclei, InsideNucleiLieWhollyInsideTheParticle) {
  SpecimenParams p;
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 16.0;
  p.nuclei.mode = NucleiMode::kCount;
  p.nuclei.count = 2;
  p.nuclei.site = NucleusSite::kInside;
  p.nuclei.radius_min_A = 5.0;
  p.nuclei.radius_max_A = 5.0;
  const Specimen s = build_specimen(ta_glass(), p, 8);
  ASSERT_EQ(s.nuclei.size(), 2U);
  const Vec3 c = Vec3::Constant(26.0);
  for (const auto& n : s.nuclei) {
    EXPECT_LE((n.centre_A - c).norm(), 16.0 - 5.0 + 1e-9);
    // Uncut: the sphere holds ≈ (4/3)π r³ · 2/a³ = 29 sites (±8 with the lattice's offset).
    EXPECT_NEAR(static_cast<double>(n.atoms), 4.0 / 3.0 * M_PI * 125 * 2 / std::pow(3.3, 3), 8);
    EXPECT_EQ(s.atoms_per_label.at(n.label), n.atoms);
  }
  EXPECT_GE(min_pair_distance(s.model), 2.3 - 1e-9);
}

TEST(SpecimenNuclei, UnreachableFractionIsAnInputError) {
  SpecimenParams p;
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 10.0;
  p.nuclei.mode = NucleiMode::kFraction;
  p.nuclei.target_fraction = 0.9;
  p.nuclei.radius_min_A = 6.0;
  p.nuclei.radius_max_A = 6.0;
  p.nuclei.max_attempts = 200;
  EXPECT_NE(error_of([&] { build_specimen(ta_glass(), p, 1); }).find("nuclei.target_fraction"),
            std::string::npos);
}

// ---- determinism and errors ---------------------------------------------------------------

TEST(Specimen, SameSeedSameModelDifferentSeedDifferentModel) {
  SpecimenParams p;
  p.shape = SpecimenShape::kFilm;
  p.film_thickness_A = 15.0;
  p.nuclei.mode = NucleiMode::kCount;
  p.nuclei.count = 2;
  const auto a = build_specimen(ta_glass(), p, 42).model;
  const auto b = build_specimen(ta_glass(), p, 42).model;
  const auto c = build_specimen(ta_glass(), p, 43).model;
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.positions_A().begin(), a.positions_A().end(), b.positions_A().begin()));
  EXPECT_TRUE(std::equal(a.labels().begin(), a.labels().end(), b.labels().begin()));
  EXPECT_TRUE(a.size() != c.size() ||
              !std::equal(a.positions_A().begin(), a.positions_A().end(), c.positions_A().begin()));
}

TEST(Specimen, BadInputNamesTheField) {
  const auto field_error = [](auto change) {
    SpecimenParams p;
    change(p);
    return error_of([&] { p.validate(); });
  };
  EXPECT_NE(field_error([](SpecimenParams& p) {
              p.particle_radius_A = -1;
            }).find("particle.radius_A = -1"),
            std::string::npos);
  EXPECT_NE(field_error([](SpecimenParams& p) {
              p.semi_axes_A = {1, 2};
            }).find("semi_axes_A"),
            std::string::npos);
  EXPECT_NE(field_error([](SpecimenParams& p) { p.film_thickness_A = 0; }).find("film.thickness_A"),
            std::string::npos);
  EXPECT_NE(field_error([](SpecimenParams& p) { p.relax_ps = -2; }).find("relax_ps"),
            std::string::npos);
  EXPECT_NE(field_error([](SpecimenParams& p) {
              p.nuclei.mode = NucleiMode::kFraction;
              p.nuclei.target_fraction = 1.5;
            }).find("nuclei.target_fraction = 1.5"),
            std::string::npos);
  EXPECT_NE(field_error([](SpecimenParams& p) {
              p.nuclei.mode = NucleiMode::kCount;
              p.nuclei.radius_max_A = 1;
            }).find("nuclei.radius_max_A"),
            std::string::npos);
  EXPECT_NE(field_error([](SpecimenParams& p) {
              p.nuclei.mode = NucleiMode::kExplicit;
              p.nuclei.centres_A = {1, 2};
            }).find("nuclei.centres_A"),
            std::string::npos);

  SpecimenParams p;
  EXPECT_NE(error_of([&] { build_specimen(core::AtomicModel{}, p, 1); }).find("no atoms"),
            std::string::npos);
  // A particle wider than a non-periodic glass cannot be cut.
  core::AtomicModel finite = zrcu_glass();
  finite.cell().pbc = {false, false, false};
  p.particle_radius_A = 20.0;
  EXPECT_NE(error_of([&] { build_specimen(finite, p, 1); }).find("particle.radius_A"),
            std::string::npos);
  // A periodic film needs a laterally periodic glass.
  p.shape = SpecimenShape::kFilm;
  EXPECT_NE(error_of([&] { build_specimen(finite, p, 1); }).find("film.lateral"),
            std::string::npos);
  // No default crystal for an hcp element.
  p.shape = SpecimenShape::kSphere;
  p.particle_radius_A = 10.0;
  p.nuclei.mode = NucleiMode::kCount;
  EXPECT_NE(error_of([&] { build_specimen(zrcu_glass(), p, 1); }).find("nuclei.structure"),
            std::string::npos);
  // Unknown shape in a config.
  SpecimenParams q;
  EXPECT_NE(error_of([&] {
              q.params().load(core::Config::from_string("shape = \"cube\"\n"));
            }).find("cube"),
            std::string::npos);
}

TEST(SpecimenCrystal, ElementDefaultsFollowKittel) {
  EXPECT_EQ(element_crystal(kTa).structure, CrystalStructure::kBcc);
  EXPECT_DOUBLE_EQ(element_crystal(kTa).lattice_constant_A, 3.30);
  EXPECT_EQ(element_crystal(kPd).structure, CrystalStructure::kFcc);
  EXPECT_DOUBLE_EQ(element_crystal(kPd).lattice_constant_A, 3.89);
  EXPECT_DOUBLE_EQ(element_crystal(28).lattice_constant_A, 3.52);
  EXPECT_EQ(element_crystal(28).coordination(), 12);
  EXPECT_NEAR(element_crystal(kPd).nearest_neighbour_A(), 3.89 / std::sqrt(2.0), 1e-12);
  EXPECT_THROW(element_crystal(kZr), InputError);
}

}  // namespace
}  // namespace vitrum::sim
