#include "vitrum/core/grid.hpp"

#include <algorithm>
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

Image TiltSeries::image(std::size_t t) const {
  if (t >= tilt_count())
    throw InputError("tilt " + std::to_string(t) + " does not exist (the series has " +
                     std::to_string(tilt_count()) + ")");
  const std::size_t ny = images.extent(1), nx = images.extent(2);
  Image out({ny, nx}, {images.sampling()[1], images.sampling()[2]},
            {images.origin()[1], images.origin()[2]});
  std::copy_n(images.data() + t * ny * nx, ny * nx, out.data());
  return out;
}

std::size_t TiltSeries::untilted_index() const {
  std::size_t best = 0;
  const auto tilt = [&](std::size_t t) {
    return std::abs(euler_deg[t][0]) + std::abs(euler_deg[t][1]) + std::abs(euler_deg[t][2]);
  };
  for (std::size_t t = 1; t < euler_deg.size(); ++t)
    if (tilt(t) < tilt(best)) best = t;
  return best;
}

}  // namespace vitrum::core
