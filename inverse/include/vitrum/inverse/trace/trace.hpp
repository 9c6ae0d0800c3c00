#pragma once
/// \file
/// Atom tracing: the 3D atomic coordinates and species of a reconstruction (PHYSICS.md §4;
/// seed 001 Methods, "Determination and refinement of 3D atomic coordinates" (1)–(3); seed 000
/// for species; reference code AET-MetallicGlass/Supplementary-Data-Codes,
/// 4_Tracing_and_classification). The stages, in order:
///
///  1. upsample the volume 3× by cubic splines (trace/upsample.hpp);
///  2. local maxima: voxels equal to the maximum of their 3×3×3 neighbourhood (a grey
///     dilation) and above the threshold, sorted by intensity (descending; ties by index);
///  3. each maximum refined by a Gaussian-weighted 4th-order polynomial fit over a sphere of
///     radius fit_radius_A (trace/peak_fit.hpp);
///  4. in order of intensity, a fitted peak closer than min_distance_A to an accepted
///     (brighter) atom is rejected;
///  5. non-atoms: the intensity integrated over a cube of edge 2·integration_half_width_A
///     about each atom is clustered by K-means with one centre pinned at zero and `types` free
///     centres (for types = 1 the two classes of seed 001); atoms of the zero class go;
///  6. species: K-means of the integrated intensities into `types` classes (type 0 the
///     weakest), then local re-classification (seed 000): each atom takes the type whose
///     average profile (the cube of upsampled voxels) over the other atoms of that type
///     within reclassify_radius_A is nearest (least squares); repeated until nothing changes;
///  7. manual corrections (add / remove; trace/corrections below), as a user would replay them.
///
/// Positions are in Å in the volume's frame: voxel (i_z, i_y, i_x) is at origin + i·sampling,
/// the coordinates of the EMD dims `vitrum tomo` writes. Position refinement against the tilt
/// series (PHYSICS.md §4, last step) is a separate stage: trace/refine.hpp.

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/inverse/trace/upsample.hpp"

namespace vitrum::inverse {

/// Whether step 5 removes non-atoms.
enum class NonAtomFilter {
  kKMeans,  ///< K-means with a centre pinned at zero (seed 001 Methods (2))
  kNone,    ///< keep every fitted peak (e.g. for a noise-free volume)
};

struct TraceParams {
  int upsample = 3;  ///< interpolation factor (seed 001: 3× oversampling)
  /// Local maxima below threshold_fraction × (the upsampled volume's maximum) are not traced.
  /// The reference code uses an absolute threshold (Th = 1 in its units); a fraction of the
  /// maximum carries over between volumes of different scale. 0.1 keeps atoms ten times
  /// weaker than the brightest; lower it for light elements beside heavy ones.
  double threshold_fraction = 0.1;
  /// If > 0, an absolute threshold (volume units) used instead of threshold_fraction.
  double threshold_value = 0.0;
  std::size_t max_peaks = 100000;  ///< at most this many maxima, brightest first (reference code)
  double fit_radius_A = 0.75;      ///< polynomial fit sphere (PHYSICS.md §4: ≈ 0.75 Å)
  double max_step_voxels = 0.5;    ///< per-step move limit, upsampled voxels (reference: Q = 0.5)
  int converge_steps = 7;          ///< consecutive small steps to accept (reference: CritIter)
  int max_iterations = 14;         ///< fits before giving up (reference: MaxIter)
  double min_distance_A = 2.0;     ///< closest allowed pair of atoms (seed 001: 2 Å)
  /// Half the edge of the cube integrated around each atom (seed 001: 0.8 Å cube).
  double integration_half_width_A = 0.4;
  NonAtomFilter non_atoms = NonAtomFilter::kKMeans;
  int types = 1;                        ///< species classes (1: monatomic; seed 000: 3)
  double reclassify_radius_A = 10.0;    ///< local re-classification neighbourhood (seed 000)
  int reclassify_iterations = 20;       ///< at most this many re-classification sweeps
  double correction_tolerance_A = 1.0;  ///< a removal matches the nearest atom within this

  /// InputError naming the field, its value and the allowed range.
  void validate() const;
  /// The parameters as `vitrum trace` reads them (keys bound to this object's fields).
  core::ParamSet params();
  std::string params_toml() const { return TraceParams(*this).params().to_toml(); }
};

enum class CorrectionAction { kAdd, kRemove };

/// One manual correction: add an atom at position_A (of `type`, or if type < 0 the type whose
/// K-means centre is nearest its integrated intensity), or remove the traced atom nearest
/// position_A (within TraceParams::correction_tolerance_A).
struct ManualCorrection {
  CorrectionAction action = CorrectionAction::kAdd;
  core::Vec3 position_A = core::Vec3::Zero();
  int type = -1;
  std::string where;  ///< "file:line" of the entry, for messages
};

/// Parses corrections, one per line: `add x y z [type]` or `remove x y z` (Å, the volume's
/// frame); `#` starts a comment, blank lines are skipped. InputError naming source:line.
std::vector<ManualCorrection> parse_corrections(std::string_view text, const std::string& source);
/// Reads a corrections file (IoError if unreadable; InputError as parse_corrections).
std::vector<ManualCorrection> read_corrections(const std::filesystem::path& path);

/// What each stage kept and rejected.
struct TraceCounts {
  std::size_t local_maxima = 0;       ///< above the threshold (after max_peaks)
  std::size_t fit_no_maximum = 0;     ///< polynomial without a maximum
  std::size_t fit_left_window = 0;    ///< estimate left the fit sphere
  std::size_t fit_not_converged = 0;  ///< max_iterations reached
  std::size_t too_close = 0;          ///< closer than min_distance_A to a brighter atom
  std::size_t candidates = 0;         ///< potential atoms after step 4
  std::size_t non_atoms = 0;          ///< removed by step 5
  std::size_t reclassified = 0;       ///< atoms whose type step 6's local pass changed
  std::size_t added = 0;              ///< manual additions
  std::size_t removed = 0;            ///< manual removals
  std::size_t atoms = 0;              ///< in the result
};

struct TraceResult {
  std::vector<core::Vec3> positions_A;  ///< Å, the volume's frame; brightest first, then adds
  std::vector<int> types;               ///< 0 … types−1 per atom, ascending intensity
  /// Per atom: the upsampled volume summed over the integration cube × voxel volume
  /// (volume units · Å³).
  std::vector<double> intensity;
  std::vector<double> type_centers;  ///< K-means centre of each type (volume units · Å³)
  double threshold = 0.0;            ///< the local-maximum threshold used (volume units)
  double upsampled_voxel_A = 0.0;    ///< voxel of the traced grid (Å)
  TraceCounts counts;
};

/// Traces the atoms of `volume` (non-negative values such as a RESIRE reconstruction; voxels
/// must be cubic to 1 %) and applies `corrections` in order. InputError for bad params, an
/// empty volume, non-finite voxels, a volume without a positive voxel, non-cubic voxels, a
/// correction type outside 0 … types−1, or a removal with no atom within the tolerance (the
/// message names the entry). Same result for every ctx.threads. Memory: the upsampled grid,
/// (3n − 2)³ floats for n³ voxels, and one intermediate pass while it is made (0.52 GB peak at
/// 128³; bench/README.md).
TraceResult trace_atoms(const VolumeView& volume, const TraceParams& params,
                        const std::vector<ManualCorrection>& corrections,
                        const core::ExecutionContext& ctx, const core::Logger& logger);

}  // namespace vitrum::inverse
