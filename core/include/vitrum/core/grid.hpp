#pragma once
/// \file
/// Sampled grids whose sampling travels with the data: images [y][x], volumes [z][y][x],
/// tilt series [tilt][y][x] with one Euler triplet per tilt. Row-major, last index fastest
/// (DESIGN.md "Axes").

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"

namespace vitrum::core {

/// A dense row-major array of `Rank` dimensions with a physical sampling (spacing per axis,
/// in `units`, default Å) and the coordinate of element 0 along each axis.
template <class T, std::size_t Rank>
class Grid {
 public:
  using Shape = std::array<std::size_t, Rank>;
  using Coords = std::array<double, Rank>;

  Grid() : shape_{}, sampling_(filled(1.0)), origin_(filled(0.0)) {}
  /// A zero-filled grid. Throws InputError if a sampling is not positive.
  explicit Grid(Shape shape, Coords sampling = filled(1.0), Coords origin = filled(0.0))
      : shape_(shape), sampling_(sampling), origin_(origin), data_(count(shape), T{}) {
    for (double s : sampling_)
      if (!(s > 0.0)) throw InputError("grid sampling must be positive, got " + std::to_string(s));
  }

  const Shape& shape() const { return shape_; }
  std::size_t extent(std::size_t axis) const { return shape_[axis]; }
  const Coords& sampling() const { return sampling_; }
  const Coords& origin() const { return origin_; }
  std::size_t size() const { return data_.size(); }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::vector<T>& values() { return data_; }
  const std::vector<T>& values() const { return data_; }

  /// Linear index of a multi-index (row-major).
  template <class... I>
  std::size_t index(I... i) const {
    static_assert(sizeof...(I) == Rank, "one index per axis");
    const std::array<std::size_t, Rank> idx{static_cast<std::size_t>(i)...};
    std::size_t k = 0;
    for (std::size_t a = 0; a < Rank; ++a) k = k * shape_[a] + idx[a];
    return k;
  }
  template <class... I>
  T& operator()(I... i) {
    return data_[index(i...)];
  }
  template <class... I>
  const T& operator()(I... i) const {
    return data_[index(i...)];
  }

  /// Physical coordinate of sample i along `axis`: origin + i·sampling.
  double coordinate(std::size_t axis, std::size_t i) const {
    return origin_[axis] + static_cast<double>(i) * sampling_[axis];
  }

  static constexpr Coords filled(double v) {
    Coords c{};
    c.fill(v);
    return c;
  }
  static std::size_t count(const Shape& s) {
    std::size_t n = 1;
    for (std::size_t e : s) n *= e;
    return n;
  }

 private:
  Shape shape_;
  Coords sampling_;
  Coords origin_;
  std::vector<T> data_;
};

/// An image [y][x], sampling in Å.
using Image = Grid<float, 2>;
/// A volume [z][y][x], sampling in Å.
using Volume = Grid<float, 3>;

/// A tilt series: images [tilt][y][x] (sampling of axis 0 unused, axes 1, 2 in Å) and one
/// ZYX Euler triplet (φ, θ, ψ) in degrees per tilt.
struct TiltSeries {
  Grid<float, 3> images;
  std::vector<std::array<double, 3>> euler_deg;

  std::size_t tilt_count() const { return images.extent(0); }
  /// A copy of projection t as an image. InputError if there is no such tilt.
  Image image(std::size_t t) const;
  /// The projection nearest the untilted view (smallest |φ| + |θ| + |ψ|; the first of ties).
  std::size_t untilted_index() const;
  /// Throws InputError unless there is one Euler triplet per image and all are finite.
  void validate() const;
};

}  // namespace vitrum::core
