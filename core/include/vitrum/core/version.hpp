#pragma once
/// \file
/// The vitrum version, recorded in every output file's provenance.

#include <string_view>

namespace vitrum {
/// Semantic version of this build, e.g. "0.1.0".
std::string_view version();
}  // namespace vitrum
