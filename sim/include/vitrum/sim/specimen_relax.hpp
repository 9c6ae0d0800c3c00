#pragma once
/// \file
/// A short NVT relaxation of a specimen's new surfaces (`relax_ps` of SpecimenParams): the
/// specimen goes to LAMMPS as a data file, runs at a fixed temperature with shrink-wrapped
/// free axes, and comes back with its labels and cell unchanged.

#include <filesystem>
#include <string>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/sim/melt_quench.hpp"

namespace vitrum::sim {

struct SurfaceRelaxation {
  double time_ps = 0;
  double temperature_K = 300;
  std::string potential;  ///< as MeltQuenchParams::potential
  std::string proxies;    ///< "El:PotentialEl,…"; entries for elements absent here are dropped
  double timestep_fs = 2;
};

/// The MD parameters of the relaxation of `specimen`, which starts from `data_file` (the
/// specimen as core::write_lammps_data writes it: one type per element in increasing Z).
/// Periodic axes stay periodic ("p"), free axes are shrink-wrapped ("s"); the energy is first
/// minimised (the carved surfaces and inserted nuclei hold close pairs), then the run is NVT.
MeltQuenchParams surface_relaxation_params(const core::AtomicModel& specimen,
                                           const SurfaceRelaxation& relaxation,
                                           const std::filesystem::path& data_file);

/// "Ru→Pd,Pt" (the potential record of a `vitrum sim` model) as proxies "Ru:Pd".
std::string proxies_from_record(const std::string& potential_elements);

/// The specimen with the relaxed atoms' positions (same order); labels and cell are kept and
/// periodic axes wrapped. InputError if the atom counts or elements differ.
core::AtomicModel with_relaxed_positions(const core::AtomicModel& specimen,
                                         const core::AtomicModel& relaxed);

}  // namespace vitrum::sim
