#pragma once
/// \file
/// What made a file: recorded in every output (HDF5 group `/meta`, the extxyz comment line,
/// the JSON scorecard) so that any result can be traced to its command, parameters and seed.
/// No timestamps or host names: the same inputs and seed give the same bytes.

#include <cstdint>
#include <string>

namespace vitrum::core {

struct Provenance {
  std::string command;  ///< the command line that made the file, e.g. "vitrum convert a.xyz b.h5"
  std::string parameters;  ///< the resolved parameters as TOML text (may be empty)
  std::uint64_t seed = 0;  ///< the run seed
  std::string version;     ///< vitrum version; filled by make_provenance

  /// A provenance record for this vitrum build.
  static Provenance make(std::string command, std::string parameters = {}, std::uint64_t seed = 0);
};

}  // namespace vitrum::core
