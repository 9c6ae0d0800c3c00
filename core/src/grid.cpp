#include "vitrum/core/grid.hpp"

#include <cmath>

namespace vitrum::core {

void TiltSeries::validate() const {
  if (euler_deg.size() != tilt_count())
    throw InputError("tilt series has " + std::to_string(tilt_count()) + " images but " +
                     std::to_string(euler_deg.size()) + " Euler triplets");
  for (std::size_t i = 0; i < euler_deg.size(); ++i)
    for (double angle : euler_deg[i])
      if (!std::isfinite(angle))
        throw InputError("tilt " + std::to_string(i) + " has a non-finite Euler angle");
}

}  // namespace vitrum::core
