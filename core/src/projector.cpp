#include "vitrum/core/projector.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// The four pixels around (u, v) when all four are known to lie on the detector: pixel
/// k = iv·nx + iu gets (1 − wu)(1 − wv), k + 1 wu(1 − wv), k + nx (1 − wu)wv, k + nx + 1 wu·wv,
/// with (iu, iv) = ⌊(u, v)⌋ and (wu, wv) = (u, v) − (iu, iv).
struct Corners {
  std::size_t k;
  double w00, w10, w01, w11;
};

inline Corners interior_corners(long det_nx, double u, double v) {
  const long iu = static_cast<long>(u), iv = static_cast<long>(v);  // u, v ≥ 0: the floor
  const double wu = u - static_cast<double>(iu), wv = v - static_cast<double>(iv);
  return {static_cast<std::size_t>(iv * det_nx + iu), (1 - wu) * (1 - wv), wu * (1 - wv),
          (1 - wu) * wv, wu * wv};
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

/// The traversal both directions share (ASTRA's design, STYLE.md): row_view gives a view's
/// geometry along a voxel row and splits the row where its sub-points enter and leave the
/// detector's interior; `bilinear` (the edges) and interior_corners (the middle) give each
/// sub-point's pixels and weights — splat_flat and gather_flat repeat interior_corners inline
/// for rows that keep v fixed (every row of a tilt about y). The forward splats value·weight
/// into the image, the adjoint gathers image·weight into the voxel, so the pair is adjoint up to
/// rounding (tests/core/test_projector.cpp). The loops count ix in double (exact), which spares
/// the unsigned-to-double conversion and gives the same u, v as ix converted.
///
/// One view seen from one voxel row (iz, iy): the centre of voxel ix lands at
/// (u + ix·du, v + ix·dv); for ix in [a, b) every sub-point has 0 ≤ u < nx − 1 and
/// 0 ≤ v < ny − 1 (all four bilinear neighbours on the detector; a = b = nx when none has).
/// Both directions split each row there, so the middle runs without bounds checks.
struct RowView {
  double u = 0, v = 0, du = 0, dv = 0;
  std::size_t a = 0, b = 0;
};

RowView row_view(const Traversal& t, std::size_t iz, std::size_t iy) {
  RowView r;
  r.u = t.u0 + static_cast<double>(iz) * t.du[0] + static_cast<double>(iy) * t.du[1];
  r.v = t.v0 + static_cast<double>(iz) * t.dv[0] + static_cast<double>(iy) * t.dv[1];
  r.du = t.du[2], r.dv = t.dv[2];
  const double u_hi = static_cast<double>(t.det_nx - 1), v_hi = static_cast<double>(t.det_ny - 1);
  const auto ru = interior(r.u, r.du, -t.sub_u_min, u_hi - t.sub_u_max, t.nx);
  const auto rv = interior(r.v, r.dv, -t.sub_v_min, v_hi - t.sub_v_max, t.nx);
  r.a = std::max(ru[0], rv[0]), r.b = std::min(ru[1], rv[1]);
  if (r.a >= r.b) r.a = r.b = t.nx;
  return r;
}

/// Forward, one voxel of one view: splat value·weight (value = voxel·scale) into `image`.
/// `x` is ix as a double (the row loops count in double to spare the conversion).
inline void splat_voxel(const Traversal& t, const RowView& r, std::size_t ix, double x,
                        double value, double* image) {
  const double u = r.u + x * r.du, v = r.v + x * r.dv;
  const auto add = [&](std::size_t pixel, double w) { image[pixel] += value * w; };
  const bool inside = ix >= r.a && ix < r.b;
  const auto one = [&](double su, double sv) {
    if (inside) {
      const Corners c = interior_corners(t.det_nx, su, sv);
      const auto row = static_cast<std::size_t>(t.det_nx);
      add(c.k, c.w00), add(c.k + 1, c.w10), add(c.k + row, c.w01), add(c.k + row + 1, c.w11);
    } else {
      bilinear(t, su, sv, add);
    }
  };
  if (t.sub.size() == 1) {
    one(u, v);
  } else {
    for (const auto& s : t.sub) one(u + s[0], v + s[1]);
  }
}

/// GCC's SLP vectoriser merges the read-modify-writes of a pixel pair (k, k + 1) into one
/// 16-byte load and store; when the next voxel's pair starts at k + 1, that load half-overlaps
/// the last store, store-to-load forwarding fails, and each splat waits for the store to reach
/// L1. The forward splat is kept scalar.
#if defined(__GNUC__) && !defined(__clang__)
#define VITRUM_SCALAR_SPLAT __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define VITRUM_SCALAR_SPLAT
#endif

/// Forward along [lo, hi) of a row that every view maps onto a fixed row pair (row0[j],
/// row1[j] with weights omv[j] = 1 − wv[j], wv[j]; u = pu[j] + ix·pdu[j]), all in the
/// interior: each non-zero voxel is splatted into every view, views interleaved. With SSE2
/// two views share the arithmetic; each lane does the scalar loop's operations in its order
/// and the four read-modify-writes stay scalar (the same bytes).
VITRUM_SCALAR_SPLAT inline void splat_flat(const float* src, std::size_t lo, std::size_t hi,
                                           std::size_t count, const double* pu, const double* pdu,
                                           const double* scale, const double* omv, const double* wv,
                                           double* const* row0, double* const* row1) {
  double x = static_cast<double>(lo);
  for (std::size_t ix = lo; ix < hi; ++ix, x += 1.0) {
    if (src[ix] == 0.0f) continue;
    const double s = static_cast<double>(src[ix]);
    std::size_t j = 0;
#if defined(__SSE2__)
    const __m128d v_s = _mm_set1_pd(s), v_x = _mm_set1_pd(x), one = _mm_set1_pd(1.0);
    for (; j + 2 <= count; j += 2) {
      const __m128d value = _mm_mul_pd(v_s, _mm_loadu_pd(scale + j));
      const __m128d u = _mm_add_pd(_mm_loadu_pd(pu + j), _mm_mul_pd(v_x, _mm_loadu_pd(pdu + j)));
      const __m128i iu = _mm_cvttpd_epi32(u);  // u ≥ 0: the floor
      const __m128d wu = _mm_sub_pd(u, _mm_cvtepi32_pd(iu)), omu = _mm_sub_pd(one, wu);
      const __m128d om = _mm_loadu_pd(omv + j), w = _mm_loadu_pd(wv + j);
      const __m128d p00 = _mm_mul_pd(value, _mm_mul_pd(omu, om));
      const __m128d p10 = _mm_mul_pd(value, _mm_mul_pd(wu, om));
      const __m128d p01 = _mm_mul_pd(value, _mm_mul_pd(omu, w));
      const __m128d p11 = _mm_mul_pd(value, _mm_mul_pd(wu, w));
      const auto ka = static_cast<std::size_t>(_mm_cvtsi128_si32(iu));
      const auto kb = static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_shuffle_epi32(iu, 1)));
      double* a0 = row0[j] + ka;
      double* a1 = row1[j] + ka;
      double* b0 = row0[j + 1] + kb;
      double* b1 = row1[j + 1] + kb;
      a0[0] += _mm_cvtsd_f64(p00), a0[1] += _mm_cvtsd_f64(p10);
      a1[0] += _mm_cvtsd_f64(p01), a1[1] += _mm_cvtsd_f64(p11);
      b0[0] += _mm_cvtsd_f64(_mm_unpackhi_pd(p00, p00));
      b0[1] += _mm_cvtsd_f64(_mm_unpackhi_pd(p10, p10));
      b1[0] += _mm_cvtsd_f64(_mm_unpackhi_pd(p01, p01));
      b1[1] += _mm_cvtsd_f64(_mm_unpackhi_pd(p11, p11));
    }
#endif
    for (; j < count; ++j) {
      const double value = s * scale[j];
      const double u = pu[j] + x * pdu[j];
      const long iu = static_cast<long>(u);
      const double wu = u - static_cast<double>(iu), omu = 1 - wu;
      const auto k = static_cast<std::size_t>(iu);
      row0[j][k] += value * (omu * omv[j]);
      row0[j][k + 1] += value * (wu * omv[j]);
      row1[j][k] += value * (omu * wv[j]);
      row1[j][k + 1] += value * (wu * wv[j]);
    }
  }
}

/// The most views one forward pass over the volume serves.
constexpr std::size_t kMaxBatch = 8;

/// Forward for up to kMaxBatch views at once: splats the non-zero voxels of z-planes
/// [z0, z1) into buffers[j] for views[j]. Each voxel is loaded once for all views. Every
/// buffer receives its voxels in the z-y-x order of a traversal of its view alone, so it holds
/// the same bytes as a single-view projection; the views' read-modify-write chains are
/// independent, so in the middle of a row, where every view is in its interior, they are
/// interleaved voxel by voxel and overlap in the core.
VITRUM_SCALAR_SPLAT void splat_slab(const float* volume, const Traversal* const* views,
                                    double* const* buffers, std::size_t count, std::size_t z0,
                                    std::size_t z1) {
  const Traversal& t0 = *views[0];
  const std::size_t ny = t0.ny, nx = t0.nx;
  const bool single = t0.sub.size() == 1;
  std::array<RowView, kMaxBatch> rows;
  std::array<double, kMaxBatch> scale{}, omv{}, wv{}, pu{}, pdu{};
  std::array<double*, kMaxBatch> row0{}, row1{};
  for (std::size_t j = 0; j < count; ++j) scale[j] = views[j]->weight;
  for (std::size_t iz = z0; iz < z1; ++iz)
    for (std::size_t iy = 0; iy < ny; ++iy) {
      const float* src = volume + (iz * ny + iy) * nx;
      // [lo, hi): the voxels inside every view's interior.
      std::size_t lo = 0, hi = nx;
      bool flat = single;  // every view maps the row onto one detector row pair
      for (std::size_t j = 0; j < count; ++j) {
        rows[j] = row_view(*views[j], iz, iy);
        lo = std::max(lo, rows[j].a), hi = std::min(hi, rows[j].b);
        flat = flat && rows[j].dv == 0.0;
      }
      hi = std::max(lo, hi);
      for (std::size_t j = 0; j < count; ++j) {
        double x = 0;
        for (std::size_t ix = 0; ix < lo; ++ix, x += 1.0)
          if (src[ix] != 0.0f)
            splat_voxel(*views[j], rows[j], ix, x, static_cast<double>(src[ix]) * scale[j],
                        buffers[j]);
      }
      if (flat && lo < hi) {
        // v = v_row + ix·dv with dv = ±0 is v_row + dv for every ix ≥ 0 (the product is a
        // zero of dv's sign), so the row pair and its weights are fixed for the whole row.
        const auto det_nx = static_cast<std::size_t>(t0.det_nx);
        for (std::size_t j = 0; j < count; ++j) {
          const double v = rows[j].v + rows[j].dv;
          const long iv = static_cast<long>(v);
          wv[j] = v - static_cast<double>(iv), omv[j] = 1 - wv[j];
          row0[j] = buffers[j] + static_cast<std::size_t>(iv) * det_nx;
          row1[j] = row0[j] + det_nx;
        }
        for (std::size_t j = 0; j < count; ++j) pu[j] = rows[j].u, pdu[j] = rows[j].du;
        splat_flat(src, lo, hi, count, pu.data(), pdu.data(), scale.data(), omv.data(), wv.data(),
                   row0.data(), row1.data());
      } else if (lo < hi) {
        double x = static_cast<double>(lo);
        for (std::size_t ix = lo; ix < hi; ++ix, x += 1.0) {
          if (src[ix] == 0.0f) continue;
          const double s = static_cast<double>(src[ix]);
          for (std::size_t j = 0; j < count; ++j)
            splat_voxel(*views[j], rows[j], ix, x, s * scale[j], buffers[j]);
        }
      }
      for (std::size_t j = 0; j < count; ++j) {
        double x = static_cast<double>(hi);
        for (std::size_t ix = hi; ix < nx; ++ix, x += 1.0)
          if (src[ix] != 0.0f)
            splat_voxel(*views[j], rows[j], ix, x, static_cast<double>(src[ix]) * scale[j],
                        buffers[j]);
      }
    }
}

/// Adjoint along [a, b) of a row whose view keeps v fixed (row pair row0, row1 with weights
/// 1 − wv, wv): acc[ix] += scale·Σ weight·image, the sum in the order of interior_corners.
/// With SSE2 two voxels at a time: each loads its (iu, iu + 1) pair from each row in one
/// access, and the lanes do the scalar loop's operations in its order (the same bytes).
inline void gather_flat(const double* __restrict row0, const double* __restrict row1, double wv,
                        double u, double du, std::size_t a, std::size_t b, double scale,
                        double* __restrict acc) {
  const double omv = 1 - wv;
  std::size_t ix = a;
  double x = static_cast<double>(a);
#if defined(__SSE2__)
  const __m128d v_du = _mm_set1_pd(du), v_u = _mm_set1_pd(u), one = _mm_set1_pd(1.0);
  const __m128d v_omv = _mm_set1_pd(omv), v_wv = _mm_set1_pd(wv), v_scale = _mm_set1_pd(scale);
  const __m128d two = _mm_set1_pd(2.0);
  __m128d v_x = _mm_set_pd(x + 1.0, x);
  for (; ix + 2 <= b; ix += 2, x += 2.0) {
    const __m128d ui = _mm_add_pd(v_u, _mm_mul_pd(v_x, v_du));
    const __m128i iu = _mm_cvttpd_epi32(ui);  // ui ≥ 0: the floor
    const __m128d wu = _mm_sub_pd(ui, _mm_cvtepi32_pd(iu)), omu = _mm_sub_pd(one, wu);
    const auto k0 = static_cast<std::size_t>(_mm_cvtsi128_si32(iu));
    const auto k1 = static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_shuffle_epi32(iu, 1)));
    const __m128d r0a = _mm_loadu_pd(row0 + k0), r0b = _mm_loadu_pd(row0 + k1);
    const __m128d r1a = _mm_loadu_pd(row1 + k0), r1b = _mm_loadu_pd(row1 + k1);
    __m128d sum = _mm_mul_pd(_mm_unpacklo_pd(r0a, r0b), _mm_mul_pd(omu, v_omv));
    sum = _mm_add_pd(sum, _mm_mul_pd(_mm_unpackhi_pd(r0a, r0b), _mm_mul_pd(wu, v_omv)));
    sum = _mm_add_pd(sum, _mm_mul_pd(_mm_unpacklo_pd(r1a, r1b), _mm_mul_pd(omu, v_wv)));
    sum = _mm_add_pd(sum, _mm_mul_pd(_mm_unpackhi_pd(r1a, r1b), _mm_mul_pd(wu, v_wv)));
    _mm_storeu_pd(acc + ix, _mm_add_pd(_mm_loadu_pd(acc + ix), _mm_mul_pd(sum, v_scale)));
    v_x = _mm_add_pd(v_x, two);
  }
#endif
  for (; ix < b; ++ix, x += 1.0) {
    const double ui = u + x * du;
    const long iu = static_cast<long>(ui);
    const double wu = ui - static_cast<double>(iu), omu = 1 - wu;
    const auto k = static_cast<std::size_t>(iu);
    double sum = row0[k] * (omu * omv);
    sum += row0[k + 1] * (wu * omv);
    sum += row1[k] * (omu * wv);
    sum += row1[k + 1] * (wu * wv);
    acc[ix] += sum * scale;
  }
}

/// Adjoint, one view along one voxel row: acc[ix] += scale·Σ weight·image over the voxel's
/// sub-points and their bilinear neighbours (the weights splat_voxel uses).
void gather_row(const Traversal& t, const RowView& r, const double* image, double* acc) {
  const std::size_t nx = t.nx;
  const double scale = t.weight;
  const auto row = static_cast<std::size_t>(t.det_nx);
  const bool single = t.sub.size() == 1;
  const auto checked = [&](std::size_t ix, double x) {
    const double u = r.u + x * r.du, v = r.v + x * r.dv;
    double sum = 0;
    const auto take = [&](std::size_t pixel, double w) { sum += image[pixel] * w; };
    if (single) {
      bilinear(t, u, v, take);
    } else {
      for (const auto& s : t.sub) bilinear(t, u + s[0], v + s[1], take);
    }
    acc[ix] += sum * scale;
  };
  double x = 0;
  for (std::size_t ix = 0; ix < r.a; ++ix, x += 1.0) checked(ix, x);
  if (single && r.dv == 0.0 && r.a < r.b) {
    // The row pair is fixed (see splat_slab); only u moves along the row.
    const double v = r.v + r.dv;
    const long iv = static_cast<long>(v);
    const double* row0 = image + static_cast<std::size_t>(iv) * row;
    gather_flat(row0, row0 + row, v - static_cast<double>(iv), r.u, r.du, r.a, r.b, scale, acc);
    x = static_cast<double>(r.b);
  } else {
    for (std::size_t ix = r.a; ix < r.b; ++ix, x += 1.0) {
      const double u = r.u + x * r.du, v = r.v + x * r.dv;
      double sum = 0;
      const auto one = [&](double su, double sv) {
        const Corners c = interior_corners(t.det_nx, su, sv);
        sum += image[c.k] * c.w00;
        sum += image[c.k + 1] * c.w10;
        sum += image[c.k + row] * c.w01;
        sum += image[c.k + row + 1] * c.w11;
      };
      if (single) {
        one(u, v);
      } else {
        for (const auto& s : t.sub) one(u + s[0], v + s[1]);
      }
      acc[ix] += sum * scale;
    }
  }
  for (std::size_t ix = r.b; ix < nx; ++ix, x += 1.0) checked(ix, x);
}

std::size_t slab_count(std::size_t nz) { return std::min(nz, kForwardSlabs); }
std::size_t slab_begin(std::size_t s, std::size_t nz) { return s * nz / slab_count(nz); }

/// The distance, in doubles, between the slab buffers of consecutive views of a batch: the
/// image rounded up to 4 KiB plus 576 B, so that the views' buffers do not start at the same
/// address modulo 4 KiB. (Views of a tilt series hit nearly the same pixels; with buffers a
/// multiple of 4 KiB apart, the loads of one view's read-modify-writes would falsely wait on
/// the stores of another — 4K aliasing.)
std::size_t buffer_stride(std::size_t npix) { return (npix + 511) / 512 * 512 + 72; }

/// Forward projections of up to kMaxBatch views in one pass over the volume: outs[j] = Π_j O.
/// Each view's slabs go into their own double buffer, added in slab order, so every image is
/// the same bytes whatever the batch; the slabs run in parallel when `ctx` has threads to
/// give, and the result is the same bytes either way.
void project_batch(const Volume& volume, const Traversal* const* views, float* const* outs,
                   std::size_t count, const ExecutionContext& ctx) {
  const Traversal& t0 = *views[0];
  const std::size_t npix = static_cast<std::size_t>(t0.det_ny * t0.det_nx);
  const std::size_t slabs = slab_count(t0.nz);
  const std::size_t stride = buffer_stride(npix);
  std::vector<std::vector<double>> total(count, std::vector<double>(npix, 0.0));
  const auto run_slab = [&](std::size_t s, double* buffers) {
    std::array<double*, kMaxBatch> b{};
    for (std::size_t j = 0; j < count; ++j) b[j] = buffers + j * stride;
    splat_slab(volume.data(), views, b.data(), count, slab_begin(s, t0.nz),
               slab_begin(s + 1, t0.nz));
  };
  if (ctx.resolved_threads() > 1) {
    std::vector<double> buffers(slabs * count * stride, 0.0);
    parallel_for(
        ctx, 0, slabs, [&](std::size_t s) { run_slab(s, buffers.data() + s * count * stride); },
        Schedule::kDynamic);
    for (std::size_t s = 0; s < slabs; ++s)
      for (std::size_t j = 0; j < count; ++j) {
        const double* buffer = buffers.data() + (s * count + j) * stride;
        for (std::size_t i = 0; i < npix; ++i) total[j][i] += buffer[i];
      }
  } else {
    std::vector<double> buffers(count * stride);
    for (std::size_t s = 0; s < slabs; ++s) {
      std::fill(buffers.begin(), buffers.end(), 0.0);
      run_slab(s, buffers.data());
      for (std::size_t j = 0; j < count; ++j) {
        const double* buffer = buffers.data() + j * stride;
        for (std::size_t i = 0; i < npix; ++i) total[j][i] += buffer[i];
      }
    }
  }
  for (std::size_t j = 0; j < count; ++j)
    std::transform(total[j].begin(), total[j].end(), outs[j],
                   [](double v) { return static_cast<float>(v); });
}

/// volume += Σ_k Π_kᵀ images[k] (double copies of the images), parallel over z-planes. Each
/// voxel row gathers all views into a row of double accumulators while it sits in L1, views
/// added in order per voxel (the same sums, in the same order, as one view at a time over the
/// whole plane).
void back_project_views(const std::vector<Traversal>& views,
                        const std::vector<const double*>& images, Volume& volume,
                        const ExecutionContext& ctx) {
  const std::size_t nz = volume.extent(0), ny = volume.extent(1), nx = volume.extent(2);
  float* out = volume.data();
  parallel_for(ctx, 0, nz, [&](std::size_t iz) {
    std::vector<double> acc(nx);
    for (std::size_t iy = 0; iy < ny; ++iy) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (std::size_t k = 0; k < views.size(); ++k)
        gather_row(views[k], row_view(views[k], iz, iy), images[k], acc.data());
      float* dst = out + (iz * ny + iy) * nx;
      for (std::size_t ix = 0; ix < nx; ++ix)
        dst[ix] = static_cast<float>(static_cast<double>(dst[ix]) + acc[ix]);
    }
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
  const Traversal* view = &t;
  float* out = image.data();
  project_batch(volume, &view, &out, 1, ctx);
}

void back_project(const Image& image, const std::array<double, 3>& euler_deg, const Vec3& center_A,
                  Volume& volume, const ProjectorParams& params, const ExecutionContext& ctx) {
  check_inputs(euler_deg, center_A, params);
  check_volume(volume);
  check_detector(image.extent(0), image.extent(1));
  const Traversal t = make_traversal(volume, image.sampling(), image.origin(), image.shape(),
                                     euler_deg, center_A, params);
  const std::vector<double> values(image.values().begin(), image.values().end());
  back_project_views({t}, {values.data()}, volume, ctx);
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
  // Batches of at most kMaxBatch views, at least one per thread; each image is the same bytes
  // in any batch, so the split may follow the thread count.
  const std::size_t n = views.size();
  const std::size_t batches = std::min(
      n,
      std::max((n + kMaxBatch - 1) / kMaxBatch, static_cast<std::size_t>(ctx.resolved_threads())));
  const auto first = [&](std::size_t b) { return b * n / batches; };
  const ExecutionContext serial{1};
  parallel_for(
      ctx, 0, batches,
      [&](std::size_t b) {
        std::array<const Traversal*, kMaxBatch> v{};
        std::array<float*, kMaxBatch> out{};
        const std::size_t count = first(b + 1) - first(b);
        for (std::size_t j = 0; j < count; ++j) {
          v[j] = &views[first(b) + j];
          out[j] = series.images.data() + (first(b) + j) * npix;
        }
        project_batch(volume, v.data(), out.data(), count, serial);
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
  // The residuals as doubles, converted once rather than at every gather.
  const std::vector<double> values(residuals.images.values().begin(),
                                   residuals.images.values().end());
  std::vector<const double*> images;
  for (std::size_t k = 0; k < views.size(); ++k) images.push_back(values.data() + k * npix);
  back_project_views(views, images, volume, ctx);
}

}  // namespace vitrum::core
