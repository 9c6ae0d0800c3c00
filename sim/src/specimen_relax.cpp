#include "vitrum/sim/specimen_relax.hpp"

#include <cstdio>
#include <sstream>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::sim {

MeltQuenchParams surface_relaxation_params(const core::AtomicModel& specimen,
                                           const SurfaceRelaxation& relaxation,
                                           const std::filesystem::path& data_file) {
  MeltQuenchParams p;
  // Composition in increasing Z: the type order of core::write_lammps_data.
  const auto counts = core::composition(specimen);
  p.composition.clear();
  for (const auto& [Z, count] : counts) {
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%.17g",
                  static_cast<double>(count) / static_cast<double>(specimen.size()));
    if (!p.composition.empty()) p.composition += ',';
    p.composition.append(core::element(Z).symbol).append(":").append(fraction);
  }
  std::stringstream entries(relaxation.proxies);
  std::string entry;
  p.proxies.clear();
  while (std::getline(entries, entry, ',')) {
    const std::string symbol = entry.substr(0, entry.find(':'));
    if (core::is_element_symbol(symbol) && counts.count(core::element(symbol).Z))
      p.proxies.append(p.proxies.empty() ? "" : ",").append(entry);
  }
  p.potential = relaxation.potential;
  p.start_model = data_file.string();
  p.minimize_start = true;
  const auto& pbc = specimen.cell().pbc;
  p.boundary = "p p p";
  for (std::size_t axis = 0; axis < 3; ++axis)
    if (!pbc[axis]) p.boundary[2 * axis] = 's';
  p.atoms = static_cast<int>(specimen.size());
  p.melt_K = p.final_K = relaxation.temperature_K;
  p.melt_ps = relaxation.time_ps;
  p.hold_ps = 0;
  p.snapshots_K.clear();
  p.timestep_fs = relaxation.timestep_fs;
  p.thermo_ps = std::min(p.thermo_ps, relaxation.time_ps);
  p.checkpoint_ps = std::max(p.checkpoint_ps, p.thermo_ps);
  return p;
}

std::string proxies_from_record(const std::string& potential_elements) {
  std::stringstream entries(potential_elements);
  std::string entry, proxies;
  const std::string arrow = "→";
  while (std::getline(entries, entry, ',')) {
    const auto at = entry.find(arrow);
    if (at == std::string::npos) continue;
    if (!proxies.empty()) proxies += ',';
    proxies.append(entry, 0, at).append(":").append(entry, at + arrow.size());
  }
  return proxies;
}

core::AtomicModel with_relaxed_positions(const core::AtomicModel& specimen,
                                         const core::AtomicModel& relaxed) {
  if (relaxed.size() != specimen.size())
    throw InputError("the relaxation returned " + std::to_string(relaxed.size()) +
                         " atoms for a specimen of " + std::to_string(specimen.size()),
                     "relax_ps");
  core::AtomicModel out = specimen;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (relaxed.Z()[i] != specimen.Z()[i])
      throw InputError("the relaxation changed the element of atom " + std::to_string(i),
                       "relax_ps");
    out.positions_A()[i] = relaxed.positions_A()[i];
  }
  core::wrap(out);
  return out;
}

}  // namespace vitrum::sim
