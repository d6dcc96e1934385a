#pragma once
// Reading OCI request bodies: JSON parsing and field validation with OCI's error codes. Every
// failure is an api_error that names the field by its JSON name (`launchOptions.firmware`).

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "api/types.hpp"

namespace ocifake::detail {

// The body as a JSON object: 400 CannotParseRequest for text that is not JSON (an empty body
// included), 400 InvalidParameter for JSON that is not an object.
boost::json::object parse_body_object(std::string_view body);
// The same for a request's body, taking the JSON dispatch parsed ahead when there is some.
boost::json::object parse_body_object(const api_request& req);
// The body parsed as parse_body_object parses it; nothing when it is not JSON.
std::optional<boost::json::value> parse_body(std::string_view body);

// A defined tag's value: a string, a boolean, or a number JSON can write back (a number too large
// for a double, such as 1e400, parses as infinity, which it cannot).
bool is_tag_value(const boost::json::value& v) noexcept;

// ocid1.<type>.<realm>.[region][.future].<unique>
bool is_ocid(std::string_view s) noexcept;

class field_reader {
public:
  field_reader(const boost::json::object& o, std::string prefix = {}) : o_(&o), prefix_(std::move(prefix)) {}

  // null counts as absent. Strings are checked for type and length.
  std::optional<std::string> string(std::string_view key, bool required = false, std::size_t min = 1,
                                    std::size_t max = 255) const;
  std::optional<std::string> enumeration(std::string_view key, std::span<const std::string_view> allowed,
                                         bool required = false) const;
  std::optional<std::string> enumeration(std::string_view key, std::initializer_list<std::string_view> allowed,
                                         bool required = false) const {
    return enumeration(key, std::span<const std::string_view>(allowed.begin(), allowed.size()), required);
  }
  std::optional<std::string> ocid(std::string_view key, bool required = false) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false) const;
  const boost::json::object* object(std::string_view key, bool required = false) const;
  // freeformTags: {string: string}; definedTags: {namespace: {key: value}}.
  std::optional<boost::json::object> freeform_tags(std::string_view key = "freeformTags") const;
  std::optional<boost::json::object> defined_tags(std::string_view key = "definedTags") const;
  bool has(std::string_view key) const;

  std::string path(std::string_view key) const { return prefix_ + std::string(key); }

private:
  const boost::json::value* get(std::string_view key) const;  // nullptr when absent or null
  const boost::json::object* o_;
  std::string prefix_;
};

// The years a time may name. system_clock counts nanoseconds in 64 bits (1678 to 2262 with
// libstdc++); times stay well inside, so adding a phase's duration to one cannot overflow.
constexpr int first_year = 1970, last_year = 2199;

// Percent-decoding: %XX, and with `plus_is_space` a '+' as a space (form encoding, for query
// values). An invalid escape is kept as it is and makes ok false.
std::string percent_decode(std::string_view s, bool& ok, bool plus_is_space = false);
// A query string as every OCI client sends it: '&'-separated pairs, form-decoded: '+' is a space
// (the Python, Go and Java SDKs, the CLI and Terraform send a space so), %2B a plus, %20 a space
// (the TypeScript SDK). Empty pairs are skipped. False at the first pair with an invalid escape, whose key (decoded as
// far as it goes) is left in `bad_key`.
bool parse_query(std::string_view raw, std::multimap<std::string, std::string>& out, std::string& bad_key);
// The displayName of an image created without one: image-YYYYMMDD-HHMM.
std::string default_image_name(std::chrono::system_clock::time_point t);

// 2016-08-25T21:10:29.600Z
std::string rfc3339(std::chrono::system_clock::time_point t);
// Nothing for text of another form, or a year outside first_year..last_year.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s);

}  // namespace ocifake::detail
