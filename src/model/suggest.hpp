#pragma once
// "Did you mean": the closest of a closed set of names to one that is not in it, for refusals
// that list what is accepted.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace ocifake::detail {

// Levenshtein distance, letters compared without case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is within two edits, else empty.
std::string_view closest(std::string_view word, std::span<const std::string_view> candidates);

// " (did you mean \"x\"?)" for the closest candidate, or nothing.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace ocifake::detail
