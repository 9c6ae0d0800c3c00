#pragma once
/// \file
/// The checks every analysis input passes before analysis: at least one atom, finite
/// positions, valid Z and cell (core::AtomicModel::validate), and no two atoms closer than
/// a physical minimum (overlapping atoms break Voronoi cells and g(r)).

#include <string>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::analysis {

/// Throws InputError with where() = `where` (the file) if the model is empty or invalid, or
/// if two atoms are closer than min_distance_A (naming both atoms and their distance).
void check_model(const core::AtomicModel& model, const std::string& where,
                 const core::ExecutionContext& ctx, double min_distance_A = 0.5);

}  // namespace vitrum::analysis
