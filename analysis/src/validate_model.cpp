#include <limits>
#include <sstream>

#include "vitrum/analysis/model_checks.hpp"
#include "vitrum/analysis/neighbors.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::analysis {

void check_model(const core::AtomicModel& model, const std::string& where,
                 const core::ExecutionContext& ctx, double min_distance_A) {
  if (model.empty()) throw InputError("the model has no atoms", where);
  model.validate(where);
  const NeighborQuery query(model, NeighborParams{min_distance_A});
  std::vector<double> closest(model.size(), std::numeric_limits<double>::infinity());
  std::vector<std::size_t> partner(model.size(), 0);
  core::parallel_for(ctx, 0, model.size(), [&](std::size_t i) {
    query.for_each_neighbor(i, [&](std::size_t j, const Vec3&, double r) {
      if (r < min_distance_A && r < closest[i]) {
        closest[i] = r;
        partner[i] = j;
      }
    });
  });
  for (std::size_t i = 0; i < model.size(); ++i)
    if (closest[i] < min_distance_A) {
      std::ostringstream msg;
      msg << "atoms " << i << " and " << partner[i] << " are " << closest[i]
          << " Å apart, closer than " << min_distance_A << " Å (overlapping atoms)";
      throw InputError(msg.str(), where);
    }
}

}  // namespace vitrum::analysis
