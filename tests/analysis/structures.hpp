#pragma once
// Test structures for the analysis tests: perfect and noisy lattices, ideal gases, clusters.
// Every random draw comes from an RngStream keyed by (seed, purpose, atom), so each structure
// is the same on every run.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/rng.hpp"

namespace vitrum::analysis::testing {

using core::AtomicModel;
using core::Cell;
using core::Vec3;

// Basis of a lattice in units of the cubic (or hexagonal) cell.
inline const std::vector<Vec3>& fcc_basis() {
  static const std::vector<Vec3> b{{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  return b;
}
inline const std::vector<Vec3>& bcc_basis() {
  static const std::vector<Vec3> b{{0, 0, 0}, {0.5, 0.5, 0.5}};
  return b;
}
inline const std::vector<Vec3>& sc_basis() {
  static const std::vector<Vec3> b{{0, 0, 0}};
  return b;
}

// n×n×n cubic cells of edge a_A with the given basis, periodic, Gaussian noise of rms
// sigma_A per axis.
inline AtomicModel cubic_crystal(const std::vector<Vec3>& basis, double a_A, int n, int Z = 73,
                                 double sigma_A = 0.0, std::uint64_t seed = 1) {
  AtomicModel m(Cell::orthorhombic(n * a_A, n * a_A, n * a_A));
  std::uint64_t k = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int l = 0; l < n; ++l)
        for (const Vec3& b : basis) {
          core::RngStream rng(seed, "test.noise", k++);
          Vec3 r = (Vec3(i, j, l) + b) * a_A;
          if (sigma_A > 0) r += sigma_A * Vec3(rng.normal(), rng.normal(), rng.normal());
          m.add_atom(r, Z);
        }
  return m;
}

// Ideal hcp (c/a = sqrt(8/3)) in an orthorhombic cell of nx×ny×nz rectangular cells
// (a, a√3, c), four atoms each.
inline AtomicModel hcp_crystal(double a_A, int nx, int ny, int nz, int Z = 40) {
  const double c = a_A * std::sqrt(8.0 / 3.0);
  const double b = a_A * std::sqrt(3.0);
  AtomicModel m(Cell::orthorhombic(nx * a_A, ny * b, nz * c));
  const std::vector<Vec3> basis{
      {0, 0, 0}, {0.5, 0.5, 0}, {0.5, 1.0 / 6.0, 0.5}, {0.0, 2.0 / 3.0, 0.5}};
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j)
      for (int l = 0; l < nz; ++l)
        for (const Vec3& f : basis)
          m.add_atom(Vec3((i + f.x()) * a_A, (j + f.y()) * b, (l + f.z()) * c), Z);
  return m;
}

// N uniformly random points in a periodic cube (an ideal gas), species drawn with
// probability c_first for Z1, else Z2.
inline AtomicModel ideal_gas(std::size_t n, double box_A, std::uint64_t seed = 7, int Z1 = 40,
                             int Z2 = 29, double c_first = 1.0) {
  AtomicModel m(Cell::orthorhombic(box_A, box_A, box_A));
  for (std::size_t i = 0; i < n; ++i) {
    core::RngStream rng(seed, "test.gas", i);
    const Vec3 r(rng.uniform() * box_A, rng.uniform() * box_A, rng.uniform() * box_A);
    m.add_atom(r, rng.uniform() < c_first ? Z1 : Z2);
  }
  return m;
}

// Gives each atom species Z1 with probability c_first, else Z2 (a random alloy).
inline void randomize_species(AtomicModel& m, int Z1, int Z2, double c_first, std::uint64_t seed) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    core::RngStream rng(seed, "test.species", i);
    m.Z()[i] = static_cast<std::uint8_t>(rng.uniform() < c_first ? Z1 : Z2);
  }
}

// A centred 13-atom icosahedron (centre first) with centre–vertex distance r_A, finite.
inline AtomicModel icosahedron(double r_A, const Vec3& centre = Vec3(10, 10, 10)) {
  AtomicModel m(Cell::orthorhombic(20, 20, 20, {false, false, false}));
  m.add_atom(centre, 73);
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  const double scale = r_A / std::sqrt(1.0 + phi * phi);
  for (int s1 : {-1, 1})
    for (int s2 : {-1, 1}) {
      m.add_atom(centre + scale * Vec3(0, s1, s2 * phi), 73);
      m.add_atom(centre + scale * Vec3(s1, s2 * phi, 0), 73);
      m.add_atom(centre + scale * Vec3(s2 * phi, 0, s1), 73);
    }
  return m;
}

// An ideal pentagonal bipyramid (finite): caps first (on the z axis), then the ring, all
// ring–ring and cap–ring edges of length e_A (caps 1.0515 e apart).
inline AtomicModel pentagonal_bipyramid(double e_A, const Vec3& centre = Vec3(10, 10, 10)) {
  AtomicModel m(Cell::orthorhombic(20, 20, 20, {false, false, false}));
  const double ring_radius = e_A / (2.0 * std::sin(std::numbers::pi / 5.0));
  const double h = std::sqrt(e_A * e_A - ring_radius * ring_radius);
  m.add_atom(centre + Vec3(0, 0, h), 73);
  m.add_atom(centre - Vec3(0, 0, h), 73);
  for (int k = 0; k < 5; ++k) {
    const double phi = 2.0 * std::numbers::pi * k / 5.0;
    m.add_atom(centre + ring_radius * Vec3(std::cos(phi), std::sin(phi), 0), 73);
  }
  return m;
}

}  // namespace vitrum::analysis::testing
