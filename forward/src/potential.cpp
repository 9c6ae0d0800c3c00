#include "vitrum/forward/potential.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "spectral.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/units.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::forward {

namespace {

using ComplexMatrix =
    Eigen::Matrix<std::complex<float>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The frequencies of one axis kept by the band limit: FFT index and q (Å⁻¹).
struct BandAxis {
  std::vector<std::size_t> index;
  std::vector<double> q_invA;
};

BandAxis band_axis(std::size_t n, double sampling_A, double q_max_invA) {
  BandAxis axis;
  for (std::size_t k = 0; k < n; ++k) {
    const double q = fft_frequency_invA(k, n, sampling_A);
    if (std::abs(q) <= q_max_invA) {
      axis.index.push_back(k);
      axis.q_invA.push_back(q);
    }
  }
  return axis;
}

/// exp(−2πi q (x − origin)) for every atom (rows) and band frequency (columns), computed in
/// double precision (the phase reaches 10³–10⁴ rad) and stored as float.
ComplexMatrix phase_factors(const std::vector<double>& coordinate_A, double origin_A,
                            const std::vector<double>& q_invA) {
  ComplexMatrix m(static_cast<Eigen::Index>(coordinate_A.size()),
                  static_cast<Eigen::Index>(q_invA.size()));
  for (std::size_t j = 0; j < coordinate_A.size(); ++j)
    for (std::size_t k = 0; k < q_invA.size(); ++k) {
      const double phase = -2.0 * std::numbers::pi * q_invA[k] * (coordinate_A[j] - origin_A);
      m(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) = std::complex<float>(
          static_cast<float>(std::cos(phase)), static_cast<float>(std::sin(phase)));
    }
  return m;
}

/// Everything about the model that does not depend on the slice: the band-limited frequency
/// grid and 2πa₀e f_e(|q|)/(LxLy) of each species on it (zero outside the band-limit disc).
struct SpeciesTransforms {
  BandAxis x, y;
  std::map<int, Eigen::MatrixXf> form_factor;  // Z → [band y][band x]

  SpeciesTransforms(const core::AtomicModel& model, const LateralGrid& grid,
                    core::ScatteringParametrization parametrization) {
    const double q_max = grid.band_limit_invA();
    x = band_axis(grid.nx, grid.sampling_A, q_max);
    y = band_axis(grid.ny, grid.sampling_A, q_max);
    const double scale = core::kTwoPiBohrRadiusCharge_VA2 / (grid.extent_x_A() * grid.extent_y_A());
    std::vector<double> q_abs;
    for (double qy : y.q_invA)
      for (double qx : x.q_invA) q_abs.push_back(std::hypot(qx, qy));
    std::vector<double> f(q_abs.size());
    for (std::uint8_t z : model.Z()) {
      if (form_factor.contains(z)) continue;
      core::electron_scattering_factor_A(z, q_abs, parametrization, f);
      Eigen::MatrixXf table(static_cast<Eigen::Index>(y.index.size()),
                            static_cast<Eigen::Index>(x.index.size()));
      for (Eigen::Index i = 0; i < table.rows(); ++i)
        for (Eigen::Index k = 0; k < table.cols(); ++k) {
          const auto flat = static_cast<std::size_t>(i * table.cols() + k);
          table(i, k) = q_abs[flat] <= q_max ? static_cast<float>(scale * f[flat]) : 0.0f;
        }
      form_factor.emplace(z, std::move(table));
    }
  }
};

/// The projected potential of the atoms `members` of one slice, as a complex grid [iy][ix]
/// holding v(r) (V·Å) in its real part.
core::AlignedVector<std::complex<float>> slice_potential(const core::AtomicModel& model,
                                                         const std::vector<std::size_t>& members,
                                                         const LateralGrid& grid,
                                                         const SpeciesTransforms& species,
                                                         core::FftPlanCache& ffts) {
  const auto nby = static_cast<Eigen::Index>(species.y.index.size());
  const auto nbx = static_cast<Eigen::Index>(species.x.index.size());
  ComplexMatrix v_q = ComplexMatrix::Zero(nby, nbx);
  for (const auto& [z, form_factor] : species.form_factor) {
    std::vector<double> xs, ys;
    for (std::size_t i : members)
      if (model.Z()[i] == z) {
        xs.push_back(model.positions_A()[i].x());
        ys.push_back(model.positions_A()[i].y());
      }
    if (xs.empty()) continue;
    // Structure factor Σ_j e^{−2πi(q_y y_j + q_x x_j)} as a product of the separable phase
    // matrices: [band y × atoms]·[atoms × band x].
    const ComplexMatrix structure =
        phase_factors(ys, grid.origin_y_A, species.y.q_invA).transpose() *
        phase_factors(xs, grid.origin_x_A, species.x.q_invA);
    v_q.array() += structure.array() * form_factor.array().cast<std::complex<float>>();
  }
  core::AlignedVector<std::complex<float>> v(grid.nx * grid.ny);
  for (Eigen::Index i = 0; i < nby; ++i)
    for (Eigen::Index k = 0; k < nbx; ++k)
      v[species.y.index[static_cast<std::size_t>(i)] * grid.nx +
        species.x.index[static_cast<std::size_t>(k)]] = v_q(i, k);
  const std::array<std::size_t, 2> shape{grid.ny, grid.nx};
  ffts.plan_float(shape)->inverse(v);
  for (auto& value : v) value = {value.real(), 0.0f};
  return v;
}

/// The atoms of each slice, in model order.
std::vector<std::vector<std::size_t>> slice_members(const core::AtomicModel& model,
                                                    double slice_thickness_A,
                                                    const Slicing& slicing) {
  std::vector<std::vector<std::size_t>> members(slicing.slices);
  for (std::size_t i = 0; i < model.size(); ++i) {
    const double depth = (model.positions_A()[i].z() - slicing.entrance_z_A) / slice_thickness_A;
    const auto n = static_cast<std::size_t>(
        std::clamp(std::floor(depth), 0.0, static_cast<double>(slicing.slices - 1)));
    members[n].push_back(i);
  }
  return members;
}

/// The occupancy map of one slice (see SliceStack::occupied).
std::vector<std::uint8_t> occupancy(const core::AtomicModel& model,
                                    const std::vector<std::size_t>& members,
                                    const SliceStack& stack) {
  const LateralGrid& g = stack.grid;
  const auto block = static_cast<double>(SliceStack::kOccupancyBlock) * g.sampling_A;
  const auto bx = static_cast<long>(stack.blocks_x()), by = static_cast<long>(stack.blocks_y());
  std::vector<std::uint8_t> map(static_cast<std::size_t>(bx * by), 0);
  const auto wrap = [](long i, long n) { return static_cast<std::size_t>(((i % n) + n) % n); };
  for (std::size_t i : members) {
    const core::Vec3& r = model.positions_A()[i];
    const double x = r.x() - g.origin_x_A, y = r.y() - g.origin_y_A;
    const auto x0 = static_cast<long>(std::floor((x - SliceStack::kVacuumMargin_A) / block));
    const auto x1 = static_cast<long>(std::floor((x + SliceStack::kVacuumMargin_A) / block));
    const auto y0 = static_cast<long>(std::floor((y - SliceStack::kVacuumMargin_A) / block));
    const auto y1 = static_cast<long>(std::floor((y + SliceStack::kVacuumMargin_A) / block));
    for (long j = y0; j <= std::min(y1, y0 + by - 1); ++j)
      for (long k = x0; k <= std::min(x1, x0 + bx - 1); ++k)
        map[wrap(j, by) * static_cast<std::size_t>(bx) + wrap(k, bx)] = 1;
  }
  return map;
}

}  // namespace

void LateralGrid::validate() const {
  core::require(nx >= 2 && ny >= 2, "grid size", static_cast<double>(std::min(nx, ny)),
                "at least 2 pixels per side");
  core::require(sampling_A > 0.0 && std::isfinite(sampling_A), "sampling_A", sampling_A, "> 0 Å");
}

void SliceParams::validate() const {
  core::require(slice_thickness_A >= 0.1 && slice_thickness_A <= 100.0, "slice_thickness_A",
                slice_thickness_A, "0.1 to 100 Å");
}

Slicing slicing_for(const core::AtomicModel& model, double slice_thickness_A) {
  if (model.empty()) throw InputError("the model has no atoms: nothing to simulate");
  double z_min = model.positions_A()[0].z(), z_max = z_min;
  for (const core::Vec3& r : model.positions_A()) {
    if (!r.allFinite()) throw InputError("the model has an atom with a non-finite position");
    z_min = std::min(z_min, r.z());
    z_max = std::max(z_max, r.z());
  }
  return {z_min, static_cast<std::size_t>(std::floor((z_max - z_min) / slice_thickness_A)) + 1};
}

std::vector<core::Image> projected_potentials(const core::AtomicModel& model,
                                              const LateralGrid& grid, const SliceParams& params,
                                              const Slicing& slicing,
                                              const core::ExecutionContext& ctx,
                                              core::FftPlanCache& ffts) {
  grid.validate();
  params.validate();
  const SpeciesTransforms species(model, grid, params.parametrization);
  const auto members = slice_members(model, params.slice_thickness_A, slicing);
  std::vector<core::Image> slices(slicing.slices);
  core::parallel_for(ctx, 0, slicing.slices, [&](std::size_t n) {
    const auto v = slice_potential(model, members[n], grid, species, ffts);
    core::Image image({grid.ny, grid.nx}, {grid.sampling_A, grid.sampling_A},
                      {grid.origin_y_A, grid.origin_x_A});
    std::transform(v.begin(), v.end(), image.values().begin(), [](auto c) { return c.real(); });
    slices[n] = std::move(image);
  });
  return slices;
}

SliceStack transmission_functions(const core::AtomicModel& model, const LateralGrid& grid,
                                  const SliceParams& params, double energy_keV,
                                  const core::ExecutionContext& ctx, core::FftPlanCache& ffts) {
  grid.validate();
  params.validate();
  const Slicing slicing = slicing_for(model, params.slice_thickness_A);
  const SpeciesTransforms species(model, grid, params.parametrization);
  const auto members = slice_members(model, params.slice_thickness_A, slicing);
  const double sigma = core::interaction_parameter_radPerVA(energy_keV);
  const BandLimit band(grid.nx, grid.ny, grid.sampling_A);
  const std::array<std::size_t, 2> shape{grid.ny, grid.nx};
  const auto plan = ffts.plan_float(shape);

  SliceStack stack{grid, params.slice_thickness_A, slicing.entrance_z_A, {}, {}};
  stack.transmission.resize(slicing.slices);
  stack.occupied.resize(slicing.slices);
  core::parallel_for(ctx, 0, slicing.slices, [&](std::size_t n) {
    auto t = slice_potential(model, members[n], grid, species, ffts);
    for (auto& value : t) value = std::polar(1.0f, static_cast<float>(sigma) * value.real());
    plan->forward(t);
    band.apply(t, 1.0f / static_cast<float>(plan->size()));
    plan->inverse(t);
    stack.transmission[n] = std::move(t);
    stack.occupied[n] = occupancy(model, members[n], stack);
  });
  return stack;
}

}  // namespace vitrum::forward
