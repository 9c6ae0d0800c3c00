#include "vitrum/core/validate.hpp"

#include <sstream>

#include "vitrum/core/error.hpp"

namespace vitrum::core {

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void require(bool ok, const std::string& field, double value, const std::string& allowed) {
  if (!ok)
    throw InputError(field + " = " + format_number(value) +
                     " is out of range; allowed: " + allowed);
}

}  // namespace vitrum::core
