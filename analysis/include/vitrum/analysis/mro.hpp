#pragma once
/// \file
/// Medium-range order: solute-centred superclusters matched to crystal templates (seed 000;
/// PHYSICS.md §7, after the reference code AET-MetallicGlass `8_Data_analysis_mro`).
///
/// Solute atoms (e.g. the type-3 atoms Ir, Pt of seed 000) are linked when
/// link_min_A ≤ d ≤ link_max_A. From every amorphous solute seed (normalised BOO below the
/// crystal threshold, when labels are given) each template — the nearest-neighbour shell of an
/// fcc, hcp, bcc or sc lattice, or the 12 vertices of an icosahedron around its centre
/// (PHYSICS.md §7 "(and icosahedral)"; the reference code's `nn_basis` type 5; seed 000 reports
/// that no icosahedral MRO was found) — is grown breadth-first:
///  1. orientation and lattice constant from the seed's links: every pair of links is aligned
///     with a pair of template vectors of the same angle (±angle_tolerance_deg), the scale set by
///     the mean length of the first link shell (links within 1.1 × the shortest), and the
///     alignment that places most links within `tolerance_A` of a site wins;
///  2. from each accepted atom the template's neighbour sites are predicted; the nearest
///     unassigned solute atom within `tolerance_A` of a site joins, at that site;
///  3. after each breadth-first layer orientation, scale and origin are refitted to all
///     accepted atoms (least squares, Kabsch), and growth continues until no atom joins.
/// The icosahedral template does not tile space: from every accepted atom the same 12 vertex
/// directions are predicted, so beyond the first shell it describes interpenetrating,
/// equally oriented icosahedra (sites v_i + v_j, …); its "lattice constant" is the
/// centre–vertex distance (the vertex–vertex distance is 1.0515 × that).
/// Each seed keeps its largest template network (on a tie the template listed first); networks are
/// then accepted largest first without sharing atoms. Reported: template, size, lattice constant
/// and the RMS deviation of the atoms from their sites.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

enum class MroTemplate { kFcc, kHcp, kBcc, kSc, kIcosahedral };

/// "fcc", "hcp", "bcc", "sc", "ico".
std::string to_string(MroTemplate t);

struct MroParams {
  std::vector<int> solute_Z;          ///< elements of the solute centres (must not be empty)
  double link_min_A = 3.858;          ///< solute–solute links from … (seed 000), Å
  double link_max_A = 6.079;          ///< … to (seed 000), Å
  double tolerance_A = 0.75;          ///< an atom joins if this close to its site, Å
  double angle_tolerance_deg = 10.0;  ///< link-pair angle match when orienting a seed
  double crystal_threshold = 0.5;     ///< seeds need normalised BOO below this (if given)
  int min_network_size = 4;           ///< smaller networks are not reported
  std::vector<MroTemplate> templates{MroTemplate::kFcc, MroTemplate::kHcp, MroTemplate::kBcc,
                                     MroTemplate::kSc, MroTemplate::kIcosahedral};
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
};

struct MroNetwork {
  MroTemplate kind = MroTemplate::kFcc;
  std::vector<std::uint32_t> atoms;  ///< model indices, seed first
  double lattice_A = 0;  ///< fitted lattice constant (hcp: a; icosahedral: centre–vertex), Å
  double rms_A = 0;      ///< RMS distance of the atoms from their sites, Å
};

struct MroResult {
  std::size_t solute_atoms = 0;
  std::size_t seeds = 0;
  std::vector<MroNetwork> networks;  ///< non-overlapping, largest first
};

/// MRO analysis. `boo_norm` is empty or one normalised BOO per atom. InputError for bad
/// parameters, a solute element absent from the model, or a BOO array of the wrong length.
MroResult medium_range_order(const core::AtomicModel& model, std::span<const double> boo_norm,
                             const MroParams& params, const core::ExecutionContext& ctx);

}  // namespace vitrum::analysis
