// Polytetrahedral packing: Delaunay tetrahedra from the Voronoi dual, their distortion, and
// the motifs around common edges, on clusters whose answer is known exactly.

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>

#include "structures.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/analysis/pbn.hpp"
#include "vitrum/analysis/polytetrahedral.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {
namespace {

using namespace testing;

PolytetrahedralResult run(const core::AtomicModel& m, double rc = 3.5) {
  PolytetrahedralParams p;
  p.rc_A = rc;
  return polytetrahedral_analysis(m, {}, p, core::ExecutionContext{2});
}

TEST(Polytetrahedral, IcosahedronIsTwentyTetrahedraAndTwelvePentagonalBipyramids) {
  // Centre–vertex 2.7 Å, vertex–vertex 2.839 Å: each tetrahedron (centre + a face) has
  // δ = 2.839 / ((3·2.7 + 3·2.839)/6) − 1 = 0.0251.
  const auto m = icosahedron(2.7);
  const auto r = run(m);
  ASSERT_EQ(r.tetrahedra.size(), 20u);
  const double edge = 2.7 * 4.0 / std::sqrt(10.0 + 2.0 * std::sqrt(5.0));
  for (const Tetrahedron& t : r.tetrahedra) {
    EXPECT_EQ(t.atoms[0], 0u);  // every one holds the centre
    EXPECT_NEAR(t.max_edge_A, edge, 1e-9);
    EXPECT_NEAR(t.delta, edge / ((3 * 2.7 + 3 * edge) / 6) - 1, 1e-9);
  }
  // One PB around each of the 12 centre–vertex edges; no other motif.
  ASSERT_EQ(r.motifs.size(), 12u);
  for (const Motif& motif : r.motifs) {
    EXPECT_EQ(motif.fold, 5);
    EXPECT_EQ(motif.cap_a, 0u);
    EXPECT_EQ(motif.ring.size(), 5u);
    EXPECT_EQ(motif.tetrahedra.size(), 5u);
  }
  // From δ = 0.05 on all 20 pass and every atom is in one; each tetrahedron lies in three PBs
  // (one per centre–vertex edge it holds), so the 5-fold fraction is 1 and no other fold.
  EXPECT_NEAR(r.delta.front(), 0.05, 1e-12);
  EXPECT_NEAR(r.delta.back(), 0.35, 1e-12);
  EXPECT_EQ(r.delta.size(), 31u);
  for (std::size_t s = 0; s < r.delta.size(); ++s) {
    EXPECT_EQ(r.passing[s], 20u);
    EXPECT_EQ(r.fraction[s][2], 1.0);
    EXPECT_EQ(r.fraction[s][0] + r.fraction[s][1] + r.fraction[s][3], 0.0);
    EXPECT_EQ(r.atoms_in_tetrahedra[s], 1.0);
  }
  EXPECT_EQ(r.analysis_fraction[2], 1.0);
  EXPECT_EQ(r.analysis_passing, 20u);
  EXPECT_EQ(r.analysis_atoms_in_tetrahedra, 1.0);
  // Below its distortion nothing passes.
  PolytetrahedralParams strict;
  strict.rc_A = 3.5;
  strict.delta_min = strict.delta_max = 0.02;
  strict.delta_analysis = 0.02;
  const auto none = polytetrahedral_analysis(m, {}, strict, core::ExecutionContext{1});
  EXPECT_EQ(none.passing[0], 0u);
  EXPECT_TRUE(none.motifs.empty());
}

TEST(Polytetrahedral, OnePentagonalBipyramidIsOneFivefoldMotif) {
  const auto m = pentagonal_bipyramid(2.8);
  const auto r = run(m);
  ASSERT_EQ(r.tetrahedra.size(), 5u);
  ASSERT_EQ(r.motifs.size(), 1u);
  const Motif& pb = r.motifs[0];
  EXPECT_EQ(pb.fold, 5);
  EXPECT_EQ(pb.cap_a, 0u);
  EXPECT_EQ(pb.cap_b, 1u);
  // The ring in ring order: neighbours on the pentagon follow each other.
  for (std::size_t k = 0; k < 5; ++k) {
    const int a = int(pb.ring[k]) - 2, b = int(pb.ring[(k + 1) % 5]) - 2;
    EXPECT_TRUE((a - b + 5) % 5 == 1 || (b - a + 5) % 5 == 1) << a << " " << b;
  }
  // The skeleton is a regular pentagon of tetrahedron centroids around the axis midpoint.
  const double h = std::sqrt(2.8 * 2.8 - std::pow(2.8 / (2 * std::sin(M_PI / 5)), 2));
  const core::Vec3 mid(0, 0, -h);  // relative to cap 0 (the upper cap)
  ASSERT_EQ(pb.skeleton_A.size(), 5u);
  const double radius = (pb.skeleton_A[0] - mid).norm();
  for (std::size_t k = 0; k < 5; ++k) {
    const core::Vec3& c = pb.skeleton_A[k];
    EXPECT_NEAR((c - mid).norm(), radius, 1e-9);
    EXPECT_NEAR(c.z(), mid.z(), 1e-9);
    // In ring order: consecutive vertices one side 2 R sin 36° apart.
    EXPECT_NEAR((pb.skeleton_A[(k + 1) % 5] - c).norm(), 2 * radius * std::sin(M_PI / 5), 1e-9);
  }
  EXPECT_EQ(r.fraction[0][2], 1.0);
  // A cutoff below the cap–cap distance (1.0515 e = 2.944 Å) removes every tetrahedron.
  const auto cut = run(m, 2.9);
  EXPECT_EQ(cut.passing[0], 0u);
}

TEST(Polytetrahedral, TripletsAreRunsOfThreeAroundAnOpenEdge) {
  // Remove one ring atom from the bipyramid: the hull closes the gap with a fourth
  // tetrahedron around the axis whose ring edge (2 R sin 72° = 4.53 Å, R the ring radius)
  // exceeds rc, so the ring
  // of four holds a run of exactly three passing tetrahedra — one triplet, no closed ring.
  auto pb = pentagonal_bipyramid(2.8);
  const auto open = core::carve(pb, [](const core::Vec3&, int, std::size_t i) { return i != 6; });
  const auto r = run(open);
  ASSERT_EQ(r.tetrahedra.size(), 4u);
  EXPECT_EQ(r.passing[0], 3u);
  ASSERT_EQ(r.motifs.size(), 1u);
  EXPECT_EQ(r.motifs[0].fold, 3);
  EXPECT_EQ(r.motifs[0].ring.size(), 4u);
  EXPECT_EQ(r.fraction[0][0], 1.0);
}

TEST(Polytetrahedral, DelaunayTetrahedraOfAGasTileTheBoxWithEmptyCircumspheres) {
  // Points in general position: the tetrahedra read from the Voronoi vertices are the
  // Delaunay triangulation — they fill the periodic box exactly, and no atom lies inside any
  // circumsphere. The same list comes out for any thread count.
  const auto gas = ideal_gas(400, 16.0, 31);
  const auto r = run(gas);
  double volume = 0;
  const NeighborQuery query(gas, NeighborParams{8.0});
  for (const Tetrahedron& t : r.tetrahedra) {
    const core::Vec3 a = t.relative_A[1], b = t.relative_A[2], c = t.relative_A[3];
    volume += std::abs(a.dot(b.cross(c))) / 6.0;
    // Circumcentre x (relative to atoms[0]) solves 2 [a b c]ᵀ x = (|a|², |b|², |c|²).
    core::Mat3 m;
    m.row(0) = 2 * a;
    m.row(1) = 2 * b;
    m.row(2) = 2 * c;
    const core::Vec3 x =
        m.inverse() * core::Vec3(a.squaredNorm(), b.squaredNorm(), c.squaredNorm());
    const double radius = x.norm();
    ASSERT_LT(radius, 8.0);
    std::size_t inside = 0;
    query.for_each_near_point(gas.positions_A()[t.atoms[0]] + x,
                              [&](std::size_t, const core::Vec3&, double d) {
                                inside += d < radius * (1 - 1e-9) ? 1 : 0;
                              });
    EXPECT_EQ(inside, 0u);
  }
  EXPECT_NEAR(volume, 16.0 * 16.0 * 16.0, 1e-6);
  PolytetrahedralParams p;
  p.rc_A = 3.5;
  const auto one = polytetrahedral_analysis(gas, {}, p, core::ExecutionContext{1});
  ASSERT_EQ(one.tetrahedra.size(), r.tetrahedra.size());
  for (std::size_t k = 0; k < r.tetrahedra.size(); ++k)
    EXPECT_EQ(one.tetrahedra[k].atoms, r.tetrahedra[k].atoms);
  EXPECT_EQ(one.fraction, r.fraction);
}

TEST(Polytetrahedral, SquashedOctahedronIsOneQuadrilateralBipyramid) {
  // Caps at ±1.7 Å on z, a square ring of radius 2 Å: the cap–cap axis (3.4 Å) is shorter than
  // the ring diagonal (4 Å), so the four tetrahedra around it are the Delaunay ones: a closed
  // 4-ring, one quadrilateral bipyramid; its network analysis gives α/γ = 3.4/(2√2); δ = 3.4/2.788
  // − 1 = 0.22.
  core::AtomicModel m(core::Cell::orthorhombic(20, 20, 20, {false, false, false}));
  const core::Vec3 c(10, 10, 10);
  m.add_atom(c + core::Vec3(0, 0, 1.7), 73);
  m.add_atom(c - core::Vec3(0, 0, 1.7), 73);
  for (const core::Vec3& d :
       {core::Vec3(2, 0, 0), core::Vec3(0, 2, 0), core::Vec3(-2, 0, 0), core::Vec3(0, -2, 0)})
    m.add_atom(c + d, 73);
  const auto r = run(m, 3.7);
  ASSERT_EQ(r.tetrahedra.size(), 4u);
  ASSERT_EQ(r.motifs.size(), 1u);
  EXPECT_EQ(r.motifs[0].fold, 4);
  EXPECT_EQ(r.analysis_fraction[1], 1.0);
  PbnParams q;
  q.fold = 4;
  const auto net = pbn_analysis(r, q);
  ASSERT_EQ(net.pentagonal_bipyramids, 1u);
  EXPECT_NEAR(net.alpha_over_gamma[0], 3.4 / (2 * std::sqrt(2.0)), 1e-9);
  EXPECT_NEAR(net.theta_deg[0], 0.0, 1e-6);
}

TEST(Polytetrahedral, ValidatesItsInput) {
  PolytetrahedralParams p;
  p.delta_max = 0.01;
  EXPECT_THROW(p.validate(), InputError);
  const auto m = icosahedron(2.7);
  const std::vector<std::uint8_t> wrong(3, 0);
  EXPECT_THROW(polytetrahedral_analysis(m, wrong, {}, core::ExecutionContext{1}), InputError);
}

}  // namespace
}  // namespace vitrum::analysis

namespace vitrum::analysis {
namespace {

using namespace testing;

TEST(PentagonalBipyramidNetworks, IcosahedronIsTwelveEdgeSharingPbs) {
  // The 12 PBs of an icosahedron share the centre; PBs around neighbouring vertices share the
  // two tetrahedra holding both vertices: each has 5 edge-sharing neighbours (30 pairs), and
  // PBs around non-neighbouring vertices share none. Their axes meet at 63.43°, so
  // φ = 180° − 63.43° = 116.57° (PHYSICS.md §7). One network of 12 PBs and 13 atoms, as long
  // as the icosahedron is wide (2 × 2.7 Å); one full icosahedron.
  PolytetrahedralParams p;
  p.rc_A = 3.5;
  const auto motifs = polytetrahedral_analysis(icosahedron(2.7), {}, p, core::ExecutionContext{2});
  const auto pbn = pbn_analysis(motifs, {});
  EXPECT_EQ(pbn.pentagonal_bipyramids, 12u);
  for (std::size_t k = 0; k < 12; ++k) {
    EXPECT_EQ(pbn.edge_sharing[k], 5);
    EXPECT_EQ(pbn.vertex_sharing[k], 0);
  }
  ASSERT_EQ(pbn.dihedral_deg.size(), 30u);
  for (double phi : pbn.dihedral_deg) EXPECT_NEAR(phi, 180.0 - std::atan(2.0) * 180 / M_PI, 1e-9);
  EXPECT_NEAR(pbn.dihedral_deg[0], 116.565, 1e-3);
  ASSERT_EQ(pbn.networks.size(), 1u);
  EXPECT_EQ(pbn.networks[0].pbs, 12u);
  EXPECT_EQ(pbn.networks[0].atoms, 13u);
  EXPECT_NEAR(pbn.networks[0].length_A, 5.4, 1e-9);
  EXPECT_EQ(pbn.full_icosahedra, 1u);
  EXPECT_EQ(pbn.partial_icosahedra, 0u);
  // Centres: the centre caps all 12 (all connected), each outer atom caps its own PB.
  ASSERT_EQ(pbn.centre_atom.size(), 13u);
  EXPECT_EQ(pbn.centre_atom[0], 0u);
  EXPECT_EQ(pbn.centre_pbs[0], 12);
  EXPECT_EQ(pbn.centre_connected_pbs[0], 12);
  for (std::size_t c = 1; c < 13; ++c) {
    EXPECT_EQ(pbn.centre_pbs[c], 1);
    EXPECT_EQ(pbn.centre_connected_pbs[c], 1);
  }
  ASSERT_EQ(pbn.connected_histogram.size(), 13u);
  EXPECT_EQ(pbn.connected_histogram[1], 12u);
  EXPECT_EQ(pbn.connected_histogram[12], 1u);
  EXPECT_EQ(pbn.fraction_with_edge_sharing, 1.0);
  EXPECT_EQ(pbn.fraction_sharing_no_vertex, 1.0);
  // In the icosahedron the ring is a regular pentagon of edge e = 2.839 Å around the axis
  // (cap–cap 2.7 Å): α/γ = 2.7/e, β/γ = ((2.7 + e)/2)/e, θ = 0.
  const double e = 2.7 * 4.0 / std::sqrt(10.0 + 2.0 * std::sqrt(5.0));
  for (std::size_t k = 0; k < 12; ++k) {
    EXPECT_NEAR(pbn.alpha_over_gamma[k], 2.7 / e, 1e-9);
    EXPECT_NEAR(pbn.beta_over_gamma[k], (2.7 + e) / 2 / e, 1e-9);
    EXPECT_NEAR(pbn.theta_deg[k], 0.0, 1e-6);
  }
}

TEST(PentagonalBipyramidNetworks, IcosahedronWithoutOuterAtomsIsAPartialIcosahedron) {
  // Removing outer atom v opens the rings around v and its 5 neighbours: the PBs around the
  // other 6 outer atoms remain, all edge-connected around the centre (6 connected PBs). Removing
  // two neighbouring outer atoms leaves 12 − 2 − 6 = 4 PBs (the atoms adjacent to neither).
  PolytetrahedralParams p;
  p.rc_A = 3.5;
  const auto ico = icosahedron(2.7);
  // Outer atoms 1 and 3 are neighbours: (0, −1, −φ) and (−φ, 0, −1) scaled, 63.43° apart.
  ASSERT_NEAR((ico.positions_A()[1] - ico.positions_A()[3]).norm(),
              2.7 * 4.0 / std::sqrt(10.0 + 2.0 * std::sqrt(5.0)), 1e-9);
  for (const std::vector<std::size_t>& removed :
       {std::vector<std::size_t>{1}, std::vector<std::size_t>{1, 3}}) {
    const auto m = core::carve(ico, [&](const core::Vec3&, int, std::size_t i) {
      return std::find(removed.begin(), removed.end(), i) == removed.end();
    });
    const auto pbn =
        pbn_analysis(polytetrahedral_analysis(m, {}, p, core::ExecutionContext{1}), {});
    const int expected = removed.size() == 1 ? 6 : 4;
    EXPECT_EQ(pbn.pentagonal_bipyramids, std::size_t(expected));
    EXPECT_EQ(pbn.full_icosahedra, 0u);
    EXPECT_EQ(pbn.partial_icosahedra, 1u);
    ASSERT_FALSE(pbn.centre_atom.empty());
    EXPECT_EQ(pbn.centre_atom[0], 0u);
    EXPECT_EQ(pbn.centre_pbs[0], expected);
    EXPECT_EQ(pbn.centre_connected_pbs[0], expected);
    EXPECT_EQ(pbn.connected_histogram[std::size_t(expected)], 1u);
    // A threshold above the count makes it no partial icosahedron.
    PbnParams strict;
    strict.partial_min_pbs = expected + 1;
    EXPECT_EQ(pbn_analysis(polytetrahedral_analysis(m, {}, p, core::ExecutionContext{1}), strict)
                  .partial_icosahedra,
              0u);
  }
}

TEST(PentagonalBipyramidNetworks, ResultDoesNotDependOnThreads) {
  // A strongly disordered fcc (σ = 0.35 Å) has plenty of motifs and PBs.
  const auto m = cubic_crystal(fcc_basis(), 3.6, 6, 73, 0.35, 13);
  PolytetrahedralParams p;
  p.rc_A = 3.4;
  const auto a = polytetrahedral_analysis(m, {}, p, core::ExecutionContext{1});
  const auto b = polytetrahedral_analysis(m, {}, p, core::ExecutionContext{3});
  EXPECT_EQ(a.fraction, b.fraction);
  ASSERT_EQ(a.motifs.size(), b.motifs.size());
  const auto pa = pbn_analysis(a, {});
  const auto pb = pbn_analysis(b, {});
  EXPECT_GT(pa.pentagonal_bipyramids, 50u);
  EXPECT_EQ(pa.edge_sharing, pb.edge_sharing);
  EXPECT_EQ(pa.dihedral_deg, pb.dihedral_deg);
  ASSERT_EQ(pa.networks.size(), pb.networks.size());
  for (std::size_t k = 0; k < pa.networks.size(); ++k)
    EXPECT_EQ(pa.networks[k].length_A, pb.networks[k].length_A);
}

TEST(PentagonalBipyramidNetworks, IdealBipyramidRatios) {
  // All edges e except the axis 1.0515 e (PHYSICS.md: α/γ ideal 1.05, β/γ 1); one PB, no
  // network of ≥ 5.
  PolytetrahedralParams p;
  p.rc_A = 3.5;
  const auto motifs =
      polytetrahedral_analysis(pentagonal_bipyramid(2.8), {}, p, core::ExecutionContext{1});
  const auto pbn = pbn_analysis(motifs, {});
  ASSERT_EQ(pbn.pentagonal_bipyramids, 1u);
  EXPECT_NEAR(pbn.alpha_over_gamma[0],
              2.0 * std::sqrt(1.0 - 1.0 / (4 * std::pow(std::sin(M_PI / 5), 2))), 1e-9);
  EXPECT_NEAR(pbn.beta_over_gamma[0], 1.0, 1e-9);
  EXPECT_TRUE(pbn.networks.empty());
  // Its two caps cap one PB each: no icosahedron, full or partial.
  EXPECT_EQ(pbn.full_icosahedra, 0u);
  EXPECT_EQ(pbn.partial_icosahedra, 0u);
  EXPECT_EQ(pbn.centre_atom, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(pbn.centre_connected_pbs, (std::vector<int>{1, 1}));
  // The same analysis of 4- and 6-fold bipyramids finds none here.
  PbnParams other;
  other.fold = 6;
  EXPECT_EQ(pbn_analysis(motifs, other).pentagonal_bipyramids, 0u);
  PbnParams bad;
  bad.min_network_size = 1;
  EXPECT_THROW(bad.validate(), InputError);
  bad = PbnParams{};
  bad.fold = 3;
  EXPECT_THROW(bad.validate(), InputError);
  bad = PbnParams{};
  bad.partial_min_pbs = 12;
  EXPECT_THROW(bad.validate(), InputError);
}

}  // namespace
}  // namespace vitrum::analysis
