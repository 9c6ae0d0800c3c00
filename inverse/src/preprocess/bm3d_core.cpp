// BM3D for additive white Gaussian noise (Dabov et al., IEEE TIP 16, 2080 (2007)); see
// denoise.hpp for the algorithm and its parameters.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/preprocess/denoise.hpp"

namespace vitrum::inverse {

namespace {

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

/// Modified Bessel function I₀ by its power series (converges fast for the β ≤ 20 allowed).
double bessel_i0(double x) {
  double term = 1.0, sum = 1.0;
  const double q = 0.25 * x * x;
  for (int k = 1; k < 200 && term > 1e-17 * sum; ++k) {
    term *= q / (static_cast<double>(k) * static_cast<double>(k));
    sum += term;
  }
  return sum;
}

/// The per-image constants: the orthonormal DCT-II matrix and the 2D Kaiser window.
struct Kernel {
  int n = 8;                  // block edge N1
  std::vector<float> dct;     // [k][i] = c_k cos(π(2i+1)k / 2n)
  std::vector<float> dct_t;   // its transpose
  std::vector<float> window;  // [i][j] Kaiser(β) outer product

  Kernel(int block, double beta) : n(block), dct(std::size_t(block * block)), window(dct.size()) {
    const double nd = n;
    for (int k = 0; k < n; ++k)
      for (int i = 0; i < n; ++i) {
        const double c = (k == 0) ? std::sqrt(1.0 / nd) : std::sqrt(2.0 / nd);
        dct[std::size_t(k * n + i)] =
            static_cast<float>(c * std::cos(std::numbers::pi * (2 * i + 1) * k / (2.0 * nd)));
      }
    dct_t.resize(dct.size());
    for (int k = 0; k < n; ++k)
      for (int i = 0; i < n; ++i) dct_t[std::size_t(i * n + k)] = dct[std::size_t(k * n + i)];
    std::vector<double> w1(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const double r = 2.0 * i / (nd - 1.0) - 1.0;
      w1[std::size_t(i)] =
          bessel_i0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / bessel_i0(beta);
    }
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        window[std::size_t(i * n + j)] =
            static_cast<float>(w1[std::size_t(i)] * w1[std::size_t(j)]);
  }

  /// out = D·X·Dᵀ (forward) or Dᵀ·X·D (inverse) for one n×n block, row-major. The loops run
  /// as row updates (axpy) so that the compiler vectorises them.
  void transform(const float* x, float* out, bool inverse) const {
    const float* m = inverse ? dct_t.data() : dct.data();   // M
    const float* mt = inverse ? dct.data() : dct_t.data();  // Mᵀ
    float tmp[16 * 16] = {};
    for (int r = 0; r < n; ++r)  // tmp = M·X
      for (int k = 0; k < n; ++k) {
        const float f = m[r * n + k];
        for (int c = 0; c < n; ++c) tmp[r * n + c] += f * x[k * n + c];
      }
    for (int r = 0; r < n; ++r) {  // out = tmp·Mᵀ
      float* o = out + r * n;
      for (int c = 0; c < n; ++c) o[c] = 0.0f;
      for (int k = 0; k < n; ++k) {
        const float f = tmp[r * n + k];
        for (int c = 0; c < n; ++c) o[c] += f * mt[k * n + c];
      }
    }
  }
};

/// Orthonormal 1D Haar transform (full dyadic decomposition) along a group of `m` (a power
/// of 2) blocks of `n2` coefficients each, in place, for all coefficients at once (so the
/// inner loops run over contiguous coefficients); `scratch` holds m·n2 values.
void haar_forward(float* v, int m, int n2, float* scratch) {
  constexpr float kS = static_cast<float>(std::numbers::sqrt2 / 2.0);
  for (int len = m; len > 1; len /= 2) {
    const int half = len / 2;
    for (int i = 0; i < half; ++i) {
      const float* a = v + 2 * i * n2;
      const float* b = a + n2;
      float* sum = scratch + i * n2;
      float* diff = scratch + (half + i) * n2;
      for (int k = 0; k < n2; ++k) {
        sum[k] = kS * (a[k] + b[k]);
        diff[k] = kS * (a[k] - b[k]);
      }
    }
    std::copy(scratch, scratch + len * n2, v);
  }
}

void haar_inverse(float* v, int m, int n2, float* scratch) {
  constexpr float kS = static_cast<float>(std::numbers::sqrt2 / 2.0);
  for (int len = 2; len <= m; len *= 2) {
    const int half = len / 2;
    for (int i = 0; i < half; ++i) {
      const float* a = v + i * n2;
      const float* d = v + (half + i) * n2;
      float* even = scratch + 2 * i * n2;
      float* odd = even + n2;
      for (int k = 0; k < n2; ++k) {
        even[k] = kS * (a[k] + d[k]);
        odd[k] = kS * (a[k] - d[k]);
      }
    }
    std::copy(scratch, scratch + len * n2, v);
  }
}

/// Reference positions along one axis: 0, step, 2·step, … and the last block position.
std::vector<int> reference_positions(int extent, int block, int step) {
  std::vector<int> p;
  for (int i = 0; i <= extent - block; i += step) p.push_back(i);
  if (p.back() != extent - block) p.push_back(extent - block);
  return p;
}

/// A grey image as floats with its shape.
struct Plane {
  int ny = 0, nx = 0;
  std::vector<float> v;
  const float* row(int y) const { return v.data() + std::size_t(y) * std::size_t(nx); }
};

/// One filtered group: its blocks' positions (y·nx + x), their filtered values, a weight.
struct Group {
  double weight = 0.0;
  std::vector<std::uint32_t> pos;
  std::vector<float> blocks;  // pos.size() × n²
};

struct Match {
  float dist;
  std::uint32_t pos;
};

/// Block matching for every reference (ry, xs[j]) of one reference row: matches[j] gets the
/// blocks of `plane` in the search window whose per-pixel mean squared difference to the
/// reference is ≤ tau, the closest `max_count` sorted by (distance, position) and truncated to
/// a power of 2; the reference itself always comes first. The distances are computed per
/// displacement (dy, dx) for the whole row at once: column sums over the block height of the
/// squared differences, then n of them per reference — about n(1 + 1/step)·N_S² operations per
/// reference instead of n²·N_S².
void match_row(const Plane& plane, int n, int ry, const std::vector<int>& xs, int window,
               double tau, int max_count, std::vector<float>& col,
               std::vector<std::vector<Match>>& matches) {
  const int half = window / 2;
  const int y0 = std::max(0, ry - half), y1 = std::min(plane.ny - n, ry + half);
  const auto limit = static_cast<float>(tau * n * n);
  matches.resize(xs.size());
  for (auto& m : matches) m.clear();
  col.resize(std::size_t(plane.nx));
  for (int cy = y0; cy <= y1; ++cy)
    for (int dx = -half; dx <= half; ++dx) {
      // Columns x whose partner x + dx is inside the image.
      const int xa = std::max(0, -dx), xb = std::min(plane.nx, plane.nx - dx);
      if (xb - xa < n) continue;
      std::fill(col.begin() + xa, col.begin() + xb, 0.0f);
      for (int r = 0; r < n; ++r) {
        const float* a = plane.row(ry + r);
        const float* b = plane.row(cy + r) + dx;
        for (int x = xa; x < xb; ++x) {
          const float d = a[x] - b[x];
          col[std::size_t(x)] += d * d;
        }
      }
      for (std::size_t j = 0; j < xs.size(); ++j) {
        const int rx = xs[j], cx = rx + dx;
        if (cx < 0 || cx > plane.nx - n) continue;
        float ssd = 0.0f;
        for (int c = 0; c < n; ++c) ssd += col[std::size_t(rx + c)];
        const bool self = cy == ry && dx == 0;
        if (ssd <= limit || self)
          matches[j].push_back(
              {self ? -1.0f : ssd, static_cast<std::uint32_t>(cy * plane.nx + cx)});
      }
    }
  const auto less = [](const Match& a, const Match& b) {
    return a.dist < b.dist || (a.dist == b.dist && a.pos < b.pos);
  };
  for (auto& m : matches) {
    const std::size_t keep = std::min(m.size(), std::size_t(max_count));
    std::partial_sort(m.begin(), m.begin() + std::ptrdiff_t(keep), m.end(), less);
    std::size_t size = 1;
    while (size * 2 <= keep) size *= 2;
    m.resize(size);
  }
}

/// The 3D transform of the group at `matches` in `plane`: 2D DCT per block, then Haar along
/// the group for every coefficient. `coef` gets m × n² values.
void group_forward(const Plane& plane, const Kernel& kernel, const std::vector<Match>& matches,
                   std::vector<float>& coef, std::vector<float>& scratch) {
  const int n = kernel.n, n2 = n * n;
  const int m = static_cast<int>(matches.size());
  coef.resize(std::size_t(m * n2));
  float block[16 * 16];
  for (int j = 0; j < m; ++j) {
    const int y = static_cast<int>(matches[std::size_t(j)].pos) / plane.nx;
    const int x = static_cast<int>(matches[std::size_t(j)].pos) % plane.nx;
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) block[r * n + c] = plane.row(y + r)[x + c];
    kernel.transform(block, coef.data() + std::size_t(j * n2), false);
  }
  scratch.resize(std::size_t(m * n2));
  haar_forward(coef.data(), m, n2, scratch.data());
}

/// Inverse of group_forward into group.blocks; positions from `matches`.
void group_inverse(const Kernel& kernel, const std::vector<Match>& matches,
                   std::vector<float>& coef, std::vector<float>& scratch, Group& group) {
  const int n2 = kernel.n * kernel.n;
  const int m = static_cast<int>(matches.size());
  scratch.resize(std::size_t(m * n2));
  haar_inverse(coef.data(), m, n2, scratch.data());
  group.pos.resize(std::size_t(m));
  group.blocks.resize(std::size_t(m * n2));
  for (int j = 0; j < m; ++j) {
    group.pos[std::size_t(j)] = matches[std::size_t(j)].pos;
    kernel.transform(coef.data() + std::size_t(j * n2), group.blocks.data() + std::size_t(j * n2),
                     true);
  }
}

struct Workspace {
  std::vector<float> col;
  std::vector<std::vector<Match>> matches;  // per reference of the row
  std::vector<float> coef, coef_basic, scratch;
};

/// Step 1 for one group: hard thresholding of the noisy group at `matches`.
void filter_hard(const Plane& noisy, const Kernel& kernel, const Bm3dParams& p, double sigma,
                 const std::vector<Match>& matches, Workspace& ws, Group& group) {
  group_forward(noisy, kernel, matches, ws.coef, ws.scratch);
  const auto threshold = static_cast<float>(p.lambda_3d * sigma);
  std::size_t retained = 0;
  for (float& c : ws.coef) {
    if (std::abs(c) < threshold)
      c = 0.0f;
    else
      ++retained;
  }
  group.weight = 1.0 / (sigma * sigma * static_cast<double>(std::max<std::size_t>(retained, 1)));
  group_inverse(kernel, matches, ws.coef, ws.scratch, group);
}

/// Step 2 for one group: empirical Wiener shrinkage of the noisy group at `matches` with the
/// basic estimate's group as the pilot.
void filter_wiener(const Plane& noisy, const Plane& basic, const Kernel& kernel, double sigma,
                   const std::vector<Match>& matches, Workspace& ws, Group& group) {
  group_forward(basic, kernel, matches, ws.coef_basic, ws.scratch);
  group_forward(noisy, kernel, matches, ws.coef, ws.scratch);
  const double s2 = sigma * sigma;
  double w2 = 0.0;
  for (std::size_t i = 0; i < ws.coef.size(); ++i) {
    const double b2 = double(ws.coef_basic[i]) * double(ws.coef_basic[i]);
    const double w = b2 / (b2 + s2);
    w2 += w * w;
    ws.coef[i] = static_cast<float>(w * ws.coef[i]);
  }
  group.weight = 1.0 / (s2 * std::max(w2, 1e-12));
  group_inverse(kernel, matches, ws.coef, ws.scratch, group);
}

/// Runs one BM3D step: block matching on `match_plane` (τ = tau·σ², at most max_group blocks)
/// for every reference block, `filter` on each group, and aggregation (the Kaiser-weighted
/// mean of all block estimates covering each pixel). Reference rows are matched and filtered in
/// parallel, a batch of rows at a time, and the groups added to the sums in reference order:
/// the result does not depend on the thread count.
template <class Filter>
Plane run_step(const Plane& match_plane, const Kernel& kernel, int step, int window, double tau,
               int max_group, const core::ExecutionContext& ctx, Filter&& filter) {
  const int n = kernel.n;
  const int nx = match_plane.nx;
  const std::vector<int> ys = reference_positions(match_plane.ny, n, step);
  const std::vector<int> xs = reference_positions(nx, n, step);
  std::vector<double> num(match_plane.v.size(), 0.0), den(match_plane.v.size(), 0.0);

  const std::size_t batch = 16;  // reference rows per batch (fixed: no effect on the result)
  std::vector<std::vector<Group>> groups(std::min(batch, ys.size()), std::vector<Group>(xs.size()));
  std::vector<Workspace> workspaces(std::size_t(std::max(ctx.resolved_threads(), 1)));
  for (std::size_t b0 = 0; b0 < ys.size(); b0 += batch) {
    const std::size_t b1 = std::min(ys.size(), b0 + batch);
    core::parallel_for(
        ctx, b0, b1,
        [&](std::size_t row) {
          Workspace& ws = workspaces[std::size_t(omp_get_thread_num())];
          match_row(match_plane, n, ys[row], xs, window, tau, max_group, ws.col, ws.matches);
          for (std::size_t j = 0; j < xs.size(); ++j)
            filter(ws.matches[j], ws, groups[row - b0][j]);
        },
        core::Schedule::kDynamic);
    for (std::size_t row = b0; row < b1; ++row)
      for (const Group& g : groups[row - b0])
        for (std::size_t j = 0; j < g.pos.size(); ++j) {
          const std::size_t y0 = g.pos[j] / std::size_t(nx), x0 = g.pos[j] % std::size_t(nx);
          const float* blk = g.blocks.data() + j * std::size_t(n * n);
          for (int i = 0; i < n; ++i) {
            const std::size_t pix = (y0 + std::size_t(i)) * std::size_t(nx) + x0;
            for (int c = 0; c < n; ++c) {
              const double w = g.weight * kernel.window[std::size_t(i * n + c)];
              num[pix + std::size_t(c)] += w * blk[i * n + c];
              den[pix + std::size_t(c)] += w;
            }
          }
        }
  }
  Plane out{match_plane.ny, nx, std::vector<float>(match_plane.v.size())};
  for (std::size_t i = 0; i < out.v.size(); ++i)
    out.v[i] = den[i] > 0.0 ? static_cast<float>(num[i] / den[i]) : match_plane.v[i];
  return out;
}

}  // namespace

void Bm3dParams::validate(const std::string& prefix) const {
  core::require(block_size >= 4 && block_size <= 16, prefix + "block_size", block_size,
                "4 … 16 (px)");
  core::require(search_window >= block_size && search_window <= 255, prefix + "search_window",
                search_window, "block_size … 255 (px)");
  core::require(ht_step >= 1 && ht_step <= block_size, prefix + "ht_step", ht_step,
                "1 … block_size (px)");
  core::require(wiener_step >= 1 && wiener_step <= block_size, prefix + "wiener_step", wiener_step,
                "1 … block_size (px)");
  core::require(is_power_of_two(ht_group_max) && ht_group_max <= 256, prefix + "ht_group_max",
                ht_group_max, "a power of 2, 1 … 256");
  core::require(is_power_of_two(wiener_group_max) && wiener_group_max <= 256,
                prefix + "wiener_group_max", wiener_group_max, "a power of 2, 1 … 256");
  core::require(std::isfinite(ht_match) && ht_match >= 0.0, prefix + "ht_match", ht_match,
                ">= 0 (units of σ²)");
  core::require(std::isfinite(wiener_match) && wiener_match >= 0.0, prefix + "wiener_match",
                wiener_match, ">= 0 (units of σ²)");
  core::require(std::isfinite(lambda_3d) && lambda_3d >= 0.0, prefix + "lambda_3d", lambda_3d,
                ">= 0 (units of σ)");
  core::require(std::isfinite(kaiser_beta) && kaiser_beta >= 0.0 && kaiser_beta <= 20.0,
                prefix + "kaiser_beta", kaiser_beta, "0 … 20");
}

core::Image bm3d_gaussian(const core::Image& image, double sigma, const Bm3dParams& params,
                          const core::ExecutionContext& ctx) {
  params.validate();
  core::require(std::isfinite(sigma) && sigma > 0.0, "sigma", sigma, "> 0 (image units)");
  const std::size_t ny = image.extent(0), nx = image.extent(1);
  const auto n = static_cast<std::size_t>(params.block_size);
  if (ny < n || nx < n)
    throw InputError("image of " + std::to_string(ny) + "×" + std::to_string(nx) +
                         " px is smaller than one block (" + std::to_string(n) + " px)",
                     "image");
  if (ny * nx >= (std::size_t(1) << 32)) throw InputError("image too large (≥ 2³² px)", "image");
  Plane noisy{static_cast<int>(ny), static_cast<int>(nx), image.values()};
  for (float v : noisy.v)
    if (!std::isfinite(v)) throw InputError("image has a non-finite value", "image");

  const Kernel kernel(params.block_size, params.kaiser_beta);
  const Plane basic = run_step(noisy, kernel, params.ht_step, params.search_window,
                               params.ht_match * sigma * sigma, params.ht_group_max, ctx,
                               [&](const std::vector<Match>& matches, Workspace& ws, Group& g) {
                                 filter_hard(noisy, kernel, params, sigma, matches, ws, g);
                               });
  Plane result = basic;
  if (params.steps == Bm3dSteps::kBoth)
    result = run_step(basic, kernel, params.wiener_step, params.search_window,
                      params.wiener_match * sigma * sigma, params.wiener_group_max, ctx,
                      [&](const std::vector<Match>& matches, Workspace& ws, Group& g) {
                        filter_wiener(noisy, basic, kernel, sigma, matches, ws, g);
                      });
  core::Image out = image;
  out.values() = std::move(result.v);
  return out;
}

}  // namespace vitrum::inverse
