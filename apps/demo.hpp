#pragma once
// The demo (`vitrum demo`): the AET chain end to end on an embedded pipeline — sim (ta-small
// glass) → specimen (a sphere with a crystal nucleus) → stem (linear model, with random
// shifts) → tomo (RESIRE after alignment) → trace (+ refinement) → score — run through
// run_pipeline (pipeline.hpp) with its stage cache, then the scorecard printed as a table and
// an HTML report of the run written beside the run folder's files.

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline.hpp"

namespace vitrum::app {

/// How big a chain the demo runs.
enum class DemoSize {
  kFull,   ///< a 1,000-atom ta-small glass, a 12 Å particle, 31 tilts: a few minutes on 2 cores
  kQuick,  ///< a 300-atom glass quenched 10× faster, an 8 Å particle, 21 tilts: seconds (tests)
};

/// The embedded pipeline (TOML, as `vitrum run` reads it) of the full demo. `cores` is the
/// machine's core count: with 2 or more the MD runs on 2 MPI ranks (`sim.mpi_ranks = 2`).
std::string demo_pipeline_toml(unsigned cores);

/// The `--set` overrides that turn the full demo into `size` (empty for kFull). They are
/// applied before the user's own, and recorded in run.json like them.
std::vector<std::string> demo_size_overrides(DemoSize size);

/// Writes `<run folder>/report.html` and the PNGs it shows (`<run folder>/report/`): what was
/// run (stages, status, times, cache reuse, the resolved pipeline), the 0° projection, central
/// slices of the reconstruction, the R₁ history of RESIRE, the scorecard with units and the
/// structure statistics of truth and traced model side by side, with g(r) of both. The page
/// needs no network: images are files beside it, plots inline SVG. Returns the report's path.
/// Throws IoError if a file cannot be written, InputError if a stage output is unreadable.
std::filesystem::path write_demo_report(const Pipeline& pipeline, const RunResult& result);

}  // namespace vitrum::app
