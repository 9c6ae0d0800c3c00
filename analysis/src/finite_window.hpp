#pragma once
// The window of a finite particle for the g(r) shell correction: see pair_distribution.hpp.

#include <array>
#include <cstdint>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis::detail {

class FiniteWindow {
 public:
  /// The closing of the atom centres by a ball of radius alpha_A, dilated by half the mean
  /// atomic spacing, on a grid of spacing grid_A extending 2·alpha + 2 samples beyond the atoms.
  FiniteWindow(const core::AtomicModel& model, double alpha_A, double grid_A,
               const core::ExecutionContext& ctx);
  /// True if the grid sample nearest to p is inside the window; false outside the grid.
  bool inside(const core::Vec3& p_A) const;
  /// |W| in Å³: inside samples × spacing³.
  double volume_A3() const { return volume_A3_; }
  /// The dilation applied to the closing, Å.
  double dilation_A() const { return dilation_A_; }

 private:
  core::Vec3 origin_A_;
  double grid_A_ = 0;
  std::array<long, 3> n_{};
  std::vector<std::uint8_t> inside_;  // [x][y][z]
  double volume_A3_ = 0;
  double dilation_A_ = 0;

  /// Replaces field (0 on the set, large elsewhere) by the squared distance to the set, in
  /// samples², separably along each axis.
  void squared_distance_transform(std::vector<double>& field,
                                  const core::ExecutionContext& ctx) const;
};

}  // namespace vitrum::analysis::detail
