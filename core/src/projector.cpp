#include "vitrum/core/projector.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::core {

namespace {

/// The forward projection of one view splits the volume into this many z-slabs (fewer when
/// the volume is thinner). The count is fixed, not the thread count, so the slab sums and
/// their ordered reduction give the same bytes on any number of threads.
constexpr std::size_t kForwardSlabs = 16;

/// Where every voxel sub-point lands on the detector, as continuous pixel indices (u along x,
/// v along y; pixel centres at integers). Affine in the voxel index, so a row needs only a
/// start and the increment along x.
struct Traversal {
  std::size_t nz = 0, ny = 0, nx = 0;      // volume
  long det_ny = 0, det_nx = 0;             // detector
  double u0 = 0, v0 = 0;                   // voxel (0, 0, 0), centre
  std::array<double, 3> du{}, dv{};        // per unit step of iz, iy, ix
  std::vector<std::array<double, 2>> sub;  // (du, dv) of each sub-point from the voxel centre
  double sub_u_min = 0, sub_u_max = 0, sub_v_min = 0, sub_v_max = 0;  // extremes of `sub`
  double weight = 0;  // h_x·h_y·h_z / (step_x·step_y·S³): value → image per unit bilinear weight
};

void check_inputs(const std::array<double, 3>& euler_deg, const Vec3& center_A,
                  const ProjectorParams& params) {
  params.validate();
  static const char* names[3] = {"phi", "theta", "psi"};
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(euler_deg[static_cast<std::size_t>(a)]),
            std::string("projector euler_deg.") + names[a], euler_deg[static_cast<std::size_t>(a)],
            "a finite angle (degrees)");
  static const char* axes[3] = {"x", "y", "z"};
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(center_A[a]), std::string("projector center_A.") + axes[a], center_A[a],
            "a finite coordinate (Å)");
}

void check_volume(const Volume& volume) {
  if (volume.size() == 0)
    throw InputError("the volume to project is empty (shape " + std::to_string(volume.extent(0)) +
                     " × " + std::to_string(volume.extent(1)) + " × " +
                     std::to_string(volume.extent(2)) + ")");
}

void check_detector(std::size_t ny, std::size_t nx) {
  if (ny == 0 || nx == 0)
    throw InputError("the projection image is empty (shape " + std::to_string(ny) + " × " +
                     std::to_string(nx) + ")");
}

/// det_sampling/det_origin: (y, x) of the detector in Å.
Traversal make_traversal(const Volume& volume, std::array<double, 2> det_sampling,
                         std::array<double, 2> det_origin, std::array<std::size_t, 2> det_shape,
                         const std::array<double, 3>& euler_deg, const Vec3& c,
                         const ProjectorParams& params) {
  Traversal t;
  t.nz = volume.extent(0), t.ny = volume.extent(1), t.nx = volume.extent(2);
  t.det_ny = static_cast<long>(det_shape[0]), t.det_nx = static_cast<long>(det_shape[1]);
  const Mat3 R = euler_zyx_matrix(euler_deg[0], euler_deg[1], euler_deg[2]);
  const auto& h = volume.sampling();  // z, y, x
  const auto& o = volume.origin();
  const double px = det_sampling[1], py = det_sampling[0];
  // r' = R(r − c) + c for the first voxel, then in detector pixel units.
  const Vec3 first = R * (Vec3(o[2], o[1], o[0]) - c) + c;
  t.u0 = (first.x() - det_origin[1]) / px;
  t.v0 = (first.y() - det_origin[0]) / py;
  // Columns of R scaled by the voxel steps: the image of a unit step along z, y, x.
  const std::array<Vec3, 3> step{R.col(2) * h[0], R.col(1) * h[1], R.col(0) * h[2]};
  for (std::size_t a = 0; a < 3; ++a) {
    t.du[a] = step[a].x() / px;
    t.dv[a] = step[a].y() / py;
  }
  const int S = params.subsamples;
  for (int kz = 0; kz < S; ++kz)
    for (int ky = 0; ky < S; ++ky)
      for (int kx = 0; kx < S; ++kx) {
        const auto off = [S](int k) { return (k + 0.5) / S - 0.5; };
        const double fz = off(kz), fy = off(ky), fx = off(kx);
        t.sub.push_back({fz * t.du[0] + fy * t.du[1] + fx * t.du[2],
                         fz * t.dv[0] + fy * t.dv[1] + fx * t.dv[2]});
      }
  t.weight = h[0] * h[1] * h[2] / (px * py * static_cast<double>(S * S * S));
  for (const auto& s : t.sub) {
    t.sub_u_min = std::min(t.sub_u_min, s[0]), t.sub_u_max = std::max(t.sub_u_max, s[0]);
    t.sub_v_min = std::min(t.sub_v_min, s[1]), t.sub_v_max = std::max(t.sub_v_max, s[1]);
  }
  return t;
}

/// Calls visit(pixel index, bilinear weight) for the (up to) four pixels around (u, v) that
/// lie on the detector.
template <class Visit>
inline void bilinear(const Traversal& t, double u, double v, Visit&& visit) {
  const long nx = t.det_nx, ny = t.det_ny;
  // Off the detector (the negated test also drops NaN): no pixel within reach.
  if (!(u > -1.0 && u < static_cast<double>(nx) && v > -1.0 && v < static_cast<double>(ny))) return;
  // u + 1 > 0 here, so truncation is the floor (std::floor is a libm call without SSE4.1).
  const long iu = static_cast<long>(u + 1.0) - 1, iv = static_cast<long>(v + 1.0) - 1;
  const double wu = u - static_cast<double>(iu), wv = v - static_cast<double>(iv);
  if (iu >= 0 && iu + 1 < nx && iv >= 0 && iv + 1 < ny) {
    const auto k = static_cast<std::size_t>(iv * nx + iu);
    const auto row = static_cast<std::size_t>(nx);
    visit(k, (1 - wu) * (1 - wv));
    visit(k + 1, wu * (1 - wv));
    visit(k + row, (1 - wu) * wv);
    visit(k + row + 1, wu * wv);
    return;
  }
  const auto corner = [&](long x, long y, double w) {
    if (x >= 0 && x < nx && y >= 0 && y < ny) visit(static_cast<std::size_t>(y * nx + x), w);
  };
  corner(iu, iv, (1 - wu) * (1 - wv));
  corner(iu + 1, iv, wu * (1 - wv));
  corner(iu, iv + 1, (1 - wu) * wv);
  corner(iu + 1, iv + 1, wu * wv);
}

/// The four pixels around (u, v) when all four are known to lie on the detector.
template <class Visit>
inline void bilinear_interior(const Traversal& t, double u, double v, Visit&& visit) {
  const long iu = static_cast<long>(u), iv = static_cast<long>(v);  // u, v ≥ 0: the floor
  const double wu = u - static_cast<double>(iu), wv = v - static_cast<double>(iv);
  const auto k = static_cast<std::size_t>(iv * t.det_nx + iu);
  const auto row = static_cast<std::size_t>(t.det_nx);
  visit(k, (1 - wu) * (1 - wv));
  visit(k + 1, wu * (1 - wv));
  visit(k + row, (1 - wu) * wv);
  visit(k + row + 1, wu * wv);
}

/// The indices ix of [0, n) for which lo ≤ x0 + ix·d < hi surely holds (one index of margin
/// each side against rounding), as [first, last); empty when first ≥ last.
std::array<std::size_t, 2> interior(double x0, double d, double lo, double hi, std::size_t n) {
  if (!(hi > lo)) return {0, 0};
  double t0, t1;
  if (std::abs(d) < 1e-12) {
    if (x0 > lo + 1e-9 && x0 < hi - 1e-9) return {0, n};
    return {0, 0};
  }
  t0 = (lo - x0) / d, t1 = (hi - x0) / d;
  if (t0 > t1) std::swap(t0, t1);
  const double nd = static_cast<double>(n);
  const double first = std::clamp(std::ceil(t0) + 1.0, 0.0, nd);
  const double last = std::clamp(std::floor(t1) - 1.0, 0.0, nd);
  return {static_cast<std::size_t>(first), static_cast<std::size_t>(last)};
}

/// The one traversal of voxels [z0, z1) in z-y-x order; the policy decides what a voxel
/// does with each (pixel, weight): the forward splats value·weight into the image, the
/// adjoint gathers image·weight into the voxel. Sharing it makes the pair exactly adjoint.
/// Each row is split where its sub-points enter and leave the detector's interior, so the
/// middle runs without bounds checks.
template <class Policy>
void traverse(const Traversal& t, std::size_t z0, std::size_t z1, Policy& policy) {
  const bool single = t.sub.size() == 1;
  const double u_hi = static_cast<double>(t.det_nx - 1), v_hi = static_cast<double>(t.det_ny - 1);
  for (std::size_t iz = z0; iz < z1; ++iz)
    for (std::size_t iy = 0; iy < t.ny; ++iy) {
      const double ur =
          t.u0 + static_cast<double>(iz) * t.du[0] + static_cast<double>(iy) * t.du[1];
      const double vr =
          t.v0 + static_cast<double>(iz) * t.dv[0] + static_cast<double>(iy) * t.dv[1];
      const std::size_t row = (iz * t.ny + iy) * t.nx;
      // Every sub-point has 0 ≤ u < nx − 1 and 0 ≤ v < ny − 1 for ix in [a, b).
      const auto ru = interior(ur, t.du[2], -t.sub_u_min, u_hi - t.sub_u_max, t.nx);
      const auto rv = interior(vr, t.dv[2], -t.sub_v_min, v_hi - t.sub_v_max, t.nx);
      std::size_t a = std::max(ru[0], rv[0]), b = std::min(ru[1], rv[1]);
      if (a >= b) a = b = t.nx;
      const auto checked = [&](std::size_t ix) {
        if (!policy.begin(row + ix)) return;
        const double u = ur + static_cast<double>(ix) * t.du[2];
        const double v = vr + static_cast<double>(ix) * t.dv[2];
        if (single) {
          bilinear(t, u, v, policy);
        } else {
          for (const auto& s : t.sub) bilinear(t, u + s[0], v + s[1], policy);
        }
        policy.end(row + ix);
      };
      for (std::size_t ix = 0; ix < a; ++ix) checked(ix);
      for (std::size_t ix = a; ix < b; ++ix) {
        if (!policy.begin(row + ix)) continue;
        const double u = ur + static_cast<double>(ix) * t.du[2];
        const double v = vr + static_cast<double>(ix) * t.dv[2];
        if (single) {
          bilinear_interior(t, u, v, policy);
        } else {
          for (const auto& s : t.sub) bilinear_interior(t, u + s[0], v + s[1], policy);
        }
        policy.end(row + ix);
      }
      for (std::size_t ix = b; ix < t.nx; ++ix) checked(ix);
    }
}

/// Forward: splat value·weight of each non-zero voxel into a double image buffer.
struct Splat {
  const float* volume;
  double* image;
  double scale;
  double value = 0;
  bool begin(std::size_t voxel) {
    value = static_cast<double>(volume[voxel]) * scale;
    return value != 0.0;
  }
  void operator()(std::size_t pixel, double w) { image[pixel] += value * w; }
  void end(std::size_t) {}
};

/// Adjoint: gather image·weight into a double per voxel of one plane buffer.
struct Gather {
  const float* image;
  double* plane;            // accumulator for the voxels of the current z-plane
  std::size_t plane_first;  // voxel index of plane[0]
  double scale;
  double sum = 0;
  bool begin(std::size_t) {
    sum = 0;
    return true;
  }
  void operator()(std::size_t pixel, double w) { sum += static_cast<double>(image[pixel]) * w; }
  void end(std::size_t voxel) { plane[voxel - plane_first] += sum * scale; }
};

std::size_t slab_count(std::size_t nz) { return std::min(nz, kForwardSlabs); }
std::size_t slab_begin(std::size_t s, std::size_t nz) { return s * nz / slab_count(nz); }

/// One forward projection; the slabs run in parallel when `ctx` has threads to give, and the
/// result is the same bytes either way.
void project_one(const Volume& volume, const Traversal& t, float* out,
                 const ExecutionContext& ctx) {
  const std::size_t npix = static_cast<std::size_t>(t.det_ny * t.det_nx);
  const std::size_t slabs = slab_count(t.nz);
  std::vector<double> total(npix, 0.0);
  const auto run_slab = [&](std::size_t s, double* buffer) {
    Splat splat{volume.data(), buffer, t.weight};
    traverse(t, slab_begin(s, t.nz), slab_begin(s + 1, t.nz), splat);
  };
  if (ctx.resolved_threads() > 1) {
    std::vector<std::vector<double>> buffers(slabs, std::vector<double>(npix, 0.0));
    parallel_for(
        ctx, 0, slabs, [&](std::size_t s) { run_slab(s, buffers[s].data()); }, Schedule::kDynamic);
    for (std::size_t s = 0; s < slabs; ++s)
      for (std::size_t i = 0; i < npix; ++i) total[i] += buffers[s][i];
  } else {
    std::vector<double> buffer(npix);
    for (std::size_t s = 0; s < slabs; ++s) {
      std::fill(buffer.begin(), buffer.end(), 0.0);
      run_slab(s, buffer.data());
      for (std::size_t i = 0; i < npix; ++i) total[i] += buffer[i];
    }
  }
  std::transform(total.begin(), total.end(), out, [](double v) { return static_cast<float>(v); });
}

/// volume += Σ_k Π_kᵀ images[k], parallel over z-planes, views added in order per voxel.
void back_project_views(const std::vector<Traversal>& views,
                        const std::vector<const float*>& images, Volume& volume,
                        const ExecutionContext& ctx) {
  const std::size_t nz = volume.extent(0), plane_size = volume.extent(1) * volume.extent(2);
  float* out = volume.data();
  parallel_for(ctx, 0, nz, [&](std::size_t iz) {
    std::vector<double> plane(plane_size, 0.0);
    for (std::size_t k = 0; k < views.size(); ++k) {
      Gather gather{images[k], plane.data(), iz * plane_size, views[k].weight};
      traverse(views[k], iz, iz + 1, gather);
    }
    float* dst = out + iz * plane_size;
    for (std::size_t i = 0; i < plane_size; ++i)
      dst[i] = static_cast<float>(static_cast<double>(dst[i]) + plane[i]);
  });
}

}  // namespace

void ProjectorParams::validate() const {
  require(subsamples >= 1 && subsamples <= 8, "projector.subsamples", subsamples, "1 to 8");
}

Image detector_image(std::size_t ny, std::size_t nx, double pixel_A, const Vec3& center_A) {
  require(pixel_A > 0.0 && std::isfinite(pixel_A), "projector pixel_A", pixel_A, "> 0 Å");
  check_detector(ny, nx);
  const double oy = center_A.y() - 0.5 * static_cast<double>(ny - 1) * pixel_A;
  const double ox = center_A.x() - 0.5 * static_cast<double>(nx - 1) * pixel_A;
  return Image({ny, nx}, {pixel_A, pixel_A}, {oy, ox});
}

Vec3 volume_center(const Volume& volume) {
  const auto mid = [&](std::size_t axis) {
    return volume.origin()[axis] +
           0.5 * static_cast<double>(volume.extent(axis) - 1) * volume.sampling()[axis];
  };
  return {mid(2), mid(1), mid(0)};
}

void project(const Volume& volume, const std::array<double, 3>& euler_deg, const Vec3& center_A,
             Image& image, const ProjectorParams& params, const ExecutionContext& ctx) {
  check_inputs(euler_deg, center_A, params);
  check_volume(volume);
  check_detector(image.extent(0), image.extent(1));
  const Traversal t = make_traversal(volume, image.sampling(), image.origin(), image.shape(),
                                     euler_deg, center_A, params);
  project_one(volume, t, image.data(), ctx);
}

void back_project(const Image& image, const std::array<double, 3>& euler_deg, const Vec3& center_A,
                  Volume& volume, const ProjectorParams& params, const ExecutionContext& ctx) {
  check_inputs(euler_deg, center_A, params);
  check_volume(volume);
  check_detector(image.extent(0), image.extent(1));
  const Traversal t = make_traversal(volume, image.sampling(), image.origin(), image.shape(),
                                     euler_deg, center_A, params);
  back_project_views({t}, {image.data()}, volume, ctx);
}

namespace {

std::vector<Traversal> series_views(const TiltSeries& series, const DetectorShifts& shift_yx_A,
                                    const Volume& volume, const Vec3& center_A,
                                    const ProjectorParams& params) {
  series.validate();
  check_volume(volume);
  const auto& g = series.images;
  check_detector(g.extent(1), g.extent(2));
  if (!shift_yx_A.empty() && shift_yx_A.size() != series.tilt_count())
    throw InputError("detector shifts: " + std::to_string(shift_yx_A.size()) + " for " +
                     std::to_string(series.tilt_count()) + " tilts (expected one per tilt)");
  std::vector<Traversal> views;
  for (std::size_t k = 0; k < series.euler_deg.size(); ++k) {
    check_inputs(series.euler_deg[k], center_A, params);
    std::array<double, 2> origin{g.origin()[1], g.origin()[2]};
    if (!shift_yx_A.empty()) {
      for (std::size_t a = 0; a < 2; ++a) {
        require(std::isfinite(shift_yx_A[k][a]), "detector shift (tilt " + std::to_string(k) + ")",
                shift_yx_A[k][a], "a finite offset (Å)");
        origin[a] += shift_yx_A[k][a];
      }
    }
    views.push_back(make_traversal(volume, {g.sampling()[1], g.sampling()[2]}, origin,
                                   {g.extent(1), g.extent(2)}, series.euler_deg[k], center_A,
                                   params));
  }
  return views;
}

}  // namespace

void project_series(const Volume& volume, const Vec3& center_A, TiltSeries& series,
                    const ProjectorParams& params, const ExecutionContext& ctx) {
  project_series(volume, center_A, series, DetectorShifts{}, params, ctx);
}

void project_series(const Volume& volume, const Vec3& center_A, TiltSeries& series,
                    const DetectorShifts& shift_yx_A, const ProjectorParams& params,
                    const ExecutionContext& ctx) {
  const std::vector<Traversal> views = series_views(series, shift_yx_A, volume, center_A, params);
  const std::size_t npix = series.images.extent(1) * series.images.extent(2);
  const ExecutionContext serial{1};
  parallel_for(
      ctx, 0, views.size(),
      [&](std::size_t k) {
        project_one(volume, views[k], series.images.data() + k * npix, serial);
      },
      Schedule::kDynamic);
}

void back_project_series(const TiltSeries& residuals, const Vec3& center_A, Volume& volume,
                         const ProjectorParams& params, const ExecutionContext& ctx) {
  back_project_series(residuals, DetectorShifts{}, center_A, volume, params, ctx);
}

void back_project_series(const TiltSeries& residuals, const DetectorShifts& shift_yx_A,
                         const Vec3& center_A, Volume& volume, const ProjectorParams& params,
                         const ExecutionContext& ctx) {
  const std::vector<Traversal> views =
      series_views(residuals, shift_yx_A, volume, center_A, params);
  const std::size_t npix = residuals.images.extent(1) * residuals.images.extent(2);
  std::vector<const float*> images;
  for (std::size_t k = 0; k < views.size(); ++k)
    images.push_back(residuals.images.data() + k * npix);
  back_project_views(views, images, volume, ctx);
}

}  // namespace vitrum::core
