#include "vitrum/core/error.hpp"

namespace vitrum {

std::string describe(const Error& e) {
  if (e.where().empty()) return e.what();
  return std::string(e.what()) + " (" + e.where() + ")";
}

}  // namespace vitrum
