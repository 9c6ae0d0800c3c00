#pragma once
// `vitrum analyze`: the structure-analysis suite (analysis module, PHYSICS.md §7) on one atomic
// model — g(r) and rc, BOO, Voronoi, chemical SRO, polytetrahedral motifs, PB networks —
// written as DESIGN.md's analysis schema (HDF5), a JSON summary and PNG plots.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli.hpp"
#include "vitrum/analysis/boo.hpp"
#include "vitrum/analysis/density.hpp"
#include "vitrum/analysis/interface.hpp"
#include "vitrum/analysis/mro.hpp"
#include "vitrum/analysis/pair_distribution.hpp"
#include "vitrum/analysis/pbn.hpp"
#include "vitrum/analysis/polytetrahedral.hpp"
#include "vitrum/analysis/voronoi.hpp"
#include "vitrum/core/config.hpp"

namespace vitrum::app {

/// Whether PNG plots are written beside the HDF5 file.
enum class PlotOutput { kPng, kNone };

struct AnalyzeParams {
  std::string analyses =
      "gr,boo,voronoi,sro,motifs,pbn,density,interface";  ///< comma-separated subset to run
  double rc_A = 0.0;  ///< neighbour cutoff; 0 = first valley of g(r) (PHYSICS.md §7)
  /// Species groups "NAME=El,El; NAME=El" (e.g. "Zr=Zr; X=Cu,Ni,Al"): partial g(r) between
  /// groups, and with exactly two groups the pseudo-binary SRO of seed 002 (A first).
  std::string groups;
  analysis::PairDistributionParams gr;
  std::vector<double> boo_degrees{4, 6};
  analysis::BooParams boo;
  analysis::VoronoiParams voronoi;
  analysis::PolytetrahedralParams motifs;
  analysis::PbnParams pbn;
  analysis::DensityFieldParams density{1.0, 0.0};               ///< sigma_A 0: rc
  analysis::InterfaceParams interface_fit{0.0, 13, 15.0, 0.5};  ///< link_A 0: rc
  std::string mro_solute;  ///< solute-centre elements, comma-separated ("Ir,Pt")
  analysis::MroParams mro;
  PlotOutput plots = PlotOutput::kPng;

  core::ParamSet params();
  std::string params_toml() const { return AnalyzeParams(*this).params().to_toml(); }
  /// Throws InputError naming the field, its value and the allowed range.
  void validate() const;
  /// The analyses to run, parsed from `analyses`.
  std::vector<std::string> selected() const;
  /// The MRO parameters with the solute elements parsed; InputError if none is named.
  analysis::MroParams mro_params() const;
  /// The groups parsed from `groups`.
  std::vector<analysis::SpeciesGroup> parsed_groups() const;
};

void add_analyze_command(CLI::App& app, const GlobalOptions& global);
std::string analyze_defaults_toml();

}  // namespace vitrum::app
