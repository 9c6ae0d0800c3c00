#pragma once
/// \file
/// One-dimensional K-means (Lloyd's algorithm; MacQueen 1967; Lloyd, IEEE Trans. Inf. Theory
/// 28, 129 (1982)) on the integrated intensities of traced atoms (PHYSICS.md §4; seed 001
/// Methods (2): non-atoms; seed 000: species), optionally with one extra centre pinned at zero
/// for the non-atom class. Deterministic: the free centres start at the (i + ½)/k quantiles
/// of the data, and ties go to the lower class.

#include <cstddef>
#include <span>
#include <vector>

namespace vitrum::inverse {

enum class KMeansZero {
  kFree,    ///< k free centres
  kPinned,  ///< k free centres plus a centre fixed at 0 (class −1)
};

struct KMeansResult {
  /// The free centres, ascending; class c of a value is the index of its centre.
  std::vector<double> centers;
  /// One class per value: 0 … k−1, or −1 for the pinned zero centre.
  std::vector<int> classes;
  int iterations = 0;
};

/// Clusters `values` into `k` classes (k ≥ 1; InputError otherwise, or if a value is not
/// finite). With fewer distinct values than k, some centres coincide and stay empty.
KMeansResult kmeans_1d(std::span<const double> values, int k, KMeansZero zero,
                       int max_iterations = 100);

}  // namespace vitrum::inverse
