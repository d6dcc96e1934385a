#pragma once
// Request-signature verification as the OCI SDKs sign (draft-cavage-http-signatures-08,
// RSA-SHA256). Transport-free: the http layer hands over the method, the target as received, a
// header lookup and the body, and turns a failed result into 401 NotAuthenticated.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ocifake/options.hpp>

namespace ocifake::detail {

struct signature_request {
  std::string_view method;  // "GET", as on the request line
  // Path and query exactly as received on the wire, escapes untouched:
  // "/20160918/images?compartmentId=ocid1...&displayName=a%20b".
  std::string_view target;
  // Header lookup, case-insensitive; empty optional when absent.
  std::function<std::optional<std::string>(std::string_view)> header;
  std::string_view body;
  // The server's real clock, not the fake's (a manual clock must not make every request stale).
  std::chrono::system_clock::time_point now;
};

struct signature_result {
  bool ok = false;
  std::string message;  // on failure, names the check that failed; empty on success
};

// The parameters of an `authorization: Signature ...` header.
struct signature_parameters {
  std::string key_id;
  std::string algorithm;
  std::vector<std::string> headers;  // lowercased, in signing order
  std::string signature;             // base64, as sent
};

// Parses `Signature version="1",keyId="...",algorithm="rsa-sha256",headers="...",signature="..."`
// (parameters in any order, unknown ones ignored). On failure returns nothing and sets `error`.
std::optional<signature_parameters> parse_signature_header(std::string_view value, std::string& error);

// An IMF-fixdate (RFC 7231 section 7.1.1.1, "Thu, 26 Nov 2026 23:20:25 GMT"), the form of the
// `Date` header of every answer and of the `date`/`x-date` a request is signed over. Whole seconds.
std::string http_date(std::chrono::system_clock::time_point t);
// Parses an IMF-fixdate (RFC 1123 form, "Thu, 26 Nov 2026 23:20:25 GMT").
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// The target with only the percent-escapes of bytes %80-%FF decoded: the SDK signs non-ASCII query
// characters raw while its fetch layer sends them escaped, and signs spaces as %20.
std::string decode_non_ascii_escapes(std::string_view target);

// base64(SHA-256(body)), the value of `x-content-sha256`.
std::string content_sha256(std::string_view body);

class signature_verifier {
public:
  // How far a request's date may be from the server's real clock, either way.
  static constexpr std::chrono::minutes max_clock_skew{5};

  // Throws ocifake::invalid_input for a key whose PEM is not an RSA public key.
  explicit signature_verifier(const std::vector<ocifake::public_key>& keys);

  // Never throws; thread-safe (the keys are only read).
  signature_result verify(const signature_request& r) const;

private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

}  // namespace ocifake::detail
