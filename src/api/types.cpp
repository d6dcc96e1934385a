#include "api/types.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <stdexcept>

#include <boost/json.hpp>

#include "model/fields.hpp"

namespace ocifake::detail {

bool header_less::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

namespace {
// Header names are ASCII; no locale takes part.
char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

void header_list::emplace(std::string_view name, std::string value) {
  std::string lower(name);
  for (auto& c : lower) c = ascii_lower(c);
  items_.emplace_back(std::move(lower), std::move(value));
}

const std::string* header_list::find(std::string_view name) const noexcept {
  for (const auto& [k, v] : items_)
    if (std::equal(k.begin(), k.end(), name.begin(), name.end(), [](char a, char b) { return a == ascii_lower(b); }))
      return &v;
  return nullptr;
}

std::optional<std::string> api_request::header(std::string_view name) const {
  if (const auto* v = headers.find(name)) return *v;
  return std::nullopt;
}

std::optional<std::string> api_request::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> api_response::header(std::string_view name) const {
  header_less less;
  for (const auto& [k, v] : headers) {
    std::string n(name);
    if (!less(k, n) && !less(n, k)) return v;
  }
  return std::nullopt;
}

api_response error_response(int status, std::string_view code, std::string_view message) {
  api_response r;
  r.status = status;
  r.error_code = valid_utf8(code);
  boost::json::object o;
  o["code"] = r.error_code;
  o["message"] = valid_utf8(message);
  r.body = boost::json::serialize(o);
  return r;
}

api_error to_api_error(const input_error& e) {
  // JSON paths name fields from the body's root: "$.launchOptions.firmware" is OCI's launchOptions.firmware.
  std::string field = e.path == "$" ? "the request body" : e.path.starts_with("$.") ? e.path.substr(2) : e.path;
  switch (e.what) {
    case input_error::kind::syntax: return {400, "CannotParseRequest", "the request body is not valid " + e.detail()};
    case input_error::kind::missing: return {400, "MissingParameter", field + ": " + e.detail()};
    case input_error::kind::invalid: break;
  }
  return {400, "InvalidParameter", field + ": " + e.detail()};
}

const boost::json::object& body_object(const api_request& req) {
  if (req.parsed_body)
    if (const auto* o = req.parsed_body->if_object()) return *o;
  (void)parse_body_object(req.body);  // throws for a body that is not a JSON object: why it is not
  throw std::logic_error("body_object: a JSON object body that dispatch did not parse ahead");
}

api_response method_not_allowed(std::string_view method, std::string_view path, const std::string& allowed) {
  auto r =
      error_response(405, "MethodNotAllowed",
                     std::string(method) + " is not allowed on " + std::string(path) + " (allowed: " + allowed + ")");
  r.headers.emplace_back("allow", allowed);
  return r;
}

api_error invalid_parameter(std::string_view field, std::string_view why) {
  return {400, "InvalidParameter", std::string(field) + ": " + std::string(why)};
}

api_error missing_parameter(std::string_view field) {
  return {400, "MissingParameter", std::string(field) + ": is required"};
}

api_error not_found(std::string_view what, std::string_view id) {
  return {404, "NotAuthorizedOrNotFound", std::string(what) + " " + std::string(id) + " not found or not authorized"};
}

api_error incorrect_state(std::string_view message) { return {409, "IncorrectState", std::string(message)}; }

}  // namespace ocifake::detail
