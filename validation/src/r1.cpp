#include "vitrum/validation/r1.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"

namespace vitrum::validation {

void R1Params::validate() const {
  render.validate();
  projector.validate();
  if (!(std::isfinite(margin_A) && margin_A >= 0.0 && margin_A <= 50.0))
    throw InputError("margin_A = " + core::format_number(margin_A) +
                     " is out of range; allowed: [0, 50] Å");
  if (!(std::isfinite(voxel_A) && voxel_A >= 0.0 && voxel_A <= 5.0))
    throw InputError("voxel_A = " + core::format_number(voxel_A) +
                     " is out of range; allowed: 0 (pixel size) or (0, 5] Å");
}

R1Result r1_against_series(const core::AtomicModel& model, const core::TiltSeries& series,
                           const core::Vec3& center_A, const R1Params& params,
                           const core::ExecutionContext& ctx) {
  params.validate();
  if (model.empty()) throw InputError("R₁: the model has no atoms");
  series.validate();
  if (series.tilt_count() == 0 || series.images.size() == 0)
    throw InputError("R₁: the tilt series is empty");
  const double voxel = params.voxel_A > 0 ? params.voxel_A : series.images.sampling()[2];
  core::Vec3 lo = model.positions_A()[0], hi = lo;
  for (const core::Vec3& p : model.positions_A()) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  lo.array() -= params.margin_A;
  hi.array() += params.margin_A;
  const auto count = [&](int a) {
    return static_cast<std::size_t>(std::ceil((hi[a] - lo[a]) / voxel)) + 1;
  };
  const core::Volume box({count(2), count(1), count(0)}, {voxel, voxel, voxel},
                         {lo.z(), lo.y(), lo.x()});
  const core::Volume rendered = render_model(model, box, params.render, ctx);
  core::TiltSeries projected{series.images, series.euler_deg};
  core::project_series(rendered, center_A, projected, params.projector, ctx);
  const std::size_t nt = series.tilt_count();
  const std::size_t per = series.images.size() / nt;
  R1Result r;
  double numerator = 0, denominator = 0;
  for (std::size_t t = 0; t < nt; ++t) {
    const float* p = projected.images.data() + t * per;
    const float* b = series.images.data() + t * per;
    double pb = 0, pp = 0, bb = 0;
    for (std::size_t k = 0; k < per; ++k) {
      pb += double(p[k]) * double(b[k]);
      pp += double(p[k]) * double(p[k]);
      bb += std::abs(double(b[k]));
    }
    const double s = pp > 0 ? pb / pp : 0.0;
    double diff = 0;
    for (std::size_t k = 0; k < per; ++k) diff += std::abs(s * double(p[k]) - double(b[k]));
    r.scale.push_back(s);
    r.per_projection.push_back(bb > 0 ? diff / bb : std::numeric_limits<double>::quiet_NaN());
    numerator += diff;
    denominator += bb;
  }
  if (!(denominator > 0)) throw InputError("R₁: the tilt series is zero everywhere");
  r.r1 = numerator / denominator;
  return r;
}

}  // namespace vitrum::validation
