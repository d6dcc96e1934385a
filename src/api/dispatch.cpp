#include <chrono>

#include "api/api.hpp"
#include "model/fields.hpp"

namespace ocifake::detail {

namespace json = boost::json;

const std::vector<operation_entry>& operations() {
  static const std::vector<operation_entry> table = {
      {"CreateImage", create_image, true},
      {"GetImage", get_image, false},
      {"ListImages", list_images, false},
      {"UpdateImage", update_image, true},
      {"DeleteImage", delete_image, false},
      {"ExportImage", export_image, true},
      {"ChangeImageCompartment", change_image_compartment, true},
      {"ListImageShapeCompatibilityEntries", list_image_shape_compatibility_entries, false},
      {"GetImageShapeCompatibilityEntry", get_image_shape_compatibility_entry, false},
      {"AddImageShapeCompatibilityEntry", add_image_shape_compatibility_entry, false},
      {"RemoveImageShapeCompatibilityEntry", remove_image_shape_compatibility_entry, false},
      {"GetWorkRequest", get_work_request, false},
      {"ListWorkRequests", list_work_requests, false},
      {"ListWorkRequestErrors", list_work_request_errors, false},
      {"ListWorkRequestLogs", list_work_request_logs, false},
  };
  return table;
}

bool takes_retry_token(std::string_view operation) {
  for (const auto& op : operations())
    if (op.name == operation) return op.retry_token;
  return false;
}

api_response json_answer(const json::value& v, int status) {
  api_response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

image_record& require_image(store& s, const std::string& id) {
  auto* img = s.find_image(id);
  if (!img) throw not_found("image", id);
  return *img;
}

void check_if_match(const api_request& req, const image_record& img) {
  auto m = req.header("if-match");
  if (m && *m != img.etag)
    throw api_error{412, "NoEtagMatch", "if-match: the etag " + *m + " does not match the image's current etag"};
}

namespace {

constexpr auto retry_token_lifetime = std::chrono::hours(24);

std::optional<json::value> parse_any(const std::string& body) {
  if (body.empty()) return json::value(nullptr);
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

// The same request, by the behaviour table's definition: same operation, same path, bodies
// equal as parsed JSON (key order and spacing do not matter).
bool same_request(const retry_entry& e, const api_request& req) {
  if (e.operation != req.operation || e.target != req.path) return false;
  // The same text is the same request, even when its parsed form is not equal to itself (Boost.JSON
  // reads a number such as 0e858 as NaN).
  if (e.raw_body == req.body) return true;
  auto body = parse_any(req.body);
  return e.body && body && *e.body == *body;
}

api_response with_retry_token(store& s, const operation_entry& op, const api_request& req, const std::string& token) {
  if (token.empty() || token.size() > 64)
    throw invalid_parameter("opc-retry-token", "must be 1 to 64 characters long (got " + std::to_string(token.size()) + ")");
  auto it = s.retry_tokens.find(token);
  if (it != s.retry_tokens.end() && it->second.at + retry_token_lifetime <= s.now()) {
    s.retry_tokens.erase(it);
    it = s.retry_tokens.end();
  }
  if (it != s.retry_tokens.end()) {
    const auto& e = it->second;
    if (!same_request(e, req))
      throw api_error{409, "Conflict",
                      "opc-retry-token " + token + " was already used for a different request (" + e.operation + " " +
                          e.target + ")"};
    if (!e.response.resource_id.empty()) {
      auto* img = s.find_image(e.response.resource_id);
      if (!img || img->state() == image_state::deleted)
        throw api_error{409, "InvalidatedRetryToken",
                        "opc-retry-token " + token + " was invalidated: image " + e.response.resource_id +
                            " has since been deleted"};
    }
    api_response replay = e.response;
    replay.replayed = true;
    replay.changes.clear();
    return replay;
  }
  api_response r = op.fn(s, req);
  if (r.status >= 200 && r.status < 300) {
    retry_entry e;
    e.operation = req.operation;
    e.target = req.path;
    e.body = parse_any(req.body);
    e.raw_body = req.body;
    e.response = r;
    e.at = s.now();
    s.retry_tokens.insert_or_assign(token, std::move(e));
  }
  return r;
}

}  // namespace

api_response dispatch(store& s, const api_request& req) {
  const operation_entry* op = nullptr;
  for (const auto& o : operations())
    if (o.name == req.operation) op = &o;
  if (!op) return error_response(404, "NotFound", "no such operation: " + req.operation);
  // Parsing needs nothing from the store: done before the lock, it does not hold up other requests.
  if (!req.body.empty() && !req.parsed_body) req.parsed_body = parse_body(req.body);
  std::lock_guard lock(s.mutex);
  try {
    if (op->retry_token)
      if (auto token = req.header("opc-retry-token")) return with_retry_token(s, *op, req, *token);
    return op->fn(s, req);
  } catch (const api_error& e) {
    return error_response(e);
  }
}

}  // namespace ocifake::detail
