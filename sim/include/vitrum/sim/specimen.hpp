#pragma once
/// \file
/// Specimens cut from a glass model, with crystal nuclei and per-atom truth labels
/// (DESIGN.md "The pipeline": glass model → specimen). Seed 001 (Yang et al., Nature 592,
/// 60 (2021)) imaged an amorphous Ta film with 20.1 % of its atoms in crystal nuclei on the
/// surface, and two amorphous Pd nanoparticles with 2.2 % and 1.8 % (001 main text, Methods
/// "local BOO parameters"); this builder makes such specimens with their truth.
///
/// Shapes (one function per shape, so a laminate — Ni / glass / Ni layers for diffraction —
/// can be added as another SpecimenShape):
///  - sphere / ellipsoid particle: carved from the glass, which is tiled periodically when the
///    particle is larger than its cell; the carving region has a random orientation in the
///    glass (SpecimenOrientation::kRandom), and the atoms are rotated into the particle's frame,
///    so the output ellipsoid is axis-aligned: (x/a)² + (y/b)² + (z/c)² ≤ 1 about the cell
///    centre. Cell: orthorhombic, 2·semi-axis + 2·vacuum per axis, pbc F F F;
///  - film: a slab of given thickness with free surfaces normal to z. kPeriodic keeps the
///    glass cell's lateral vectors a, b (pbc T T F; a and b must lie in the xy plane); kFinite
///    cuts a square of lateral_size_A (pbc F F F). The slab spans z ∈ [vacuum, vacuum + t].
///
/// Crystal nuclei (bcc or fcc, random orientation) replace the glass atoms inside their sphere
/// and every glass atom closer than `min_distance_A` to one of their atoms; crystal sites
/// outside the specimen's free surface are not added. Their species are chosen so that the
/// specimen's composition stays as close as possible to the glass's (each count within one
/// atom of its share after every nucleus). Nuclei never overlap: centres are at least
/// r_i + r_j + min_distance_A apart.
///
/// Truth labels (core::AtomicModel labels, also in the output file): 0 = amorphous (glass)
/// atom, k ≥ 1 = atom of crystal nucleus k (row k − 1 of the nuclei table).

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"

namespace vitrum::sim {

/// The meaning of the truth labels, as written into output files.
inline constexpr const char* kSpecimenLabelMeaning =
    "0 = amorphous (glass) atom; k >= 1 = atom of crystal nucleus k (row k-1 of /specimen/nuclei)";

/// What is cut from the glass.
enum class SpecimenShape {
  kSphere,     ///< particle of radius `particle_radius_A`
  kEllipsoid,  ///< particle with semi-axes `semi_axes_A` along x, y, z
  kFilm,       ///< slab of `film_thickness_A` normal to z
};

/// Orientation of the carving region in the glass.
enum class SpecimenOrientation {
  kFixed,   ///< the glass axes are the particle's axes
  kRandom,  ///< a uniformly random rotation (drawn from the seed)
};

/// Lateral extent of a film.
enum class FilmLateral {
  kPeriodic,  ///< the glass cell's a and b, periodic (pbc T T F)
  kFinite,    ///< a square of `film_lateral_size_A`, free edges (pbc F F F)
};

/// Lattice of a crystal nucleus.
enum class CrystalStructure {
  kAuto,  ///< from the specimen's majority element (element_crystal())
  kBcc,
  kFcc,
};

/// How many nuclei, and where.
enum class NucleiMode {
  kNone,      ///< no nuclei
  kCount,     ///< `count` nuclei at random sites
  kFraction,  ///< nuclei at random sites until `target_fraction` of the atoms are crystalline
  kExplicit,  ///< at `centres_A` with `radii_A`
};

/// Where a random nucleus is centred.
enum class NucleusSite {
  kSurface,  ///< on the free surface (a film: either face), a cap protruding inward
  kInside,   ///< inside, the whole sphere within the specimen where the shape allows
};

/// Crystal nuclei (all lengths in Å).
struct NucleiParams {
  NucleiMode mode = NucleiMode::kNone;
  NucleusSite site = NucleusSite::kSurface;
  CrystalStructure structure = CrystalStructure::kAuto;
  /// Cubic lattice constant a (Å); 0: the element's (element_crystal()).
  double lattice_constant_A = 0.0;
  int count = 1;                 ///< kCount: number of nuclei
  double target_fraction = 0.2;  ///< kFraction: crystalline atoms / all atoms (001: Ta 0.201)
  double radius_min_A = 6.0;     ///< random radii are uniform in [radius_min_A, radius_max_A]
  double radius_max_A = 10.0;
  /// kExplicit: centres as x,y,z triples in the specimen's coordinates (Å).
  std::vector<double> centres_A;
  /// kExplicit: one radius per centre, or a single radius for all (Å).
  std::vector<double> radii_A;
  /// Glass atoms closer than this to a crystal atom are removed (Å); 0: 0.85 × the crystal's
  /// nearest-neighbour distance (Ta bcc: 2.43 Å) — about the shortest pair distance of a
  /// metallic glass, whose g(r) rises from zero at ≈ 0.85 of its first peak.
  double min_distance_A = 0.0;
  /// Random placement gives up after this many consecutive rejected (overlapping) draws.
  int max_attempts = 2000;
};

/// Parameters of build_specimen(). Lengths in Å, time in ps.
struct SpecimenParams {
  SpecimenShape shape = SpecimenShape::kSphere;
  SpecimenOrientation orientation = SpecimenOrientation::kRandom;
  double particle_radius_A = 20.0;                    ///< kSphere
  std::vector<double> semi_axes_A{20.0, 16.0, 12.0};  ///< kEllipsoid: a, b, c along x, y, z
  double film_thickness_A = 30.0;                     ///< kFilm
  FilmLateral film_lateral = FilmLateral::kPeriodic;  ///< kFilm
  double film_lateral_size_A = 40.0;                  ///< kFilm, kFinite: square edge
  double vacuum_A = 10.0;  ///< empty margin around the specimen along its free axes
  NucleiParams nuclei;
  /// A short NVT relaxation of the new surfaces after building (ps); 0 = none. build_specimen
  /// does not run MD: `vitrum specimen` runs it in the MD worker (specimen_relax.hpp).
  double relax_ps = 0.0;
  double relax_temperature_K = 300.0;  ///< thermostat of the relaxation
  /// Potential of the relaxation; empty: the one recorded in the glass file (`vitrum sim`).
  std::string relax_potential;
  /// Proxies of the relaxation ("Ru:Pd,…"); empty: those recorded in the glass file.
  std::string relax_proxies;

  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
  /// The parameters as config keys (`vitrum specimen --set key=value`).
  core::ParamSet params();
  /// Every parameter with its value, as TOML.
  std::string params_toml() const { return SpecimenParams(*this).params().to_toml(); }
};

/// A cubic crystal: structure and lattice constant (Å).
struct CrystalLattice {
  CrystalStructure structure = CrystalStructure::kBcc;
  double lattice_constant_A = 0.0;
  /// Nearest-neighbour distance: √3/2·a (bcc, 8 neighbours), a/√2 (fcc, 12 neighbours).
  double nearest_neighbour_A() const;
  /// Number of nearest neighbours: 8 (bcc) or 12 (fcc).
  int coordination() const;
};

/// The room-temperature crystal of element Z (Kittel, *Introduction to Solid State Physics*,
/// 8th ed. (2005), ch. 1, Table 4): e.g. Ta bcc 3.30 Å, Pd fcc 3.89 Å, Ni fcc 3.52 Å, Cu fcc
/// 3.61 Å, W bcc 3.16 Å. InputError naming the element if it is not a cubic bcc/fcc metal
/// there (e.g. Zr, Co: hcp) — then give nuclei.structure and nuclei.lattice_constant_A.
CrystalLattice element_crystal(int Z);

/// One placed nucleus: its row of the nuclei table.
struct NucleusRecord {
  int label = 0;  ///< the atoms' label (k ≥ 1)
  core::Vec3 centre_A = core::Vec3::Zero();
  double radius_A = 0.0;
  CrystalLattice lattice;
  /// Crystal orientation: ZYX Euler angles (φ, θ, ψ) in degrees, R = Rz(φ)·Ry(θ)·Rx(ψ)
  /// (core::euler_zyx_matrix); a lattice site is centre + R·(a·(n + basis)).
  std::array<double, 3> euler_deg{0.0, 0.0, 0.0};
  std::size_t atoms = 0;          ///< crystal atoms placed (inside the specimen)
  std::size_t glass_removed = 0;  ///< glass atoms it replaced
};

/// A specimen and what was placed in it.
struct Specimen {
  /// Atoms with labels (see the file comment) and the specimen's cell.
  core::AtomicModel model;
  std::vector<NucleusRecord> nuclei;
  std::map<int, std::size_t> atoms_per_label;  ///< label → number of atoms
  double crystalline_fraction = 0.0;           ///< atoms with label ≥ 1 / all atoms
  /// kSphere/kEllipsoid: the carving rotation (ZYX Euler, deg) applied to the glass.
  std::array<double, 3> carve_euler_deg{0.0, 0.0, 0.0};
};

/// Builds a specimen from `glass` (see the file comment). Every random draw comes from streams
/// keyed by (seed, "specimen.*", index): the same inputs and seed give the same atoms.
/// InputError for an empty glass, a particle larger than a non-periodic glass, a film whose
/// periodicity the glass lacks, an unreachable target fraction, or bad params.
Specimen build_specimen(const core::AtomicModel& glass, const SpecimenParams& params,
                        std::uint64_t seed);

/// The rotation of the carving region in the glass (ZYX Euler, deg): zero for kFixed, else
/// uniform over rotations (drawn from (seed, "specimen.carve", 0)).
std::array<double, 3> carve_euler_deg(const SpecimenParams& params, std::uint64_t seed);
/// The particle alone (kSphere / kEllipsoid), labels 0, without nuclei. Its centre in the
/// glass is uniformly random along periodic axes (the atoms' centre along the others).
core::AtomicModel carve_particle(const core::AtomicModel& glass, const SpecimenParams& params,
                                 std::uint64_t seed);
/// The film alone (kFilm), labels 0, without nuclei. Its position in the glass is uniformly
/// random along periodic axes.
core::AtomicModel carve_film(const core::AtomicModel& glass, const SpecimenParams& params,
                             std::uint64_t seed);

/// Name of a structure ("bcc", "fcc", "auto") and of a shape ("sphere", "ellipsoid", "film").
std::string to_string(CrystalStructure structure);
std::string to_string(SpecimenShape shape);

}  // namespace vitrum::sim
