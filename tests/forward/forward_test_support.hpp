#pragma once
// Small specimens and grids shared by the forward tests.

#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/forward/potential.hpp"
#include "vitrum/forward/probe.hpp"

namespace vitrum::forward::testing {

/// Atoms (x, y, z in Å, Z) in a non-periodic model.
inline core::AtomicModel model_of(const std::vector<std::array<double, 4>>& atoms) {
  core::AtomicModel model(core::Cell::orthorhombic(20, 20, 20, {false, false, false}));
  for (const auto& a : atoms) model.add_atom({a[0], a[1], a[2]}, static_cast<int>(a[3]));
  return model;
}

/// A square grid of n×n pixels of `sampling_A` with its origin at 0.
inline LateralGrid square_grid(std::size_t n, double sampling_A) {
  LateralGrid g;
  g.nx = g.ny = n;
  g.sampling_A = sampling_A;
  return g;
}

/// The peers' benchmark probe: 200 kV, 20 mrad, no aberrations.
inline ProbeParams probe_200kV_20mrad() {
  ProbeParams p;
  p.energy_keV = 200;
  p.convergence_semiangle_mrad = 20;
  return p;
}

}  // namespace vitrum::forward::testing
