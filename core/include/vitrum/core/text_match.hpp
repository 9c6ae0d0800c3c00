#pragma once
/// \file
/// "Did you mean …?" for error messages: the nearest candidate to a mistyped word.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vitrum::core {

/// Levenshtein distance (insertions, deletions, substitutions), case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` by edit distance (ties: the first), or nothing if the
/// best is further than max(2, |word|/2) edits — too far to be a plausible typo.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string> candidates);

/// " (did you mean \"x\"?)" for the closest match, or "" if there is none.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

}  // namespace vitrum::core
