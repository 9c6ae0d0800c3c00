#pragma once
/// \file
/// One-to-one matching of traced atoms to true atoms after removing the global offset
/// (PHYSICS.md §4 "Precision"). The AET reference code matches each traced atom to a true atom
/// within 1.5 Å, removes the mean offset and repeats; it is not one-to-one (two traced atoms
/// may claim one true atom). vitrum keeps the iteration but makes every matching one-to-one
/// and exact:
///
///   1. offset estimation at `offset_radius_A` (default 1.5 Å, the reference code's): match,
///      set the offset to the mean of (r_result − r_truth) over the pairs, shift, re-match,
///      until the offset changes by < `offset_tolerance_A` or `offset_iterations` is reached;
///   2. with that offset removed, an independent matching at each radius of `radii_A`.
///
/// The estimation starts from a zero offset, so the result must lie in the truth's frame to
/// within about `offset_radius_A` (as `vitrum trace` output does: it is in the frame of the
/// model `vitrum stem` was given); a larger misregistration finds no pairs and is reported as
/// recall 0, not silently aligned.
///
/// Matching at one radius is an exact assignment: the candidate pairs (true i, traced j) with
/// |r_j − offset − r_i| ≤ radius (found with the analysis module's cell lists, so periodic
/// axes use the nearest image) form a sparse bipartite graph; each connected component is
/// solved with the Hungarian algorithm (Kuhn–Munkres with potentials, O(n²m); Jonker &
/// Volgenant's shortest augmenting paths) for the lexicographic objective "most pairs, then the
/// smallest Σ d²". Exact rather than mutual-nearest or greedy because greedy and mutual-nearest
/// lose pairs when one traced atom lies between two true atoms (both then pair with it, or the
/// shorter pair blocks the only partner of the other), which makes recall depend on the order
/// of a tie; components are tiny once the offset is removed (one or two atoms per side when
/// the radius is below the nearest-neighbour distance), so the cubic cost is irrelevant. A
/// component larger than `max_exact_component` atoms (radius ≫ spacing) is matched greedily by
/// increasing distance instead, and counted in `greedy_components`.
///
/// Scores (per radius): recall = pairs / true atoms, precision = pairs / traced atoms,
/// RMSD = √(mean |d|²) over pairs with d = r_result − offset − r_truth, and per axis
/// √(mean d_a²), all in pm. With the mean offset removed at the offset radius this is the
/// reference code's √(σx² + σy² + σz²).

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::validation {

/// Parameters of the matching.
struct MatchParams {
  std::vector<double> radii_A{0.5, 1.0, 1.5};  ///< matching radii scored, Å (each in (0, 10])
  double offset_radius_A = 1.5;      ///< radius of the offset estimation (reference code), Å
  int offset_iterations = 20;        ///< at most this many match → offset rounds (0: no offset)
  double offset_tolerance_A = 1e-6;  ///< stop when the offset moves less than this, Å
  int max_exact_component = 2000;    ///< larger components are matched greedily
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// A matching at one radius.
struct RadiusMatch {
  double radius_A = 0;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  ///< (truth index, result index)
  /// Per pair r_result − offset − r_truth (nearest periodic image), Å; parallel to pairs.
  std::vector<core::Vec3> residuals_A;
  std::size_t truth_atoms = 0;
  std::size_t result_atoms = 0;
  double recall = 0;                     ///< pairs / truth atoms (0 to 1)
  double precision = 0;                  ///< pairs / result atoms (0 to 1)
  double rmsd_pm = 0;                    ///< √(mean |d|²) over pairs, pm (NaN without pairs)
  std::array<double, 3> rmsd_axis_pm{};  ///< √(mean d_x²), √(mean d_y²), √(mean d_z²), pm
  std::size_t greedy_components = 0;     ///< components too large for the exact assignment
};

struct MatchResult {
  core::Vec3 offset_A = core::Vec3::Zero();  ///< mean r_result − r_truth removed, Å
  int offset_iterations = 0;                 ///< rounds used by the offset estimation
  std::vector<RadiusMatch> radii;            ///< one per MatchParams::radii_A, same order
  /// The matching at `radius_A` (within 1e-9 Å); InputError if it was not scored.
  const RadiusMatch& at(double radius_A) const;
};

/// One-to-one matching of `result` (traced) to `truth` at one radius, with `offset_A`
/// subtracted from the result positions. The truth's cell (periodic axes) is used.
/// InputError for an empty model or a radius outside (0, 10] Å.
RadiusMatch match_at_radius(const core::AtomicModel& truth, const core::AtomicModel& result,
                            double radius_A, const core::Vec3& offset_A,
                            int max_exact_component = 2000);

/// The offset estimation and the matchings at every radius (see the file comment).
/// InputError for an empty model (naming which) or bad params.
MatchResult match_atoms(const core::AtomicModel& truth, const core::AtomicModel& result,
                        const MatchParams& params);

}  // namespace vitrum::validation
