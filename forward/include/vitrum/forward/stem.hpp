#pragma once
/// \file
/// ADF-STEM tilt series of an atomic model (PHYSICS.md §2; seed 001, "3D precision
/// estimation"): for each projection the model is rotated by its ZYX Euler angles
/// R = Rz(φ)Ry(θ)Rx(ψ) about the rotation centre (the model's centroid), r' = R(r − c) + c,
/// and imaged along +z by multislice or by the linear model; frozen phonons, the source blur
/// and the acquisition imperfections are applied on demand and recorded.
///
/// Geometry shared by every projection: a square scan of `scan.step_A` pixels centred on the
/// rotation centre, wide enough for the model at any orientation (2·(max |r − c| + margin));
/// pixel (iy, ix) of the image is the probe at c + ((ix − (n−1)/2)·step, (iy − (n−1)/2)·step).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/forward/acquisition.hpp"
#include "vitrum/forward/linear_projection.hpp"
#include "vitrum/forward/multislice.hpp"
#include "vitrum/forward/potential.hpp"
#include "vitrum/forward/probe.hpp"

namespace vitrum::forward {

enum class ForwardModel { kMultislice, kLinear };

/// The projections' orientations. Precedence: euler_deg (triplets), then angles_deg (tilts
/// about y), then the range min…max in steps of step_deg (if > 0) or in `count` equal steps.
struct TiltParams {
  std::vector<double> euler_deg;   ///< flattened (φ, θ, ψ) triplets
  std::vector<double> angles_deg;  ///< single-axis tilts θ about y
  /// Default range: the Ta film series of seed 001 (46 projections, −63.0° … +55.9°), here
  /// equally spaced (the measured angles are in the paper's supplementary data).
  double min_deg = -63.0;
  double max_deg = 55.9;
  int count = 46;
  double step_deg = 0.0;  ///< > 0: min, min + step, … up to max (count is then ignored)

  void validate() const;
  std::vector<std::array<double, 3>> orientations_deg() const;
};

struct ScanParams {
  double step_A = 0.3216;  ///< scan step = image pixel (Ta film, seed 001 Methods)
  double margin_A = 3.0;   ///< field of view beyond the farthest atom from the centre
  void validate() const;
};

/// Frozen phonons (Loane, Xu & Silcox 1991, Acta Cryst. A47, 267): each configuration
/// displaces every atom by a Gaussian of variance ⟨u_x²⟩ = B/8π² per axis; intensities are
/// averaged over configurations.
struct PhononParams {
  int configurations = 1;  ///< one snapshot; raise it to average thermal diffuse scattering
  double u2_A2 = 0.0093;  ///< ⟨u_x²⟩ (Zhou-EAM Ta glass at 300 K, B = 0.74 Å²; PHYSICS.md §1)
  /// Per-element overrides, "Pd:0.0081, Ta:0.0093" (Å²).
  std::string u2_by_element;
  void validate() const;
  double u2_for(int Z) const;
};

struct StemParams {
  ForwardModel model = ForwardModel::kMultislice;
  ProbeParams beam;
  AnnularDetector adf{"adf", 40.0, 200.0};  ///< ≈ 40–200 mrad (PHYSICS.md §2)
  /// Thicknesses (Å, from each projection's entrance surface) at which the ADF signal is also
  /// recorded, noiseless, into a thickness series (multislice; depths beyond the specimen
  /// give the exit signal). Empty: none.
  std::vector<double> depths_A;
  double bf_outer_mrad = 0.0;  ///< > 0 adds a bright-field disc detector [0, bf_outer)
  /// Simulation pixel (Å); 0 chooses the coarsest that represents the ADF outer angle,
  /// λ / (3 β_out).
  double sampling_A = 0.0;
  SliceParams slices;
  MultisliceParams multislice;
  LinearModelParams linear;
  TiltParams tilt;
  ScanParams scan;
  PhononParams phonons;
  AcquisitionParams acquisition;
  /// Also simulate the linear model for each projection and report how far it is from the
  /// multislice image (relative RMS after the best scale, correlation).
  bool compare_linear = false;
  /// FFT planning: kMeasure plans are 4–5× faster from 256² up (bench/README.md) but may
  /// differ from run to run unless the same wisdom is reused; "auto" keeps wisdom in
  /// $XDG_CACHE_HOME/vitrum (or ~/.cache/vitrum), so repeated runs on one machine give the
  /// same bytes; "" uses none. kEstimate is reproducible everywhere.
  core::FftRigor fft_rigor = core::FftRigor::kMeasure;
  std::string fft_wisdom_file = "auto";

  void validate() const;
  /// The simulation pixel actually used.
  double resolved_sampling_A() const;
  core::ParamSet params();
  std::string params_toml() const { return StemParams(*this).params().to_toml(); }
};

/// Linear vs multislice for one projection.
struct ModelComparison {
  double scale = 0.0;         ///< best least-squares factor s in multislice ≈ s·linear
  double relative_rms = 0.0;  ///< ‖M − sL‖ / ‖M‖
  double correlation = 0.0;   ///< Pearson r of the two images
};

struct StemResult {
  core::TiltSeries adf;  ///< fractions of the incident beam, or counts with a dose
  std::optional<core::TiltSeries> bf;
  /// ADF thickness series [tilt][depth][y][x] (fractions, noiseless) when depths_A is set.
  std::optional<core::Grid<float, 4>> adf_depths;
  core::Vec3 rotation_center_A = core::Vec3::Zero();
  std::vector<std::array<double, 3>> euler_actual_deg;  ///< nominal + angle errors
  std::vector<ProjectionImperfections> imperfections;
  std::vector<ModelComparison> comparison;  ///< empty unless compare_linear
  std::size_t slices_per_projection = 0;    ///< of the last projection (multislice)
  std::size_t window_pixels = 0;            ///< propagation window side (multislice)
};

/// The tilt series without counting noise: collected fractions of the incident beam with the
/// source blur, shifts, drift and angle errors applied. This is the expensive part, and it does
/// not depend on the dose, background or read noise, so a dose sweep can compute it once.
/// Progress per probe (or per projection for the linear model).
StemResult simulate_signals(const core::AtomicModel& model, const StemParams& params,
                            std::uint64_t seed, const core::ExecutionContext& ctx,
                            const core::Logger& logger, core::FftPlanCache& ffts);

/// Replaces the fractions of `signals` (as simulate_signals made them with `seed`) by counts:
/// apply_counting_noise on ADF image t with stream 2t and on BF image t with stream 2t + 1.
/// Does nothing without a dose.
void apply_counting_noise(StemResult& signals, const AcquisitionParams& acquisition,
                          std::uint64_t seed);

/// Simulates the whole tilt series: simulate_signals, then apply_counting_noise. Same seed,
/// same bytes, whatever ctx.threads.
StemResult simulate_tilt_series(const core::AtomicModel& model, const StemParams& params,
                                std::uint64_t seed, const core::ExecutionContext& ctx,
                                const core::Logger& logger, core::FftPlanCache& ffts);

}  // namespace vitrum::forward
