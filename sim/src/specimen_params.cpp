// SpecimenParams: config keys, validation, and the element crystals nuclei default to.

#include <cmath>
#include <string>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/sim/specimen.hpp"

namespace vitrum::sim {

namespace {

// A field that is a list: its length must be `ok`.
void require_length(bool ok, const std::string& field, std::size_t length,
                    const std::string& allowed) {
  if (!ok)
    throw InputError(field + " has " + std::to_string(length) +
                     " values, which is not allowed; allowed: " + allowed);
}

}  // namespace

double CrystalLattice::nearest_neighbour_A() const {
  return structure == CrystalStructure::kFcc ? lattice_constant_A / std::sqrt(2.0)
                                             : lattice_constant_A * std::sqrt(3.0) / 2.0;
}

int CrystalLattice::coordination() const { return structure == CrystalStructure::kFcc ? 12 : 8; }

CrystalLattice element_crystal(int Z) {
  // Kittel, Introduction to Solid State Physics, 8th ed. (2005), ch. 1, Table 4: lattice
  // constants of the cubic elements at room temperature (Å). Only bcc and fcc metals.
  struct Entry {
    const char* symbol;
    CrystalStructure structure;
    double a_A;
  };
  static constexpr Entry kTable[] = {
      {"Ta", CrystalStructure::kBcc, 3.30}, {"Nb", CrystalStructure::kBcc, 3.30},
      {"W", CrystalStructure::kBcc, 3.16},  {"Mo", CrystalStructure::kBcc, 3.15},
      {"V", CrystalStructure::kBcc, 3.03},  {"Cr", CrystalStructure::kBcc, 2.88},
      {"Fe", CrystalStructure::kBcc, 2.87}, {"Pd", CrystalStructure::kFcc, 3.89},
      {"Ni", CrystalStructure::kFcc, 3.52}, {"Cu", CrystalStructure::kFcc, 3.61},
      {"Ag", CrystalStructure::kFcc, 4.09}, {"Au", CrystalStructure::kFcc, 4.08},
      {"Pt", CrystalStructure::kFcc, 3.92}, {"Al", CrystalStructure::kFcc, 4.05},
      {"Pb", CrystalStructure::kFcc, 4.95}, {"Ir", CrystalStructure::kFcc, 3.84},
      {"Rh", CrystalStructure::kFcc, 3.80},
  };
  const std::string_view symbol = core::element(Z).symbol;
  for (const Entry& e : kTable)
    if (symbol == e.symbol) return {e.structure, e.a_A};
  throw InputError("no default crystal for " + std::string(symbol) +
                       " (not a bcc or fcc element in the table); set nuclei.structure and "
                       "nuclei.lattice_constant_A",
                   "nuclei.structure");
}

std::string to_string(CrystalStructure structure) {
  switch (structure) {
    case CrystalStructure::kBcc:
      return "bcc";
    case CrystalStructure::kFcc:
      return "fcc";
    case CrystalStructure::kAuto:
      break;
  }
  return "auto";
}

std::string to_string(SpecimenShape shape) {
  switch (shape) {
    case SpecimenShape::kSphere:
      return "sphere";
    case SpecimenShape::kEllipsoid:
      return "ellipsoid";
    case SpecimenShape::kFilm:
      return "film";
  }
  return "?";
}

void SpecimenParams::validate() const {
  using core::require;
  constexpr double kMaxLength_A = 1e4;  // 1 µm: far beyond any atomistic specimen
  require(particle_radius_A > 0 && particle_radius_A <= kMaxLength_A, "particle.radius_A",
          particle_radius_A, "(0, 10000] Å");
  require_length(semi_axes_A.size() == 3, "particle.semi_axes_A", semi_axes_A.size(),
                 "3 semi-axes a, b, c (Å)");
  for (double a : semi_axes_A)
    require(a > 0 && a <= kMaxLength_A, "particle.semi_axes_A", a, "(0, 10000] Å each");
  require(film_thickness_A > 0 && film_thickness_A <= kMaxLength_A, "film.thickness_A",
          film_thickness_A, "(0, 10000] Å");
  require(film_lateral_size_A > 0 && film_lateral_size_A <= kMaxLength_A, "film.lateral_size_A",
          film_lateral_size_A, "(0, 10000] Å");
  require(vacuum_A >= 0 && vacuum_A <= 1000, "vacuum_A", vacuum_A, "[0, 1000] Å");
  require(relax_ps >= 0 && relax_ps <= 1000, "relax_ps", relax_ps, "[0, 1000] ps (0: none)");
  require(relax_temperature_K > 0 && relax_temperature_K <= 5000, "relax.temperature_K",
          relax_temperature_K, "(0, 5000] K");

  const NucleiParams& n = nuclei;
  require(n.lattice_constant_A == 0 || (n.lattice_constant_A >= 1.5 && n.lattice_constant_A <= 10),
          "nuclei.lattice_constant_A", n.lattice_constant_A, "0 (element default) or [1.5, 10] Å");
  require(n.min_distance_A >= 0 && n.min_distance_A <= 5, "nuclei.min_distance_A", n.min_distance_A,
          "[0, 5] Å (0: 0.85 × nearest-neighbour distance)");
  require(n.max_attempts >= 1 && n.max_attempts <= 10'000'000, "nuclei.max_attempts",
          n.max_attempts, "[1, 10000000]");
  if (n.mode == NucleiMode::kCount)
    require(n.count >= 1 && n.count <= 100'000, "nuclei.count", n.count, "[1, 100000]");
  if (n.mode == NucleiMode::kFraction)
    require(n.target_fraction > 0 && n.target_fraction <= 0.9, "nuclei.target_fraction",
            n.target_fraction, "(0, 0.9]");
  if (n.mode == NucleiMode::kCount || n.mode == NucleiMode::kFraction) {
    require(n.radius_min_A > 0 && n.radius_min_A <= 1000, "nuclei.radius_min_A", n.radius_min_A,
            "(0, 1000] Å");
    require(n.radius_max_A >= n.radius_min_A && n.radius_max_A <= 1000, "nuclei.radius_max_A",
            n.radius_max_A, "[nuclei.radius_min_A, 1000] Å");
  }
  if (n.mode == NucleiMode::kExplicit) {
    require_length(!n.centres_A.empty() && n.centres_A.size() % 3 == 0, "nuclei.centres_A",
                   n.centres_A.size(), "x, y, z triples, at least one (Å)");
    const std::size_t count = n.centres_A.size() / 3;
    require_length(n.radii_A.size() == 1 || n.radii_A.size() == count, "nuclei.radii_A",
                   n.radii_A.size(), "1 or one per centre (" + std::to_string(count) + ")");
    for (double c : n.centres_A)
      require(std::isfinite(c), "nuclei.centres_A", c, "finite coordinates (Å)");
    for (double r : n.radii_A) require(r > 0 && r <= 1000, "nuclei.radii_A", r, "(0, 1000] Å each");
  }
}

core::ParamSet SpecimenParams::params() {
  core::ParamSet p;
  p.add_choice("shape", shape,
               {{"sphere", SpecimenShape::kSphere},
                {"ellipsoid", SpecimenShape::kEllipsoid},
                {"film", SpecimenShape::kFilm}},
               "what is cut from the glass")
      .add_choice(
          "orientation", orientation,
          {{"random", SpecimenOrientation::kRandom}, {"fixed", SpecimenOrientation::kFixed}},
          "orientation of a particle's carving region in the glass")
      .add("particle.radius_A", particle_radius_A, "Å", "radius of a sphere")
      .add("particle.semi_axes_A", semi_axes_A, "Å", "semi-axes a, b, c of an ellipsoid (x, y, z)")
      .add("film.thickness_A", film_thickness_A, "Å", "film thickness along z")
      .add_choice("film.lateral", film_lateral,
                  {{"periodic", FilmLateral::kPeriodic}, {"finite", FilmLateral::kFinite}},
                  "film laterally periodic (pbc T T F, the glass cell's a, b) or a finite square")
      .add("film.lateral_size_A", film_lateral_size_A, "Å", "edge of a finite film's square")
      .add("vacuum_A", vacuum_A, "Å", "empty margin around the specimen along free axes")
      .add("relax_ps", relax_ps, "ps",
           "short NVT surface relaxation after building, in the MD worker (0: none)")
      .add("relax.temperature_K", relax_temperature_K, "K", "thermostat of the relaxation")
      .add("relax.potential", relax_potential, "",
           "potential of the relaxation (empty: the one recorded in a `vitrum sim` glass file)")
      .add("relax.proxies", relax_proxies, "",
           "proxies of the relaxation, \"Ru:Pd,…\" (empty: those of the glass file)")
      .add_choice("nuclei.mode", nuclei.mode,
                  {{"none", NucleiMode::kNone},
                   {"count", NucleiMode::kCount},
                   {"fraction", NucleiMode::kFraction},
                   {"explicit", NucleiMode::kExplicit}},
                  "crystal nuclei: none, a number, a target atom fraction, or explicit sites")
      .add_choice("nuclei.site", nuclei.site,
                  {{"surface", NucleusSite::kSurface}, {"inside", NucleusSite::kInside}},
                  "random nuclei centred on the free surface or inside")
      .add_choice("nuclei.structure", nuclei.structure,
                  {{"auto", CrystalStructure::kAuto},
                   {"bcc", CrystalStructure::kBcc},
                   {"fcc", CrystalStructure::kFcc}},
                  "lattice of the nuclei (auto: the majority element's, Kittel Table 4)")
      .add("nuclei.lattice_constant_A", nuclei.lattice_constant_A, "Å",
           "cubic lattice constant (0: the element's: Ta 3.30, Pd 3.89, Ni 3.52)")
      .add("nuclei.count", nuclei.count, "", "mode count: number of nuclei")
      .add("nuclei.target_fraction", nuclei.target_fraction, "",
           "mode fraction: atoms in nuclei / all atoms (seed 001: Ta film 0.201, Pd 0.022)")
      .add("nuclei.radius_min_A", nuclei.radius_min_A, "Å", "smallest random nucleus radius")
      .add("nuclei.radius_max_A", nuclei.radius_max_A, "Å", "largest random nucleus radius")
      .add("nuclei.centres_A", nuclei.centres_A, "Å",
           "mode explicit: centres as x, y, z triples in the specimen's coordinates")
      .add("nuclei.radii_A", nuclei.radii_A, "Å", "mode explicit: one radius, or one per centre")
      .add("nuclei.min_distance_A", nuclei.min_distance_A, "Å",
           "glass atoms closer to a crystal atom are removed (0: 0.85 × nearest-neighbour "
           "distance)")
      .add("nuclei.max_attempts", nuclei.max_attempts, "",
           "random placement gives up after this many consecutive overlapping draws");
  return p;
}

}  // namespace vitrum::sim
