#pragma once
/// \file
/// The JSON scorecard of a run (DESIGN.md "File formats", "Result schemas"): what chain ran on
/// which inputs, the scores it reached with their units, and what made it. Schema (RFC 8259
/// JSON, one object, keys sorted, two-space indentation):
///
///     {
///       "chain": "stem-tomo-trace",
///       "inputs": {"truth": "model.h5", "result": "traced.xyz"},
///       "metrics": {"precision@1.0A": 0.97, "recall@1.0A": 0.95, "rmsd_pm": 21.4},
///       "provenance": {"command": "vitrum score ...", "parameters": "...", "seed": 42,
///                      "version": "0.1.0"},
///       "units": {"rmsd_pm": "pm"}
///     }
///
/// Metric values are written in the shortest form that reads back to the same double. JSON
/// has no NaN or infinity: a non-finite metric is written as `null` and read back as NaN
/// (so +inf and -inf also come back as NaN). `units` may name a subset of the metrics.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "vitrum/core/provenance.hpp"

namespace vitrum::core {

struct Scorecard {
  std::string chain;                          ///< the chain that was scored, e.g. "stem-tomo-trace"
  std::map<std::string, double> metrics;      ///< name → value, e.g. "rmsd_pm" → 21.4
  std::map<std::string, std::string> units;   ///< name → unit, e.g. "rmsd_pm" → "pm"
  Provenance provenance;                      ///< what made the scorecard
  std::map<std::string, std::string> inputs;  ///< role → file, e.g. "truth" → "model.h5"
};

/// Writes the scorecard as JSON (schema above), through a temporary file and a rename.
void write_scorecard(const std::filesystem::path& path, const Scorecard& scorecard);

/// Reads a scorecard. "chain" and "metrics" are required; "inputs", "units" and "provenance"
/// (and each provenance field) may be missing and are then empty (seed 0); other keys are
/// ignored. Throws InputError naming the file (and "file:line" for a syntax error) and the
/// problem: malformed JSON, a missing key, or a value of the wrong type.
Scorecard read_scorecard(const std::filesystem::path& path);

}  // namespace vitrum::core
