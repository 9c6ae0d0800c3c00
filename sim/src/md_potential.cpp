#include "vitrum/sim/md_potential.hpp"

#include "vitrum/core/checksum.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::sim {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::filesystem::path locate(const std::string& name) {
  const std::filesystem::path as_given(name);
  if (std::filesystem::is_regular_file(as_given)) return std::filesystem::absolute(as_given);
  const std::filesystem::path packaged = kLammpsPotentialDir / name;
  if (as_given.filename() == as_given && std::filesystem::is_regular_file(packaged))
    return packaged;
  throw InputError("potential file '" + name + "' not found (looked at the path as given and in " +
                       kLammpsPotentialDir.string() + ")",
                   "potential");
}

std::string pair_style_of(const std::filesystem::path& file, std::size_t species) {
  const std::string name = file.filename().string();
  if (ends_with(name, ".eam.alloy")) return "eam/alloy";
  if (ends_with(name, ".eam.fs")) return "eam/fs";
  if (ends_with(name, ".eam")) {
    if (species != 1)
      throw InputError("a funcfl .eam file (" + name +
                           ") describes one element, the composition has " +
                           std::to_string(species) + "; use a setfl .eam.alloy file or \"zhou\"",
                       "potential");
    return "eam";
  }
  throw InputError(
      "potential file '" + name + "' is not an EAM file vitrum knows (.eam, .eam.alloy, .eam.fs)",
      "potential");
}

}  // namespace

MdJob prepare_job(const MeltQuenchParams& params, std::uint64_t seed,
                  const std::filesystem::path& job_dir) {
  (void)job_dir;
  params.validate();
  const std::vector<Species> species = params.species();
  MdJob job;
  job.params = params;
  job.seed = seed;
  job.potential.file = locate(params.potential);
  job.potential.pair_style = pair_style_of(job.potential.file, species.size());
  job.potential_sha256 = core::sha256_file_hex(job.potential.file);
  for (const Species& s : species)
    job.potential_elements += (job.potential_elements.empty() ? "" : ",") + s.symbol +
                              (s.potential_symbol == s.symbol ? "" : "→" + s.potential_symbol);
  return job;
}

}  // namespace vitrum::sim
