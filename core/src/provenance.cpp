#include "vitrum/core/provenance.hpp"

#include "vitrum/core/version.hpp"

namespace vitrum::core {

Provenance Provenance::make(std::string command, std::string parameters, std::uint64_t seed) {
  return Provenance{std::move(command), std::move(parameters), seed,
                    std::string(vitrum::version())};
}

}  // namespace vitrum::core
