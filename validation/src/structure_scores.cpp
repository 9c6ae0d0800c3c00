#include "vitrum/validation/structure_scores.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::validation {

void StructureScoreParams::validate() const {
  if (!(std::isfinite(rc_A) && rc_A >= 0.0 && rc_A <= 20.0))
    throw InputError("structure.rc_A = " + core::format_number(rc_A) +
                     " is out of range; allowed: 0 (from the truth's g(r)) or (0, 20] Å");
  gr.validate();
  voronoi.validate();
  pbn.validate();
  if (!(std::isfinite(motif_delta) && motif_delta > 0.0 && motif_delta <= 1.0))
    throw InputError("structure.motif_delta = " + core::format_number(motif_delta) +
                     " is out of range; allowed: (0, 1]");
  if (voronoi_top < 1 || voronoi_top > 100)
    throw InputError("structure.voronoi_top = " + std::to_string(voronoi_top) +
                     " is out of range; allowed: 1 to 100");
}

StructureSide structure_statistics(const core::AtomicModel& model, double rc_A,
                                   const StructureScoreParams& params,
                                   const core::ExecutionContext& ctx) {
  if (model.empty()) throw InputError("structure statistics: the model has no atoms");
  StructureSide s;
  const analysis::PairDistribution gr = analysis::pair_distribution(model, params.gr, ctx);
  s.gr_r_A = gr.r_A;
  s.gr = gr.g;
  // BOO and the nucleus labels, as `vitrum analyze` computes them.
  const analysis::NeighborList neighbors(analysis::NeighborQuery(model, {rc_A}), ctx);
  analysis::BooParams bp = params.boo;
  bp.rc_A = rc_A;
  bp.degrees = {4, 6};
  const analysis::BooResult boo = analysis::bond_orientational_order(model, neighbors, bp, ctx);
  s.crystalline_fraction = boo.crystalline_fraction;
  const analysis::VoronoiResult voronoi = analysis::voronoi_analysis(model, params.voronoi, ctx);
  s.cn_mean = voronoi.cn_mean;
  for (std::size_t k = 0;
       k < std::min<std::size_t>(std::size_t(params.voronoi_top), voronoi.populations.size()); ++k)
    s.voronoi_top.push_back(voronoi.populations[k]);
  analysis::PolytetrahedralParams mp;
  mp.rc_A = rc_A;
  mp.wall_margin_A = params.voronoi.wall_margin_A;
  mp.delta_min = params.motif_delta;
  mp.delta_max = params.motif_delta;
  mp.delta_analysis = params.motif_delta;
  const analysis::PolytetrahedralResult motifs =
      analysis::polytetrahedral_analysis(model, boo.crystalline, mp, ctx);
  s.motif_fraction = motifs.analysis_fraction;
  const analysis::PbnResult pbn = analysis::pbn_analysis(motifs, params.pbn);
  s.pbn_count = pbn.networks.size();
  double total = 0;
  for (const auto& net : pbn.networks) {
    s.pbn_sizes.push_back(net.pbs);
    total += static_cast<double>(net.pbs);
    s.pbn_largest = std::max(s.pbn_largest, static_cast<double>(net.pbs));
  }
  s.pbn_mean_size = pbn.networks.empty() ? 0.0 : total / static_cast<double>(pbn.networks.size());
  return s;
}

StructureComparison compare_structure(const core::AtomicModel& truth,
                                      const core::AtomicModel& result,
                                      const StructureScoreParams& params,
                                      const core::ExecutionContext& ctx) {
  params.validate();
  if (truth.empty()) throw InputError("structure statistics: the true model has no atoms");
  if (result.empty()) throw InputError("structure statistics: the result model has no atoms");
  StructureComparison c;
  c.rc_A = params.rc_A;
  if (c.rc_A == 0.0) {
    const analysis::PairDistribution gr = analysis::pair_distribution(truth, params.gr, ctx);
    c.rc_A = gr.first_shell.valley_A;
    if (!std::isfinite(c.rc_A))
      throw InputError("the truth's g(r) has no first valley below gr.r_max_A; set structure.rc_A");
  }
  c.truth = structure_statistics(truth, c.rc_A, params, ctx);
  c.result = structure_statistics(result, c.rc_A, params, ctx);
  const std::size_t n = std::min(c.truth.gr.size(), c.result.gr.size());
  double sum = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double d = c.result.gr[k] - c.truth.gr[k];
    sum += d * d;
  }
  c.gr_rms_diff = n ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
  c.cn_abs_diff = std::abs(c.result.cn_mean - c.truth.cn_mean);
  // Voronoi: union of both top lists; an index missing from one list counts as fraction 0
  // there (it is rarer than that list's last entry).
  std::map<analysis::VoronoiIndex, std::array<double, 2>> fractions;
  for (const auto& p : c.truth.voronoi_top) fractions[p.index][0] = p.fraction;
  for (const auto& p : c.result.voronoi_top) fractions[p.index][1] = p.fraction;
  for (const auto& [index, f] : fractions) c.voronoi_top_l1 += std::abs(f[1] - f[0]);
  for (int k = 0; k < 4; ++k)
    c.motif_l1 += std::abs(c.result.motif_fraction[k] - c.truth.motif_fraction[k]);
  c.pbn_largest_diff = std::abs(c.result.pbn_largest - c.truth.pbn_largest);
  c.pbn_mean_size_diff = std::abs(c.result.pbn_mean_size - c.truth.pbn_mean_size);
  c.crystalline_fraction_diff =
      std::abs(c.result.crystalline_fraction - c.truth.crystalline_fraction);
  return c;
}

}  // namespace vitrum::validation
