#pragma once
/// \file
/// Neighbour queries shared by every analysis (the freud `locality` model, STYLE.md): a cell
/// list over fractional coordinates that handles periodic axes of any (triclinic) cell, finite
/// (non-periodic) axes and mixtures of both, and returns for each atom i every atom j (and
/// every periodic image of j) within a cutoff, with the displacement d = r_j − r_i in Å.
///
/// Bins are cells of the fractional grid with a perpendicular width ≥ the cutoff, or ≥ half
/// of it when a cutoff-wide bin would hold ≥ 16 atoms (fewer candidates per query); their
/// number is capped so it stays O(N). A cutoff larger than half the cell is allowed: every periodic
/// image within the cutoff is returned once, so small unit cells of perfect lattices work.
/// The order in which neighbours are visited depends only on the model and the cutoff, never
/// on the thread count, so every result built on it is reproducible bit for bit.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

using core::Vec3;

/// Parameters of a neighbour query.
struct NeighborParams {
  double cutoff_A = 3.6;  ///< largest neighbour distance returned (inclusive), Å
  /// Throws InputError naming `cutoff_A` unless it is finite and in (0, 100] Å.
  void validate() const;
};

/// A cell list over one model. Holds a copy of the wrapped fractional coordinates, so it may
/// outlive the model. Queries are const and thread-safe.
class NeighborQuery {
 public:
  /// Bins the atoms of `model` for queries up to `params.cutoff_A`. InputError if the model
  /// has a periodic axis with a degenerate cell.
  NeighborQuery(const core::AtomicModel& model, const NeighborParams& params);

  std::size_t size() const { return frac_.size(); }
  double cutoff_A() const { return cutoff_A_; }

  /// Calls visit(j, d_A, r_A) for every atom j ≠ i (and every periodic image, including
  /// images of i itself) with |d| ≤ cutoff, where d = r_j(image) − r_i in Å and r = |d|.
  /// A visitor that returns bool ends the query by returning true.
  template <class Visit>
  void for_each_neighbor(std::size_t i, Visit&& visit) const {
    for_each_near<false>(frac_[i], bin_of_[i], i, std::forward<Visit>(visit));
  }

  /// Like for_each_neighbor, but each pair once, for histograms that add both directions
  /// themselves: when every periodic axis has ≥ 2·reach + 1 bins, only the bins of a half
  /// stencil (offsets lexicographically ≥ 0; in i's own bin only j > i) are searched, which
  /// halves the work; otherwise every j ≥ i (j = i: images of i, each direction once).
  template <class Visit>
  void for_each_neighbor_half(std::size_t i, Visit&& visit) const {
    for_each_near<true>(frac_[i], bin_of_[i], i, std::forward<Visit>(visit));
  }

  /// Calls visit(j, d_A, r_A) for every atom (image) within the cutoff of an arbitrary point
  /// (Å); d = r_j − point.
  template <class Visit>
  void for_each_near_point(const Vec3& point_A, Visit&& visit) const {
    const Vec3 s = wrapped(to_fractional(point_A));
    for_each_near<false>(s, bin_coordinates(s), kNoAtom, std::forward<Visit>(visit));
  }

 private:
  static constexpr std::size_t kNoAtom = static_cast<std::size_t>(-1);
  using BinIndex = std::array<int, 3>;

  Vec3 to_fractional(const Vec3& r_A) const;
  /// s reduced to [0, 1) along the periodic axes.
  Vec3 wrapped(Vec3 s) const;
  BinIndex bin_coordinates(const Vec3& s) const;

  template <bool kHalf, class Visit>
  void for_each_near(const Vec3& s_i, const BinIndex& b, std::size_t self, Visit&& visit) const {
    const double rc2 = cutoff_A_ * cutoff_A_;
    // Per visited bin: one Cartesian offset (image shift − r_i); per candidate: a subtraction
    // and a squared norm over positions stored contiguously in bin order.
    const Vec3 x_i = matrix_.transpose() * s_i;
    // Bins nearest first, so that visitors that stop early (counts, nearest atom) stop soon.
    for (const std::array<int, 3>& o : offsets_) {
      const int ox = o[0], oy = o[1], oz = o[2];
      if constexpr (kHalf) {
        if (half_stencil_ && (ox < 0 || (ox == 0 && (oy < 0 || (oy == 0 && oz < 0))))) continue;
      }
      int bx = 0, sx = 0, by = 0, sy = 0, bz = 0, sz = 0;
      if (!wrap(0, b[0] + ox, bx, sx) || !wrap(1, b[1] + oy, by, sy) || !wrap(2, b[2] + oz, bz, sz))
        continue;
      const std::size_t bin =
          (static_cast<std::size_t>(bx) * bins_[1] + static_cast<std::size_t>(by)) * bins_[2] +
          static_cast<std::size_t>(bz);
      const bool unshifted = sx == 0 && sy == 0 && sz == 0;
      const Vec3 offset = matrix_.transpose() * Vec3(sx, sy, sz) - x_i;
      for (std::uint32_t k = bin_start_[bin]; k < bin_start_[bin + 1]; ++k) {
        const std::uint32_t j = bin_atoms_[k];
        if constexpr (kHalf) {
          if (half_stencil_ ? (ox == 0 && oy == 0 && oz == 0 && j <= self) : j < self) continue;
        }
        const Vec3 d = sorted_cartesian_[k] + offset;
        const double r2 = d.squaredNorm();
        if (r2 > rc2) continue;
        if (unshifted && j == self) continue;
        if constexpr (std::is_same_v<std::invoke_result_t<Visit&, std::size_t, const Vec3&, double>,
                                     bool>) {
          if (visit(static_cast<std::size_t>(j), d, std::sqrt(r2))) return;
        } else {
          visit(static_cast<std::size_t>(j), d, std::sqrt(r2));
        }
      }
    }
  }

  /// Maps a bin coordinate along `axis` to a stored bin and an image shift; false if it lies
  /// outside a non-periodic axis.
  bool wrap(int axis, int coordinate, int& bin, int& shift) const {
    const int n = bins_[axis];
    if (!periodic_[axis]) {
      bin = coordinate;
      shift = 0;
      return coordinate >= 0 && coordinate < n;
    }
    shift = coordinate >= 0 ? coordinate / n : -((-coordinate + n - 1) / n);
    bin = coordinate - shift * n;
    return true;
  }

  double cutoff_A_ = 0;
  core::Mat3 matrix_ = core::Mat3::Identity();  ///< rows: binning frame vectors (Å)
  core::Mat3 inverse_ = core::Mat3::Identity();
  std::array<bool, 3> periodic_{};
  std::array<double, 3> lo_{};      ///< fractional origin of the bins per axis
  std::array<double, 3> length_{};  ///< fractional extent of the bins per axis
  std::array<int, 3> bins_{1, 1, 1};
  std::array<int, 3> reach_{1, 1, 1};  ///< bins to search each side
  bool half_stencil_ = false;          ///< every offset in reach names a distinct bin (see _half)
  std::vector<std::array<int, 3>> offsets_;  ///< bin offsets within reach, nearest first
  std::vector<Vec3> frac_;                   ///< fractional coordinates, wrapped on periodic axes
  std::vector<BinIndex> bin_of_;
  std::vector<std::uint32_t> bin_start_;  ///< CSR offsets into bin_atoms_, one per bin + 1
  std::vector<std::uint32_t> bin_atoms_;  ///< atoms in bin order, ascending within a bin
  std::vector<Vec3> sorted_cartesian_;    ///< wrapped Cartesian positions, in bin order (Å)
};

/// All neighbours of every atom within a cutoff, stored compactly (CSR). Per atom the
/// neighbours are sorted by distance, ties by index, so the list is identical for any
/// thread count.
class NeighborList {
 public:
  NeighborList() = default;
  /// Builds the list with the query's cutoff, one atom per parallel item.
  NeighborList(const NeighborQuery& query, const core::ExecutionContext& ctx);

  std::size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  double cutoff_A() const { return cutoff_A_; }
  /// Neighbour indices of atom i.
  std::span<const std::uint32_t> indices(std::size_t i) const {
    return {index_.data() + offsets_[i], index_.data() + offsets_[i + 1]};
  }
  /// Displacements r_j − r_i (Å), parallel to indices(i).
  std::span<const Vec3> vectors(std::size_t i) const {
    return {vector_.data() + offsets_[i], vector_.data() + offsets_[i + 1]};
  }
  /// Distances |r_j − r_i| (Å), parallel to indices(i), ascending.
  std::span<const double> distances(std::size_t i) const {
    return {distance_.data() + offsets_[i], distance_.data() + offsets_[i + 1]};
  }
  std::size_t count(std::size_t i) const { return offsets_[i + 1] - offsets_[i]; }
  /// Total number of (directed) neighbour entries.
  std::size_t total() const { return index_.size(); }

 private:
  double cutoff_A_ = 0;
  std::vector<std::size_t> offsets_;
  std::vector<std::uint32_t> index_;
  std::vector<Vec3> vector_;
  std::vector<double> distance_;
};

}  // namespace vitrum::analysis
