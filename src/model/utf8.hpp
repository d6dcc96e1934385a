#pragma once
// Client text echoed into JSON, which must be UTF-8.

#include <string>
#include <string_view>

namespace ocifake::detail {

// Text as valid UTF-8: each byte of an invalid sequence becomes U+FFFD. Client text (a path, a
// header) goes through it before it is echoed into JSON.
std::string valid_utf8(std::string_view text);

// A refused value as a refusal names it: in single quotes, as valid UTF-8, and cut (at a character
// boundary, marked "...") after `max` bytes, so that a 64 KB value does not make a 64 KB message.
std::string quoted_value(std::string_view text, std::size_t max = 128);

}  // namespace ocifake::detail
