#pragma once
/// \file
/// Multislice propagation of a scanned probe and annular detectors on the exit wave
/// (Cowley & Moodie 1957; Kirkland 2010, eq. 6.92; PHYSICS.md §2):
///
///   ψ_{n+1}(r) = F⁻¹[ P(q) F[t_n(r) ψ_n(r)] ],   P(q) = exp(−iπλΔz|q|²), |q| ≤ ⅔ q_Nyquist
///
/// A detector integrates |Ψ(q)|² = |F[t_n ψ_n]|² over β_in ≤ λ|q| < β_out and reports the
/// fraction of the incident electrons it collects. Detecting after slice n costs one sum, so
/// a thickness series comes free with the exit wave.
///
/// Speed: each probe is propagated in a window of the specimen around its position (the
/// transmission functions are read there, periodically), so the cost scales with the window,
/// not the field of view. Electrons leaving the window wrap around instead of meeting the
/// specimen beyond it; the error this makes is measured against the full-cell result
/// (tests/forward, bench/forward) and shrinks as the window grows. Probes are processed in
/// batches, one wave buffer per batch, with one shared FFT plan; batches run in parallel.

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "vitrum/core/fft.hpp"
#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"
#include "vitrum/forward/potential.hpp"
#include "vitrum/forward/probe.hpp"

namespace vitrum::forward {

/// An annular detector β_in ≤ θ < β_out (mrad). A bright-field disc has inner 0.
struct AnnularDetector {
  std::string name = "adf";
  double inner_mrad = 40.0;
  double outer_mrad = 200.0;
};

struct MultisliceParams {
  /// Side of the square propagation window around each probe (Å); 0 uses the whole cell.
  /// The window actually used is the smallest FFT-friendly pixel count covering it. The
  /// probe's tails (a hard aperture's Airy rings carry ≈ λ/(π²αr) of the beam beyond radius r;
  /// Born & Wolf, *Principles of Optics*, §8.5.2) fold back into the window instead of reaching
  /// atoms farther away. Measured against the whole cell on a dense 20 Å Ta cube (mean absolute
  /// difference / image mean; bench/README.md): default probe (300 kV, 30 mrad, ADF 40–200 at
  /// 0.033 Å) 2.4 % at 8.4 Å, 0.77 % at 10.5 Å, 1.0 % at 12.6 Å, 0.46 % at 16.8 Å; the peers'
  /// 20 mrad, 200 kV probe 1.4 % at 10 Å and 0.8 % at 12.5 Å. The error fluctuates with where
  /// the folded tails land, so it is not monotonic in the window size.
  double window_A = 10.0;
  /// Record the detectors after these slices (0-based); empty: only at the exit surface.
  std::vector<std::size_t> detect_after_slices;
  std::size_t batch_size = 16;  ///< probes per batch (one wave buffer per batch)

  void validate() const;
};

/// Largest scattering angle (mrad) a grid of this sampling represents after the ⅔ band limit:
/// λ·⅔·q_Nyquist = λ / (3·sampling) (PHYSICS.md §2).
double max_represented_angle_mrad(double sampling_A, double energy_keV);

/// The smallest n ≥ `minimum` of the form 2^a, 3·2^a or 5·2^a (fast for FFTW).
std::size_t fft_friendly_size(std::size_t minimum);

/// Detector signals: value[depth][detector][position], the fraction of incident electrons.
struct DetectorSignals {
  std::vector<std::size_t> depths_slices;  ///< the slice after which each depth was recorded
  std::vector<std::string> detector_names;
  std::vector<std::vector<std::vector<double>>> value;
};

/// A probe scanned over positions through one slice stack.
class ProbeScan {
 public:
  /// Keeps a reference to `slices`, which must outlive the scan. Throws InputError if a
  /// detector's outer angle exceeds what the grid represents (the message gives the limit), if
  /// a detector covers no pixel, or on invalid parameters.
  ProbeScan(const SliceStack& slices, const ProbeParams& probe,
            const std::vector<AnnularDetector>& detectors, const MultisliceParams& params,
            core::FftPlanCache& ffts);
  ~ProbeScan();
  ProbeScan(const ProbeScan&) = delete;
  ProbeScan& operator=(const ProbeScan&) = delete;

  /// Pixels of the propagation window along each side.
  std::size_t window_pixels() const;

  /// Runs every probe position (x, y in Å, in the coordinates of the slices' grid).
  /// `progress`, if given, advances once per probe.
  DetectorSignals run(const std::vector<std::array<double, 2>>& positions_A,
                      const core::ExecutionContext& ctx, core::Progress* progress = nullptr) const;

  /// The propagation window of a probe: its first pixel in the slices' grid (may be negative
  /// or beyond the grid: the grid is periodic) and the probe's position inside it (Å).
  struct Window {
    std::array<long, 2> corner_pixel{};         ///< (ix, iy) of the window's pixel (0, 0)
    std::array<double, 2> probe_in_window_A{};  ///< (x, y) of the probe in the window
  };
  Window window_for(const std::array<double, 2>& position_A) const;

  /// The normalised probe wave ψ(r) at the entrance surface on the window grid ([iy][ix],
  /// real space), centred at window.probe_in_window_A.
  core::AlignedVector<std::complex<float>> entrance_wave(const Window& window) const;

  /// Propagates `wave` (window grid, real space) through every slice and leaves it in real
  /// space at the exit surface (tests of norm conservation; exit-wave output).
  void propagate(core::AlignedVector<std::complex<float>>& wave, const Window& window) const;

 private:
  /// The entrance wave after a free flight through `vacuum_slices` empty slices.
  core::AlignedVector<std::complex<float>> entrance_wave_after(const Window& window,
                                                               std::size_t vacuum_slices) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrum::forward
