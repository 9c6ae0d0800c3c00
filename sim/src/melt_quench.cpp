#include "vitrum/sim/melt_quench.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::sim {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) {
    const auto first = part.find_first_not_of(" \t");
    const auto last = part.find_last_not_of(" \t");
    parts.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
  }
  return parts;
}

// "A:B" → {A, B}; InputError naming the field and the entry otherwise.
std::pair<std::string, std::string> key_value(const std::string& entry, const std::string& field,
                                              const std::string& expected) {
  const auto colon = entry.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == entry.size())
    throw InputError(field + ": entry '" + entry + "' is not of the form " + expected, field);
  return {entry.substr(0, colon), entry.substr(colon + 1)};
}

std::int64_t steps_for(double time_ps, double timestep_ps) {
  return static_cast<std::int64_t>(std::llround(time_ps / timestep_ps));
}

}  // namespace

std::vector<Species> parse_composition(const std::string& composition, const std::string& proxies,
                                       const std::string& field) {
  std::vector<Species> species;
  for (const std::string& entry : split(composition, ',')) {
    const auto [symbol, fraction_text] = key_value(entry, field, "Element:fraction (e.g. Ta:1)");
    core::element(symbol);  // InputError naming the closest known symbol
    double fraction = 0;
    try {
      std::size_t used = 0;
      fraction = std::stod(fraction_text, &used);
      if (used != fraction_text.size()) throw std::invalid_argument(fraction_text);
    } catch (const std::logic_error&) {
      throw InputError(
          field + ": fraction '" + fraction_text + "' of " + symbol + " is not a number", field);
    }
    if (!(fraction > 0 && fraction <= 1))
      throw InputError(field + ": fraction of " + symbol + " is " + fraction_text +
                           ", expected a number in (0, 1]",
                       field);
    for (const Species& s : species)
      if (s.symbol == symbol) throw InputError(field + ": " + symbol + " is listed twice", field);
    species.push_back({symbol, fraction, symbol});
  }
  if (species.empty()) throw InputError(field + " is empty; expected e.g. \"Ta:1\"", field);
  const double total =
      std::accumulate(species.begin(), species.end(), 0.0,
                      [](double sum, const Species& s) { return sum + s.fraction; });
  if (std::abs(total - 1) > 1e-6)
    throw InputError(
        field + ": fractions sum to " + core::format_number(total) + ", expected 1 (within 1e-6)",
        field);

  if (!proxies.empty())
    for (const std::string& entry : split(proxies, ',')) {
      const auto [symbol, proxy] =
          key_value(entry, "proxies", "Element:PotentialElement (e.g. Ru:Pd)");
      core::element(proxy);
      auto it = std::find_if(species.begin(), species.end(),
                             [&](const Species& s) { return s.symbol == symbol; });
      if (it == species.end())
        throw InputError("proxies: " + symbol + " is not in the composition '" + composition + "'",
                         "proxies");
      it->potential_symbol = proxy;
    }
  return species;
}

std::vector<std::size_t> species_counts(const std::vector<Species>& species, std::size_t atoms) {
  std::vector<std::size_t> counts(species.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t assigned = 0;
  for (std::size_t k = 0; k < species.size(); ++k) {
    const double share = species[k].fraction * static_cast<double>(atoms);
    counts[k] = static_cast<std::size_t>(std::floor(share));
    assigned += counts[k];
    remainders.push_back({share - std::floor(share), k});
  }
  // Largest remainder first; ties by species order, so the result is deterministic.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; assigned < atoms; ++i, ++assigned) ++counts[remainders[i].second];
  return counts;
}

core::ParamSet MeltQuenchParams::params() {
  core::ParamSet p;
  p.add("composition", composition, "", "species and atom fractions, \"El:x,El:x,…\" summing to 1")
      .add("proxies", proxies, "",
           "potential element standing in for an element the potential lacks, \"Ru:Pd,…\" "
           "(the atoms keep their true Z)")
      .add("potential", potential, "",
           "potential file (.eam.alloy, .eam.fs, .eam): a path, a file of Debian's lammps-data, "
           "or \"zhou\" (Zhou–Johnson–Wadley 2004 database, generated)")
      .add("atoms", atoms, "", "number of atoms")
      .add_choice("start.lattice", lattice,
                  {{"bcc", StartLattice::kBcc}, {"fcc", StartLattice::kFcc}},
                  "lattice the run starts from (it melts)")
      .add("start.lattice_constant_A", lattice_constant_A, "Å", "start lattice constant")
      .add("start.model", start_model, "",
           "LAMMPS data file to start from instead of the lattice (types = composition order)")
      .add("start.minimize", minimize_start, "",
           "minimise the start model's energy before the dynamics (start.model only)")
      .add("start.boundary", boundary, "",
           "LAMMPS boundary, e.g. \"p p s\" (non-periodic axes: NVT instead of NPT)")
      .add("melt.temperature_K", melt_K, "K", "melt and equilibration temperature")
      .add("melt.time_ps", melt_ps, "ps", "NPT time at the melt temperature")
      .add("quench.final_K", final_K, "K", "temperature at the end of the ramp")
      .add("quench.cooling_K_per_ps", cooling_K_per_ps, "K/ps", "cooling rate (10 K/ps = 1e13 K/s)")
      .add("quench.hold_ps", hold_ps, "ps", "NPT time at the final temperature")
      .add("quench.snapshots_K", snapshots_K, "K", "snapshots at these set-points along the ramp")
      .add("npt.pressure_bar", pressure_bar, "bar", "isotropic pressure")
      .add("npt.timestep_fs", timestep_fs, "fs", "MD timestep")
      .add("npt.tdamp_steps", tdamp_steps, "", "thermostat damping in timesteps")
      .add("npt.pdamp_steps", pdamp_steps, "", "barostat damping in timesteps")
      .add("output.thermo_ps", thermo_ps, "ps", "thermo log interval")
      .add("output.checkpoint_ps", checkpoint_ps, "ps", "restart files at most this far apart")
      .add("mpi_ranks", mpi_ranks, "", "MPI ranks of the LAMMPS worker (mpirun -np N)");
  return p;
}

void MeltQuenchParams::validate() const {
  (void)species();
  const std::vector<std::string> axes = split(boundary, ' ');
  if (axes.size() != 3 || std::any_of(axes.begin(), axes.end(), [](const std::string& a) {
        return a != "p" && a != "s" && a != "f" && a != "m";
      }))
    throw InputError("start.boundary = \"" + boundary +
                         "\" is not three LAMMPS boundary letters (p, s, f or m), e.g. \"p p s\"",
                     "start.boundary");
  if (!fully_periodic() && start_model.empty())
    throw InputError("start.boundary = \"" + boundary +
                         "\" needs start.model: a lattice melt–quench is periodic",
                     "start.boundary");
  core::require(atoms >= 2 && atoms <= 100'000'000, "atoms", atoms, "2 … 1e8");
  core::require(lattice_constant_A >= 1.5 && lattice_constant_A <= 10, "start.lattice_constant_A",
                lattice_constant_A, "1.5 … 10 Å");
  core::require(final_K > 0, "quench.final_K", final_K, "> 0 K");
  core::require(melt_K >= final_K && melt_K <= 20000, "melt.temperature_K", melt_K,
                "≥ quench.final_K (equal: an anneal without a ramp, e.g. a crystal), ≤ 20000 K");
  core::require(melt_ps >= 0, "melt.time_ps", melt_ps, "≥ 0 ps");
  core::require(cooling_K_per_ps > 0, "quench.cooling_K_per_ps", cooling_K_per_ps, "> 0");
  core::require(hold_ps >= 0, "quench.hold_ps", hold_ps, "≥ 0 ps");
  core::require(timestep_fs > 0 && timestep_fs <= 10, "npt.timestep_fs", timestep_fs, "(0, 10] fs");
  core::require(tdamp_steps >= 10, "npt.tdamp_steps", tdamp_steps, "≥ 10");
  core::require(pdamp_steps >= 100, "npt.pdamp_steps", pdamp_steps, "≥ 100");
  core::require(pressure_bar > -1e5 && pressure_bar < 1e6, "npt.pressure_bar", pressure_bar,
                "-1e5 … 1e6 bar");
  core::require(thermo_ps >= timestep_fs * 1e-3, "output.thermo_ps", thermo_ps, "≥ one timestep");
  core::require(checkpoint_ps >= thermo_ps, "output.checkpoint_ps", checkpoint_ps,
                "≥ output.thermo_ps");
  core::require(mpi_ranks >= 1 && mpi_ranks <= 4096, "mpi_ranks", mpi_ranks, "1 … 4096");
  for (double t : snapshots_K)
    core::require(t > final_K && t < melt_K, "quench.snapshots_K", t,
                  "between quench.final_K and melt.temperature_K (the ramp; the liquid and the "
                  "final glass are always kept)");
  if (melt_K > final_K)
    core::require(ramp_steps() >= 1, "quench.cooling_K_per_ps", cooling_K_per_ps,
                  "slow enough for at least one timestep of ramp");
  core::require(melt_steps() + ramp_steps() + hold_steps() >= 1, "melt.time_ps", melt_ps,
                "> 0 when there is neither a ramp nor a hold");
}

std::int64_t MeltQuenchParams::melt_steps() const { return steps_for(melt_ps, timestep_ps()); }
std::int64_t MeltQuenchParams::ramp_steps() const {
  return steps_for((melt_K - final_K) / cooling_K_per_ps, timestep_ps());
}
std::int64_t MeltQuenchParams::hold_steps() const { return steps_for(hold_ps, timestep_ps()); }

void write_melt_quench(const std::filesystem::path& path, const MeltQuenchResult& result,
                       const core::Provenance& provenance, WallTime wall_time) {
  if (result.snapshots.empty())
    throw InputError("a melt–quench result without snapshots cannot be written", path.string());
  core::Hdf5Writer writer(path);
  core::write_atoms_group(writer, result.snapshots.back().model, "/atoms");
  for (std::size_t k = 0; k < result.snapshots.size(); ++k) {
    const Snapshot& s = result.snapshots[k];
    const std::string group = "/snapshots/" + std::to_string(k);
    core::write_atoms_group(writer, s.model, group);
    writer.write_attribute(group, "stage", s.stage);
    writer.write_attribute(group, "target_K", s.target_K);
    writer.write_attribute(group, "temperature_K", s.temperature_K);
    writer.write_attribute(group, "step", static_cast<double>(s.step));
    writer.write_attribute(group, "crystalline_fraction", s.crystalline_fraction);
  }
  writer.write_attribute("/snapshots", "count", static_cast<double>(result.snapshots.size()));
  const ThermoLog& t = result.thermo;
  const std::size_t n = t.size();
  std::vector<double> steps(t.step.begin(), t.step.end());
  writer.write_array<double>("/thermo/step", steps, {n});
  writer.write_array<double>("/thermo/time_ps", t.time_ps, {n}, "ps");
  writer.write_array<double>("/thermo/temperature_K", t.temperature_K, {n}, "K");
  writer.write_array<double>("/thermo/pressure_bar", t.pressure_bar, {n}, "bar");
  writer.write_array<double>("/thermo/potential_energy_eV", t.potential_energy_eV, {n}, "eV");
  writer.write_array<double>("/thermo/volume_A3", t.volume_A3, {n}, "Å^3");
  writer.write_attribute("/potential", "parameter", result.potential.parameter);
  writer.write_attribute("/potential", "file", result.potential.file);
  writer.write_attribute("/potential", "style", result.potential.style);
  writer.write_attribute("/potential", "sha256", result.potential.sha256);
  writer.write_attribute("/potential", "elements", result.potential.elements);
  writer.write_attribute("/md", "lammps_version", result.lammps_version);
  writer.write_attribute("/md", "mpi_ranks", result.mpi_ranks);
  if (wall_time == WallTime::kRecord) writer.write_attribute("/md", "wall_s", result.wall_s);
  writer.write_attribute("/md", "atom_steps", static_cast<double>(result.atom_steps));
  writer.write_provenance(provenance);
  writer.commit();
}

MeltQuenchResult read_melt_quench(const std::filesystem::path& path) {
  const core::Hdf5Reader reader(path);
  MeltQuenchResult result;
  const auto count = static_cast<std::size_t>(reader.read_number_attribute("/snapshots", "count"));
  for (std::size_t k = 0; k < count; ++k) {
    const std::string group = "/snapshots/" + std::to_string(k);
    Snapshot s;
    s.model = core::read_atoms_group(reader, group);
    s.stage = reader.read_string_attribute(group, "stage");
    s.target_K = reader.read_number_attribute(group, "target_K");
    s.temperature_K = reader.read_number_attribute(group, "temperature_K");
    s.step = static_cast<std::int64_t>(reader.read_number_attribute(group, "step"));
    s.crystalline_fraction = reader.read_number_attribute(group, "crystalline_fraction");
    result.snapshots.push_back(std::move(s));
  }
  const auto column = [&](const std::string& name) {
    return reader.read_array<double>("/thermo/" + name).values;
  };
  for (double step : column("step")) result.thermo.step.push_back(static_cast<std::int64_t>(step));
  const std::size_t n = result.thermo.step.size();
  const auto checked = [&](const std::string& name) {
    std::vector<double> values = column(name);
    if (values.size() != n)
      throw InputError("dataset /thermo/" + name + " has " + std::to_string(values.size()) +
                           " rows, expected " + std::to_string(n) + " as /thermo/step",
                       path.string());
    return values;
  };
  result.thermo.time_ps = checked("time_ps");
  result.thermo.temperature_K = checked("temperature_K");
  result.thermo.pressure_bar = checked("pressure_bar");
  result.thermo.potential_energy_eV = checked("potential_energy_eV");
  result.thermo.volume_A3 = checked("volume_A3");
  result.potential.parameter = reader.read_string_attribute("/potential", "parameter");
  result.potential.file = reader.read_string_attribute("/potential", "file");
  result.potential.style = reader.read_string_attribute("/potential", "style");
  result.potential.sha256 = reader.read_string_attribute("/potential", "sha256");
  result.potential.elements = reader.read_string_attribute("/potential", "elements");
  result.lammps_version = static_cast<int>(reader.read_number_attribute("/md", "lammps_version"));
  result.mpi_ranks = static_cast<int>(reader.read_number_attribute("/md", "mpi_ranks"));
  try {  // only the MD worker's result file records it (WallTime::kRecord)
    result.wall_s = reader.read_number_attribute("/md", "wall_s");
  } catch (const InputError&) {
    result.wall_s = 0;
  }
  result.atom_steps = static_cast<std::int64_t>(reader.read_number_attribute("/md", "atom_steps"));
  return result;
}

}  // namespace vitrum::sim
