#pragma once
/// \file
/// Structure statistics of the truth and of a result side by side, with a distance for each
/// (PHYSICS.md §7; the statistics are the analysis module's, computed as `vitrum analyze`
/// does, finite particles with the finite-window g(r) and wall-clipped Voronoi cells):
///
/// | statistic | per side | distance |
/// | --- | --- | --- |
/// | g(r) | total g on 0…r_max in Δr shells | RMS of g_result − g_truth over the common shells |
/// | CN | mean Voronoi CN of interior cells | abs difference |
/// | Voronoi indices | fractions of the most frequent | L1 over the union of both top-k lists |
/// | motifs at δ = 0.255 | 3-, 4-, 5-, 6-fold fractions | L1 over the four folds |
/// | PBNs (5-fold, ≥ 5 PBs) | count, largest, mean size (PBs) | abs difference of largest and mean
/// | | crystal nuclei (BOO) | crystalline fraction | abs difference |
///
/// Both sides use one neighbour cutoff rc: `rc_A`, or the first valley of the truth's g(r)
/// (the result's own valley would make the two sides measure different shells).

#include <array>
#include <cstddef>
#include <vector>

#include "vitrum/analysis/boo.hpp"
#include "vitrum/analysis/pair_distribution.hpp"
#include "vitrum/analysis/pbn.hpp"
#include "vitrum/analysis/polytetrahedral.hpp"
#include "vitrum/analysis/voronoi.hpp"
#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::validation {

struct StructureScoreParams {
  double rc_A = 0.0;  ///< neighbour cutoff, Å; 0: first valley of the truth's g(r)
  analysis::PairDistributionParams gr;
  analysis::BooParams boo;  ///< rc_A is replaced by the common rc
  analysis::VoronoiParams voronoi;
  double motif_delta = 0.255;  ///< δ_max of the motif fractions (seed 001)
  analysis::PbnParams pbn;
  int voronoi_top = 5;  ///< Voronoi indices compared
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

/// The statistics of one model.
struct StructureSide {
  std::vector<double> gr_r_A;                          ///< shell centres, Å
  std::vector<double> gr;                              ///< total g(r)
  double cn_mean = 0;                                  ///< mean Voronoi CN over interior cells
  std::vector<analysis::IndexPopulation> voronoi_top;  ///< most frequent first
  std::array<double, 4> motif_fraction{};              ///< 3-, 4-, 5-, 6-fold at motif_delta
  std::vector<std::size_t> pbn_sizes;  ///< PBs per network, largest first (the distribution)
  std::size_t pbn_count = 0;           ///< networks of ≥ pbn.min_network_size PBs
  double pbn_largest = 0;              ///< PBs in the largest network
  double pbn_mean_size = 0;            ///< mean PBs per network (0 without networks)
  double crystalline_fraction = 0;     ///< BOO crystal-nucleus atoms / all atoms
};

struct StructureComparison {
  double rc_A = 0;  ///< the common neighbour cutoff, Å
  StructureSide truth, result;
  double gr_rms_diff = 0;                ///< √(mean (g_r − g_t)²) over the common shells
  double cn_abs_diff = 0;                ///< |CN_r − CN_t|
  double voronoi_top_l1 = 0;             ///< Σ |f_r − f_t| over the union of both top lists
  double motif_l1 = 0;                   ///< Σ over 4 folds |f_r − f_t|
  double pbn_largest_diff = 0;           ///< |largest_r − largest_t|, PBs
  double pbn_mean_size_diff = 0;         ///< |mean_r − mean_t|, PBs
  double crystalline_fraction_diff = 0;  ///< |c_r − c_t|
};

/// The statistics of one model with a given rc (Å).
StructureSide structure_statistics(const core::AtomicModel& model, double rc_A,
                                   const StructureScoreParams& params,
                                   const core::ExecutionContext& ctx);

/// Both sides and the distances. InputError for an empty model, a truth whose g(r) has no
/// first valley when rc_A = 0, or anything the analyses refuse (e.g. a film).
StructureComparison compare_structure(const core::AtomicModel& truth,
                                      const core::AtomicModel& result,
                                      const StructureScoreParams& params,
                                      const core::ExecutionContext& ctx);

}  // namespace vitrum::validation
