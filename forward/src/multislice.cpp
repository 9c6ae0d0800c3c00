#include "vitrum/forward/multislice.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "spectral.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/units.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::forward {

void MultisliceParams::validate() const {
  core::require(window_A >= 0.0 && std::isfinite(window_A), "multislice.window_A", window_A,
                "0 (whole cell) or a positive size in Å");
  core::require(batch_size >= 1, "multislice.batch_size", static_cast<double>(batch_size), "≥ 1");
}

double max_represented_angle_mrad(double sampling_A, double energy_keV) {
  return 1e3 * core::electron_wavelength_A(energy_keV) / (3.0 * sampling_A);
}

std::size_t fft_friendly_size(std::size_t minimum) {
  // 2^a·3^b·5^c with b + c ≤ 1 (128, 160, 192, 256, 320, 384, …): steps of at most 25 %, and
  // only the radices FFTW is fastest at (measured: 250² = 2·5³ and 210² = 2·3·5·7 cost 1.7–2.6×
  // a 256² transform on this project's machines).
  std::size_t best = 0;
  for (std::size_t odd : {1, 3, 5}) {
    std::size_t n = odd;
    while (n < minimum) n *= 2;
    if (best == 0 || n < best) best = n;
  }
  return std::max<std::size_t>(best, 2);
}

struct ProbeScan::Impl {
  const SliceStack& slices;
  std::size_t wx = 0, wy = 0;  // window pixels
  bool full_x = false, full_y = false;
  std::shared_ptr<const core::FftPlan<float>> plan;
  core::AlignedVector<std::complex<float>> probe_q;     // ψ₀(q), Σ_q|ψ₀|² = 1/N
  core::AlignedVector<std::complex<float>> propagator;  // P(q)·band/N
  std::vector<double> qx, qy;                           // window frequencies (Å⁻¹)
  std::vector<std::string> names;
  std::vector<std::vector<std::uint32_t>> detector_pixels;
  std::vector<std::size_t> depths;
  std::size_t batch = 16;
  /// exp(−iπλ·kΔz·|q|²) for k = 0 … slices: free flight through k vacuum slices at once.
  std::vector<core::AlignedVector<std::complex<float>>> flight;
  std::vector<double> vacuum_signal;  // each detector's share of the unscattered probe

  explicit Impl(const SliceStack& s) : slices(s) {}

  std::size_t size() const { return wx * wy; }

  /// True if slice n holds no atom within the vacuum margin of the window at `corner`.
  bool vacuum(std::size_t n, const std::array<long, 2>& corner) const {
    if (slices.occupied.empty()) return false;
    const auto& map = slices.occupied[n];
    const auto block = static_cast<long>(SliceStack::kOccupancyBlock);
    const auto bx = static_cast<long>(slices.blocks_x()), by = static_cast<long>(slices.blocks_y());
    const auto floor_div = [](long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
    const long x0 = floor_div(corner[0], block),
               x1 = floor_div(corner[0] + static_cast<long>(wx) - 1, block);
    const long y0 = floor_div(corner[1], block),
               y1 = floor_div(corner[1] + static_cast<long>(wy) - 1, block);
    for (long j = y0; j <= std::min(y1, y0 + by - 1); ++j)
      for (long k = x0; k <= std::min(x1, x0 + bx - 1); ++k)
        if (map[static_cast<std::size_t>(((j % by) + by) % by * bx + ((k % bx) + bx) % bx)])
          return false;
    return true;
  }

  /// wave(r) *= t_n(r) over the window at `corner` (periodic in the slice grid).
  void transmit(std::complex<float>* wave, std::size_t n, const std::array<long, 2>& corner) const {
    const auto& grid = slices.grid;
    const std::complex<float>* t = slices.transmission[n].data();
    const auto wrap = [](long i, std::size_t m) {
      const long mm = static_cast<long>(m);
      return static_cast<std::size_t>(((i % mm) + mm) % mm);
    };
    const std::size_t x0 = wrap(corner[0], grid.nx);
    const std::size_t first = std::min(wx, grid.nx - x0);  // pixels before the row wraps
    for (std::size_t iy = 0; iy < wy; ++iy) {
      const std::complex<float>* row =
          t + wrap(corner[1] + static_cast<long>(iy), grid.ny) * grid.nx;
      std::complex<float>* w = wave + iy * wx;
      multiply(w, row + x0, first);
      if (first < wx) multiply(w + first, row, wx - first);
    }
  }

  /// One slice step: transmit, forward FFT (the wave is left in Fourier space).
  void transmit_and_transform(core::AlignedVector<std::complex<float>>& wave, std::size_t n,
                              const std::array<long, 2>& corner) const {
    transmit(wave.data(), n, corner);
    plan->forward(wave);
  }

  void propagate_to_real_space(core::AlignedVector<std::complex<float>>& wave) const {
    multiply(wave.data(), propagator.data(), wave.size());
    plan->inverse(wave);
  }
};

namespace {

std::size_t window_extent(double window_A, double sampling_A, std::size_t cell_pixels) {
  if (window_A <= 0.0) return cell_pixels;
  const std::size_t n =
      fft_friendly_size(static_cast<std::size_t>(std::ceil(window_A / sampling_A)));
  return n >= cell_pixels ? cell_pixels : n;
}

}  // namespace

ProbeScan::ProbeScan(const SliceStack& slices, const ProbeParams& probe,
                     const std::vector<AnnularDetector>& detectors, const MultisliceParams& params,
                     core::FftPlanCache& ffts)
    : impl_(std::make_unique<Impl>(slices)) {
  probe.validate();
  params.validate();
  slices.grid.validate();
  if (slices.slice_count() == 0) throw InputError("the slice stack is empty: nothing to propagate");
  if (detectors.empty()) throw InputError("no detector: give at least one annular detector");
  Impl& m = *impl_;
  const double s = slices.grid.sampling_A;
  const double lambda_A = core::electron_wavelength_A(probe.energy_keV);
  m.wx = window_extent(params.window_A, s, slices.grid.nx);
  m.wy = window_extent(params.window_A, s, slices.grid.ny);
  m.full_x = m.wx == slices.grid.nx;
  m.full_y = m.wy == slices.grid.ny;
  const std::array<std::size_t, 2> shape{m.wy, m.wx};
  m.plan = ffts.plan_float(shape);
  for (std::size_t k = 0; k < m.wx; ++k) m.qx.push_back(fft_frequency_invA(k, m.wx, s));
  for (std::size_t k = 0; k < m.wy; ++k) m.qy.push_back(fft_frequency_invA(k, m.wy, s));

  const double limit_mrad = max_represented_angle_mrad(s, probe.energy_keV);
  const BandLimit band(m.wx, m.wy, s);
  for (const AnnularDetector& d : detectors) {
    if (!(d.inner_mrad >= 0.0 && d.outer_mrad > d.inner_mrad))
      throw InputError("detector '" + d.name + "': need 0 ≤ inner < outer, got inner " +
                       core::format_number(d.inner_mrad) + " mrad, outer " +
                       core::format_number(d.outer_mrad) + " mrad");
    if (d.outer_mrad > limit_mrad * (1.0 + 1e-9))
      throw InputError("detector '" + d.name + "': outer angle " +
                       core::format_number(d.outer_mrad) + " mrad exceeds the " +
                       core::format_number(std::floor(limit_mrad * 10) / 10) +
                       " mrad that a sampling of " + core::format_number(s) + " Å represents at " +
                       core::format_number(probe.energy_keV) +
                       " keV (λ/(3·sampling), after the ⅔ band limit); use sampling_A ≤ " +
                       core::format_number(lambda_A * 1e3 / (3.0 * d.outer_mrad)));
    std::vector<std::uint32_t> pixels;
    for (std::size_t iy = 0; iy < m.wy; ++iy)
      for (std::size_t ix = 0; ix < m.wx; ++ix) {
        const double angle_mrad = 1e3 * lambda_A * std::hypot(m.qx[ix], m.qy[iy]);
        if (angle_mrad >= d.inner_mrad && angle_mrad < d.outer_mrad && band.inside(iy * m.wx + ix))
          pixels.push_back(static_cast<std::uint32_t>(iy * m.wx + ix));
      }
    if (pixels.empty())
      throw InputError("detector '" + d.name + "' covers no pixel of the " + std::to_string(m.wx) +
                       "×" + std::to_string(m.wy) + " window: enlarge multislice.window_A");
    m.names.push_back(d.name);
    m.detector_pixels.push_back(std::move(pixels));
  }

  for (std::size_t n : params.detect_after_slices)
    if (n >= slices.slice_count())
      throw InputError("multislice.detect_after_slices: slice " + std::to_string(n) +
                       " does not exist (the specimen has " + std::to_string(slices.slice_count()) +
                       " slices)");
  m.batch = params.batch_size;
  m.depths = params.detect_after_slices;
  if (m.depths.empty()) m.depths.push_back(slices.slice_count() - 1);
  std::sort(m.depths.begin(), m.depths.end());
  m.depths.erase(std::unique(m.depths.begin(), m.depths.end()), m.depths.end());

  // Probe ψ₀(q) = A(q) e^{−iχ(q)}, normalised so the real-space wave has Σ|ψ|² = 1: with
  // an unnormalised inverse FFT, Σ_r |ψ(r)|² = N Σ_q |ψ₀(q)|².
  const double aperture_invA = probe.convergence_semiangle_mrad * 1e-3 / lambda_A;
  m.probe_q.assign(m.size(), {});
  double total = 0;
  for (std::size_t iy = 0; iy < m.wy; ++iy)
    for (std::size_t ix = 0; ix < m.wx; ++ix) {
      if (std::hypot(m.qx[ix], m.qy[iy]) > aperture_invA || !band.inside(iy * m.wx + ix)) continue;
      m.probe_q[iy * m.wx + ix] =
          std::polar(1.0f, static_cast<float>(-aberration_phase_rad(probe, m.qx[ix], m.qy[iy])));
      total += 1.0;
    }
  if (total == 0)
    throw InputError(
        "the probe aperture covers no pixel of the window: enlarge multislice.window_A");
  const auto norm = static_cast<float>(1.0 / std::sqrt(total * static_cast<double>(m.size())));
  for (auto& v : m.probe_q) v *= norm;

  // Fresnel propagator P(q) = exp(−iπλΔz|q|²) (Kirkland 2010, eq. 6.94), band-limited, with
  // the 1/N of the inverse FFT folded in.
  m.propagator.assign(m.size(), {});
  const double dz = slices.slice_thickness_A;
  for (std::size_t iy = 0; iy < m.wy; ++iy)
    for (std::size_t ix = 0; ix < m.wx; ++ix) {
      const double q2 = m.qx[ix] * m.qx[ix] + m.qy[iy] * m.qy[iy];
      m.propagator[iy * m.wx + ix] =
          std::polar(1.0f, static_cast<float>(-std::numbers::pi * lambda_A * dz * q2));
    }
  band.apply(m.propagator, 1.0f / static_cast<float>(m.size()));

  m.flight.resize(slices.slice_count() + 1);
  for (std::size_t k = 0; k <= slices.slice_count(); ++k) {
    m.flight[k].resize(m.size());
    for (std::size_t iy = 0; iy < m.wy; ++iy)
      for (std::size_t ix = 0; ix < m.wx; ++ix) {
        const double q2 = m.qx[ix] * m.qx[ix] + m.qy[iy] * m.qy[iy];
        m.flight[k][iy * m.wx + ix] = std::polar(
            1.0f,
            static_cast<float>(-std::numbers::pi * lambda_A * dz * static_cast<double>(k) * q2));
      }
  }
  // The unscattered probe's |ψ(q)|² (Σ = 1 over all q) collected by each detector.
  for (const auto& pixels : m.detector_pixels) {
    double sum = 0;
    for (std::uint32_t k : pixels) sum += std::norm(m.probe_q[k]) * static_cast<double>(m.size());
    m.vacuum_signal.push_back(sum);
  }
}

ProbeScan::~ProbeScan() = default;

std::size_t ProbeScan::window_pixels() const { return impl_->wx; }

ProbeScan::Window ProbeScan::window_for(const std::array<double, 2>& position_A) const {
  const Impl& m = *impl_;
  const LateralGrid& g = m.slices.grid;
  Window w;
  const std::array<double, 2> origin{g.origin_x_A, g.origin_y_A};
  const std::array<bool, 2> full{m.full_x, m.full_y};
  const std::array<std::size_t, 2> extent{m.wx, m.wy};
  for (std::size_t a = 0; a < 2; ++a) {
    const double u = (position_A[a] - origin[a]) / g.sampling_A;  // pixels
    w.corner_pixel[a] =
        full[a] ? 0 : static_cast<long>(std::floor(u)) - static_cast<long>(extent[a] / 2);
    w.probe_in_window_A[a] = (u - static_cast<double>(w.corner_pixel[a])) * g.sampling_A;
  }
  return w;
}

core::AlignedVector<std::complex<float>> ProbeScan::entrance_wave(const Window& window) const {
  return entrance_wave_after(window, 0);
}

core::AlignedVector<std::complex<float>> ProbeScan::entrance_wave_after(
    const Window& window, std::size_t vacuum_slices) const {
  const Impl& m = *impl_;
  core::AlignedVector<std::complex<float>> wave(m.size());
  // Shift theorem: a probe at r₀ is ψ₀(q)·exp(−2πi q·r₀); the phase is separable in x and y.
  std::vector<std::complex<float>> ramp_x(m.wx), ramp_y(m.wy);
  for (std::size_t k = 0; k < m.wx; ++k)
    ramp_x[k] = std::polar(
        1.0f, static_cast<float>(-2.0 * std::numbers::pi * m.qx[k] * window.probe_in_window_A[0]));
  for (std::size_t k = 0; k < m.wy; ++k)
    ramp_y[k] = std::polar(
        1.0f, static_cast<float>(-2.0 * std::numbers::pi * m.qy[k] * window.probe_in_window_A[1]));
  for (std::size_t iy = 0; iy < m.wy; ++iy) {
    std::complex<float>* row = wave.data() + iy * m.wx;
    const std::complex<float>* probe = m.probe_q.data() + iy * m.wx;
    for (std::size_t ix = 0; ix < m.wx; ++ix) row[ix] = probe[ix] * ramp_y[iy];
    multiply(row, ramp_x.data(), m.wx);
    multiply(row, m.flight[vacuum_slices].data() + iy * m.wx, m.wx);
  }
  m.plan->inverse(wave);
  return wave;
}

void ProbeScan::propagate(core::AlignedVector<std::complex<float>>& wave,
                          const Window& window) const {
  const Impl& m = *impl_;
  if (wave.size() != m.size())
    throw InputError("propagate: the wave has " + std::to_string(wave.size()) +
                     " samples, the window " + std::to_string(m.size()));
  for (std::size_t n = 0; n < m.slices.slice_count(); ++n) {
    m.transmit_and_transform(wave, n, window.corner_pixel);
    m.propagate_to_real_space(wave);
  }
}

DetectorSignals ProbeScan::run(const std::vector<std::array<double, 2>>& positions_A,
                               const core::ExecutionContext& ctx, core::Progress* progress) const {
  const Impl& m = *impl_;
  DetectorSignals out;
  out.depths_slices = m.depths;
  out.detector_names = m.names;
  out.value.assign(m.depths.size(), std::vector<std::vector<double>>(
                                        m.names.size(), std::vector<double>(positions_A.size())));
  const std::size_t batch = m.batch;
  const std::size_t batches = (positions_A.size() + batch - 1) / batch;
  const double inverse_n = 1.0 / static_cast<double>(m.size());
  // Probes of a batch are neighbours in the scan, so their windows overlap: stepping the
  // whole batch through one slice before the next keeps that slice's transmission function in
  // cache for all of them (the specimen's slices together are far larger than the cache).
  // Each probe meets matter only between its first and last occupied slice: the vacuum above
  // is crossed in one free flight folded into the entrance wave, and the vacuum below leaves
  // |Ψ(q)|² — all a detector sees — unchanged.
  const std::size_t slice_count = m.slices.slice_count();
  core::parallel_for(
      ctx, 0, batches,
      [&](std::size_t b) {
        const std::size_t first = b * batch, last = std::min(positions_A.size(), first + batch);
        struct Probe {
          Window window;
          std::size_t enter = 0, leave = 0;  // first and last occupied slice (enter > leave: none)
          core::AlignedVector<std::complex<float>> wave;
        };
        std::vector<Probe> probes;
        std::size_t begin = slice_count, end = 0;
        for (std::size_t p = first; p < last; ++p) {
          Probe probe{window_for(positions_A[p]), slice_count, 0, {}};
          for (std::size_t n = 0; n < slice_count; ++n)
            if (!m.vacuum(n, probe.window.corner_pixel)) {
              probe.enter = std::min(probe.enter, n);
              probe.leave = n;
            }
          if (probe.enter <= probe.leave) {
            probe.wave = entrance_wave_after(probe.window, probe.enter);
            begin = std::min(begin, probe.enter);
            end = std::max(end, probe.leave + 1);
          }
          probes.push_back(std::move(probe));
        }
        // Depths before a probe meets matter see the unscattered probe.
        for (std::size_t k = 0; k < probes.size(); ++k)
          for (std::size_t j = 0; j < m.depths.size(); ++j)
            if (m.depths[j] < probes[k].enter)
              for (std::size_t d = 0; d < m.detector_pixels.size(); ++d)
                out.value[j][d][first + k] = m.vacuum_signal[d];
        for (std::size_t n = begin; n < end; ++n)
          for (std::size_t k = 0; k < probes.size(); ++k) {
            Probe& probe = probes[k];
            if (n < probe.enter || n > probe.leave) continue;
            m.transmit_and_transform(probe.wave, n, probe.window.corner_pixel);
            // Record every depth at this slice, and after the last occupied slice every
            // deeper one too.
            for (std::size_t j = 0; j < m.depths.size(); ++j) {
              if (m.depths[j] != n && !(n == probe.leave && m.depths[j] > n)) continue;
              for (std::size_t d = 0; d < m.detector_pixels.size(); ++d) {
                double sum = 0;
                for (std::uint32_t i : m.detector_pixels[d]) sum += std::norm(probe.wave[i]);
                out.value[j][d][first + k] = sum * inverse_n;
              }
            }
            if (n < probe.leave) m.propagate_to_real_space(probe.wave);
          }
        if (progress) progress->advance(last - first);
      },
      core::Schedule::kDynamic);
  return out;
}

}  // namespace vitrum::forward
