// The recipes' parameters and why they are what they are.
//
// Ta (seed 001 Methods): 31,250 atoms, melted at 5,200 K, quenched at 1e13 K/s (10 K/ps) in
//   NPT to 300 K. The paper's potential (its ref. 19) is not in Debian's lammps-data; the Ta
//   of CuTa.eam.alloy (Zhou–Johnson–Wadley 2004) stands in. Zhou Ta at 1e13 K/s is close to
//   its critical cooling rate, so crystallinity is measured on every snapshot (PHYSICS.md §1).
// Pd: "likewise" (seed 001); Foiles' Pd_u3.eam (funcfl) from lammps-data, fcc start.
// Zr65Cu17.5Ni10Al7.5 (seed 002): one consistent Zhou 2004 potential for all four elements;
//   1 fs timestep because of Al and Ni (PHYSICS.md §1).
// Ni: the fcc crystal (a = 3.52 Å) of seed 002's laminate — equilibrated at 300 K, no melt.
// mg3 (seed 000): eight species in three types, Co, Ni | Ru, Rh, Pd, Ag | Ir, Pt. Seed 000
//   gives no composition; vitrum takes it equiatomic (12.5 % each). The Zhou database lacks
//   Ru, Rh and Ir: Ru and Rh are modelled with Pd's potential (their 4d neighbour, metallic
//   radii 1.34 vs 1.37 Å), Ir with Pt's (its 5d neighbour, 1.36 vs 1.39 Å); the atoms keep
//   their true Z for scattering and their true masses.
// -small variants: about 2,000 atoms at 1e14 K/s with short melt and hold, ~1 min on 2 cores.

#include "vitrum/sim/recipes.hpp"

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::sim {
namespace {

/// What differs between recipes; everything else keeps MeltQuenchParams' defaults.
struct Spec {
  std::string composition, proxies, potential;
  int atoms = 0;
  std::string lattice;
  double lattice_constant_A = 0, melt_K = 0, melt_ps = 0;
  double cooling_K_per_ps = 10, hold_ps = 0;
  std::string snapshots_K = "[]";
  double timestep_fs = 2;
};

std::string toml(const Spec& s) {
  const auto number = [](double v) { return core::format_number(v); };
  return "composition = \"" + s.composition + "\"\nproxies = \"" + s.proxies +
         "\"\npotential = \"" + s.potential + "\"\natoms = " + std::to_string(s.atoms) +
         "\n[start]\nlattice = \"" + s.lattice +
         "\"\nlattice_constant_A = " + number(s.lattice_constant_A) +
         "\n[melt]\ntemperature_K = " + number(s.melt_K) + "\ntime_ps = " + number(s.melt_ps) +
         "\n[quench]\nfinal_K = 300.0\ncooling_K_per_ps = " + number(s.cooling_K_per_ps) +
         "\nhold_ps = " + number(s.hold_ps) + "\nsnapshots_K = " + s.snapshots_K +
         "\n[npt]\ntimestep_fs = " + number(s.timestep_fs) + "\n";
}

Spec ta(int atoms, double melt_ps, double rate, double hold_ps, std::string snapshots) {
  return {"Ta:1", "",      "CuTa.eam.alloy",     atoms, "bcc", 3.30, 5200, melt_ps,
          rate,   hold_ps, std::move(snapshots), 2};
}
Spec pd(int atoms, double melt_ps, double rate, double hold_ps, std::string snapshots) {
  return {"Pd:1", "",      "Pd_u3.eam",          atoms, "fcc", 3.89, 2500, melt_ps,
          rate,   hold_ps, std::move(snapshots), 2};
}
Spec zrcunial(int atoms, double melt_ps, double rate, double hold_ps, std::string snapshots) {
  return {"Zr:0.65,Cu:0.175,Ni:0.10,Al:0.075",
          "",
          "zhou",
          atoms,
          "bcc",
          3.50,
          2500,
          melt_ps,
          rate,
          hold_ps,
          std::move(snapshots),
          1};
}
Spec ni(int atoms, double equilibrate_ps) {
  return {"Ni:1", "", "Ni_u3.eam", atoms, "fcc", 3.52, 300, equilibrate_ps, 10, 0, "[]", 2};
}
Spec mg3(int atoms, double melt_ps, double rate, double hold_ps, std::string snapshots) {
  return {"Co:0.125,Ni:0.125,Ru:0.125,Rh:0.125,Pd:0.125,Ag:0.125,Ir:0.125,Pt:0.125",
          "Ru:Pd,Rh:Pd,Ir:Pt",
          "zhou",
          atoms,
          "fcc",
          3.80,
          3000,
          melt_ps,
          rate,
          hold_ps,
          std::move(snapshots),
          2};
}

}  // namespace

const std::vector<Recipe>& recipes() {
  static const std::vector<Recipe> all{
      {"ta", "Ta glass, 31,250 atoms, 5,200 → 300 K at 1e13 K/s (seed 001), Zhou 2004 Ta",
       toml(ta(31250, 50, 10, 10,
               "[4500.0, 4000.0, 3500.0, 3000.0, 2500.0, 2000.0, 1500.0, 1000.0, 500.0]"))},
      {"pd", "Pd glass, 32,000 atoms, 2,500 → 300 K at 1e13 K/s, Foiles Pd_u3.eam",
       toml(pd(32000, 50, 10, 10, "[2000.0, 1500.0, 1000.0, 500.0]"))},
      {"zrcunial", "Zr65Cu17.5Ni10Al7.5 glass, 31,250 atoms, 2,500 → 300 K at 1e13 K/s, Zhou 2004",
       toml(zrcunial(31250, 50, 10, 10, "[2000.0, 1500.0, 1000.0, 500.0]"))},
      {"ni", "fcc Ni crystal (a = 3.52 Å), 4,000 atoms, NPT at 300 K, Foiles Ni_u3.eam",
       toml(ni(4000, 20))},
      {"mg3",
       "8-species glass in 3 types (seed 000), equiatomic, 32,000 atoms, 1e13 K/s, Zhou 2004 "
       "with Ru, Rh → Pd and Ir → Pt proxies",
       toml(mg3(32000, 50, 10, 10, "[2500.0, 2000.0, 1500.0, 1000.0, 500.0]"))},
      {"ta-small", "Ta glass, 2,000 atoms, 5,200 → 300 K at 1e14 K/s (tests, demo)",
       toml(ta(2000, 10, 100, 5, "[3000.0, 2000.0, 1000.0]"))},
      {"pd-small", "Pd glass, 2,048 atoms, 2,500 → 300 K at 1e14 K/s (tests, demo)",
       toml(pd(2048, 10, 100, 5, "[1500.0, 1000.0]"))},
      {"zrcunial-small", "Zr65Cu17.5Ni10Al7.5 glass, 2,000 atoms, 1e14 K/s (tests, demo)",
       toml(zrcunial(2000, 10, 100, 5, "[1500.0, 1000.0]"))},
      {"ni-small", "fcc Ni crystal, 500 atoms, NPT at 300 K (tests, demo)", toml(ni(500, 5))},
      {"mg3-small", "8-species glass in 3 types, 2,048 atoms, 1e14 K/s (tests, demo)",
       toml(mg3(2048, 10, 100, 5, "[2000.0, 1000.0]"))},
  };
  return all;
}

const Recipe& recipe(const std::string& name) {
  std::string names;
  for (const Recipe& r : recipes()) {
    if (r.name == name) return r;
    names += (names.empty() ? "" : ", ") + r.name;
  }
  throw InputError("unknown recipe '" + name + "'; known: " + names, "--recipe");
}

}  // namespace vitrum::sim
