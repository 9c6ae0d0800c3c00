#include "trace/classify.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

namespace vitrum::inverse::detail {

std::vector<float> cube_profile(const core::Volume& grid, const core::Vec3& position_A, int half) {
  std::array<long long, 3> centre{};
  const std::array<double, 3> r{position_A.z(), position_A.y(), position_A.x()};
  for (std::size_t a = 0; a < 3; ++a)
    centre[a] = std::llround((r[a] - grid.origin()[a]) / grid.sampling()[a]);
  const auto side = static_cast<std::size_t>(2 * half + 1);
  std::vector<float> out;
  out.reserve(side * side * side);
  for (long long dz = -half; dz <= half; ++dz)
    for (long long dy = -half; dy <= half; ++dy)
      for (long long dx = -half; dx <= half; ++dx) {
        const long long z = centre[0] + dz, y = centre[1] + dy, x = centre[2] + dx;
        const bool inside = z >= 0 && y >= 0 && x >= 0 &&
                            z < static_cast<long long>(grid.extent(0)) &&
                            y < static_cast<long long>(grid.extent(1)) &&
                            x < static_cast<long long>(grid.extent(2));
        out.push_back(inside ? grid(z, y, x) : 0.0f);
      }
  return out;
}

double integrate(const std::vector<float>& profile, const core::Volume& grid) {
  double sum = 0.0;
  for (float v : profile) sum += v;
  return sum * grid.sampling()[0] * grid.sampling()[1] * grid.sampling()[2];
}

namespace {

// Pairs within radius_A by a cell list of cells radius_A wide; each atom's list ascending.
std::vector<std::vector<std::size_t>> neighbour_lists(const std::vector<core::Vec3>& r,
                                                      double radius_A) {
  using Key = std::array<long long, 3>;
  const auto key_of = [&](const core::Vec3& p) {
    return Key{static_cast<long long>(std::floor(p.x() / radius_A)),
               static_cast<long long>(std::floor(p.y() / radius_A)),
               static_cast<long long>(std::floor(p.z() / radius_A))};
  };
  std::map<Key, std::vector<std::size_t>> cells;
  for (std::size_t i = 0; i < r.size(); ++i) cells[key_of(r[i])].push_back(i);
  std::vector<std::vector<std::size_t>> out(r.size());
  const double r2 = radius_A * radius_A;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const Key k = key_of(r[i]);
    for (long long dx = -1; dx <= 1; ++dx)
      for (long long dy = -1; dy <= 1; ++dy)
        for (long long dz = -1; dz <= 1; ++dz) {
          const auto it = cells.find({k[0] + dx, k[1] + dy, k[2] + dz});
          if (it == cells.end()) continue;
          for (std::size_t j : it->second)
            if (j != i && (r[j] - r[i]).squaredNorm() <= r2) out[i].push_back(j);
        }
    std::sort(out[i].begin(), out[i].end());
  }
  return out;
}

}  // namespace

int reclassify_locally(const std::vector<core::Vec3>& positions_A,
                       const std::vector<std::vector<float>>& profiles, int types, double radius_A,
                       int max_sweeps, std::vector<int>& type_of,
                       const core::ExecutionContext& ctx) {
  const std::size_t n = positions_A.size();
  if (types < 2 || n == 0) return 0;
  const auto nt = static_cast<std::size_t>(types);
  const std::size_t m = profiles.front().size();
  const auto neighbours = neighbour_lists(positions_A, radius_A);
  int sweeps = 0;
  for (; sweeps < max_sweeps;) {
    ++sweeps;
    // Whole-model sums per type: the fallback for an atom without a near atom of a type.
    std::vector<std::vector<double>> total(nt, std::vector<double>(m, 0.0));
    std::vector<std::size_t> total_count(nt, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto t = static_cast<std::size_t>(type_of[i]);
      ++total_count[t];
      for (std::size_t q = 0; q < m; ++q) total[t][q] += profiles[i][q];
    }
    std::vector<int> next(n);
    core::parallel_for(
        ctx, 0, n,
        [&](std::size_t i) {
          std::vector<std::vector<double>> sum(nt, std::vector<double>(m, 0.0));
          std::vector<std::size_t> count(nt, 0);
          for (std::size_t j : neighbours[i]) {
            const auto t = static_cast<std::size_t>(type_of[j]);
            ++count[t];
            for (std::size_t q = 0; q < m; ++q) sum[t][q] += profiles[j][q];
          }
          int best = type_of[i];
          double best_d = std::numeric_limits<double>::infinity();
          for (std::size_t t = 0; t < nt; ++t) {
            std::size_t c = count[t];
            const std::vector<double>* s = &sum[t];
            std::vector<double> global;
            if (c == 0) {  // the type's mean over the whole model, without atom i itself
              global = total[t];
              c = total_count[t];
              if (static_cast<std::size_t>(type_of[i]) == t) {
                --c;
                for (std::size_t q = 0; q < m; ++q) global[q] -= profiles[i][q];
              }
              s = &global;
            }
            if (c == 0) continue;
            double d = 0.0;
            for (std::size_t q = 0; q < m; ++q) {
              const double e = profiles[i][q] - (*s)[q] / static_cast<double>(c);
              d += e * e;
            }
            if (d < best_d) best_d = d, best = static_cast<int>(t);
          }
          next[i] = best;
        },
        core::Schedule::kDynamic);
    const bool changed = next != type_of;
    type_of = std::move(next);
    if (!changed) break;
  }
  return sweeps;
}

}  // namespace vitrum::inverse::detail
