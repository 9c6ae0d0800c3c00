#pragma once
/// \file
/// Position refinement of a traced model against the tilt series (PHYSICS.md §4, last step of
/// atom tracing; seed 001 Methods, "Determination and refinement of 3D atomic coordinates"
/// (5): "refined by minimizing the error between the experimental and computed images using
/// the gradient descent"; reference code AET-AmorphousMaterials, refinement of the traced
/// model).
///
/// The model. Atom k (type t) is a 3D Gaussian h_t·exp(−|r − r_k|²/2σ²) with one width for all
/// atoms,
///
///   σ² = B/(8π²) + w_instr²   (Å²; B the Debye–Waller factor, w_instr a fixed instrumental
///                               width: probe size, scan jitter — RefineParams),
///
/// since a Gaussian thermal smearing of ⟨u_x²⟩ = B/8π² per axis multiplies f_e by the
/// Debye–Waller factor exp(−Bq²/4) = exp(−2π²⟨u_x²⟩q²) (q = 1/d). Projected analytically
/// along the beam at orientation θ (core/projector.hpp: r' = R(r − c) + c,
/// R = core::euler_zyx_matrix, integrate along z'), it is the 2D Gaussian
/// h_t·(2π)^{3/2}σ³·N(ρ − ρ_k; σ²) about ρ_k = (R(r_k − c) + c)_{x,y}, N the normalised 2D
/// Gaussian N(ρ; v) = exp(−|ρ|²/2v)/(2πv). This is convolved with the radial profile K_t(ρ) of
/// the type's averaged electron scattering factor f̄_t(q) = mean over the type's elements of
/// f_e(q) (core/scattering.hpp), normalised to K̂_t(0) = 1. K_t is approximated by a sum of
/// normalised 2D Gaussians, K̂_t(q) ≈ Σ_j w_tj exp(−2π²s_j²q²) with fixed widths s_j and
/// non-negative weights fitted to f̄_t(q)/f̄_t(0) over 0 ≤ q ≤ 1/(2·pixel) (the band the
/// detector samples); the fit's largest error is logged at debug level (0.2–1.4 % of f̄(0) for Si,
/// Ni, Pd, Ta, Pt with q_max 0.8–1.6 Å⁻¹; four or five Gaussians keep a positive weight). Gaussians
/// convolve into Gaussians, so one atom's image is
///
///   m_k(ρ) = A_t Σ_j w_tj N(ρ − ρ_k; σ² + s_j²),     A_t = h_t (2π)^{3/2} σ³,
///
/// with A_t the integrated intensity of one atom's projection (data units·Å²). The image of a
/// projection is Σ_k m_k sampled at the pixel centres (as `vitrum stem` samples its probe
/// positions), each component rendered within ±render_sigmas of its own width. With
/// RefineProfile::kGaussian, K_t is a delta (one component, s = 0): the linear ADF model of
/// forward/linear_projection.hpp, where each atom's image is a Gaussian.
///
/// The fit (ε = ½ Σ_θ Σ_pixels (model − data)², all projections at once):
///  1. B: golden-section search over [b_min_A2, b_max_A2] of ε minimised over the per-type
///     amplitudes A_t, which enter linearly (solved by linear least squares for every trial
///     B); at the traced positions, and again every b_refit_interval position iterations
///     (errors of the traced positions otherwise stay in B as extra width: 0.3 Å errors gave
///     B = 4.4 instead of 1.5 Å² in the tests).
///  2. x, y, z of every atom: Gauss–Newton per atom (each atom's 3×3 normal matrix Σ_θ JᵀJ over
///     the pixels its image touches, Levenberg damping), all atoms moved together, each move
///     clipped to max_step_px pixels per iteration and the total displacement from the traced
///     position to max_move_A (PHYSICS.md §4: ≤ 0.5 px per iteration, ≤ 1 Å in total). The
///     amplitudes are re-solved after every move; a step that raises ε is halved (up to four
///     times), and refinement stops when no halving helps or the largest move is below
///     tolerance_A.
///
/// Fit quality R₁ = Σ_θ Σ|model − data| / Σ_θ Σ|data| over all projections (PHYSICS.md §4).
///
/// Threads: each projection is rendered into its own buffer and each atom's normal equations
/// gather the projections in order, so results are the same bytes for every thread count.

#include <cstddef>
#include <string>
#include <vector>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/config.hpp"
#include "vitrum/core/grid.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/core/scattering.hpp"

namespace vitrum::inverse {

/// The radial profile each atom's Gaussian is convolved with.
enum class RefineProfile {
  kScatteringFactor,  ///< the type-averaged f_e(q) as a sum of Gaussians (seed 001; default)
  kGaussian,          ///< none: atoms are plain Gaussians (the linear ADF model)
};

struct RefineParams {
  int iterations = 20;  ///< position iterations (Gauss–Newton steps); 0 fits B and heights only
  RefineProfile profile = RefineProfile::kScatteringFactor;
  core::ScatteringParametrization scattering = core::ScatteringParametrization::kLobato2014;
  /// The elements (Z) of each type, averaged for f̄_t (seed 000 groups several per type).
  /// Required for kScatteringFactor; its size is then the number of types. Not a config key:
  /// `vitrum trace` fills it from `species`.
  std::vector<std::vector<int>> type_Z;
  /// Fixed instrumental width w_instr (Å) in σ² = B/8π² + w_instr²; > 0 so σ > 0 at B = 0.
  /// 0.1 Å: well under the default probe's image width (0.165 Å), so B carries the rest.
  double instrument_width_A = 0.1;
  double b_min_A2 = 0.0;    ///< B search interval (Å²); b_min = b_max fixes B
  double b_max_A2 = 40.0;   ///< (σ = 0.71 Å at w_instr = 0: wider than any atom's image)
  int b_search_steps = 30;  ///< golden-section steps (interval shrinks by 0.618 per step)
  /// Refit B (and the amplitudes) every this many position iterations; 0: only before them.
  /// B fitted at traced positions absorbs their errors as extra width.
  int b_refit_interval = 5;
  double max_step_px = 0.5;    ///< largest move of an atom per iteration (pixels; PHYSICS.md §4)
  double max_move_A = 1.0;     ///< largest total move from the traced position (Å; PHYSICS.md §4)
  double render_sigmas = 4.0;  ///< render each Gaussian within ± this many of its widths
  double damping = 1e-3;       ///< Levenberg term λ·tr(H)/3 added to each atom's 3×3 matrix
  double tolerance_A = 1e-4;   ///< stop when no atom moved more than this in an iteration
  int report_interval = 1;     ///< log R₁ every this many iterations

  /// InputError naming the field, its value and the allowed range.
  void validate() const;
  /// Binds the config keys (`<prefix>iterations`, …) to this object's fields.
  core::ParamSet& add_to(core::ParamSet& set, const std::string& prefix = "refine.");
};

/// A radial 2D profile as a sum of normalised 2D Gaussians, K(ρ) = Σ_j w_j N(ρ; s_j²).
struct GaussianSum {
  std::vector<double> weight;       ///< w_j (Σ w_j = 1)
  std::vector<double> variance_A2;  ///< s_j² (Å²)
  double max_error = 0.0;           ///< largest |K̂(q) − f̄(q)/f̄(0)| over the fitted band
};

/// f̄(q)/f̄(0) of the elements `Z` (f_e averaged with equal weights), fitted by non-negative
/// weights of Gaussians of fixed widths over 0 ≤ q ≤ q_max_invA (q = 1/d). InputError for an
/// empty list or an unknown element.
GaussianSum scattering_profile(const std::vector<int>& Z, core::ScatteringParametrization table,
                               double q_max_invA);

/// The forward model of the refinement: everything but the positions.
struct ProjectionModel {
  double b_A2 = 0.0;                ///< Debye–Waller factor B (Å²)
  double instrument_width_A = 0.1;  ///< w_instr (Å)
  /// Per type: A_t, the integrated intensity of one atom's projection (data units·Å²).
  std::vector<double> amplitude;
  std::vector<GaussianSum> profile;  ///< per type: K_t
  double render_sigmas = 4.0;        ///< render within ± this many widths per component

  /// σ² = B/(8π²) + w_instr² (Å²) of the 3D Gaussians.
  double sigma2_A2() const;
  /// The 3D Gaussian's peak h_t = A_t / ((2π)^{3/2} σ³) of each type (data units / Å).
  std::vector<double> heights() const;
};

/// Renders the projections of atoms (`positions_A`, Å, the object frame of
/// core/projector.hpp; `types` index model.amplitude) about `center_A` into series.images
/// (overwritten), one per series.euler_deg; the images' axes 1, 2 (shape, sampling, origin)
/// define the detector, as for core::project. InputError on a bad series, a type without a
/// profile, or sizes that differ. Same bytes for every ctx.threads.
void render_projections(const ProjectionModel& model, const std::vector<core::Vec3>& positions_A,
                        const std::vector<int>& types, const core::Vec3& center_A,
                        core::TiltSeries& series, const core::ExecutionContext& ctx);

struct RefineResult {
  std::vector<core::Vec3> positions_A;  ///< refined, Å, same frame and order as the input
  ProjectionModel model;                ///< final B, amplitudes and profiles
  double b_A2 = 0.0;                    ///< fitted B (Å²)
  std::vector<double> heights;          ///< h_t per type (data units / Å)
  /// R₁ over all projections: [0] at the traced positions (after fitting B and the
  /// amplitudes), then after each accepted position iteration, and last the final model's
  /// if a refit of B changed it after the last iteration.
  std::vector<double> r1_history;
  std::vector<double> move_A;  ///< per atom: |refined − traced| (Å)
  int iterations_run = 0;      ///< position iterations done (≤ params.iterations)
};

/// 1 for each position (Å, object frame) that projects inside the field of view of every
/// projection of `series` about `center_A`, else 0 (refine_positions refuses those atoms).
std::vector<std::uint8_t> inside_field_of_view(const core::TiltSeries& series,
                                               const core::Vec3& center_A,
                                               const std::vector<core::Vec3>& positions_A);

/// Refines B, the per-type amplitudes and every atom's position against `series` (images as
/// line integrals in any unit, e.g. ADF counts; Euler angles in degrees) about the rotation
/// centre `center_A` (Å), from `positions_A` (Å, the object frame: the volume frame of
/// `vitrum tomo`/`vitrum trace`) and `types` (0 … T−1). InputError for bad params, an empty
/// model, positions and types of different sizes, a type outside 0 … T−1, non-finite
/// positions or data, a series whose angles do not match its images, or an atom that projects
/// outside a projection's field of view. Progress and R₁ go to `logger`.
RefineResult refine_positions(const core::TiltSeries& series, const core::Vec3& center_A,
                              const std::vector<core::Vec3>& positions_A,
                              const std::vector<int>& types, const RefineParams& params,
                              const core::ExecutionContext& ctx, const core::Logger& logger);

}  // namespace vitrum::inverse
