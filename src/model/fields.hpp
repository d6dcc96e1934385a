#pragma once
// Reading OCI request bodies with the one JSON reader (model/json_reader.hpp), and the small
// formats requests carry (query strings, times). Every refusal is an input_error naming the field
// by its JSON path; the api layer turns it into OCI's 400 (to_api_error in api/types.hpp).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "model/json_reader.hpp"

namespace ocifake::detail {

// The body as a JSON object: input_error{syntax} for text that is not JSON (an empty body
// included), input_error{invalid} at "$" for JSON that is not an object. A key given twice keeps
// its last value, as OCI does.
boost::json::object parse_body_object(std::string_view body);
// A body parsed ahead (by parse_body) as a JSON object, refused like parse_body_object refuses it.
boost::json::object body_object(boost::json::value v);
// The body parsed as parse_body_object parses it; nothing when it is not JSON.
std::optional<boost::json::value> parse_body(std::string_view body);

// An object of an OCI request body. Unknown keys are ignored, as OCI ignores them. `prefix` says
// where the object sits ("launchOptions."), so that refusals and path() name fields as OCI spells
// them (launchOptions.firmware).
class field_reader : public object_reader {
public:
  field_reader(const boost::json::object& o, std::string prefix = {})
      : object_reader(o, prefix.empty() ? "$" : "$." + prefix.substr(0, prefix.size() - 1)),
        prefix_(std::move(prefix)) {}

  using object_reader::path;
  std::string path(std::string_view key) const { return prefix_ + std::string(key); }

private:
  std::string prefix_;
};

// The years a time may name. system_clock counts nanoseconds in 64 bits (1678 to 2262 with
// libstdc++); times stay well inside, so adding a phase's duration to one cannot overflow.
constexpr int first_year = 1970, last_year = 2199;

// Percent-decoding: %XX, and with `plus_is_space` a '+' as a space (form encoding, for query
// values). An invalid escape is kept as it is and makes ok false.
std::string percent_decode(std::string_view s, bool& ok, bool plus_is_space = false);
// A query string as every OCI client sends it: '&'-separated pairs, form-decoded: '+' is a space
// (the Python and Go SDKs, the CLI and Terraform send a space so), %2B a plus, %20 a space (the
// Java and TypeScript SDKs). Empty pairs are skipped. False at the first pair with an invalid escape, whose key (decoded as
// far as it goes) is left in `bad_key` and the pair as it came in `bad_pair`, when given.
bool parse_query(std::string_view raw, std::multimap<std::string, std::string>& out, std::string& bad_key,
                 std::string* bad_pair = nullptr);
// billableSizeInGBs of an image whose boot volume is `size_in_mbs`. The service bills what the image
// stores, the used blocks compressed, which it does not say how to compute: the fake takes a tenth
// of the volume, rounded up to whole GB (1 GB = 1024 MB), so 47694 MB bills 5 GB (docs/behaviour.md).
std::int64_t billable_size_in_gbs(std::int64_t size_in_mbs);
// The displayName of an image created without one: image-YYYYMMDD-HHMM.
std::string default_image_name(std::chrono::system_clock::time_point t);

// 2016-08-25T21:10:29.600Z
std::string rfc3339(std::chrono::system_clock::time_point t);
// Nothing for text of another form, or a year outside first_year..last_year.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s);

}  // namespace ocifake::detail
