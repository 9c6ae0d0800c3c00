#include "vitrum/analysis/neighbors.hpp"

#include <algorithm>
#include <limits>
#include <sstream>
#include <tuple>

#include "vitrum/core/error.hpp"

namespace vitrum::analysis {

void NeighborParams::validate() const {
  if (!(std::isfinite(cutoff_A) && cutoff_A > 0.0 && cutoff_A <= 100.0)) {
    std::ostringstream msg;
    msg << "neighbors.cutoff_A = " << cutoff_A << " is out of range; allowed: (0, 100] Å";
    throw InputError(msg.str());
  }
}

NeighborQuery::NeighborQuery(const core::AtomicModel& model, const NeighborParams& params)
    : cutoff_A_(params.cutoff_A) {
  params.validate();
  const core::Cell& cell = model.cell();
  periodic_ = cell.pbc;
  const bool any_periodic = periodic_[0] || periodic_[1] || periodic_[2];
  if (cell.is_valid()) {
    matrix_ = cell.vectors_A;
  } else if (any_periodic) {
    throw InputError("the cell is degenerate but has a periodic axis");
  }
  // A finite model with a degenerate cell is binned in Cartesian coordinates.
  inverse_ = matrix_.inverse();
  const std::size_t n = model.size();
  if (n >= std::numeric_limits<std::uint32_t>::max())
    throw InputError("too many atoms for a neighbour query: " + std::to_string(n));
  frac_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    frac_[i] = wrapped(to_fractional(model.positions_A()[i]));
  }
  // Fractional half-width of the cutoff sphere along each axis: |Δs_a| ≤ rc·|column a of M⁻¹|.
  std::array<double, 3> span_frac{};
  std::array<double, 3> width{};
  for (int a = 0; a < 3; ++a) {
    span_frac[a] = cutoff_A_ * inverse_.col(a).norm();
    if (periodic_[a]) {
      lo_[a] = 0.0;
      length_[a] = 1.0;
    } else {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (const Vec3& s : frac_) {
        lo = std::min(lo, s[a]);
        hi = std::max(hi, s[a]);
      }
      if (n == 0) lo = hi = 0.0;
      lo_[a] = lo;
      length_[a] = std::max(hi - lo, 1e-12);
    }
    width[a] = length_[a] / span_frac[a];  // extent in units of the cutoff
  }
  // Half-cutoff bins (searched two bins each way: 125 bins of (rc/2)³ = 15.6 rc³ instead of
  // 27 rc³) pay off once a cutoff-wide bin holds many atoms.
  double cells = 1.0;
  for (int a = 0; a < 3; ++a) cells *= std::max(1.0, std::floor(width[a]));
  const double per_bin = double(n) / cells;
  const double subdivision = per_bin >= 16.0 ? 2.0 : 1.0;
  for (int a = 0; a < 3; ++a)
    bins_[a] = static_cast<int>(std::clamp(std::floor(width[a] * subdivision), 1.0, 1.0e6));
  // Keep the number of bins O(N): a sparse finite model must not allocate a huge grid.
  const double cap = std::max(27.0, 2.0 * static_cast<double>(n));
  while (static_cast<double>(bins_[0]) * bins_[1] * bins_[2] > cap) {
    for (int& b : bins_) b = std::max(1, b * 4 / 5);
  }
  for (int a = 0; a < 3; ++a) {
    const double bin_width = length_[a] / bins_[a];
    // Clamped before the conversion: along a finite axis on which all atoms lie in one plane
    // (length 1e-12) the ratio is ~1e10, which does not fit an int.
    const double reach = std::ceil(span_frac[a] / bin_width * (1.0 + 1e-12));
    reach_[a] = static_cast<int>(std::min(reach, 1.0e6));
    if (!periodic_[a]) reach_[a] = std::min(reach_[a], bins_[a] - 1);
  }
  // Offsets ordered by the distance between bin centres (ties: lexicographic), fixed for the
  // query, so every traversal order is the same for any thread count.
  std::array<double, 3> bin_width_A{};
  for (int a = 0; a < 3; ++a) bin_width_A[a] = length_[a] / bins_[a] / inverse_.col(a).norm();
  for (int x = -reach_[0]; x <= reach_[0]; ++x)
    for (int y = -reach_[1]; y <= reach_[1]; ++y)
      for (int z = -reach_[2]; z <= reach_[2]; ++z) offsets_.push_back({x, y, z});
  const auto weight = [&](const std::array<int, 3>& o) {
    double d2 = 0;
    for (int a = 0; a < 3; ++a) d2 += std::pow(o[a] * bin_width_A[a], 2);
    return d2;
  };
  std::stable_sort(offsets_.begin(), offsets_.end(),
                   [&](const auto& u, const auto& v) { return weight(u) < weight(v); });
  half_stencil_ = true;
  for (int a = 0; a < 3; ++a)
    if (periodic_[a] && bins_[a] < 2 * reach_[a] + 1) half_stencil_ = false;
  const std::size_t nbins = static_cast<std::size_t>(bins_[0]) * bins_[1] * bins_[2];
  bin_of_.resize(n);
  bin_start_.assign(nbins + 1, 0);
  std::vector<std::size_t> flat(n);
  for (std::size_t i = 0; i < n; ++i) {
    const BinIndex b = bin_coordinates(frac_[i]);
    bin_of_[i] = b;
    flat[i] =
        (static_cast<std::size_t>(b[0]) * bins_[1] + static_cast<std::size_t>(b[1])) * bins_[2] +
        static_cast<std::size_t>(b[2]);
    ++bin_start_[flat[i] + 1];
  }
  for (std::size_t k = 0; k < nbins; ++k) bin_start_[k + 1] += bin_start_[k];
  bin_atoms_.resize(n);
  std::vector<std::uint32_t> fill(bin_start_.begin(), bin_start_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) bin_atoms_[fill[flat[i]]++] = static_cast<std::uint32_t>(i);
  sorted_cartesian_.resize(n);
  for (std::size_t k = 0; k < n; ++k)
    sorted_cartesian_[k] = matrix_.transpose() * frac_[bin_atoms_[k]];
}

Vec3 NeighborQuery::to_fractional(const Vec3& r_A) const {
  // r = sᵀ·M with lattice vectors as rows of M, so s = M⁻ᵀ r.
  return inverse_.transpose() * r_A;
}

Vec3 NeighborQuery::wrapped(Vec3 s) const {
  for (int a = 0; a < 3; ++a)
    if (periodic_[a]) {
      s[a] -= std::floor(s[a]);
      if (s[a] >= 1.0) s[a] = 0.0;
    }
  return s;
}

NeighborQuery::BinIndex NeighborQuery::bin_coordinates(const Vec3& s) const {
  BinIndex b{};
  for (int a = 0; a < 3; ++a) {
    // A point beyond a finite axis's atoms is searched from the edge bin: every atom within
    // reach of the point is also within reach of that bin, so nothing is missed.
    const double x = std::floor((s[a] - lo_[a]) / length_[a] * bins_[a]);
    b[a] = static_cast<int>(std::clamp(x, 0.0, double(bins_[a] - 1)));
  }
  return b;
}

NeighborList::NeighborList(const NeighborQuery& query, const core::ExecutionContext& ctx)
    : cutoff_A_(query.cutoff_A()) {
  const std::size_t n = query.size();
  std::vector<std::size_t> counts(n, 0);
  core::parallel_for(ctx, 0, n, [&](std::size_t i) {
    std::size_t c = 0;
    query.for_each_neighbor(i, [&](std::size_t, const Vec3&, double) { ++c; });
    counts[i] = c;
  });
  offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + counts[i];
  index_.resize(offsets_[n]);
  vector_.resize(offsets_[n]);
  distance_.resize(offsets_[n]);
  core::parallel_for(ctx, 0, n, [&](std::size_t i) {
    std::vector<std::tuple<double, std::uint32_t, Vec3>> found;
    found.reserve(counts[i]);
    query.for_each_neighbor(i, [&](std::size_t j, const Vec3& d, double r) {
      found.emplace_back(r, static_cast<std::uint32_t>(j), d);
    });
    // Distance, then index, then the displacement itself (images of one atom in a small cell).
    std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
      if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) < std::get<0>(y);
      if (std::get<1>(x) != std::get<1>(y)) return std::get<1>(x) < std::get<1>(y);
      const Vec3& a = std::get<2>(x);
      const Vec3& b = std::get<2>(y);
      return std::lexicographical_compare(a.data(), a.data() + 3, b.data(), b.data() + 3);
    });
    std::size_t k = offsets_[i];
    for (const auto& [r, j, d] : found) {
      distance_[k] = r;
      index_[k] = j;
      vector_[k] = d;
      ++k;
    }
  });
}

}  // namespace vitrum::analysis
