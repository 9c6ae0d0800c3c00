// The job directory's small files: the job (parameters + resolved potential + seed), and
// LAMMPS' error message from its log.

#include <fstream>
#include <string>

#include "vitrum/core/config.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"
#include "vitrum/sim/md_job.hpp"

namespace vitrum::sim {
namespace {

std::filesystem::path run_file(const JobDirectory& job_dir) { return job_dir.dir / "run.toml"; }

std::string text_value(const core::Config& config, const std::string& key,
                       const std::filesystem::path& file) {
  const auto value = config.find(key);
  const auto* text = value ? std::get_if<std::string>(&*value) : nullptr;
  if (!text) throw InputError("job file lacks the string key '" + key + "'", file.string());
  return *text;
}

}  // namespace

std::filesystem::path JobDirectory::thermo_file(int session) const {
  return dir / ("thermo_" + std::to_string(session) + ".txt");
}

void write_job(const JobDirectory& job_dir, const MdJob& job) {
  const std::string params = job.params.params_toml();
  core::write_stream_atomically(job_dir.job_file(), [&](std::ostream& out) { out << params; });
  const std::string run =
      "potential_file = " + core::quote_toml_string(job.potential.file.string()) + "\n" +
      "pair_style = " + core::quote_toml_string(job.potential.pair_style) + "\n" +
      "potential_elements = " + core::quote_toml_string(job.potential_elements) + "\n" +
      "potential_sha256 = " + core::quote_toml_string(job.potential_sha256) + "\n" +
      "seed = " + core::quote_toml_string(std::to_string(job.seed)) + "\n";
  core::write_stream_atomically(run_file(job_dir), [&](std::ostream& out) { out << run; });
}

MdJob read_job(const JobDirectory& job_dir) {
  MdJob job;
  job.params.params().load(core::Config::from_file(job_dir.job_file()));
  job.params.validate();
  const core::Config run = core::Config::from_file(run_file(job_dir));
  job.potential.file = text_value(run, "potential_file", run_file(job_dir));
  job.potential.pair_style = text_value(run, "pair_style", run_file(job_dir));
  job.potential_elements = text_value(run, "potential_elements", run_file(job_dir));
  job.potential_sha256 = text_value(run, "potential_sha256", run_file(job_dir));
  job.seed = std::stoull(text_value(run, "seed", run_file(job_dir)));
  return job;
}

std::string lammps_error_message(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("ERROR", 0) == 0) last = line;
  return last;
}

}  // namespace vitrum::sim
