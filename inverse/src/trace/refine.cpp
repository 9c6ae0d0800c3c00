// Position refinement against the tilt series (refine.hpp): B by golden section with the
// per-type amplitudes solved linearly, then Gauss–Newton steps per atom.

#include "vitrum/inverse/trace/refine.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "refine_render.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

void RefineParams::validate() const {
  using core::require;
  require(iterations >= 0, "refine.iterations", iterations, "≥ 0");
  require(std::isfinite(instrument_width_A) && instrument_width_A > 0 && instrument_width_A <= 5,
          "refine.instrument_width_A", instrument_width_A, "(0, 5] Å");
  require(std::isfinite(b_min_A2) && b_min_A2 >= 0, "refine.b_min_A2", b_min_A2, "≥ 0 Å²");
  require(std::isfinite(b_max_A2) && b_max_A2 >= b_min_A2 && b_max_A2 <= 1000, "refine.b_max_A2",
          b_max_A2, "[b_min_A2, 1000] Å²");
  require(b_search_steps >= 0 && b_search_steps <= 200, "refine.b_search_steps", b_search_steps,
          "0 … 200");
  require(std::isfinite(max_step_px) && max_step_px > 0 && max_step_px <= 10, "refine.max_step_px",
          max_step_px, "(0, 10] pixels");
  require(std::isfinite(max_move_A) && max_move_A > 0, "refine.max_move_A", max_move_A, "> 0 Å");
  require(std::isfinite(render_sigmas) && render_sigmas >= 2 && render_sigmas <= 10,
          "refine.render_sigmas", render_sigmas, "[2, 10]");
  require(std::isfinite(damping) && damping >= 0 && damping <= 1e3, "refine.damping", damping,
          "[0, 1000]");
  require(std::isfinite(tolerance_A) && tolerance_A >= 0, "refine.tolerance_A", tolerance_A,
          "≥ 0 Å");
  require(b_refit_interval >= 0, "refine.b_refit_interval", b_refit_interval, "≥ 0");
  require(report_interval >= 1, "refine.report_interval", report_interval, "≥ 1");
  if (profile == RefineProfile::kScatteringFactor) {
    if (type_Z.empty())
      throw InputError(
          "refine.profile = scattering_factor needs the elements of every type (type_Z)");
    for (std::size_t t = 0; t < type_Z.size(); ++t)
      if (type_Z[t].empty())
        throw InputError("refine: type " + std::to_string(t) + " has no elements (type_Z)");
  }
}

core::ParamSet& RefineParams::add_to(core::ParamSet& set, const std::string& prefix) {
  return set
      .add(prefix + "iterations", iterations, "",
           "position iterations (Gauss–Newton per atom); 0 fits B and heights only")
      .add_choice(prefix + "profile", profile,
                  {{"scattering_factor", RefineProfile::kScatteringFactor},
                   {"gaussian", RefineProfile::kGaussian}},
                  "atom image: Gaussian ⊛ type-averaged f_e (seed 001), or a plain Gaussian "
                  "(the linear ADF model)")
      .add_choice(prefix + "scattering", scattering,
                  {{"lobato", core::ScatteringParametrization::kLobato2014},
                   {"kirkland", core::ScatteringParametrization::kKirkland2010}},
                  "electron scattering factor table")
      .add(prefix + "instrument_width_A", instrument_width_A, "Å",
           "fixed instrumental width in σ² = B/8π² + w²")
      .add(prefix + "b_min_A2", b_min_A2, "Å²", "B search interval, lower end")
      .add(prefix + "b_max_A2", b_max_A2, "Å²", "B search interval, upper end (= b_min: fixed)")
      .add(prefix + "b_search_steps", b_search_steps, "", "golden-section steps for B")
      .add(prefix + "b_refit_interval", b_refit_interval, "",
           "refit B every this many position iterations (0: only before them)")
      .add(prefix + "max_step_px", max_step_px, "pixels",
           "largest move of an atom per iteration (PHYSICS.md §4: 0.5)")
      .add(prefix + "max_move_A", max_move_A, "Å",
           "largest total move from the traced position (PHYSICS.md §4: 1)")
      .add(prefix + "render_sigmas", render_sigmas, "",
           "render each Gaussian within ± this many widths")
      .add(prefix + "damping", damping, "", "Levenberg damping of each atom's 3×3 system")
      .add(prefix + "tolerance_A", tolerance_A, "Å",
           "stop when no atom moves more than this in an iteration")
      .add(prefix + "report_interval", report_interval, "", "log R₁ every this many iterations");
}

namespace {

using detail::Component;
using detail::Detector;
using detail::Orientation;

/// The model's fit to the data at one set of positions and one B.
struct Evaluation {
  std::vector<double> amplitude;                         // per type
  double sse = std::numeric_limits<double>::infinity();  // Σ (model − data)²
  double r1 = std::numeric_limits<double>::infinity();
};

class Refiner {
 public:
  Refiner(const core::TiltSeries& series, const core::Vec3& center_A, const std::vector<int>& types,
          ProjectionModel model, const core::ExecutionContext& ctx)
      : series_(series), types_(types), model_(std::move(model)), ctx_(ctx) {
    det_ = detail::detector_of(series);
    ntypes_ = model_.profile.size();
    for (std::size_t t = 0; t < series.tilt_count(); ++t)
      orient_.push_back(detail::orientation(series.euler_deg[t], center_A));
    const std::size_t npix = det_.pixels(), ntilt = series.tilt_count();
    basis_.assign(ntypes_ * ntilt * npix, 0.0f);
    residual_.assign(ntilt * npix, 0.0f);
    std::vector<double> abs_sum(ntilt, 0.0);
    core::parallel_for(ctx_, 0, ntilt, [&](std::size_t t) {
      const float* d = data(t);
      double s = 0;
      for (std::size_t i = 0; i < npix; ++i) s += std::abs(static_cast<double>(d[i]));
      abs_sum[t] = s;
    });
    for (double s : abs_sum) data_abs_ += s;
  }

  ProjectionModel& model() { return model_; }

  /// Renders the per-type basis at `positions` and the current B, solves the amplitudes and
  /// fills the residual images.
  Evaluation evaluate(const std::vector<core::Vec3>& positions) {
    const std::size_t ntilt = series_.tilt_count(), npix = det_.pixels(), T = ntypes_;
    const auto comps = detail::components(model_, true);
    std::vector<Eigen::MatrixXd> gram(ntilt);
    std::vector<Eigen::VectorXd> rhs(ntilt);
    core::parallel_for(ctx_, 0, ntilt, [&](std::size_t t) {
      std::vector<double> image(T * npix, 0.0), ex, ey;
      for (std::size_t k = 0; k < positions.size(); ++k) {
        const auto type = static_cast<std::size_t>(types_[k]);
        const Eigen::Vector2d rho = orient_[t].project(positions[k]);
        detail::splat_atom(rho.x(), rho.y(), comps[type], det_, image.data() + type * npix, ex, ey);
      }
      float* b = basis(t);
      for (std::size_t i = 0; i < T * npix; ++i) b[i] = static_cast<float>(image[i]);
      gram[t] = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(T), static_cast<Eigen::Index>(T));
      rhs[t] = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(T));
      const float* d = data(t);
      for (std::size_t a = 0; a < T; ++a) {
        const float* ma = b + a * npix;
        double s = 0;
        for (std::size_t i = 0; i < npix; ++i)
          s += static_cast<double>(ma[i]) * static_cast<double>(d[i]);
        rhs[t][static_cast<Eigen::Index>(a)] = s;
        for (std::size_t c = a; c < T; ++c) {
          const float* mc = b + c * npix;
          double g = 0;
          for (std::size_t i = 0; i < npix; ++i)
            g += static_cast<double>(ma[i]) * static_cast<double>(mc[i]);
          gram[t](static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(c)) = g;
          gram[t](static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(a)) = g;
        }
      }
    });
    Eigen::MatrixXd G =
        Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(T), static_cast<Eigen::Index>(T));
    Eigen::VectorXd r = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(T));
    for (std::size_t t = 0; t < ntilt; ++t) G += gram[t], r += rhs[t];
    // A type with no atoms has an empty basis: pin its amplitude to 0.
    for (Eigen::Index a = 0; a < G.rows(); ++a)
      if (!(G(a, a) > 0)) G(a, a) = 1.0, r[a] = 0.0;
    const Eigen::VectorXd A = G.ldlt().solve(r);
    Evaluation e;
    e.amplitude.assign(A.data(), A.data() + A.size());
    std::vector<double> sse(ntilt, 0.0), abs(ntilt, 0.0);
    core::parallel_for(ctx_, 0, ntilt, [&](std::size_t t) {
      const float* b = basis(t);
      const float* d = data(t);
      float* res = residual(t);
      double s2 = 0, s1 = 0;
      for (std::size_t i = 0; i < npix; ++i) {
        double m = 0;
        for (std::size_t a = 0; a < T; ++a)
          m += e.amplitude[a] * static_cast<double>(b[a * npix + i]);
        const double diff = m - static_cast<double>(d[i]);
        res[i] = static_cast<float>(diff);
        s2 += diff * diff;
        s1 += std::abs(diff);
      }
      sse[t] = s2, abs[t] = s1;
    });
    e.sse = 0;
    double a1 = 0;
    for (std::size_t t = 0; t < ntilt; ++t) e.sse += sse[t], a1 += abs[t];
    e.r1 = data_abs_ > 0 ? a1 / data_abs_ : 0.0;
    model_.amplitude = e.amplitude;
    return e;
  }

  /// Gauss–Newton step of every atom from the residual of the last evaluate(), each clipped
  /// to max_step_A.
  std::vector<core::Vec3> steps(const std::vector<core::Vec3>& positions, double damping,
                                double max_step_A) const {
    const auto comps = detail::components(model_, false);
    std::vector<core::Vec3> out(positions.size(), core::Vec3::Zero());
    const std::size_t ntilt = series_.tilt_count();
    core::parallel_for(
        ctx_, 0, positions.size(),
        [&](std::size_t k) {
          const std::vector<Component>& cs = comps[static_cast<std::size_t>(types_[k])];
          core::Mat3 H = core::Mat3::Zero();
          core::Vec3 g = core::Vec3::Zero();
          std::vector<double> ex, ey;
          for (std::size_t t = 0; t < ntilt; ++t) {
            const Eigen::Vector2d rho = orient_[t].project(positions[k]);
            Eigen::Matrix2d H2 = Eigen::Matrix2d::Zero();
            Eigen::Vector2d g2 = Eigen::Vector2d::Zero();
            accumulate(rho, cs, residual(t), H2, g2, ex, ey);
            const auto& P = orient_[t].P;
            H += P.transpose() * H2 * P;
            g += P.transpose() * g2;
          }
          const double lambda = damping * H.trace() / 3.0;
          if (!(H.trace() > 0)) return;  // the atom touches no pixel
          const core::Mat3 Hd = H + lambda * core::Mat3::Identity();
          core::Vec3 d = -Hd.ldlt().solve(g);
          if (!d.allFinite()) return;
          const double n = d.norm();
          if (n > max_step_A) d *= max_step_A / n;
          out[k] = d;
        },
        core::Schedule::kDynamic);
    return out;
  }

 private:
  /// One atom's normal equations in the detector plane for one projection: J = ∂m/∂ρ at
  /// every pixel of its patch, H2 += J Jᵀ, g2 += residual·J.
  void accumulate(const Eigen::Vector2d& rho, const std::vector<Component>& cs, const float* res,
                  Eigen::Matrix2d& H2, Eigen::Vector2d& g2, std::vector<double>& ex,
                  std::vector<double>& ey) const {
    double radius = 0;
    for (const Component& c : cs) radius = std::max(radius, c.radius);
    long x0, x1, y0, y1;
    detail::pixel_range(rho.x(), radius, det_.ox, det_.px, det_.nx, x0, x1);
    detail::pixel_range(rho.y(), radius, det_.oy, det_.py, det_.ny, y0, y1);
    if (x0 > x1 || y0 > y1) return;
    const auto wx = static_cast<std::size_t>(x1 - x0 + 1),
               wy = static_cast<std::size_t>(y1 - y0 + 1);
    const std::size_t nc = cs.size();
    ex.assign(nc * wx, 0.0);
    ey.assign(nc * wy, 0.0);
    for (std::size_t j = 0; j < nc; ++j) {
      const double inv = -0.5 / cs[j].variance;
      for (std::size_t i = 0; i < wx; ++i) {
        const double d =
            det_.ox + static_cast<double>(x0 + static_cast<long>(i)) * det_.px - rho.x();
        if (std::abs(d) <= cs[j].radius) ex[j * wx + i] = std::exp(inv * d * d);
      }
      for (std::size_t i = 0; i < wy; ++i) {
        const double d =
            det_.oy + static_cast<double>(y0 + static_cast<long>(i)) * det_.py - rho.y();
        if (std::abs(d) <= cs[j].radius) ey[j * wy + i] = cs[j].coefficient * std::exp(inv * d * d);
      }
    }
    double hxx = 0, hxy = 0, hyy = 0, gx = 0, gy = 0;
    for (std::size_t iy = 0; iy < wy; ++iy) {
      const double dy =
          det_.oy + static_cast<double>(y0 + static_cast<long>(iy)) * det_.py - rho.y();
      const float* row = res + static_cast<std::size_t>(y0 + static_cast<long>(iy)) * det_.nx;
      for (std::size_t ix = 0; ix < wx; ++ix) {
        const double dx =
            det_.ox + static_cast<double>(x0 + static_cast<long>(ix)) * det_.px - rho.x();
        double s = 0;  // Σ_j m_j / v_j: ∂m/∂ρ = s·(dx, dy)
        for (std::size_t j = 0; j < nc; ++j)
          s += ey[j * wy + iy] * ex[j * wx + ix] / cs[j].variance;
        if (s == 0.0) continue;
        const double jx = s * dx, jy = s * dy;
        const double r = static_cast<double>(row[static_cast<std::size_t>(x0) + ix]);
        hxx += jx * jx, hxy += jx * jy, hyy += jy * jy;
        gx += r * jx, gy += r * jy;
      }
    }
    H2(0, 0) += hxx, H2(0, 1) += hxy, H2(1, 0) += hxy, H2(1, 1) += hyy;
    g2.x() += gx, g2.y() += gy;
  }

  const float* data(std::size_t t) const { return series_.images.data() + t * det_.pixels(); }
  float* basis(std::size_t t) { return basis_.data() + t * ntypes_ * det_.pixels(); }
  float* residual(std::size_t t) { return residual_.data() + t * det_.pixels(); }
  const float* residual(std::size_t t) const { return residual_.data() + t * det_.pixels(); }

  const core::TiltSeries& series_;
  const std::vector<int>& types_;
  ProjectionModel model_;
  const core::ExecutionContext& ctx_;
  Detector det_;
  std::size_t ntypes_ = 0;
  std::vector<Orientation> orient_;
  std::vector<float> basis_;     // [tilt][type][y][x], unit amplitude
  std::vector<float> residual_;  // [tilt][y][x], model − data
  double data_abs_ = 0;
};

void check_inputs(const core::TiltSeries& series, const core::Vec3& center_A,
                  const std::vector<core::Vec3>& positions, const std::vector<int>& types,
                  std::size_t ntypes) {
  series.validate();
  if (series.tilt_count() == 0 || series.images.extent(1) == 0 || series.images.extent(2) == 0)
    throw InputError("refine: the tilt series has no images");
  for (float v : series.images.values())
    if (!std::isfinite(v)) throw InputError("refine: the tilt series has non-finite pixels");
  if (!center_A.allFinite()) throw InputError("refine: the rotation centre is not finite");
  if (positions.empty()) throw InputError("refine: the model has no atoms");
  if (positions.size() != types.size())
    throw InputError("refine: " + std::to_string(positions.size()) + " positions but " +
                     std::to_string(types.size()) + " types");
  for (std::size_t k = 0; k < positions.size(); ++k) {
    if (!positions[k].allFinite())
      throw InputError("refine: atom " + std::to_string(k) + " has a non-finite position");
    if (types[k] < 0 || static_cast<std::size_t>(types[k]) >= ntypes)
      throw InputError("refine: atom " + std::to_string(k) + " has type " +
                       std::to_string(types[k]) + ", allowed 0 … " + std::to_string(ntypes - 1));
  }
  const std::vector<std::uint8_t> inside = inside_field_of_view(series, center_A, positions);
  for (std::size_t k = 0; k < positions.size(); ++k)
    if (!inside[k])
      throw InputError("refine: atom " + std::to_string(k) + " at (" +
                       core::format_number(positions[k].x()) + ", " +
                       core::format_number(positions[k].y()) + ", " +
                       core::format_number(positions[k].z()) +
                       ") Å projects outside the field of view of a projection (is it outside "
                       "the reconstructed volume?)");
}

/// Golden-section search of B over [lo, hi] at `positions` in `steps` steps, the amplitudes
/// solved at every trial; leaves the refiner at the best B and returns it.
double fit_b(Refiner& refiner, const std::vector<core::Vec3>& positions, double lo, double hi,
             int steps) {
  const auto cost_at = [&](double b) {
    refiner.model().b_A2 = b;
    return refiner.evaluate(positions).sse;
  };
  if (hi > lo && steps > 0) {
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = cost_at(x1), f2 = cost_at(x2);
    for (int s = 0; s < steps; ++s) {
      if (f1 <= f2) {
        hi = x2, x2 = x1, f2 = f1;
        x1 = hi - g * (hi - lo), f1 = cost_at(x1);
      } else {
        lo = x1, x1 = x2, f1 = f2;
        x2 = lo + g * (hi - lo), f2 = cost_at(x2);
      }
    }
  }
  refiner.model().b_A2 = 0.5 * (lo + hi);
  return refiner.model().b_A2;
}

}  // namespace

std::vector<std::uint8_t> inside_field_of_view(const core::TiltSeries& series,
                                               const core::Vec3& center_A,
                                               const std::vector<core::Vec3>& positions_A) {
  const Detector det = detail::detector_of(series);
  const double xmax = det.ox + static_cast<double>(det.nx - 1) * det.px;
  const double ymax = det.oy + static_cast<double>(det.ny - 1) * det.py;
  std::vector<std::uint8_t> inside(positions_A.size(), 1);
  for (std::size_t t = 0; t < series.tilt_count(); ++t) {
    const Orientation o = detail::orientation(series.euler_deg[t], center_A);
    for (std::size_t k = 0; k < positions_A.size(); ++k) {
      const Eigen::Vector2d rho = o.project(positions_A[k]);
      if (rho.x() < det.ox || rho.x() > xmax || rho.y() < det.oy || rho.y() > ymax) inside[k] = 0;
    }
  }
  return inside;
}

RefineResult refine_positions(const core::TiltSeries& series, const core::Vec3& center_A,
                              const std::vector<core::Vec3>& positions_A,
                              const std::vector<int>& types, const RefineParams& params,
                              const core::ExecutionContext& ctx, const core::Logger& logger) {
  params.validate();
  std::size_t ntypes = params.type_Z.size();
  if (params.profile == RefineProfile::kGaussian && ntypes == 0)
    for (int t : types) ntypes = std::max(ntypes, static_cast<std::size_t>(std::max(t, 0)) + 1);
  check_inputs(series, center_A, positions_A, types, ntypes);

  const Detector det = detail::detector_of(series);
  const double pixel_A = std::min(det.px, det.py);
  ProjectionModel model;
  model.instrument_width_A = params.instrument_width_A;
  model.render_sigmas = params.render_sigmas;
  model.amplitude.assign(ntypes, 0.0);
  for (std::size_t t = 0; t < ntypes; ++t) {
    if (params.profile == RefineProfile::kGaussian) {
      model.profile.push_back({{1.0}, {0.0}, 0.0});
      continue;
    }
    model.profile.push_back(scattering_profile(params.type_Z[t], params.scattering, 0.5 / pixel_A));
    logger.debug("refine: type " + std::to_string(t) + " f_e profile as " +
                 std::to_string(model.profile.back().weight.size()) + " Gaussians, largest error " +
                 core::format_number(model.profile.back().max_error) + " of f_e(0)");
  }
  Refiner refiner(series, center_A, types, model, ctx);

  // 1. B (and the amplitudes) at the traced positions.
  const double b =
      fit_b(refiner, positions_A, params.b_min_A2, params.b_max_A2, params.b_search_steps);
  Evaluation current = refiner.evaluate(positions_A);
  if (b - params.b_min_A2 < 1e-3 * (params.b_max_A2 - params.b_min_A2) &&
      params.b_max_A2 > params.b_min_A2)
    logger.warn("refine: B = " + core::format_number(b) +
                " Å² sits at refine.b_min_A2: the data are sharper than the model allows "
                "(lower refine.instrument_width_A, or use refine.profile = gaussian)");
  if (params.b_max_A2 - b < 1e-3 * (params.b_max_A2 - params.b_min_A2))
    logger.warn("refine: B = " + core::format_number(b) + " Å² sits at refine.b_max_A2");

  RefineResult result;
  result.r1_history.push_back(current.r1);
  logger.info("refine: " + std::to_string(positions_A.size()) + " atoms, " +
              std::to_string(series.tilt_count()) + " projections; B = " + core::format_number(b) +
              " Å² (σ = " + core::format_number(std::sqrt(refiner.model().sigma2_A2())) +
              " Å); R₁ at the traced positions " + core::format_number(current.r1));

  // 2. Positions.
  std::vector<core::Vec3> positions = positions_A;
  const double max_step_A = params.max_step_px * pixel_A;
  core::Progress progress(logger, "refine", static_cast<std::size_t>(params.iterations));
  // B fitted at the traced positions absorbs their errors (a wider σ); it is refitted every
  // b_refit_interval accepted moves, and once more when the positions converge at a stale B.
  int updates = 0, fitted_at = 0;  // accepted moves, and their count at the last fit of B
  bool refit_now = false;
  for (int it = 1; it <= params.iterations; ++it) {
    if (params.b_refit_interval > 0 &&
        (refit_now || updates - fitted_at >= params.b_refit_interval)) {
      const double refit =
          fit_b(refiner, positions, params.b_min_A2, params.b_max_A2, params.b_search_steps);
      logger.debug("refine: B refitted at iteration " + std::to_string(it) + ": " +
                   core::format_number(refit) + " Å²");
      current = refiner.evaluate(positions);
      fitted_at = updates, refit_now = false;
    }
    const std::vector<core::Vec3> step = refiner.steps(positions, params.damping, max_step_A);
    bool accepted = false;
    double scale = 1.0, largest = 0.0;
    std::vector<core::Vec3> trial(positions.size());
    for (int attempt = 0; attempt < 5 && !accepted; ++attempt, scale *= 0.5) {
      largest = 0.0;
      for (std::size_t k = 0; k < positions.size(); ++k) {
        core::Vec3 p = positions[k] + scale * step[k];
        const core::Vec3 total = p - positions_A[k];
        if (total.norm() > params.max_move_A)
          p = positions_A[k] + total * (params.max_move_A / total.norm());
        largest = std::max(largest, (p - positions[k]).norm());
        trial[k] = p;
      }
      const Evaluation e = refiner.evaluate(trial);
      if (e.sse <= current.sse) {
        accepted = true;
        current = e;
        positions = trial;
      }
    }
    progress.advance();
    const bool stale_b = params.b_refit_interval > 0 && updates + (accepted ? 1 : 0) > fitted_at;
    if (!accepted) {
      refiner.evaluate(positions);  // the model and residual of the kept positions
      if (stale_b) {
        refit_now = true;
        continue;
      }
      logger.info("refine: iteration " + std::to_string(it) + " did not lower the error; stopping");
      break;
    }
    ++updates;
    result.iterations_run = it;
    result.r1_history.push_back(current.r1);
    if (it % params.report_interval == 0 || it == params.iterations)
      logger.info("refine iteration " + std::to_string(it) +
                  ": R₁ = " + core::format_number(current.r1) + ", largest move " +
                  core::format_number(largest) + " Å");
    if (largest < params.tolerance_A) {
      if (!stale_b) break;
      refit_now = true;
    }
  }
  progress.finish();
  // A refit of B after the last accepted move changes the model without an iteration entry.
  if (current.r1 != result.r1_history.back()) result.r1_history.push_back(current.r1);

  result.positions_A = positions;
  result.model = refiner.model();
  result.b_A2 = result.model.b_A2;
  result.heights = result.model.heights();
  for (std::size_t k = 0; k < positions.size(); ++k)
    result.move_A.push_back((positions[k] - positions_A[k]).norm());
  logger.info("refine done: R₁ " + core::format_number(result.r1_history.front()) + " → " +
              core::format_number(result.r1_history.back()) + " after " +
              std::to_string(result.iterations_run) + " iterations");
  return result;
}

}  // namespace vitrum::inverse
