// Request signatures: the authorization header parser (detail::parse_signature_header), HTTP
// dates (detail::parse_http_date), the target's escapes (detail::decode_non_ascii_escapes) and
// the whole verifier over a request the input describes.
//
// Input: the method on the first line, the target on the second, then `name: value` header lines,
// an empty line and the body. The verifier checks it against a key of its own, at the time the
// request's x-date (or date) names, so that dates in the corpus never go stale.
//
// Checked: nothing throws; what the header parser accepts has every parameter; a date that parses
// prints back as the same text (the weekday aside); decoding escapes never grows the target.
#include <map>

#include "fuzz_support.hpp"
#include "http/signature.hpp"
#include "signing.hpp"

namespace {

using namespace ocifake;

std::string_view next_line(std::string_view& rest) {
  auto nl = rest.find('\n');
  auto line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void check_header_parser(std::string_view value) {
  std::string error;
  auto p = detail::parse_signature_header(value, error);
  if (!p) {
    OCIFAKE_FUZZ_CHECK(!error.empty(), std::string(value));
    return;
  }
  OCIFAKE_FUZZ_CHECK(!p->key_id.empty() && !p->algorithm.empty() && !p->signature.empty() && !p->headers.empty(),
                     std::string(value));
  for (const auto& h : p->headers) {
    OCIFAKE_FUZZ_CHECK(!h.empty() && h.find(' ') == std::string::npos && h == test::signing::lowercase(h), h);
  }
}

void check_date_parser(std::string_view value) {
  auto t = detail::parse_http_date(value);
  if (!t || value.substr(23, 2) == "60") return;  // a leap second prints as the next minute
  auto printed = test::signing::http_date(*t);
  OCIFAKE_FUZZ_CHECK(printed.substr(3) == value.substr(3), std::string(value) + " printed as " + printed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<ocifake::public_key> keys = {{test::signing::sdk_key_id, test::signing::key_a().public_pem},
                                                        {"", test::signing::key_b().public_pem}};
  static const detail::signature_verifier verifier(keys);

  auto rest = ocifake_fuzz::text(data, size);
  check_header_parser(rest);
  check_date_parser(rest);

  test::signing::wire_request r;
  r.method = next_line(rest);
  r.target = next_line(rest);
  auto decoded = detail::decode_non_ascii_escapes(r.target);
  OCIFAKE_FUZZ_CHECK(decoded.size() <= r.target.size(), r.target);
  while (!rest.empty()) {
    auto line = next_line(rest);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers[test::signing::lowercase(std::string(line.substr(0, colon)))] = std::string(value);
  }
  r.body = rest;
  for (const auto& [name, value] : r.headers) {
    if (name == "authorization") check_header_parser(value);
    if (name == "date" || name == "x-date") check_date_parser(value);
  }

  auto now = std::chrono::system_clock::time_point(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  for (const char* name : {"date", "x-date"})
    if (auto it = r.headers.find(name); it != r.headers.end())
      if (auto t = detail::parse_http_date(it->second)) now = *t;
  auto result = verifier.verify(r.view(now));
  OCIFAKE_FUZZ_CHECK(result.ok == result.message.empty(), result.message);
  return 0;
}
