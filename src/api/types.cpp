#include "api/types.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

namespace ocifake::detail {

bool header_less::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<std::string> api_request::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
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
  boost::json::object o;
  o["code"] = code;
  o["message"] = message;
  r.body = boost::json::serialize(o);
  return r;
}

api_error invalid_parameter(std::string_view field, std::string_view why) {
  return {400, "InvalidParameter", std::string(field) + ": " + std::string(why)};
}

api_error missing_parameter(std::string_view field) {
  return {400, "MissingParameter", std::string(field) + ": is required"};
}

api_error not_found(std::string_view what, std::string_view id) {
  return {404, "NotAuthorizedOrNotFound",
          std::string(what) + " " + std::string(id) + " not found or not authorized"};
}

api_error incorrect_state(std::string_view message) { return {409, "IncorrectState", std::string(message)}; }

}  // namespace ocifake::detail
