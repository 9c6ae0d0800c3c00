// build_specimen: a shape cut from the glass, then crystal nuclei embedded in it, with truth
// labels (specimen.hpp).

#include "vitrum/sim/specimen.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "specimen_internal.hpp"
#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/rng.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::sim {

using core::Vec3;

namespace {

struct Placement {
  Vec3 centre_A = Vec3::Zero();
  double radius_A = 0.0;
  std::array<double, 3> euler_deg{0.0, 0.0, 0.0};
};

// Sites of the lattice (one atom at the centre) within the nucleus sphere and inside the
// specimen, mapped into the cell along periodic axes.
std::vector<Vec3> crystal_sites(const detail::Geometry& g, const CrystalLattice& lattice,
                                const Placement& p) {
  static const std::vector<Vec3> kBcc{{0, 0, 0}, {0.5, 0.5, 0.5}};
  static const std::vector<Vec3> kFcc{{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  const auto& basis = lattice.structure == CrystalStructure::kFcc ? kFcc : kBcc;
  const double a = lattice.lattice_constant_A;
  const core::Mat3 R = core::euler_zyx_matrix(p.euler_deg[0], p.euler_deg[1], p.euler_deg[2]);
  const int n = static_cast<int>(std::ceil(p.radius_A / a)) + 1;
  const double r2 = p.radius_A * p.radius_A;
  std::vector<Vec3> sites;
  for (int i = -n; i <= n; ++i)
    for (int j = -n; j <= n; ++j)
      for (int k = -n; k <= n; ++k)
        for (const Vec3& b : basis) {
          const Vec3 local = a * (Vec3(i, j, k) + b);
          if (local.squaredNorm() > r2) continue;
          const Vec3 r = p.centre_A + R * local;
          if (g.inside(r)) sites.push_back(detail::wrap_point(g.cell, r));
        }
  return sites;
}

// The element most atoms have (the smallest Z among equals).
int majority_element(const std::map<int, std::size_t>& composition) {
  int best = 0;
  std::size_t count = 0;
  for (const auto& [Z, n] : composition)
    if (n > count) {
      best = Z;
      count = n;
    }
  return best;
}

CrystalLattice resolve_lattice(const NucleiParams& p, int Z) {
  if (p.structure == CrystalStructure::kAuto) {
    CrystalLattice lattice = element_crystal(Z);
    if (p.lattice_constant_A > 0) lattice.lattice_constant_A = p.lattice_constant_A;
    return lattice;
  }
  if (p.lattice_constant_A > 0) return {p.structure, p.lattice_constant_A};
  const CrystalLattice own = element_crystal(Z);
  if (own.structure != p.structure)
    throw InputError("nuclei.lattice_constant_A = 0 (element default), but " +
                         std::string(core::element(Z).symbol) + " is " + to_string(own.structure) +
                         ", not " + to_string(p.structure) + "; give the lattice constant",
                     "nuclei.lattice_constant_A");
  return own;
}

// Embeds crystal nuclei into a specimen, one at a time.
class NucleusBuilder {
 public:
  NucleusBuilder(core::AtomicModel model, const SpecimenParams& params, std::uint64_t seed)
      : model_(std::move(model)),
        geometry_(detail::Geometry::of(params, model_.cell())),
        seed_(seed) {
    const auto composition = core::composition(model_);
    for (const auto& [Z, n] : composition)
      share_[Z] = static_cast<double>(n) / static_cast<double>(model_.size());
    lattice_ = resolve_lattice(params.nuclei, majority_element(composition));
    min_distance_A_ = params.nuclei.min_distance_A > 0 ? params.nuclei.min_distance_A
                                                       : 0.85 * lattice_.nearest_neighbour_A();
  }

  const detail::Geometry& geometry() const { return geometry_; }
  const CrystalLattice& lattice() const { return lattice_; }
  double min_distance_A() const { return min_distance_A_; }
  std::size_t crystalline() const { return crystalline_; }
  std::size_t size() const { return model_.size(); }
  const std::vector<NucleusRecord>& records() const { return records_; }

  std::size_t site_count(const Placement& p) const {
    return crystal_sites(geometry_, lattice_, p).size();
  }

  // True if a nucleus at p would come closer than min_distance_A to a placed one.
  bool overlaps(const Placement& p) const {
    for (const NucleusRecord& r : records_) {
      const double d = detail::min_image(geometry_.cell, r.centre_A, p.centre_A).norm();
      if (d < r.radius_A + p.radius_A + min_distance_A_) return true;
    }
    return false;
  }

  // Replaces the glass atoms of the nucleus sphere, and those closer than min_distance_A to a
  // crystal site, by the crystal; returns its record.
  const NucleusRecord& insert(const Placement& p) {
    const std::vector<Vec3> sites = crystal_sites(geometry_, lattice_, p);
    const auto labels = model_.labels();
    std::vector<char> removed(model_.size(), 0);
    {
      const detail::PointGrid grid(model_.cell(), model_.positions_A(),
                                   std::max(3.0, min_distance_A_));
      const auto mark = [&](std::size_t i, double) {
        if (labels[i] == 0) removed[i] = 1;
      };
      grid.for_each_within(p.centre_A, p.radius_A, mark);
      for (const Vec3& s : sites) grid.for_each_within(s, min_distance_A_, mark);
    }
    NucleusRecord record;
    record.label = static_cast<int>(records_.size()) + 1;
    record.centre_A = p.centre_A;
    record.radius_A = p.radius_A;
    record.lattice = lattice_;
    record.euler_deg = p.euler_deg;
    record.atoms = sites.size();

    core::AtomicModel next(model_.cell());
    next.reserve(model_.size() + sites.size());
    std::map<int, double> count;
    for (std::size_t i = 0; i < model_.size(); ++i) {
      if (removed[i]) {
        ++record.glass_removed;
        continue;
      }
      next.add_atom(model_.positions_A()[i], model_.Z()[i], labels[i]);
      count[model_.Z()[i]] += 1.0;
    }
    const std::vector<int> species =
        crystal_species(count, next.size() + sites.size(), sites.size(), record.label);
    for (std::size_t s = 0; s < sites.size(); ++s)
      next.add_atom(sites[s], species[s], record.label);
    if (!next.has_labels()) next.enable_labels(0);
    model_ = std::move(next);
    crystalline_ += sites.size();
    records_.push_back(record);
    return records_.back();
  }

  core::AtomicModel take_model() { return std::move(model_); }

 private:
  // Species of m crystal atoms: each goes to the element furthest below its share of the
  // total (greedy, so every count ends within one atom of share × total), then they are
  // shuffled over the sites.
  std::vector<int> crystal_species(std::map<int, double> count, std::size_t total, std::size_t m,
                                   int label) const {
    std::vector<int> species;
    species.reserve(m);
    for (std::size_t k = 0; k < m; ++k) {
      int best = 0;
      double deficit = -HUGE_VAL;
      for (const auto& [Z, share] : share_) {
        const double d = share * static_cast<double>(total) - count[Z];
        if (d > deficit) {
          deficit = d;
          best = Z;
        }
      }
      count[best] += 1.0;
      species.push_back(best);
    }
    core::RngStream rng(seed_, "specimen.species", static_cast<std::uint64_t>(label));
    for (std::size_t i = species.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(rng.uniform() * static_cast<double>(i));
      std::swap(species[i - 1], species[std::min(j, i - 1)]);
    }
    return species;
  }

  core::AtomicModel model_;
  detail::Geometry geometry_;
  std::uint64_t seed_;
  std::map<int, double> share_;
  CrystalLattice lattice_;
  double min_distance_A_ = 0.0;
  std::size_t crystalline_ = 0;
  std::vector<NucleusRecord> records_;
};

// A random placement: radius, centre on the surface or inside, orientation.
Placement draw_placement(const NucleiParams& p, const detail::Geometry& g, std::uint64_t seed,
                         std::uint64_t draw) {
  core::RngStream rng(seed, "specimen.nucleus", draw);
  Placement pl;
  pl.radius_A = p.radius_min_A + rng.uniform() * (p.radius_max_A - p.radius_min_A);
  pl.centre_A = p.site == NucleusSite::kSurface ? g.random_surface_point(rng)
                                                : g.random_inside_point(rng, pl.radius_A);
  pl.euler_deg = detail::random_euler_deg(rng);
  return pl;
}

void place_explicit(NucleusBuilder& b, const NucleiParams& p, std::uint64_t seed) {
  const std::size_t n = p.centres_A.size() / 3;
  for (std::size_t k = 0; k < n; ++k) {
    Placement pl;
    pl.centre_A = {p.centres_A[3 * k], p.centres_A[3 * k + 1], p.centres_A[3 * k + 2]};
    pl.radius_A = p.radii_A.size() == 1 ? p.radii_A[0] : p.radii_A[k];
    // Explicit nuclei still get a random orientation, drawn per nucleus.
    core::RngStream rng(seed, "specimen.explicit", k);
    pl.euler_deg = detail::random_euler_deg(rng);
    const std::string where = "nuclei.centres_A";
    if (b.overlaps(pl))
      throw InputError("nucleus " + std::to_string(k + 1) +
                           " overlaps an earlier one (centres closer than r_i + r_j + " +
                           core::format_number(b.min_distance_A()) + " Å)",
                       where);
    if (b.site_count(pl) == 0)
      throw InputError(
          "nucleus " + std::to_string(k + 1) + " at (" + core::format_number(pl.centre_A.x()) +
              ", " + core::format_number(pl.centre_A.y()) + ", " +
              core::format_number(pl.centre_A.z()) + ") Å has no site inside the specimen",
          where);
    b.insert(pl);
  }
}

void place_count(NucleusBuilder& b, const NucleiParams& p, std::uint64_t seed) {
  std::uint64_t draw = 0;
  int failures = 0;
  while (b.records().size() < static_cast<std::size_t>(p.count)) {
    const Placement pl = draw_placement(p, b.geometry(), seed, draw++);
    if (b.overlaps(pl) || b.site_count(pl) == 0) {
      if (++failures >= p.max_attempts)
        throw InputError("nuclei.count = " + std::to_string(p.count) +
                             " is unreachable: " + std::to_string(b.records().size()) +
                             " nuclei placed, then no non-overlapping site in " +
                             std::to_string(p.max_attempts) + " draws",
                         "nuclei.count");
      continue;
    }
    failures = 0;
    b.insert(pl);
  }
}

void place_fraction(NucleusBuilder& b, const NucleiParams& p, std::uint64_t seed) {
  std::uint64_t draw = 0;
  int failures = 0;
  const double target = p.target_fraction;
  while (static_cast<double>(b.crystalline()) < target * static_cast<double>(b.size())) {
    Placement pl = draw_placement(p, b.geometry(), seed, draw++);
    std::size_t m = b.overlaps(pl) ? 0 : b.site_count(pl);
    if (m == 0) {
      if (++failures >= p.max_attempts)
        throw InputError(
            "nuclei.target_fraction = " + core::format_number(target) + " is unreachable: " +
                std::to_string(b.records().size()) + " nuclei hold a fraction " +
                core::format_number(static_cast<double>(b.crystalline()) /
                                    static_cast<double>(b.size())) +
                ", then no non-overlapping nucleus fitted in " + std::to_string(p.max_attempts) +
                " draws (larger nuclei.radius_max_A, a thinner film or "
                "nuclei.site = inside reach more)",
            "nuclei.target_fraction");
      continue;
    }
    failures = 0;
    // The last nucleus: shrink it (not below radius_min_A) towards the atoms still needed,
    // and stop instead if even that overshoots the target by more than stopping falls short.
    const double need =
        target * static_cast<double>(b.size()) - static_cast<double>(b.crystalline());
    if (static_cast<double>(m) > need) {
      double lo = p.radius_min_A, hi = pl.radius_A;
      for (int it = 0; it < 30 && hi - lo > 1e-3; ++it) {
        Placement mid = pl;
        mid.radius_A = 0.5 * (lo + hi);
        (static_cast<double>(b.site_count(mid)) > need ? hi : lo) = mid.radius_A;
      }
      Placement small = pl, large = pl;
      small.radius_A = lo;
      large.radius_A = hi;
      const double m_small = static_cast<double>(b.site_count(small));
      const double m_large = static_cast<double>(b.site_count(large));
      const bool use_small = m_small > 0 && std::abs(m_small - need) <= std::abs(m_large - need);
      pl = use_small ? small : large;
      m = static_cast<std::size_t>(use_small ? m_small : m_large);
      if (std::abs(static_cast<double>(m) - need) >= need) break;
    }
    b.insert(pl);
  }
}

}  // namespace

Specimen build_specimen(const core::AtomicModel& glass, const SpecimenParams& params,
                        std::uint64_t seed) {
  params.validate();
  Specimen result;
  core::AtomicModel carved;
  if (params.shape == SpecimenShape::kFilm) {
    carved = carve_film(glass, params, seed);
  } else {
    carved = carve_particle(glass, params, seed);
    result.carve_euler_deg = carve_euler_deg(params, seed);
  }

  if (params.nuclei.mode == NucleiMode::kNone) {
    result.model = std::move(carved);
  } else {
    NucleusBuilder builder(std::move(carved), params, seed);
    const auto& g = builder.geometry();
    if (g.lateral_periodic && params.nuclei.mode != NucleiMode::kExplicit) {
      const double half_width =
          0.5 * std::min(detail::cell_width(g.cell, 0), detail::cell_width(g.cell, 1));
      core::require(params.nuclei.radius_max_A + builder.min_distance_A() < half_width,
                    "nuclei.radius_max_A", params.nuclei.radius_max_A,
                    "< half the film's lateral period minus min_distance_A (" +
                        core::format_number(half_width - builder.min_distance_A()) + " Å)");
    }
    switch (params.nuclei.mode) {
      case NucleiMode::kExplicit:
        place_explicit(builder, params.nuclei, seed);
        break;
      case NucleiMode::kCount:
        place_count(builder, params.nuclei, seed);
        break;
      case NucleiMode::kFraction:
        place_fraction(builder, params.nuclei, seed);
        break;
      case NucleiMode::kNone:
        break;
    }
    result.nuclei = builder.records();
    result.model = builder.take_model();
  }
  if (!result.model.has_labels()) result.model.enable_labels(0);
  for (std::int32_t label : result.model.labels()) ++result.atoms_per_label[label];
  const std::size_t amorphous =
      result.atoms_per_label.count(0) ? result.atoms_per_label.at(0) : std::size_t{0};
  result.crystalline_fraction = static_cast<double>(result.model.size() - amorphous) /
                                static_cast<double>(result.model.size());
  return result;
}

}  // namespace vitrum::sim
