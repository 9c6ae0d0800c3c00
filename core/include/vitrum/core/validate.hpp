#pragma once
/// \file
/// The one way a params struct's validate() reports a bad field (DESIGN.md "Parameters"):
/// an InputError naming the field, its value and the allowed range.

#include <string>

namespace vitrum::core {

/// A number as a short human-readable string (shortest round-trip form, e.g. "0.1", "1e-05").
std::string format_number(double value);

/// Throws InputError "<field> = <value> is out of range; allowed: <allowed>" unless `ok`.
void require(bool ok, const std::string& field, double value, const std::string& allowed);

}  // namespace vitrum::core
