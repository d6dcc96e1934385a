#pragma once
// Client text echoed into JSON, which must be UTF-8.

#include <string>
#include <string_view>

namespace ocifake::detail {

// Text as valid UTF-8: each byte of an invalid sequence becomes U+FFFD. Client text (a path, a
// header) goes through it before it is echoed into JSON.
std::string valid_utf8(std::string_view text);

}  // namespace ocifake::detail
