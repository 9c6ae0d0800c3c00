// The shapes cut from a glass: particles (sphere, ellipsoid) and films. A periodic glass is
// tiled with as many images as the region needs; a non-periodic axis must hold the region.

#include <cmath>
#include <numbers>
#include <string>

#include "specimen_internal.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::sim {

using core::Vec3;

namespace {

constexpr const char* kAxisName[] = {"x", "y", "z"};

std::string pbc_text(const core::Cell& cell) {
  std::string s;
  for (bool p : cell.pbc) s += s.empty() ? (p ? "T" : "F") : (p ? " T" : " F");
  return s;
}

bool any_periodic(const core::Cell& cell) { return cell.pbc[0] || cell.pbc[1] || cell.pbc[2]; }

// The glass with its atoms wrapped into the cell along periodic axes; InputError if empty.
core::AtomicModel wrapped_glass(const core::AtomicModel& glass) {
  if (glass.empty()) throw InputError("the glass model has no atoms", "glass model");
  glass.validate("glass model");
  core::AtomicModel g = glass;
  g.clear_labels();
  core::wrap(g);
  return g;
}

struct Box {
  Vec3 lo = Vec3::Constant(HUGE_VAL), hi = Vec3::Constant(-HUGE_VAL);
};

Box atom_box(const core::AtomicModel& m) {
  Box b;
  for (const Vec3& r : m.positions_A()) {
    b.lo = b.lo.cwiseMin(r);
    b.hi = b.hi.cwiseMax(r);
  }
  return b;
}

// Where a region of Cartesian half-extents `half` is centred in the glass: uniformly random
// along periodic axes, the atoms' centre along the others (which must hold 2·half).
Vec3 region_centre(const core::AtomicModel& g, const Vec3& half, core::RngStream& rng,
                   const std::string& field) {
  const Box box = atom_box(g);
  Vec3 c = 0.5 * (box.lo + box.hi);
  if (any_periodic(g.cell())) {
    Vec3 s;
    for (int a = 0; a < 3; ++a) s[a] = rng.uniform();
    const Vec3 r = g.cell().cartesian(s);
    for (int a = 0; a < 3; ++a)
      if (g.cell().pbc[static_cast<std::size_t>(a)]) c[a] = r[a];
  }
  for (int a = 0; a < 3; ++a) {
    if (g.cell().pbc[static_cast<std::size_t>(a)]) continue;
    const double extent = box.hi[a] - box.lo[a];
    if (2.0 * half[a] > extent + 1e-9)
      throw InputError(field + ": the specimen spans " + core::format_number(2.0 * half[a]) +
                           " Å along " + kAxisName[a] + ", more than the glass (" +
                           core::format_number(extent) + " Å), which is not periodic along " +
                           kAxisName[a] + " and cannot be tiled (glass pbc " + pbc_text(g.cell()) +
                           ")",
                       field);
  }
  return c;
}

// Calls f(position) for every atom of the wrapped glass and of each periodic image that can
// reach the box [lo, hi]; non-periodic axes contribute only the original atoms.
template <class F>
void for_each_image_atom(const core::AtomicModel& g, const Vec3& lo, const Vec3& hi, F&& f) {
  std::array<int, 3> first{0, 0, 0}, last{0, 0, 0};
  if (any_periodic(g.cell())) {
    Vec3 smin = Vec3::Constant(HUGE_VAL), smax = Vec3::Constant(-HUGE_VAL);
    for (int corner = 0; corner < 8; ++corner) {
      const Vec3 r((corner & 1) ? hi.x() : lo.x(), (corner & 2) ? hi.y() : lo.y(),
                   (corner & 4) ? hi.z() : lo.z());
      const Vec3 s = g.cell().fractional(r);
      smin = smin.cwiseMin(s);
      smax = smax.cwiseMax(s);
    }
    for (std::size_t a = 0; a < 3; ++a)
      if (g.cell().pbc[a]) {
        first[a] = static_cast<int>(std::floor(smin[static_cast<int>(a)])) - 1;
        last[a] = static_cast<int>(std::ceil(smax[static_cast<int>(a)]));
      }
  }
  const core::Mat3& v = g.cell().vectors_A;
  const auto positions = g.positions_A();
  const auto Z = g.Z();
  for (int i = first[0]; i <= last[0]; ++i)
    for (int j = first[1]; j <= last[1]; ++j)
      for (int k = first[2]; k <= last[2]; ++k) {
        Vec3 t = Vec3::Zero();
        if (i != 0 || j != 0 || k != 0)
          t = i * v.row(0).transpose() + j * v.row(1).transpose() + k * v.row(2).transpose();
        for (std::size_t n = 0; n < positions.size(); ++n) f(Vec3(positions[n] + t), Z[n]);
      }
}

// A specimen of this many atoms is beyond what any later stage can handle.
constexpr double kMaxSpecimenAtoms = 5e7;

void require_size(const core::AtomicModel& g, double volume_A3, const std::string& field) {
  if (!g.cell().is_valid()) return;
  const double atoms = static_cast<double>(g.size()) / g.cell().volume_A3() * volume_A3;
  if (atoms > kMaxSpecimenAtoms)
    throw InputError(field + ": the specimen would hold ≈ " + core::format_number(atoms) +
                         " atoms, more than the " + core::format_number(kMaxSpecimenAtoms) +
                         " allowed",
                     field);
}

core::AtomicModel require_atoms(core::AtomicModel m, const std::string& what) {
  if (m.empty()) throw InputError(what + " holds no atoms of the glass", "specimen");
  m.enable_labels(0);
  return m;
}

}  // namespace

std::array<double, 3> carve_euler_deg(const SpecimenParams& params, std::uint64_t seed) {
  if (params.orientation == SpecimenOrientation::kFixed) return {0.0, 0.0, 0.0};
  core::RngStream rng(seed, "specimen.carve", 0);
  return detail::random_euler_deg(rng);
}

core::AtomicModel carve_particle(const core::AtomicModel& glass, const SpecimenParams& params,
                                 std::uint64_t seed) {
  params.validate();
  if (params.shape == SpecimenShape::kFilm)
    throw InputError("carve_particle needs shape sphere or ellipsoid", "shape");
  const core::AtomicModel g = wrapped_glass(glass);
  const detail::Geometry geometry = detail::Geometry::of(params, core::Cell{});
  const Vec3 A = geometry.semi_axes_A;
  const std::string field =
      params.shape == SpecimenShape::kSphere ? "particle.radius_A" : "particle.semi_axes_A";
  require_size(g, 4.0 / 3.0 * std::numbers::pi * A.prod(), field);

  const auto e = carve_euler_deg(params, seed);
  const core::Mat3 R = core::euler_zyx_matrix(e[0], e[1], e[2]);
  // Half-extents of the rotated ellipsoid along x, y, z: √(Σᵢ (R_ji Aᵢ)²).
  const Vec3 half = (R * A.asDiagonal()).rowwise().norm();
  core::RngStream rng(seed, "specimen.carve", 1);
  const Vec3 c = region_centre(g, half, rng, field);

  const Vec3 cell_edges = 2.0 * (A + Vec3::Constant(params.vacuum_A));
  core::AtomicModel out(core::Cell::orthorhombic(cell_edges.x(), cell_edges.y(), cell_edges.z(),
                                                 {false, false, false}));
  const core::Mat3 Rt = R.transpose();
  const Vec3 inv_A = A.cwiseInverse();
  for_each_image_atom(g, c - half, c + half, [&](const Vec3& r, int Z) {
    const Vec3 d = Rt * (r - c);
    if (d.cwiseProduct(inv_A).squaredNorm() <= 1.0) out.add_atom(geometry.centre_A + d, Z);
  });
  return require_atoms(std::move(out), "the particle");
}

core::AtomicModel carve_film(const core::AtomicModel& glass, const SpecimenParams& params,
                             std::uint64_t seed) {
  params.validate();
  if (params.shape != SpecimenShape::kFilm)
    throw InputError("carve_film needs shape film", "shape");
  const core::AtomicModel g = wrapped_glass(glass);
  const core::Cell& cell = g.cell();
  const double t = params.film_thickness_A, v = params.vacuum_A;
  core::RngStream rng(seed, "specimen.carve", 1);

  if (params.film_lateral == FilmLateral::kFinite) {
    const double L = params.film_lateral_size_A;
    require_size(g, L * L * t, "film.lateral_size_A");
    const Vec3 half(0.5 * L, 0.5 * L, 0.5 * t);
    const Vec3 lo = region_centre(g, half, rng, "film.lateral_size_A") - half;
    const Vec3 hi = lo + 2.0 * half;
    core::AtomicModel out(
        core::Cell::orthorhombic(L + 2 * v, L + 2 * v, t + 2 * v, {false, false, false}));
    const Vec3 shift = Vec3::Constant(v) - lo;
    for_each_image_atom(g, lo, hi, [&](const Vec3& r, int Z) {
      if ((r.array() >= lo.array()).all() && (r.array() < hi.array()).all())
        out.add_atom(r + shift, Z);
    });
    return require_atoms(std::move(out), "the film");
  }

  if (!cell.pbc[0] || !cell.pbc[1])
    throw InputError(
        "film.lateral = periodic needs a glass periodic along x and y, but its pbc "
        "is " +
            pbc_text(cell) + "; use film.lateral = finite",
        "film.lateral");
  const Vec3 a = cell.vectors_A.row(0).transpose(), b = cell.vectors_A.row(1).transpose(),
             c = cell.vectors_A.row(2).transpose();
  if (std::abs(a.z()) > 1e-9 || std::abs(b.z()) > 1e-9 || c.z() <= 0)
    throw InputError(
        "film.lateral = periodic needs cell vectors a, b in the xy plane and c with "
        "c_z > 0 (free surfaces normal to z)",
        "film.lateral");
  const double h = c.z();
  double z0 = 0.0;
  int first = 0, last = 0;
  if (cell.pbc[2]) {
    z0 = rng.uniform() * h;
    first = static_cast<int>(std::floor(z0 / h)) - 1;
    last = static_cast<int>(std::ceil((z0 + t) / h));
  } else {
    const Box box = atom_box(g);
    const double extent = box.hi.z() - box.lo.z();
    if (t > extent + 1e-9)
      throw InputError("film.thickness_A = " + core::format_number(t) +
                           " Å exceeds the glass's extent along z (" + core::format_number(extent) +
                           " Å), and the glass is not periodic along z (pbc " + pbc_text(cell) +
                           ")",
                       "film.thickness_A");
    z0 = box.lo.z() + 0.5 * (extent - t);
  }
  require_size(g, std::abs(a.cross(b).z()) * t, "film.thickness_A");
  core::Cell out_cell;
  out_cell.vectors_A.row(0) = a.transpose();
  out_cell.vectors_A.row(1) = b.transpose();
  out_cell.vectors_A.row(2) = Vec3(0.0, 0.0, t + 2 * v).transpose();
  out_cell.pbc = {true, true, false};
  core::AtomicModel out(out_cell);
  const auto positions = g.positions_A();
  const auto Z = g.Z();
  for (int k = first; k <= last; ++k)
    for (std::size_t n = 0; n < positions.size(); ++n) {
      const Vec3 r = positions[n] + k * c;
      if (r.z() >= z0 && r.z() < z0 + t) out.add_atom(r + Vec3(0.0, 0.0, v - z0), Z[n]);
    }
  core::wrap(out);
  return require_atoms(std::move(out), "the film");
}

}  // namespace vitrum::sim
