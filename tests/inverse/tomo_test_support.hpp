#pragma once
// Synthetic tomography problems for the SIRT, WBP and angle-refinement tests: Gaussian blobs
// rendered on the reconstruction grid, single-axis tilt series projected from them with core's
// projector, and volume comparisons.

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/projector.hpp"
#include "vitrum/inverse/tomo/resire.hpp"

namespace vitrum::inverse::testing {

struct TomoBlob {
  double iz, iy, ix;  // voxel coordinates of the centre
  double amplitude;
  double sigma_voxels;
};

/// A volume on `grid` (copied for shape, sampling and origin) holding the blobs.
inline core::Volume render_blobs(const core::Volume& grid, const std::vector<TomoBlob>& blobs) {
  core::Volume v(grid.shape(), grid.sampling(), grid.origin());
  for (std::size_t z = 0; z < v.extent(0); ++z)
    for (std::size_t y = 0; y < v.extent(1); ++y)
      for (std::size_t x = 0; x < v.extent(2); ++x) {
        double sum = 0.0;
        for (const TomoBlob& b : blobs) {
          const double d2 = std::pow(double(z) - b.iz, 2) + std::pow(double(y) - b.iy, 2) +
                            std::pow(double(x) - b.ix, 2);
          sum += b.amplitude * std::exp(-d2 / (2 * b.sigma_voxels * b.sigma_voxels));
        }
        v(z, y, x) = static_cast<float>(sum);
      }
  return v;
}

/// An empty single-axis series (θ about y) of `pixels`² pixels of `pixel_A` centred on
/// `center`, with the given θ (deg).
inline core::TiltSeries empty_series(const std::vector<double>& theta_deg, std::size_t pixels,
                                     double pixel_A, const core::Vec3& center) {
  const core::Image det = core::detector_image(pixels, pixels, pixel_A, center);
  core::TiltSeries s{
      core::Grid<float, 3>({theta_deg.size(), pixels, pixels}, {1.0, pixel_A, pixel_A},
                           {0.0, det.origin()[0], det.origin()[1]}),
      {}};
  for (double t : theta_deg) s.euler_deg.push_back({0.0, t, 0.0});
  return s;
}

/// n angles from `first` to `last` inclusive (deg).
inline std::vector<double> linspace(double first, double last, std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = n == 1 ? first : first + (last - first) * double(i) / double(n - 1);
  return out;
}

/// Pearson correlation of two volumes' voxel values.
inline double correlation(const core::Volume& a, const core::Volume& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a.data()[i];
    mb += b.data()[i];
  }
  ma /= n;
  mb /= n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double da = a.data()[i] - ma, db = b.data()[i] - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / std::sqrt(aa * bb);
}

inline const core::Logger& quiet_logger() {
  static const core::Logger logger(core::Verbosity::kQuiet);
  return logger;
}

}  // namespace vitrum::inverse::testing
