// The shared neighbour query against brute force over periodic images, for orthorhombic,
// triclinic, small (cutoff > half the cell) and finite models; independence of threads.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "structures.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using testing::ideal_gas;

// (j, rounded displacement) for every neighbour of every atom, sorted.
using Entry = std::tuple<std::size_t, std::size_t, long, long, long>;

Entry entry(std::size_t i, std::size_t j, const Vec3& d) {
  return {i, j, std::lround(d.x() * 1e6), std::lround(d.y() * 1e6), std::lround(d.z() * 1e6)};
}

std::vector<Entry> brute_force(const core::AtomicModel& m, double rc) {
  std::vector<Entry> out;
  const auto& pbc = m.cell().pbc;
  int reach[3];
  const core::Mat3 inv = m.cell().is_valid() ? core::Mat3(m.cell().vectors_A.inverse())
                                             : core::Mat3(core::Mat3::Identity());
  for (int a = 0; a < 3; ++a) reach[a] = pbc[a] ? int(std::ceil(rc * inv.col(a).norm())) + 2 : 0;
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::size_t j = 0; j < m.size(); ++j)
      for (int x = -reach[0]; x <= reach[0]; ++x)
        for (int y = -reach[1]; y <= reach[1]; ++y)
          for (int z = -reach[2]; z <= reach[2]; ++z) {
            if (i == j && x == 0 && y == 0 && z == 0) continue;
            const Vec3 d = m.positions_A()[j] - m.positions_A()[i] +
                           m.cell().vectors_A.transpose() * Vec3(x, y, z);
            if (d.norm() <= rc) out.push_back(entry(i, j, d));
          }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Entry> from_query(const core::AtomicModel& m, double rc, int threads = 2) {
  const NeighborQuery q(m, NeighborParams{rc});
  const NeighborList list(q, core::ExecutionContext{threads});
  std::vector<Entry> out;
  for (std::size_t i = 0; i < m.size(); ++i) {
    for (std::size_t k = 0; k < list.count(i); ++k) {
      out.push_back(entry(i, list.indices(i)[k], list.vectors(i)[k]));
      EXPECT_NEAR(list.distances(i)[k], list.vectors(i)[k].norm(), 1e-12);
      if (k > 0) {
        EXPECT_LE(list.distances(i)[k - 1], list.distances(i)[k]);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Neighbors, OrthorhombicPeriodicMatchesBruteForce) {
  const auto m = ideal_gas(300, 15.0);
  const auto expected = brute_force(m, 4.0);
  EXPECT_GT(expected.size(), 1000u);
  EXPECT_EQ(from_query(m, 4.0), expected);
}

TEST(Neighbors, TriclinicPeriodicMatchesBruteForce) {
  auto m = ideal_gas(250, 14.0, 11);
  m.cell().vectors_A << 14.0, 0.0, 0.0, 4.0, 13.0, 0.0, -3.0, 5.0, 12.0;
  const auto expected = brute_force(m, 4.5);
  EXPECT_GT(expected.size(), 1000u);
  EXPECT_EQ(from_query(m, 4.5), expected);
}

TEST(Neighbors, CutoffLargerThanHalfTheCellFindsEveryImage) {
  // One atom in a 3 Å simple cubic cell: within 4.3 Å are 6 images at 3 Å and 12 at 4.24 Å.
  core::AtomicModel m(core::Cell::orthorhombic(3, 3, 3));
  m.add_atom(Vec3(1, 1, 1), 73);
  EXPECT_EQ(from_query(m, 4.3).size(), 18u);
  EXPECT_EQ(from_query(m, 4.3), brute_force(m, 4.3));
  auto tri = ideal_gas(5, 4.0, 3);
  tri.cell().vectors_A << 4.0, 0.0, 0.0, 2.0, 3.5, 0.0, 1.0, 1.0, 3.8;
  EXPECT_EQ(from_query(tri, 6.0), brute_force(tri, 6.0));
}

TEST(Neighbors, FiniteAndMixedModelsMatchBruteForce) {
  auto finite = ideal_gas(300, 15.0, 5);
  finite.cell().pbc = {false, false, false};
  EXPECT_EQ(from_query(finite, 4.0), brute_force(finite, 4.0));
  auto film = ideal_gas(300, 15.0, 6);
  film.cell().pbc = {true, true, false};
  EXPECT_EQ(from_query(film, 4.0), brute_force(film, 4.0));
  // A finite model with no cell at all (traced atoms) is binned in Cartesian coordinates.
  core::AtomicModel loose;
  for (std::size_t i = 0; i < finite.size(); ++i) loose.add_atom(finite.positions_A()[i], 73);
  EXPECT_EQ(from_query(loose, 4.0), brute_force(finite, 4.0));
}

TEST(Neighbors, PointQueryFindsAtomsAroundAnyPoint) {
  const auto m = ideal_gas(200, 12.0, 9);
  const NeighborQuery q(m, NeighborParams{3.0});
  const Vec3 p(0.5, 11.8, 6.0);  // near a corner: images matter
  std::size_t found = 0;
  q.for_each_near_point(p, [&](std::size_t j, const Vec3& d, double r) {
    EXPECT_NEAR(r, d.norm(), 1e-12);
    const Vec3 s = m.cell().fractional(m.positions_A()[j] - (p + d));
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(s[a], std::round(s[a]), 1e-9);
    ++found;
  });
  std::size_t expected = 0;
  for (const Vec3& r : m.positions_A())
    for (int x = -1; x <= 1; ++x)
      for (int y = -1; y <= 1; ++y)
        for (int z = -1; z <= 1; ++z)
          expected += (r + 12.0 * Vec3(x, y, z) - p).norm() <= 3.0 ? 1 : 0;
  EXPECT_EQ(found, expected);
  EXPECT_GT(found, 0u);
}

// Unordered pairs (i ≤ j, displacement from i to j) from the half query, against the full one.
void expect_half_query_gives_each_pair_once(const core::AtomicModel& m, double rc) {
  const NeighborQuery q(m, NeighborParams{rc});
  const auto canonical = [](std::size_t i, std::size_t j, Vec3 d) {
    if (j < i || (i == j && std::lexicographical_compare(d.data(), d.data() + 3, Vec3(-d).data(),
                                                         Vec3(-d).data() + 3))) {
      std::swap(i, j);
      d = -d;
    }
    return entry(i, j, d);
  };
  std::vector<Entry> half, full;
  for (std::size_t i = 0; i < m.size(); ++i) {
    q.for_each_neighbor_half(
        i, [&](std::size_t j, const Vec3& d, double) { half.push_back(canonical(i, j, d)); });
    q.for_each_neighbor(i, [&](std::size_t j, const Vec3& d, double) {
      const Entry e = canonical(i, j, d);
      if (e == entry(i, j, d)) full.push_back(e);  // keep the direction that is canonical
    });
  }
  std::sort(half.begin(), half.end());
  std::sort(full.begin(), full.end());
  EXPECT_GT(full.size(), 100u);
  EXPECT_EQ(half, full);
}

TEST(Neighbors, HalfQueryVisitsEachPairOnce) {
  expect_half_query_gives_each_pair_once(ideal_gas(3000, 30.0, 21), 7.0);  // half stencil
  expect_half_query_gives_each_pair_once(ideal_gas(200, 10.0, 22), 4.0);   // j ≥ i fallback
  auto tri = ideal_gas(40, 6.0, 23);  // cutoff beyond half the cell: self-images
  tri.cell().vectors_A << 6.0, 0.0, 0.0, 2.0, 5.5, 0.0, 1.0, 1.0, 5.8;
  expect_half_query_gives_each_pair_once(tri, 5.0);
}

TEST(Neighbors, ListIsIdenticalForAnyThreadCount) {
  const auto m = ideal_gas(2000, 30.0, 13);
  const NeighborQuery q(m, NeighborParams{5.0});
  const NeighborList one(q, core::ExecutionContext{1});
  const NeighborList four(q, core::ExecutionContext{4});
  ASSERT_EQ(one.total(), four.total());
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::size_t k = 0; k < one.count(i); ++k) {
      EXPECT_EQ(one.indices(i)[k], four.indices(i)[k]);
      EXPECT_EQ(one.vectors(i)[k], four.vectors(i)[k]);
    }
}

TEST(Neighbors, RejectsABadCutoff) {
  const auto m = ideal_gas(10, 10.0);
  EXPECT_THROW(NeighborQuery(m, NeighborParams{0.0}), InputError);
  EXPECT_THROW(NeighborQuery(m, NeighborParams{std::nan("")}), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
