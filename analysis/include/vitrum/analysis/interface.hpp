#pragma once
/// \file
/// Crystal–amorphous interface width (PHYSICS.md §7; seed 001 Methods): the normalised BOO of
/// the amorphous atoms around crystal nuclei, against their distance x from the nucleus
/// surface, fitted with y = a e^{−x/d_c} + b (published d_c = 3.0, 4.2, 4.3 Å for Ta, Pd1, Pd2).
///
/// Nuclei: groups of crystalline atoms connected by links ≤ link_A, kept if they hold at least
/// min_nucleus_atoms. The surface is represented by the nucleus atoms themselves: x of an
/// amorphous atom is its distance to the nearest nucleus atom (so x ≥ about one bond length),
/// and the signed distance of a nucleus atom is minus its distance to the nearest amorphous
/// atom. The fit uses every amorphous atom with x ≤ max_distance_A: for each d_c on a
/// logarithmic grid the best a, b follow by linear least squares, and the best d_c is refined
/// by golden-section search.

#include <cstdint>
#include <span>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

struct InterfaceParams {
  double link_A = 3.6;           ///< crystalline atoms this close belong to one nucleus (rc), Å
  int min_nucleus_atoms = 13;    ///< smaller groups are not nuclei
  double max_distance_A = 15.0;  ///< amorphous atoms farther from every nucleus are not fitted
  double bin_A = 0.5;            ///< width of the reported profile bins, Å
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// Least-squares fit of y = a e^{−x/d_c} + b.
struct ExponentialFit {
  double d_c_A = 0, a = 0, b = 0;
  double rms = 0;  ///< root-mean-square residual
  std::size_t points = 0;
  /// True if d_c ended at an end of the searched range [0.05, 50] Å: no decay was found (a
  /// flat profile) and d_c means nothing.
  bool at_bound = false;
};

struct InterfaceResult {
  std::size_t nuclei = 0;
  std::vector<std::size_t> nucleus_atoms;  ///< per nucleus, largest first
  std::vector<double> signed_distance_A;   ///< per atom; NaN if beyond max_distance_A or no nucleus
  std::vector<double> profile_x_A;         ///< bin centres (amorphous side)
  std::vector<double> profile_boo;         ///< mean normalised BOO per bin
  std::vector<std::size_t> profile_count;  ///< atoms per bin
  ExponentialFit fit;                      ///< d_c etc.; points = 0 if there was nothing to fit
};

/// Fits y = a e^{−x/d_c} + b to the points (x ≥ 0). InputError if fewer than 3 points or
/// sizes differ.
ExponentialFit fit_exponential_decay(std::span<const double> x, std::span<const double> y);

/// The interface analysis of a model with per-atom normalised BOO and crystal labels
/// (boo.hpp). InputError if their lengths differ from the model's.
InterfaceResult crystal_interface(const core::AtomicModel& model, std::span<const double> boo_norm,
                                  std::span<const std::uint8_t> crystalline,
                                  const InterfaceParams& params, const core::ExecutionContext& ctx);

}  // namespace vitrum::analysis
