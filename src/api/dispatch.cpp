#include <chrono>

#include "api/api.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/utf8.hpp"

namespace ocifake::detail {

namespace json = boost::json;

api_response json_answer(const json::value& v, int status) {
  api_response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

image_record& require_image(resources& r, const std::string& id) {
  auto* img = r.find_image(id);
  if (!img) throw not_found("image", id);
  return *img;
}

image_record& require_live_image(resources& r, const std::string& id) {
  auto& img = require_image(r, id);
  if (img.platform)
    throw api_error{404, "NotAuthorizedOrNotFound",
                    "image " + id + " not found or not authorized: it is a platform image, which cannot be changed"};
  catch_up(r, img, false);
  if (img.state() == image_state::deleted)
    throw api_error{404, "NotAuthorizedOrNotFound", "image " + id + " not found or not authorized: it is DELETED"};
  return img;
}

void require_compartment(const resources& r, const std::string& field, const std::string& id) {
  if (!r.compartment_known(id))
    throw api_error{404, "NotAuthorizedOrNotFound", field + ": compartment " + id + " not found or not authorized"};
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

// The path with its query (InstanceAction's action is in the query): what "the same request" names.
std::string target_of(const api_request& req) {
  std::string t = req.path;
  char sep = '?';
  for (const auto& [k, v] : req.query) {
    t += sep + k + "=" + v;
    sep = '&';
  }
  return t;
}

// The same request, by the behaviour table's definition: same operation, same path and query, bodies
// equal as parsed JSON (key order and spacing do not matter).
bool same_request(const retry_entry& e, const api_request& req) {
  if (e.operation != req.operation || e.target != target_of(req)) return false;
  // The same text is the same request, even when its parsed form is not equal to itself (Boost.JSON
  // reads a number such as 0e858 as NaN).
  if (e.raw_body == req.body) return true;
  auto body = parse_any(req.body);
  return e.body && body && *e.body == *body;
}

api_response replay(const retry_entry& e, resources& r, const api_request& req, const std::string& token) {
  if (!same_request(e, req))
    throw api_error{409, "Conflict",
                    "opc-retry-token " + token + " was already used for a different request (" + e.operation + " " +
                        e.target + ")"};
  if (!e.response.resource_id.empty() && !r.find_instance(e.response.resource_id)) {
    const auto& id = e.response.resource_id;
    auto* img = r.find_image(id);
    auto* schema = img ? nullptr : r.capability_schemas().find(id);
    bool gone = img ? img->state() == image_state::deleted : !schema || schema->state == schema_state::deleted;
    if (gone)
      throw api_error{409, "InvalidatedRetryToken",
                      "opc-retry-token " + token + " was invalidated: " +
                          (schema ? "compute image capability schema " : "image ") + id + " has since been deleted"};
  }
  api_response again = e.response;
  again.replayed = true;
  again.changes.clear();
  return again;
}

// The handler's answer, an OCI error answer for a refusal, with the changes the lifecycle made on the
// way (notes: an instance a look at its image released) that the handler did not place itself.
api_response run(resources& r, const operation& op, const api_request& req) {
  r.take_notes();  // what reads outside requests (snapshots, clock moves) left
  api_response answer;
  try {
    answer = op.handler(r, req);
  } catch (const api_error& e) {
    answer = error_response(e);
  } catch (const input_error& e) {
    answer = error_response(to_api_error(e));
  }
  for (auto& n : r.take_notes()) answer.changes.push_back(std::move(n));
  return answer;
}

api_response with_retry_token(store& s, retry_store& retries, const operation& op, const api_request& req,
                              const std::string& token) {
  if (token.empty() || token.size() > 64)
    throw invalid_parameter("opc-retry-token",
                            "must be 1 to 64 characters long (got " + std::to_string(token.size()) +
                                (token.empty() ? std::string(")") : ": " + quoted_value(token) + ")"));
  auto cache = retries.lock();
  auto r = s.lock();
  if (const auto* e = cache->find(token, r->now())) return replay(*e, *r, req, token);
  api_response answer = run(*r, op, req);
  if (answer.status >= 200 && answer.status < 300)
    cache->remember(token, retry_entry{req.operation, target_of(req), parse_any(req.body), req.body, answer, r->now()});
  return answer;
}

}  // namespace

const retry_entry* retry_cache::find(const std::string& token, time_point now) {
  auto it = entries_.find(token);
  if (it == entries_.end()) return nullptr;
  if (it->second.at + retry_token_lifetime <= now) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

api_response dispatch(store& s, retry_store& retries, const operation& op, api_request& req) {
  // Parsing needs nothing from the store: done before the lock, it does not hold up other requests.
  if (!req.body.empty() && !req.parsed_body) req.parsed_body = parse_body(req.body);
  try {
    if (op.retry_token)
      if (auto token = req.header("opc-retry-token")) return with_retry_token(s, retries, op, req, *token);
    auto r = s.lock();
    return run(*r, op, req);
  } catch (const api_error& e) {
    return error_response(e);
  } catch (const input_error& e) {
    return error_response(to_api_error(e));
  }
}

}  // namespace ocifake::detail
