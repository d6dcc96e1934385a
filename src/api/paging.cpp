#include "api/paging.hpp"

#include "model/fields.hpp"
#include "model/utf8.hpp"

namespace ocifake::detail {

std::string page_token(const resources& r, std::string_view scope, std::string_view cursor) {
  return r.pages().seal(scope, cursor);
}

std::optional<std::string> page_cursor(const resources& r, const api_request& req, std::string_view scope) {
  auto page = req.query_value("page");
  if (!page) return std::nullopt;
  auto cursor = r.pages().open(scope, *page);
  if (!cursor)
    throw invalid_parameter("page", quoted_value(*page) +
                                        " is not a page token this list gave (use the opc-next-page header of the "
                                        "previous page)");
  return cursor;
}

std::optional<std::string> query_ocid(const api_request& req, const std::string& name, bool required) {
  auto v = req.query_value(name);
  if (!v) {
    if (required) throw missing_parameter(name);
    return v;
  }
  if (v->empty() || v->size() > 255)
    throw invalid_parameter(
        name, "must be 1 to 255 characters long (got " + std::to_string(v->size()) + ": " + quoted_value(*v) + ")");
  if (!is_ocid(*v)) throw invalid_parameter(name, quoted_value(*v) + " is not a valid OCID");
  return v;
}

std::size_t page_limit(const api_request& req, std::size_t max, std::size_t fallback) {
  auto v = req.query_value("limit");
  if (!v) return fallback;
  auto refuse = [&] {
    return invalid_parameter("limit",
                             "must be an integer from 1 to " + std::to_string(max) + " (got " + quoted_value(*v) + ")");
  };
  if (v->empty() || v->size() > 9) throw refuse();
  std::size_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') throw refuse();
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n < 1 || n > max) throw refuse();
  return n;
}

}  // namespace ocifake::detail
