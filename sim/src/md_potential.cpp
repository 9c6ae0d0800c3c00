#include "vitrum/sim/md_potential.hpp"

#include <algorithm>

#include "vitrum/core/error.hpp"
#include "vitrum/sim/eam_file.hpp"
#include "vitrum/sim/zhou_eam.hpp"

namespace vitrum::sim {
namespace {

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

// The distinct potential elements of the species, in species order.
std::vector<std::string> potential_elements(const std::vector<Species>& species) {
  std::vector<std::string> elements;
  for (const Species& s : species)
    if (std::find(elements.begin(), elements.end(), s.potential_symbol) == elements.end())
      elements.push_back(s.potential_symbol);
  return elements;
}

}  // namespace

MdJob prepare_job(const MeltQuenchParams& params, std::uint64_t seed,
                  const std::filesystem::path& job_dir) {
  params.validate();
  const std::vector<Species> species = params.species();
  MdJob job;
  job.params = params;
  job.seed = seed;
  if (params.potential == "zhou") {
    job.potential.file = std::filesystem::absolute(job_dir / "zhou.eam.alloy");
    try {
      write_zhou_eam_alloy(job.potential.file, potential_elements(species));
    } catch (const InputError& e) {
      throw InputError(std::string(e.what()) +
                           " — give such elements a proxy, e.g. proxies = "
                           "\"Ru:Pd\"",
                       "potential");
    }
  } else {
    job.potential.file = locate(params.potential);
  }
  const PotentialFileInfo info = describe_potential_file(job.potential.file);
  job.potential.pair_style = pair_style_name(info.style);
  job.potential_sha256 = info.sha256;
  if (info.style == PotentialFileInfo::Style::kEam && species.size() != 1)
    throw InputError("a funcfl .eam file (" + job.potential.file.filename().string() +
                         ") describes one element; the composition has " +
                         std::to_string(species.size()) + " — use a setfl file or \"zhou\"",
                     "potential");
  std::string covered;
  for (const std::string& e : info.elements) covered += (covered.empty() ? "" : ", ") + e;
  for (const Species& s : species) {
    if (std::find(info.elements.begin(), info.elements.end(), s.potential_symbol) ==
        info.elements.end())
      throw InputError("the potential " + job.potential.file.filename().string() + " covers " +
                           covered + ", not " + s.potential_symbol +
                           (s.potential_symbol == s.symbol ? "" : " (proxy of " + s.symbol + ")") +
                           "; choose another potential or set a proxy (proxies = \"" + s.symbol +
                           ":El\")",
                       "potential");
    job.potential_elements += (job.potential_elements.empty() ? "" : ",") + s.symbol +
                              (s.potential_symbol == s.symbol ? "" : "→" + s.potential_symbol);
  }
  return job;
}

}  // namespace vitrum::sim
