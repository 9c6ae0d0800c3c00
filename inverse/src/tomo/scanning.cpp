#include "vitrum/inverse/tomo/scanning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "tomo/resire_descent.hpp"
#include "tomo/series_checks.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::inverse {

void ScanningParams::validate() const {
  using core::require;
  require(std::isfinite(patch_A) && patch_A > 0.0, "scanning.patch_A", patch_A, "> 0 Å");
  require(std::isfinite(overlap_A) && overlap_A >= 0.0 && overlap_A < 0.5 * patch_A,
          "scanning.overlap_A", overlap_A,
          "0 ≤ overlap < patch_A/2 (the bands of a core's two edges must not meet)");
  require(std::isfinite(padding_A) && padding_A >= 0.0, "scanning.padding_A", padding_A, "≥ 0 Å");
  require(std::isfinite(thickness_A) && thickness_A >= 0.0, "scanning.thickness_A", thickness_A,
          "≥ 0 Å (0: estimated)");
  require(std::isfinite(threshold) && threshold > 0.0 && threshold < 1.0, "scanning.threshold",
          threshold, "(0, 1)");
  require(std::isfinite(margin_z_A) && margin_z_A >= 0.0, "scanning.margin_z_A", margin_z_A,
          "≥ 0 Å");
  require(iterations >= 0, "scanning.iterations", iterations, "≥ 0 (0: RESIRE's iterations)");
}

void ScanningParams::add_to(core::ParamSet& set, const std::string& prefix) {
  set.add(prefix + "enabled", enabled, "",
          "scanning AET: local RESIRE volumes stitched together (thin films; PHYSICS.md §4)")
      .add(prefix + "patch_A", patch_A, "Å", "lateral size of the kept core of each local volume")
      .add(prefix + "overlap_A", overlap_A, "Å",
           "half-width of the linear blend about a core edge shared with a neighbour")
      .add(prefix + "padding_A", padding_A, "Å",
           "extra lateral margin reconstructed and discarded; 0: slab thickness × tan θ_max")
      .add(prefix + "thickness_A", thickness_A, "Å",
           "film thickness; 0: estimated per patch from the global volume's z profile")
      .add(prefix + "threshold", threshold, "",
           "profile level (fraction of its peak) marking the film's surfaces")
      .add(prefix + "margin_z_A", margin_z_A, "Å", "added above and below the film's z range")
      .add(prefix + "iterations", iterations, "",
           "RESIRE iterations per local volume (0: RESIRE's iterations)");
}

namespace {

/// Voxels spanned by `length_A` at voxel `h_A`, rounded up (a margin is never cut short).
std::size_t voxels_up(double length_A, double h_A) {
  return static_cast<std::size_t>(std::ceil(length_A / h_A - 1e-9));
}

/// The film's voxel range [lo, hi] (inclusive) along z in `profile`, or false if it is zero.
/// Threshold crossings as the file comment says; with `thickness_A` > 0 a slab centred on the
/// centroid instead.
bool film_range(const std::vector<double>& profile, double h_A, const ScanningParams& params,
                double& lo, double& hi) {
  const double peak = *std::max_element(profile.begin(), profile.end());
  if (!(peak > 0.0)) return false;
  if (params.thickness_A > 0.0) {
    double sum = 0.0, moment = 0.0;
    for (std::size_t z = 0; z < profile.size(); ++z) {
      const double p = std::max(profile[z], 0.0);
      sum += p;
      moment += p * static_cast<double>(z);
    }
    const double centroid = moment / sum;
    // A slab of thickness T holds the voxel centres within ±(T − h)/2 of its middle.
    const double half = 0.5 * (params.thickness_A / h_A - 1.0);
    lo = centroid - std::max(half, 0.0);
    hi = centroid + std::max(half, 0.0);
    return true;
  }
  const double level = params.threshold * peak;
  std::size_t first = profile.size(), last = 0;
  for (std::size_t z = 0; z < profile.size(); ++z)
    if (profile[z] >= level) {
      first = std::min(first, z);
      last = z;
    }
  lo = static_cast<double>(first);
  hi = static_cast<double>(last);
  return true;
}

/// The profile ⟨G(z, y, x)⟩ over columns [ylo, yhi) × [xlo, xhi).
std::vector<double> z_profile(const core::Volume& g, std::size_t ylo, std::size_t yhi,
                              std::size_t xlo, std::size_t xhi) {
  std::vector<double> p(g.extent(0), 0.0);
  const double columns = static_cast<double>((yhi - ylo) * (xhi - xlo));
  for (std::size_t z = 0; z < g.extent(0); ++z) {
    double sum = 0.0;
    for (std::size_t y = ylo; y < yhi; ++y)
      for (std::size_t x = xlo; x < xhi; ++x) sum += static_cast<double>(g(z, y, x));
    p[z] = sum / columns;
  }
  return p;
}

/// Weight along one axis at voxel i for a core [lo, hi) of a field of n voxels, band ±o voxels.
double axis_weight(std::size_t lo, std::size_t hi, std::size_t n, double o, std::size_t i) {
  const double x = static_cast<double>(i);
  double w = 1.0;
  // Core edges sit between voxels (lo − ½, hi − ½); a ramp only where a neighbour shares it.
  if (lo > 0) {
    const double edge = static_cast<double>(lo) - 0.5;
    w *= o > 0.0 ? std::clamp((x - edge + o) / (2.0 * o), 0.0, 1.0) : (x > edge ? 1.0 : 0.0);
  }
  if (hi < n) {
    const double edge = static_cast<double>(hi) - 0.5;
    w *= o > 0.0 ? std::clamp((edge + o - x) / (2.0 * o), 0.0, 1.0) : (x < edge ? 1.0 : 0.0);
  }
  return w;
}

}  // namespace

std::vector<float> window_mask(const CroppedSeries& crop, const core::Vec3& center_A,
                               const core::Volume& global, const ScanPatch& patch) {
  const auto& g = crop.series.images;
  const std::size_t n_tilt = g.extent(0), ny = g.extent(1), nx = g.extent(2);
  const auto& o = global.origin();
  const auto& h = global.sampling();
  constexpr double kOpen = std::numeric_limits<double>::infinity();
  // The box's columns (voxel centres) in Å; a side on the field's edge is open.
  const auto lower = [&](std::size_t a) {
    return patch.box_lo[a] == 0 ? -kOpen : o[a] + static_cast<double>(patch.box_lo[a]) * h[a];
  };
  const auto upper = [&](std::size_t a) {
    return patch.box_hi[a] == global.extent(a)
               ? kOpen
               : o[a] + static_cast<double>(patch.box_hi[a] - 1) * h[a];
  };
  const double y_lo = lower(1), y_hi = upper(1), x_lo = lower(2), x_hi = upper(2);
  // The slab's faces: the outer faces of its first and last voxel layers.
  const double z_faces[2] = {o[0] + (static_cast<double>(patch.box_lo[0]) - 0.5) * h[0],
                             o[0] + (static_cast<double>(patch.box_hi[0]) - 0.5) * h[0]};
  const double tol = 1e-9;
  std::vector<float> mask(g.size(), 0.0f);
  for (std::size_t t = 0; t < n_tilt; ++t) {
    const auto& e = crop.series.euler_deg[t];
    const core::Mat3 R = core::euler_zyx_matrix(e[0], e[1], e[2]);
    // The ray of detector pixel (x', y'): r(s) = c + Rᵀ((x', y', s) − c) (core/projector.hpp),
    // direction d = Rᵀ ẑ.
    const core::Vec3 d = R.transpose() * core::Vec3::UnitZ();
    if (std::abs(d.z()) < 1e-9) continue;  // parallel to the film: crosses every column
    for (std::size_t iy = 0; iy < ny; ++iy)
      for (std::size_t ix = 0; ix < nx; ++ix) {
        const double xp =
            g.origin()[2] + crop.shift_yx_A[t][1] + static_cast<double>(ix) * g.sampling()[2];
        const double yp =
            g.origin()[1] + crop.shift_yx_A[t][0] + static_cast<double>(iy) * g.sampling()[1];
        const core::Vec3 a =
            center_A + R.transpose() * (core::Vec3(xp, yp, center_A.z()) - center_A);
        bool inside = true;
        for (double z : z_faces) {
          const core::Vec3 r = a + ((z - a.z()) / d.z()) * d;
          inside = inside && r.x() >= x_lo - tol && r.x() <= x_hi + tol && r.y() >= y_lo - tol &&
                   r.y() <= y_hi + tol;
        }
        if (inside) mask[(t * ny + iy) * nx + ix] = 1.0f;
      }
  }
  return mask;
}

double steepest_tan(const std::vector<std::array<double, 3>>& euler_deg) {
  double tan_max = 0.0;
  for (const auto& e : euler_deg) {
    // The beam in the object's frame, d = Rᵀ ẑ; its lateral run per unit of z is |d_xy|/|d_z|.
    const core::Vec3 d = core::euler_zyx_matrix(e[0], e[1], e[2]).transpose() * core::Vec3::UnitZ();
    tan_max = std::max(tan_max, std::hypot(d.x(), d.y()) / std::max(std::abs(d.z()), 1e-12));
  }
  return tan_max;
}

std::vector<ScanPatch> plan_patches(const core::Volume& global, const ScanningParams& params,
                                    double tan_max) {
  params.validate();
  if (global.size() == 0) throw InputError("scanning AET: the global volume is empty");
  const double h = global.sampling()[2];
  const std::size_t nz = global.extent(0), ny = global.extent(1), nx = global.extent(2);
  if (std::min({nz, ny, nx}) < 4)
    throw InputError(
        "scanning.enabled = true needs a reconstruction at least 4 voxels along "
        "each axis (got " +
        std::to_string(nz) + "×" + std::to_string(ny) + "×" + std::to_string(nx) + ")");
  core::require(params.patch_A >= 4.0 * h, "scanning.patch_A", params.patch_A,
                "≥ 4 voxels of the reconstruction (" + core::format_number(4.0 * h) + " Å)");
  // Cores: the field split evenly into ⌈n·h / patch⌉ parts per axis, on voxel boundaries.
  const auto split = [&](std::size_t n) {
    const std::size_t parts = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(static_cast<double>(n) * h / params.patch_A - 1e-9)));
    std::vector<std::size_t> edges;
    for (std::size_t k = 0; k <= parts; ++k) edges.push_back(k * n / parts);
    return edges;
  };
  const std::vector<std::size_t> ey = split(ny), ex = split(nx);
  const double o = params.overlap_A / h;
  for (const auto* e : {&ey, &ex})
    for (std::size_t k = 0; k + 1 < e->size(); ++k) {
      const double width = static_cast<double>((*e)[k + 1] - (*e)[k]);
      if (e->size() > 2 && 2.0 * o >= width)
        core::require(false, "scanning.overlap_A", params.overlap_A,
                      "< half the narrowest core (" + core::format_number(0.5 * width * h) + " Å)");
    }
  const std::size_t margin_z = voxels_up(params.margin_z_A, h);

  double field_lo = 0.0, field_hi = 0.0;
  const std::vector<double> field = z_profile(global, 0, ny, 0, nx);
  if (!film_range(field, h, params, field_lo, field_hi))
    core::require(false, "scanning.thickness_A", params.thickness_A,
                  "a global volume with content (it is zero everywhere; nothing to scan)");
  const double field_peak = *std::max_element(field.begin(), field.end());

  std::vector<ScanPatch> patches;
  for (std::size_t j = 0; j + 1 < ey.size(); ++j)
    for (std::size_t i = 0; i + 1 < ex.size(); ++i) {
      ScanPatch p;
      p.core_lo = {ey[j], ex[i]};
      p.core_hi = {ey[j + 1], ex[i + 1]};
      double lo = field_lo, hi = field_hi;
      const std::vector<double> prof = z_profile(global, ey[j], ey[j + 1], ex[i], ex[i + 1]);
      // Vacuum beside a finite film: its profile is noise; use the field's.
      if (*std::max_element(prof.begin(), prof.end()) >= 0.1 * field_peak)
        film_range(prof, h, params, lo, hi);
      p.thickness_A = (hi - lo + 1.0) * h;
      p.mid_z_A = global.origin()[0] + 0.5 * (lo + hi) * h;
      const auto clip_lo = [](double v, std::size_t m) {
        return static_cast<std::size_t>(std::max(0.0, std::floor(v) - static_cast<double>(m)));
      };
      const auto clip_hi = [](double v, std::size_t m, std::size_t n) {
        return std::min(n, static_cast<std::size_t>(std::ceil(v)) + m + 1);
      };
      p.box_lo[0] = clip_lo(lo, margin_z);
      p.box_hi[0] = clip_hi(hi, margin_z, nz);
      // Auto padding: a ray at the steepest tilt crosses the slab (outer faces of its layers)
      // over thickness × tan θ_max laterally.
      // Beyond the field's width it only clips (a view along the film gives tan θ ≈ 10¹²).
      const double field_A = static_cast<double>(std::max(ny, nx)) * h;
      p.padding_A =
          params.padding_A > 0.0
              ? params.padding_A
              : std::min(field_A, static_cast<double>(p.box_hi[0] - p.box_lo[0]) * h * tan_max);
      const std::size_t margin = voxels_up(params.overlap_A + p.padding_A, h);
      p.box_lo[1] = ey[j] - std::min(ey[j], margin);
      p.box_lo[2] = ex[i] - std::min(ex[i], margin);
      p.box_hi[1] = std::min(ny, ey[j + 1] + margin);
      p.box_hi[2] = std::min(nx, ex[i + 1] + margin);
      patches.push_back(p);
    }
  return patches;
}

core::Volume patch_box(const core::Volume& global, const ScanPatch& patch) {
  const auto& o = global.origin();
  const auto& s = global.sampling();
  core::Volume::Shape shape{};
  core::Volume::Coords origin{};
  for (std::size_t a = 0; a < 3; ++a) {
    shape[a] = patch.box_hi[a] - patch.box_lo[a];
    origin[a] = o[a] + static_cast<double>(patch.box_lo[a]) * s[a];
  }
  return core::Volume(shape, s, origin);
}

double patch_weight(const core::Volume& global, const ScanPatch& patch, double overlap_A,
                    std::size_t iy, std::size_t ix) {
  const double o = overlap_A / global.sampling()[2];
  return axis_weight(patch.core_lo[0], patch.core_hi[0], global.extent(1), o, iy) *
         axis_weight(patch.core_lo[1], patch.core_hi[1], global.extent(2), o, ix);
}

core::Volume stitch(const core::Volume& global, const std::vector<ScanPatch>& patches,
                    const std::vector<core::Volume>& locals, double overlap_A) {
  if (locals.size() != patches.size())
    throw InputError("stitch: " + std::to_string(locals.size()) + " local volumes for " +
                     std::to_string(patches.size()) + " patches");
  const std::size_t nz = global.extent(0), ny = global.extent(1), nx = global.extent(2);
  std::vector<double> acc(global.size(), 0.0), column_weight(ny * nx, 0.0);
  for (std::size_t k = 0; k < patches.size(); ++k) {
    const ScanPatch& p = patches[k];
    const core::Volume& v = locals[k];
    const core::Volume box = patch_box(global, p);
    if (v.shape() != box.shape() || v.origin() != box.origin() || v.sampling() != box.sampling())
      throw InputError("stitch: local volume " + std::to_string(k) + " is not its patch's box");
    for (std::size_t y = p.box_lo[1]; y < p.box_hi[1]; ++y)
      for (std::size_t x = p.box_lo[2]; x < p.box_hi[2]; ++x) {
        const double w = patch_weight(global, p, overlap_A, y, x);
        if (w == 0.0) continue;  // the padding
        column_weight[y * nx + x] += w;
        for (std::size_t z = p.box_lo[0]; z < p.box_hi[0]; ++z)
          acc[(z * ny + y) * nx + x] +=
              w * static_cast<double>(v(z - p.box_lo[0], y - p.box_lo[1], x - p.box_lo[2]));
      }
  }
  core::Volume out(global.shape(), global.sampling(), global.origin());
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t i = 0; i < ny * nx; ++i)
      if (column_weight[i] > 0.0)
        out.data()[z * ny * nx + i] = static_cast<float>(acc[z * ny * nx + i] / column_weight[i]);
  return out;
}

CroppedSeries crop_series(const core::TiltSeries& series, const core::Vec3& center_A,
                          const core::Vec3& point_A, std::size_t ny, std::size_t nx) {
  detail::check_series(series);
  const auto& g = series.images;
  const std::size_t det_ny = g.extent(1), det_nx = g.extent(2);
  ny = std::clamp<std::size_t>(ny, 1, det_ny);
  nx = std::clamp<std::size_t>(nx, 1, det_nx);
  const double py = g.sampling()[1], px = g.sampling()[2];
  CroppedSeries out{{core::Grid<float, 3>({series.tilt_count(), ny, nx}, g.sampling(), g.origin()),
                     series.euler_deg},
                    {}};
  for (std::size_t t = 0; t < series.tilt_count(); ++t) {
    const auto& e = series.euler_deg[t];
    // Where the point lands on the detector: r' = R(p − c) + c (core/projector.hpp).
    const core::Vec3 q = core::euler_zyx_matrix(e[0], e[1], e[2]) * (point_A - center_A) + center_A;
    const auto first = [](double coord, double origin, double step, std::size_t n,
                          std::size_t n_det) {
      const double start = std::round((coord - origin) / step - 0.5 * static_cast<double>(n - 1));
      return static_cast<std::size_t>(std::clamp(start, 0.0, static_cast<double>(n_det - n)));
    };
    const std::size_t iy0 = first(q.y(), g.origin()[1], py, ny, det_ny);
    const std::size_t ix0 = first(q.x(), g.origin()[2], px, nx, det_nx);
    out.shift_yx_A.push_back({static_cast<double>(iy0) * py, static_cast<double>(ix0) * px});
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) out.series.images(t, y, x) = g(t, iy0 + y, ix0 + x);
  }
  return out;
}

ScanningResult scanning_reconstruct(const core::TiltSeries& series, const core::Vec3& center_A,
                                    const core::Volume& global, const ResireParams& resire,
                                    const ScanningParams& params, const core::ExecutionContext& ctx,
                                    const core::Logger& logger) {
  params.validate();
  resire.validate();
  detail::check_series(series);
  if (!center_A.allFinite()) throw InputError("the rotation centre is not finite");
  ResireParams local = resire;
  if (params.iterations > 0) local.iterations = params.iterations;
  // One R₁ line per local volume is enough: its first and last are logged anyway.
  local.report_interval = std::max(local.report_interval, local.iterations);

  ScanningResult result;
  result.patches = plan_patches(global, params, steepest_tan(series.euler_deg));
  const std::size_t n = result.patches.size();
  const double h = global.sampling()[2];
  const auto& s = series.images.sampling();
  logger.info("scanning AET: " + std::to_string(n) + " local volumes (patch " +
              core::format_number(params.patch_A) + " Å, overlap " +
              core::format_number(params.overlap_A) + " Å, padding " +
              (params.padding_A > 0.0 ? core::format_number(params.padding_A) + " Å"
                                      : std::string("thickness × tan θ_max")) +
              "), " + std::to_string(local.iterations) + " RESIRE iterations each");
  std::vector<core::Volume> locals;
  for (std::size_t k = 0; k < n; ++k) {
    ScanPatch& p = result.patches[k];
    // Patches whose boxes coincide (a padding that reaches the field's edges, a level film)
    // have the same local volume: the reconstruction depends on the box alone.
    const auto same = std::find_if(
        result.patches.begin(), result.patches.begin() + long(k),
        [&](const ScanPatch& q) { return q.box_lo == p.box_lo && q.box_hi == p.box_hi; });
    if (same != result.patches.begin() + long(k)) {
      const std::size_t j = static_cast<std::size_t>(same - result.patches.begin());
      p.r1 = same->r1;
      p.kept_fraction = same->kept_fraction;
      logger.info("scanning AET: patch " + std::to_string(k + 1) + " of " + std::to_string(n) +
                  " has patch " + std::to_string(j + 1) + "'s box; its volume is reused");
      locals.push_back(locals[j]);
      continue;
    }
    core::Volume box = patch_box(global, p);
    const double thick_A = static_cast<double>(box.extent(0)) * h;
    // A window of (box width + box thickness) covers the box's projection at any tilt:
    // W cos θ + T sin θ ≤ W + T.
    const auto window = [&](std::size_t axis, double pixel_A) {
      return voxels_up(static_cast<double>(box.extent(axis)) * h + thick_A, pixel_A);
    };
    const CroppedSeries crop =
        crop_series(series, center_A, core::volume_center(box), window(1, s[1]), window(2, s[2]));
    logger.info("scanning AET: patch " + std::to_string(k + 1) + " of " + std::to_string(n) +
                ", film " + core::format_number(p.thickness_A) + " Å thick about z = " +
                core::format_number(p.mid_z_A) + " Å, box " + std::to_string(box.extent(2)) + "×" +
                std::to_string(box.extent(1)) + "×" + std::to_string(box.extent(0)) +
                " voxels, padding " + core::format_number(p.padding_A) + " Å");
    const std::vector<float> mask = window_mask(crop, center_A, global, p);
    std::size_t kept = 0;
    for (float m : mask) kept += m > 0.0f ? 1 : 0;
    p.kept_fraction = static_cast<double>(kept) / static_cast<double>(mask.size());
    if (kept == 0) {
      logger.warn("scanning AET: no ray crosses patch " + std::to_string(k + 1) +
                  "'s slab within its padding; it stays empty (raise scanning.padding_A)");
      locals.push_back(std::move(box));
      continue;
    }
    ResireResult r = detail::resire_descent(crop.series, crop.shift_yx_A, mask, center_A, local,
                                            ctx, logger, std::move(box));
    p.r1 = r.r1_history.back();
    locals.push_back(std::move(r.volume));
  }
  result.volume = stitch(global, result.patches, locals, params.overlap_A);

  core::TiltSeries residual = detail::zero_like(series);
  detail::residual_of(result.volume, series, center_A, core::ProjectorParams{resire.subsamples},
                      ctx, residual);
  result.r1_per_projection = detail::r1_per_projection(residual, detail::projection_l1(series));
  logger.info("scanning AET done: mean R₁ of the stitched volume = " +
              core::format_number(detail::mean(result.r1_per_projection)));
  return result;
}

}  // namespace vitrum::inverse
