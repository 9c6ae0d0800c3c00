// The atom-tracing driver (trace.hpp): stages 1–7 in order, with the per-peak polynomial fits
// in parallel and every order-dependent decision (distance rejection, classification,
// corrections) made serially in intensity order, so the result does not depend on threads.

#include "vitrum/inverse/trace/trace.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "trace/classify.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/inverse/trace/kmeans.hpp"
#include "vitrum/inverse/trace/peak_fit.hpp"

namespace vitrum::inverse {

void TraceParams::validate() const {
  core::require(upsample >= 1 && upsample <= 4, "upsample", upsample, "1 to 4");
  core::require(
      std::isfinite(threshold_fraction) && threshold_fraction >= 0.0 && threshold_fraction < 1.0,
      "peaks.threshold_fraction", threshold_fraction, "[0, 1)");
  core::require(std::isfinite(threshold_value) && threshold_value >= 0.0, "peaks.threshold_value",
                threshold_value, ">= 0 (0: use threshold_fraction)");
  core::require(max_peaks >= 1, "peaks.max_peaks", static_cast<double>(max_peaks), ">= 1");
  core::require(std::isfinite(fit_radius_A) && fit_radius_A > 0.0 && fit_radius_A <= 3.0,
                "fit.radius_A", fit_radius_A, "(0, 3] Å");
  core::require(std::isfinite(max_step_voxels) && max_step_voxels > 0.0 && max_step_voxels <= 2.0,
                "fit.max_step_voxels", max_step_voxels, "(0, 2] voxels");
  core::require(converge_steps >= 1, "fit.converge_steps", converge_steps, ">= 1");
  core::require(max_iterations >= converge_steps && max_iterations <= 1000, "fit.max_iterations",
                max_iterations, "fit.converge_steps to 1000");
  core::require(std::isfinite(min_distance_A) && min_distance_A >= 0.0 && min_distance_A <= 10.0,
                "min_distance_A", min_distance_A, "[0, 10] Å");
  core::require(std::isfinite(integration_half_width_A) && integration_half_width_A > 0.0 &&
                    integration_half_width_A <= 3.0,
                "classify.integration_half_width_A", integration_half_width_A, "(0, 3] Å");
  core::require(types >= 1 && types <= 16, "classify.types", types, "1 to 16");
  core::require(std::isfinite(reclassify_radius_A) && reclassify_radius_A > 0.0,
                "classify.reclassify_radius_A", reclassify_radius_A, "> 0 Å");
  core::require(reclassify_iterations >= 0, "classify.reclassify_iterations", reclassify_iterations,
                ">= 0");
  core::require(std::isfinite(correction_tolerance_A) && correction_tolerance_A > 0.0,
                "corrections.tolerance_A", correction_tolerance_A, "> 0 Å");
}

core::ParamSet TraceParams::params() {
  core::ParamSet p;
  p.add("upsample", upsample, "", "spline interpolation factor before tracing (seed 001: 3)")
      .add("peaks.threshold_fraction", threshold_fraction, "",
           "trace local maxima above this fraction of the upsampled volume's maximum")
      .add("peaks.threshold_value", threshold_value, "volume units",
           "if > 0, an absolute local-maximum threshold instead of threshold_fraction")
      .add("peaks.max_peaks", max_peaks, "", "trace at most this many maxima, brightest first")
      .add("fit.radius_A", fit_radius_A, "Å", "polynomial fit sphere radius (PHYSICS.md §4)")
      .add("fit.max_step_voxels", max_step_voxels, "upsampled voxels",
           "largest move of the estimate per fit step, per axis")
      .add("fit.converge_steps", converge_steps, "", "consecutive small steps that accept a peak")
      .add("fit.max_iterations", max_iterations, "", "fits before a peak is given up")
      .add("min_distance_A", min_distance_A, "Å",
           "reject a peak closer than this to a brighter accepted atom")
      .add("classify.integration_half_width_A", integration_half_width_A, "Å",
           "half edge of the cube integrated about each atom (seed 001: 0.8 Å cube)")
      .add_choice("classify.non_atoms", non_atoms,
                  {{"kmeans", NonAtomFilter::kKMeans}, {"none", NonAtomFilter::kNone}},
                  "remove non-atoms by K-means with a centre pinned at zero")
      .add("classify.types", types, "", "number of species classes (1: monatomic)")
      .add("classify.reclassify_radius_A", reclassify_radius_A, "Å",
           "neighbourhood of the local re-classification of species")
      .add("classify.reclassify_iterations", reclassify_iterations, "",
           "at most this many local re-classification sweeps (0: K-means only)")
      .add("corrections.tolerance_A", correction_tolerance_A, "Å",
           "a manual removal takes the nearest traced atom within this distance");
  return p;
}

namespace {

struct Peak {
  float value;
  std::size_t index;  // linear index in the upsampled grid
};

// Voxels ≥ each of their (in-grid) 26 neighbours and > threshold: the voxels where the
// volume equals its 3×3×3 grey dilation (the reference code's imdilate test).
std::vector<Peak> local_maxima(const core::Volume& g, float threshold,
                               const core::ExecutionContext& ctx) {
  const std::size_t nz = g.extent(0), ny = g.extent(1), nx = g.extent(2);
  std::vector<std::vector<Peak>> per_slice(nz);
  core::parallel_for(ctx, 0, nz, [&](std::size_t z) {
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) {
        const float v = g(z, y, x);
        if (!(v > threshold)) continue;
        bool is_max = true;
        for (int dz = -1; dz <= 1 && is_max; ++dz)
          for (int dy = -1; dy <= 1 && is_max; ++dy)
            for (int dx = -1; dx <= 1 && is_max; ++dx) {
              const auto zz = static_cast<long long>(z) + dz;
              const auto yy = static_cast<long long>(y) + dy;
              const auto xx = static_cast<long long>(x) + dx;
              if (zz < 0 || yy < 0 || xx < 0 || zz >= static_cast<long long>(nz) ||
                  yy >= static_cast<long long>(ny) || xx >= static_cast<long long>(nx))
                continue;
              if (g(zz, yy, xx) > v) is_max = false;
            }
        if (is_max) per_slice[z].push_back({v, g.index(z, y, x)});
      }
  });
  std::vector<Peak> peaks;
  for (auto& s : per_slice) peaks.insert(peaks.end(), s.begin(), s.end());
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) {
    return a.value != b.value ? a.value > b.value : a.index < b.index;
  });
  return peaks;
}

core::Vec3 to_angstrom(const core::Volume& g, const std::array<double, 3>& zyx) {
  return {g.origin()[2] + zyx[2] * g.sampling()[2], g.origin()[1] + zyx[1] * g.sampling()[1],
          g.origin()[0] + zyx[0] * g.sampling()[0]};
}

// Accepted atoms binned in cells of the minimum distance, for the closest-pair test.
class AcceptedAtoms {
 public:
  explicit AcceptedAtoms(double min_distance_A) : d_(min_distance_A) {}
  bool too_close(const core::Vec3& r) const {
    if (d_ <= 0.0) return false;
    const Key k = key(r);
    for (long long a = -1; a <= 1; ++a)
      for (long long b = -1; b <= 1; ++b)
        for (long long c = -1; c <= 1; ++c) {
          const auto it = cells_.find({k[0] + a, k[1] + b, k[2] + c});
          if (it == cells_.end()) continue;
          for (const core::Vec3& s : it->second)
            if ((s - r).squaredNorm() < d_ * d_) return true;
        }
    return false;
  }
  void add(const core::Vec3& r) {
    if (d_ > 0.0) cells_[key(r)].push_back(r);
  }

 private:
  using Key = std::array<long long, 3>;
  Key key(const core::Vec3& r) const {
    return {static_cast<long long>(std::floor(r.x() / d_)),
            static_cast<long long>(std::floor(r.y() / d_)),
            static_cast<long long>(std::floor(r.z() / d_))};
  }
  double d_;
  std::map<Key, std::vector<core::Vec3>> cells_;
};

void check_volume(const VolumeView& v) {
  const auto& s = v.shape;
  if (s[0] == 0 || s[1] == 0 || s[2] == 0 || v.values.empty())
    throw InputError("the volume is empty (" + std::to_string(s[0]) + "×" + std::to_string(s[1]) +
                     "×" + std::to_string(s[2]) + " voxels)");
  if (v.values.size() != s[0] * s[1] * s[2])
    throw InputError("volume view holds " + std::to_string(v.values.size()) +
                     " values for a shape of " + std::to_string(s[0] * s[1] * s[2]));
  for (std::size_t i = 0; i < v.values.size(); ++i)
    if (!std::isfinite(v.values[i]))
      throw InputError("voxel (z, y, x) = (" + std::to_string(i / (s[1] * s[2])) + ", " +
                       std::to_string(i / s[2] % s[1]) + ", " + std::to_string(i % s[2]) +
                       ") of the volume is not finite (NaN or Inf)");
  const double h = v.sampling_A[2];
  for (double a : v.sampling_A)
    if (!(std::isfinite(a) && a > 0.0) || std::abs(a - h) > 0.01 * h)
      throw InputError("the volume's voxels are not cubic (z, y, x sampling " +
                       core::format_number(v.sampling_A[0]) + ", " +
                       core::format_number(v.sampling_A[1]) + ", " +
                       core::format_number(v.sampling_A[2]) + " Å); tracing needs cubic voxels");
  if (*std::max_element(v.values.begin(), v.values.end()) <= 0.0f)
    throw InputError("the volume has no positive voxel: nothing to trace");
}

}  // namespace

TraceResult trace_atoms(const VolumeView& volume, const TraceParams& params,
                        const std::vector<ManualCorrection>& corrections,
                        const core::ExecutionContext& ctx, const core::Logger& logger) {
  params.validate();
  check_volume(volume);
  TraceResult result;
  TraceCounts& counts = result.counts;

  // 1. Upsampling.
  const core::Volume up = upsample_spline(volume, params.upsample, ctx);
  const double h = up.sampling()[2];
  result.upsampled_voxel_A = h;
  logger.info("trace: upsampled " + std::to_string(volume.shape[2]) + "×" +
              std::to_string(volume.shape[1]) + "×" + std::to_string(volume.shape[0]) + " → " +
              std::to_string(up.extent(2)) + "×" + std::to_string(up.extent(1)) + "×" +
              std::to_string(up.extent(0)) + " voxels of " + core::format_number(h) + " Å");

  // 2. Local maxima.
  const float max_value = *std::max_element(up.values().begin(), up.values().end());
  result.threshold =
      params.threshold_value > 0.0 ? params.threshold_value : params.threshold_fraction * max_value;
  std::vector<Peak> peaks = local_maxima(up, static_cast<float>(result.threshold), ctx);
  if (peaks.size() > params.max_peaks) peaks.resize(params.max_peaks);
  counts.local_maxima = peaks.size();
  logger.info("trace: " + std::to_string(peaks.size()) + " local maxima above " +
              core::format_number(result.threshold));

  // 3. Polynomial fits, in parallel (each writes its own slot).
  PeakFitParams fit_params;
  fit_params.radius_voxels = std::max(1.5, params.fit_radius_A / h);
  fit_params.max_step_voxels = params.max_step_voxels;
  fit_params.converge_steps = params.converge_steps;
  fit_params.max_iterations = params.max_iterations;
  const PolynomialPeakFitter fitter(fit_params);
  std::vector<PeakFit> fits(peaks.size());
  {
    core::Progress progress(logger, "polynomial fits", peaks.size());
    const std::size_t nyx = up.extent(1) * up.extent(2);
    core::parallel_for(
        ctx, 0, peaks.size(),
        [&](std::size_t i) {
          const std::size_t k = peaks[i].index;
          fits[i] = fitter.fit(up, {k / nyx, (k / up.extent(2)) % up.extent(1), k % up.extent(2)});
          progress.advance();
        },
        core::Schedule::kDynamic);
  }

  // 4. Distance rejection in order of intensity.
  std::vector<core::Vec3> candidates;
  AcceptedAtoms accepted(params.min_distance_A);
  for (const PeakFit& f : fits) {
    switch (f.status) {
      case PeakFitStatus::kNoMaximum:
        ++counts.fit_no_maximum;
        continue;
      case PeakFitStatus::kLeftWindow:
        ++counts.fit_left_window;
        continue;
      case PeakFitStatus::kNotConverged:
        ++counts.fit_not_converged;
        continue;
      case PeakFitStatus::kConverged:
        break;
    }
    const core::Vec3 r = to_angstrom(up, f.position_voxels);
    if (accepted.too_close(r)) {
      ++counts.too_close;
      continue;
    }
    accepted.add(r);
    candidates.push_back(r);
  }
  counts.candidates = candidates.size();

  // 5. Non-atoms.
  const int half = std::max(0, static_cast<int>(std::lround(params.integration_half_width_A / h)));
  std::vector<std::vector<float>> profiles(candidates.size());
  std::vector<double> intensity(candidates.size());
  core::parallel_for(ctx, 0, candidates.size(), [&](std::size_t i) {
    profiles[i] = detail::cube_profile(up, candidates[i], half);
    intensity[i] = detail::integrate(profiles[i], up);
  });
  if (params.non_atoms == NonAtomFilter::kKMeans && !candidates.empty()) {
    const KMeansResult k = kmeans_1d(intensity, params.types, KMeansZero::kPinned);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (k.classes[i] < 0) continue;
      if (kept != i) {
        candidates[kept] = candidates[i];
        profiles[kept] = std::move(profiles[i]);
        intensity[kept] = intensity[i];
      }
      ++kept;
    }
    counts.non_atoms = candidates.size() - kept;
    candidates.resize(kept);
    profiles.resize(kept);
    intensity.resize(kept);
  }

  // 6. Species.
  const KMeansResult species = kmeans_1d(intensity, params.types, KMeansZero::kFree);
  std::vector<int> type_of = species.classes;
  result.type_centers = species.centers;
  if (params.types > 1 && params.reclassify_iterations > 0) {
    const int sweeps =
        detail::reclassify_locally(candidates, profiles, params.types, params.reclassify_radius_A,
                                   params.reclassify_iterations, type_of, ctx);
    for (std::size_t i = 0; i < type_of.size(); ++i)
      counts.reclassified += type_of[i] != species.classes[i] ? 1 : 0;
    logger.info("trace: local re-classification changed " + std::to_string(counts.reclassified) +
                " types in " + std::to_string(sweeps) + " sweeps");
  }

  // 7. Manual corrections, in the order given.
  for (const ManualCorrection& c : corrections) {
    if (c.action == CorrectionAction::kRemove) {
      std::size_t best = candidates.size();
      double best_d2 = params.correction_tolerance_A * params.correction_tolerance_A;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        const double d2 = (candidates[i] - c.position_A).squaredNorm();
        if (d2 <= best_d2) best_d2 = d2, best = i;
      }
      if (best == candidates.size())
        throw InputError("correction \"remove " + core::format_number(c.position_A.x()) + " " +
                             core::format_number(c.position_A.y()) + " " +
                             core::format_number(c.position_A.z()) +
                             "\" matches no traced atom within " +
                             core::format_number(params.correction_tolerance_A) + " Å",
                         c.where);
      const auto at = static_cast<std::ptrdiff_t>(best);
      candidates.erase(candidates.begin() + at);
      intensity.erase(intensity.begin() + at);
      type_of.erase(type_of.begin() + at);
      ++counts.removed;
    } else {
      if (c.type >= params.types)
        throw InputError("correction type " + std::to_string(c.type) + " is out of range; " +
                             "allowed: 0 to " + std::to_string(params.types - 1) +
                             " (classify.types = " + std::to_string(params.types) + ")",
                         c.where);
      const double s = detail::integrate(detail::cube_profile(up, c.position_A, half), up);
      int t = c.type;
      if (t < 0) {
        t = 0;
        for (std::size_t q = 1; q < result.type_centers.size(); ++q)
          if (std::abs(s - result.type_centers[q]) <
              std::abs(s - result.type_centers[static_cast<std::size_t>(t)]))
            t = static_cast<int>(q);
      }
      candidates.push_back(c.position_A);
      intensity.push_back(s);
      type_of.push_back(t);
      ++counts.added;
    }
  }

  result.positions_A = std::move(candidates);
  result.types = std::move(type_of);
  result.intensity = std::move(intensity);
  counts.atoms = result.positions_A.size();
  logger.info("trace: " + std::to_string(counts.atoms) + " atoms (" +
              std::to_string(counts.local_maxima) +
              " maxima; fits failed: " + std::to_string(counts.fit_no_maximum) + " no maximum, " +
              std::to_string(counts.fit_left_window) + " left the window, " +
              std::to_string(counts.fit_not_converged) + " not converged; " +
              std::to_string(counts.too_close) + " too close; " + std::to_string(counts.non_atoms) +
              " non-atoms; " + std::to_string(counts.added) + " added, " +
              std::to_string(counts.removed) + " removed by hand)");
  return result;
}

}  // namespace vitrum::inverse
