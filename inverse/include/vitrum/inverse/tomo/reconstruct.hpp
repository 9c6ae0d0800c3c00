#pragma once
/// \file
/// One entry point for `vitrum tomo`: a reconstruction by RESIRE (resire.hpp), or by one of
/// the baselines PHYSICS.md §4 names, SIRT (sirt.hpp) and WBP/FBP (wbp.hpp), optionally after
/// refining the Euler angles (angle_refine.hpp). The parameters are those of RESIRE (iterations,
/// positivity, box and projector are shared by all methods that use them) plus `method`,
/// `sirt.*`, `wbp.*`, `refine_angles.*` and `scanning.*` (scanning AET after RESIRE for thin
/// films, scanning.hpp).

#include <array>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/inverse/tomo/angle_refine.hpp"
#include "vitrum/inverse/tomo/resire.hpp"
#include "vitrum/inverse/tomo/scanning.hpp"
#include "vitrum/inverse/tomo/sirt.hpp"
#include "vitrum/inverse/tomo/wbp.hpp"

namespace vitrum::inverse {

enum class TomoMethod {
  kResire,  ///< RESIRE gradient descent (resire.hpp), the AET method
  kSirt,    ///< SIRT (sirt.hpp), the iterative baseline
  kWbp,     ///< weighted/filtered back-projection (wbp.hpp), the direct baseline; single axis
};

/// "resire", "sirt" or "wbp".
std::string to_string(TomoMethod method);

struct TomoParams {
  TomoMethod method = TomoMethod::kResire;
  /// RESIRE's parameters; `iterations`, `positivity`, `report_interval`, `volume.*` and
  /// `projector.*` also apply to SIRT, and `volume.*`, `projector.*` to WBP.
  ResireParams resire;
  double sirt_relaxation = 1.0;  ///< SIRT's λ (sirt.hpp)
  WbpFilter wbp_filter = WbpFilter::kRamLak;
  double wbp_max_off_axis_deg = 2.0;  ///< WbpParams::max_off_axis_deg
  /// Angle refinement before the reconstruction (rounds = 0: none); the method then uses the
  /// refined angles (RESIRE continues from the refinement's volume).
  AngleRefineParams refine_angles;
  /// Scanning AET after the (global) RESIRE reconstruction, which then seeds the thickness
  /// estimate; method must be resire.
  ScanningParams scanning;

  SirtParams sirt() const;
  WbpParams wbp() const;
  /// InputError naming the field, its value and the allowed range.
  void validate() const;
  /// Every key, bound to this struct's fields (core/config.hpp).
  core::ParamSet params();
  std::string params_toml() const { return TomoParams(*this).params().to_toml(); }
};

struct TomoResult {
  core::Volume volume;  ///< n³ voxels of h, centred on the rotation centre
  /// Mean R₁ per iteration (RESIRE, SIRT: iterations + 1 values from O_0); WBP: one value.
  std::vector<double> r1_history;
  std::vector<double> r1_per_projection;  ///< R₁,θ of the final volume, one per tilt
  /// The Euler angles the final reconstruction used (deg): the refined ones if refinement
  /// ran, else the series'.
  std::vector<std::array<double, 3>> euler_deg;
  /// Refined − recorded angles (deg) per tilt; empty without refinement.
  std::vector<std::array<double, 3>> euler_offset_deg;
  /// Mean R₁ before and after each refinement round's search; empty without refinement.
  std::vector<double> refine_r1_before, refine_r1_after;
  /// The local volumes of scanning AET (empty without it); `volume` and `r1_per_projection`
  /// are then the stitched volume's, r1_history the global RESIRE run's.
  std::vector<ScanPatch> scan_patches;
};

/// Reconstructs `series` (images in value·Å, angles in degrees) about `center_A` (Å) with
/// params.method, after params.refine_angles.rounds rounds of angle refinement, and followed by
/// scanning AET if params.scanning.enabled. Errors as the
/// chosen method's (InputError on bad input or params). Same bytes for every ctx.threads.
TomoResult reconstruct(const core::TiltSeries& series, const core::Vec3& center_A,
                       const TomoParams& params, const core::ExecutionContext& ctx,
                       const core::Logger& logger);

}  // namespace vitrum::inverse
