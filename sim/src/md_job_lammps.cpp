// The melt–quench through LAMMPS' C library interface (the only file that talks to LAMMPS
// besides lammps_version.cpp). Every call here is collective under MPI.

#include <library.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/sim/md_job.hpp"

namespace vitrum::sim {
namespace {

/// A LAMMPS instance on MPI_COMM_WORLD (a singleton when not under mpirun), its screen
/// output off and its log appended to the job's log file.
class Lammps {
 public:
  explicit Lammps(const std::filesystem::path& log) {
    const char* args[] = {"vitrum", "-log", "none", "-screen", "none", "-nocite"};
    handle_ = lammps_open_no_mpi(6, const_cast<char**>(args), nullptr);
    command("log " + log.string() + " append");
  }
  ~Lammps() { lammps_close(handle_); }
  Lammps(const Lammps&) = delete;
  Lammps& operator=(const Lammps&) = delete;

  void command(const std::string& line) { lammps_command(handle_, line.c_str()); }
  void commands(const std::vector<std::string>& lines) {
    for (const std::string& line : lines) command(line);
  }
  int rank() const { return lammps_extract_setting(handle_, "world_rank"); }
  int ranks() const { return lammps_extract_setting(handle_, "world_size"); }
  int version() const { return lammps_version(handle_); }
  std::int64_t natoms() const { return static_cast<std::int64_t>(lammps_get_natoms(handle_)); }
  double thermo(const char* keyword) const { return lammps_get_thermo(handle_, keyword); }

  /// The atoms in ID order, with Z from the type → species map, in the orthorhombic box; along
  /// periodic axes the origin moves to the box's lower corner (NPT moves it), along the others
  /// the coordinates stay as LAMMPS has them (a shrink-wrapped box follows the atoms).
  core::AtomicModel model(const std::vector<Species>& species) {
    const auto n = static_cast<std::size_t>(lammps_get_natoms(handle_));
    std::vector<double> x(3 * n);
    std::vector<int> type(n);
    lammps_gather_atoms(handle_, const_cast<char*>("x"), 1, 3, x.data());
    lammps_gather_atoms(handle_, const_cast<char*>("type"), 0, 1, type.data());
    double lo[3], hi[3], xy = 0, yz = 0, xz = 0;
    int periodic[3], box_change = 0;
    lammps_extract_box(handle_, lo, hi, &xy, &yz, &xz, periodic, &box_change);
    core::AtomicModel model(
        core::Cell::orthorhombic(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2],
                                 {periodic[0] != 0, periodic[1] != 0, periodic[2] != 0}));
    double origin[3];
    for (int a = 0; a < 3; ++a) origin[a] = periodic[a] ? lo[a] : 0.0;
    model.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(type[i] - 1);
      model.add_atom({x[3 * i] - origin[0], x[3 * i + 1] - origin[1], x[3 * i + 2] - origin[2]},
                     core::element(species.at(k).symbol).Z);
    }
    core::wrap(model);
    return model;
  }

 private:
  void* handle_ = nullptr;
};

void write_text(const std::filesystem::path& path, const std::string& text) {
  core::write_stream_atomically(path, [&](std::ostream& out) { out << text << '\n'; });
}

std::filesystem::path snapshot_file(const JobDirectory& job_dir, std::int64_t step) {
  std::string digits = std::to_string(step);
  digits.insert(0, 12 - std::min<std::size_t>(12, digits.size()), '0');
  return job_dir.dir / ("snapshot_" + digits + ".h5");
}

void save_snapshot(const JobDirectory& job_dir, const Snapshot& s) {
  core::Hdf5Writer writer(snapshot_file(job_dir, s.step));
  core::write_atoms_group(writer, s.model);
  writer.write_attribute("/atoms", "stage", s.stage);
  writer.write_attribute("/atoms", "target_K", s.target_K);
  writer.write_attribute("/atoms", "temperature_K", s.temperature_K);
  writer.write_attribute("/atoms", "step", static_cast<double>(s.step));
  writer.commit();
}

// Snapshots saved by earlier sessions up to `last_step`, in step order.
std::vector<Snapshot> load_snapshots(const JobDirectory& job_dir, std::int64_t last_step) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(job_dir.dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("snapshot_", 0) == 0 && entry.path().extension() == ".h5")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Snapshot> snapshots;
  for (const auto& file : files) {
    const core::Hdf5Reader reader(file);
    Snapshot s;
    s.step = static_cast<std::int64_t>(reader.read_number_attribute("/atoms", "step"));
    if (s.step > last_step) continue;
    s.model = core::read_atoms_group(reader);
    s.stage = reader.read_string_attribute("/atoms", "stage");
    s.target_K = reader.read_number_attribute("/atoms", "target_K");
    s.temperature_K = reader.read_number_attribute("/atoms", "temperature_K");
    snapshots.push_back(std::move(s));
  }
  return snapshots;
}

// The thermo rows of every session; a step logged twice (a resumed stretch) keeps the later.
ThermoLog read_thermo(const JobDirectory& job_dir, int sessions, double timestep_ps) {
  std::map<std::int64_t, std::array<double, 4>> rows;
  for (int session = 0; session < sessions; ++session) {
    std::ifstream in(job_dir.thermo_file(session));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::int64_t step = 0;
      std::array<double, 4> values{};
      if (fields >> step >> values[0] >> values[1] >> values[2] >> values[3]) rows[step] = values;
    }
  }
  ThermoLog log;
  for (const auto& [step, v] : rows) {
    log.step.push_back(step);
    log.time_ps.push_back(static_cast<double>(step) * timestep_ps);
    log.temperature_K.push_back(v[0]);
    log.pressure_bar.push_back(v[1]);
    log.potential_energy_eV.push_back(v[2]);
    log.volume_A3.push_back(v[3]);
  }
  return log;
}

std::string phase_name(const MeltQuenchParams& p, const RunSegment& s) {
  switch (s.phase) {
    case RunSegment::Phase::kMelt:
      return "melt at " + core::format_number(p.melt_K) + " K";
    case RunSegment::Phase::kQuench:
      return "quench " + core::format_number(p.melt_K) + " → " + core::format_number(p.final_K) +
             " K";
    case RunSegment::Phase::kHold:
      return "hold at " + core::format_number(p.final_K) + " K";
  }
  return "?";
}

const char* stage_label(RunSegment::Phase phase) {
  switch (phase) {
    case RunSegment::Phase::kMelt:
      return "melt";
    case RunSegment::Phase::kQuench:
      return "quench";
    case RunSegment::Phase::kHold:
      return "final";
  }
  return "?";
}

}  // namespace

MeltQuenchResult run_job_in_process(const JobDirectory& job_dir, const MdJob& job, bool resume,
                                    const core::Logger& logger) {
  const MeltQuenchParams& p = job.params;
  const std::vector<Species> species = p.species();
  std::int64_t start_step = 0;
  int session = 0;
  if (resume) {
    std::ifstream in(job_dir.checkpoint_step_file());
    if (!(in >> start_step) || !std::filesystem::exists(job_dir.restart_file()))
      throw InputError("nothing to resume: no checkpoint in " + job_dir.dir.string(),
                       job_dir.dir.string());
    while (std::filesystem::exists(job_dir.thermo_file(session))) ++session;
  }

  Lammps lammps(job_dir.lammps_log());
  const bool root = lammps.rank() == 0;
  const auto stage = [&](const std::string& text) {
    if (root) write_text(job_dir.stage_file(), text);
  };
  MeltQuenchResult result;
  result.lammps_version = lammps.version();
  result.mpi_ranks = lammps.ranks();
  result.potential = {p.potential, job.potential.file.string(), job.potential.pair_style,
                      job.potential_sha256, job.potential_elements};
  if (resume) {
    stage("reading the checkpoint at step " + std::to_string(start_step));
    lammps.commands(
        resume_commands(p, job.potential, job_dir.restart_file(), job_dir.thermo_file(session)));
    if (root) result.snapshots = load_snapshots(job_dir, start_step);
    logger.info("resuming at step " + std::to_string(start_step) + " (" +
                std::to_string(result.snapshots.size()) + " snapshots kept)");
  } else {
    stage("setup: start lattice, composition, potential " + job.potential.file.string());
    lammps.commands(setup_commands(p, job.potential, job.seed, job_dir.thermo_file(session)));
  }

  const std::int64_t total = p.melt_steps() + p.ramp_steps() + p.hold_steps();
  const std::vector<RunSegment> plan = plan_runs(p, std::max<std::int64_t>(500, total / 200));
  core::Logger quiet(core::Verbosity::kQuiet);
  core::Progress progress(root ? logger : quiet, "melt–quench steps",
                          static_cast<std::size_t>(total));
  progress.advance(static_cast<std::size_t>(start_step));
  const std::int64_t natoms = lammps.natoms();
  const auto wall_start = std::chrono::steady_clock::now();
  bool fix_defined = false;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const RunSegment& s = plan[i];
    if (s.end_step <= start_step) continue;
    const bool first_of_phase = !fix_defined || plan[i - 1].phase != s.phase;
    if (first_of_phase) {
      stage(phase_name(p, s) + " (steps " + std::to_string(s.phase_begin) + "–" +
            std::to_string(s.phase_end) + ")");
      if (fix_defined) lammps.command("unfix md");
      lammps.command(npt_fix_command(p, s));
      fix_defined = true;
    }
    lammps.command(run_command(s, first_of_phase));
    result.atom_steps += natoms * (s.end_step - s.begin_step);
    progress.advance(static_cast<std::size_t>(s.end_step - s.begin_step));
    if (s.snapshot_after) {
      Snapshot snapshot;
      snapshot.model = lammps.model(species);
      snapshot.stage = stage_label(s.phase);
      snapshot.target_K = s.snapshot_target_K;
      snapshot.temperature_K = lammps.thermo("temp");
      snapshot.step = s.end_step;
      if (root) {
        save_snapshot(job_dir, snapshot);
        result.snapshots.push_back(std::move(snapshot));
      }
    }
    if (s.checkpoint_after) {
      stage("writing the checkpoint at step " + std::to_string(s.end_step));
      lammps.command("write_restart " + job_dir.restart_file().string());
      if (root) write_text(job_dir.checkpoint_step_file(), std::to_string(s.end_step));
      stage(phase_name(p, s));
    }
  }
  progress.finish();
  result.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  lammps.command("unfix thermo_log");  // flushes the thermo file
  if (root) result.thermo = read_thermo(job_dir, session + 1, p.timestep_ps());
  stage("done");
  return result;
}

void finalize_mpi() { lammps_mpi_finalize(); }

}  // namespace vitrum::sim
