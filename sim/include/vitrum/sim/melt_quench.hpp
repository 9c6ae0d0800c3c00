#pragma once
/// \file
/// Melt–quench of a glass with LAMMPS (PHYSICS.md §1; seed 001 Methods "MD simulations"):
/// start from a bcc/fcc lattice with the exact composition, melt and equilibrate in NPT at
/// T_melt, cool linearly to T_final at a set rate (Nosé–Hoover NPT, `fix npt temp T_melt
/// T_final`), hold at T_final. Snapshots are taken at chosen temperatures along the ramp
/// (seed 001 analyses structures all along the quench), together with the thermo log.
///
/// The parameters, the composition, the potential file and what a run produces live here;
/// LAMMPS itself stays in src/ (md_worker.hpp runs it in a worker process).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/provenance.hpp"

namespace vitrum::sim {

/// One species of a composition: the element the atoms are (true Z, used for scattering)
/// and the element of the potential that stands in for it (a proxy when the potential does
/// not cover the element, e.g. Ru → Pd for the Zhou 2004 database; PHYSICS.md §1).
struct Species {
  std::string symbol;            ///< element of the atoms, e.g. "Ru"
  double fraction = 0;           ///< atom fraction, all species sum to 1
  std::string potential_symbol;  ///< element of the potential; equal to `symbol` unless a proxy
};

/// Parses "Zr:0.65,Cu:0.175,Ni:0.10,Al:0.075" (fractions summing to 1 within 1e-6) and the
/// optional proxy list "Ru:Pd,Rh:Pd,Ir:Pt". InputError naming `field` and what is wrong.
std::vector<Species> parse_composition(const std::string& composition, const std::string& proxies,
                                       const std::string& field = "composition");

/// Exact atom counts per species for `atoms` atoms: largest-remainder rounding of
/// fraction × atoms, so the counts sum to `atoms` and each is within 1 of its share.
std::vector<std::size_t> species_counts(const std::vector<Species>& species, std::size_t atoms);

enum class StartLattice { kBcc, kFcc };

/// Everything a melt–quench needs. Defaults: the seed-001 Ta protocol at a small size.
struct MeltQuenchParams {
  std::string composition = "Ta:1";  ///< "El:fraction,…"
  std::string proxies;               ///< "El:PotentialEl,…" (empty: none)
  /// Potential file (setfl `.eam.alloy`, Finnis–Sinclair `.eam.fs`, funcfl `.eam` for one
  /// species): a path, a file name in Debian's lammps-data directory
  /// (/usr/share/lammps/potentials), or "zhou" for the Zhou–Johnson–Wadley (2004) database
  /// generated for the species' potential elements.
  std::string potential = "CuTa.eam.alloy";
  int atoms = 2000;  ///< number of atoms; the start lattice is the smallest cube holding them
  StartLattice lattice = StartLattice::kBcc;
  /// A LAMMPS data file to start from instead of a lattice (e.g. a specimen to relax); its
  /// atom types are the species in the order of `composition`, which must hold exactly the
  /// file's elements (vitrum writes types in increasing Z). `atoms` and `lattice` are ignored.
  std::string start_model;
  /// LAMMPS boundary of the start model, e.g. "p p s" for a film, "s s s" for a particle; any
  /// non-periodic axis makes the run NVT (no barostat), at the same temperatures.
  std::string boundary = "p p p";
  /// Minimise the start model's energy (conjugate gradient, force tolerance 1e-6 eV/Å, at most
  /// 1000 iterations) before the dynamics: a carved specimen with inserted nuclei holds close
  /// pairs whose energy would otherwise heat it by hundreds of K.
  bool minimize_start = false;
  double lattice_constant_A = 3.30;  ///< start lattice constant (Ta bcc 3.30 Å; any sane value)
  double melt_K = 5200;              ///< melt and equilibration temperature (001 M: 5,200 K for Ta)
  double melt_ps = 50;               ///< NPT time at melt_K (PHYSICS.md §1 protocol)
  double final_K = 300;              ///< end of the ramp
  double cooling_K_per_ps = 10;      ///< 10 K/ps = 10¹³ K/s (001 M)
  double hold_ps = 10;               ///< NPT time at final_K after the ramp
  double pressure_bar = 0;
  double timestep_fs = 2;  ///< 2 fs for Ta (PHYSICS.md §1; 1–2 fs with Al/Ni)
  int tdamp_steps = 100;   ///< thermostat damping in timesteps (100 Δt)
  int pdamp_steps = 1000;  ///< barostat damping in timesteps (1000 Δt)
  std::vector<double> snapshots_K{2000, 1500, 1000};  ///< extra snapshots along the ramp
  double thermo_ps = 1;                               ///< thermo log interval
  double checkpoint_ps = 50;  ///< restart file at most this far apart (resume after a crash)
  int mpi_ranks = 1;          ///< LAMMPS MPI ranks of the worker (mpirun -np N)

  core::ParamSet params();
  std::string params_toml() const { return MeltQuenchParams(*this).params().to_toml(); }
  /// InputError naming the field, its value and the allowed range; also parses the
  /// composition and proxies and checks the snapshot temperatures lie on the ramp.
  void validate() const;

  std::vector<Species> species() const { return parse_composition(composition, proxies); }
  double timestep_ps() const { return timestep_fs * 1e-3; }
  bool fully_periodic() const { return boundary == "p p p"; }
  /// Steps of each phase: melt, ramp, hold (timestep_ps rounding).
  std::int64_t melt_steps() const;
  std::int64_t ramp_steps() const;
  std::int64_t hold_steps() const;
};

/// The thermodynamic record of a run, one row per thermo interval.
struct ThermoLog {
  std::vector<std::int64_t> step;
  std::vector<double> time_ps, temperature_K, pressure_bar, potential_energy_eV, volume_A3;
  std::size_t size() const { return step.size(); }
};

/// A model taken during the run.
struct Snapshot {
  std::string stage;         ///< "melt", "quench", "final"
  double target_K = 0;       ///< thermostat set-point when it was taken
  double temperature_K = 0;  ///< instantaneous kinetic temperature
  std::int64_t step = 0;
  core::AtomicModel model;           ///< true Z per atom, periodic cell, positions in [0, L)
  double crystalline_fraction = -1;  ///< filled by the caller's crystallinity check (−1: not)
};

/// The potential that made a model (recorded in every output).
struct PotentialRecord {
  std::string parameter;  ///< the `potential` parameter as given ("zhou", a name or a path)
  std::string file;       ///< as resolved (absolute path or generated file name)
  std::string style;      ///< LAMMPS pair style: eam, eam/alloy, eam/fs
  std::string sha256;     ///< of the file's bytes
  std::string elements;   ///< potential element per species, "Ta" or "Ru→Pd,…"
};

struct MeltQuenchResult {
  std::vector<Snapshot> snapshots;  ///< in the order taken; the last is the final glass
  ThermoLog thermo;
  PotentialRecord potential;
  int lammps_version = 0;  ///< YYYYMMDD
  int mpi_ranks = 1;
  double wall_s = 0;            ///< wall time of the MD (this run only if it was resumed)
  std::int64_t atom_steps = 0;  ///< atoms × steps run in this process
};

/// Writes a melt–quench result: `/atoms` is the final glass (so every command reads it as a
/// model); `/snapshots/<k>/` holds each snapshot in the `/atoms` schema with attributes
/// stage, target_K, temperature_K, step, crystalline_fraction; `/thermo/` the log columns;
/// `/potential` attributes parameter, file, style, sha256, elements; `/md` attributes
/// lammps_version, mpi_ranks, atom_steps (and wall_s with WallTime::kRecord); `/meta`
/// provenance. Written to a temporary file and renamed.
/// Whether write_melt_quench records the MD wall time (`/md` wall_s): the MD worker's result
/// file carries it to the parent; a command's output omits it, so the same seed gives the same
/// bytes.
enum class WallTime { kOmit, kRecord };
void write_melt_quench(const std::filesystem::path& path, const MeltQuenchResult& result,
                       const core::Provenance& provenance, WallTime wall_time = WallTime::kOmit);
/// Reads what write_melt_quench wrote. InputError naming the file and dataset on a mismatch.
MeltQuenchResult read_melt_quench(const std::filesystem::path& path);

}  // namespace vitrum::sim
