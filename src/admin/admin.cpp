// The admin API under /_ocifake/ (docs/admin-api.md): JSON in and out, never signature-checked,
// and behind a bearer token when the server has one. Bad input is 400 InvalidParameter with
// "<JSON path>: <what was expected>", the same words a scenario file's mistakes get. Each path
// and method is one row of the table at the end; the table also answers 405 and "did you mean".
#include "admin/admin.hpp"

#include <cmath>

#include <ocifake/error.hpp>
#include <ocifake/journal.hpp>

#include "api/api.hpp"
#include "api/render.hpp"
#include "journal/journal_json.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/json_reader.hpp"
#include "model/suggest.hpp"
#include "scenario/apply.hpp"
#include "scenario/scenario_data.hpp"
#include "store/platform.hpp"

namespace ocifake {

namespace json = boost::json;

namespace detail {

namespace {

const std::string request_source = "<request>";

api_response bad_input(const invalid_input& e) {
  return error_response(400, "InvalidParameter", e.path() + ": " + e.expected());
}

json::value fault_entry(const fault_status& f) {
  return json::object{
      {"id", f.id}, {"rule", json::parse(f.rule.to_json())}, {"matched", f.matched}, {"fired", f.fired}};
}

// Bearer tokens are compared in constant time, so a remote caller cannot guess one byte by byte.
bool token_matches(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  return diff == 0;
}

bool authorized(const core& s, const api_request& req) {
  const auto& token = s.options.admin_token;
  if (token.empty()) return true;
  auto h = req.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (!h || h->size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>((*h)[i])) != std::tolower(static_cast<unsigned char>(scheme[i])))
      return false;
  return token_matches(std::string_view(*h).substr(scheme.size()), token);
}

// The body as JSON. A body that is missing or is not JSON is refused with what the call expects,
// so that the answer says what to send rather than only what went wrong.
json::value body_json(const api_request& req, const std::string& expected) {
  if (req.body.empty()) throw invalid_input(request_source, "$", expected + " as the body; the request has none");
  return read_input(request_source, [&] {
    try {
      return parse_json(req.body);
    } catch (input_error& e) {
      // "JSON text (syntax error at line 1, column 7)": what the call takes, then why this is not it.
      constexpr std::string_view json_text = "JSON text";
      if (e.path == "$" && e.expected.starts_with(json_text))
        e.expected = expected + " as JSON; the body is not JSON" + e.expected.substr(json_text.size());
      throw;
    }
  });
}

// A query flag: absent is false; otherwise "true" or "false".
bool flag(const api_request& req, const std::string& name) {
  auto v = req.query_value(name);
  if (!v || *v == "false") return false;
  if (*v == "true") return true;
  throw invalid_input(request_source, "?" + name, "true or false, not '" + *v + "'");
}

// {"seconds": n}
std::chrono::milliseconds read_advance(const api_request& req) {
  auto v = body_json(req, R"({"seconds": n})");
  return read_input(request_source, [&] {
    object_reader o(v, "$", {"seconds"}, R"(an object {"seconds": n})");
    auto seconds = o.number("seconds", 0, 1e9, true, "a number of seconds from 0 to 1000000000");
    return std::chrono::milliseconds(std::llround(*seconds * 1000));
  });
}

api_response ok_answer(std::string change) {
  auto r = json_answer(json::object{{"status", "ok"}});
  if (!change.empty()) r.changes.push_back(std::move(change));
  return r;
}

json::array rules_json(core& s, const std::vector<std::string>* only = nullptr) {
  json::array out;
  for (const auto& f : s.engine.list())
    if (!only || std::find(only->begin(), only->end(), f.id) != only->end()) out.push_back(fault_entry(f));
  return out;
}

api_response health(core&, const api_request&) { return ok_answer({}); }

api_response reset_state(core& s, const api_request&) {
  reset(s);
  return ok_answer("reset to the start-up state");
}

api_response load_scenario(core& s, const api_request& req) {
  bool startup = flag(req, "startup");
  if (req.body.empty())
    throw invalid_input(request_source, "$",
                        R"(a scenario document {"name": ...} as the body (docs/scenarios.md); the request has none)");
  auto sc = scenario::parse(req.body, request_source);
  replace_state(s, sc, startup);
  auto r = json_answer(json::object{{"name", sc.name()}, {"faults", rules_json(s)}});
  r.changes.push_back("state replaced by scenario " + sc.name() + (startup ? ", now the start-up state" : ""));
  return r;
}

api_response list_rules(core& s, const api_request&) { return json_answer(rules_json(s)); }

api_response add_rules(core& s, const api_request& req) {
  auto body = body_json(req, R"(a fault rule {"operation": ..., "action": {...}} or an array of them)");
  auto ids = s.engine.add_json(req.body);
  auto added = rules_json(s, &ids);
  auto r = json_answer(body.is_array() || added.empty() ? json::value(added) : added[0]);
  for (const auto& id : ids) r.changes.push_back("fault rule " + id + " added");
  return r;
}

api_response remove_rules(core& s, const api_request&) {
  auto n = s.engine.list().size();
  s.engine.clear();
  auto r = json_answer(json::object{{"removed", n}});
  r.changes.push_back(std::to_string(n) + " fault rules removed");
  return r;
}

api_response advance_clock(core& s, const api_request& req) {
  auto d = read_advance(req);
  s.clock->advance(d);
  auto now = rfc3339(s.clock->now());
  auto r = json_answer(json::object{{"time", now}});
  r.changes.push_back("clock advanced " + std::to_string(d.count()) + " ms to " + now);
  return r;
}

api_response read_journal(core& s, const api_request& req) {
  auto op = req.query_value("operation");
  auto format = req.query_value("format");
  if (format && *format != "json" && *format != "mermaid")
    return error_response(400, "InvalidParameter", "format must be json or mermaid, not '" + *format + "'");
  bool admin = flag(req, "admin");
  auto entries = s.journal.entries([&](const journal_entry& e) { return !op || e.operation == *op; });
  if (format == "mermaid") {
    api_response r;
    r.body = to_mermaid(entries, {.admin = admin || op == "Admin"});
    r.content_type = "text/plain; charset=utf-8";
    return r;
  }
  json::array out;
  for (const auto& e : entries) out.push_back(journal_json(e));
  return json_answer(out);
}

api_response clear_journal(core& s, const api_request&) {
  return json_answer(json::object{{"removed", s.journal.clear()}});
}

api_response add_instance(core& s, const api_request& req) {
  const auto& body = body_json(req, R"(an instance {"compartmentId": ...})");
  auto r = s.store.lock();
  auto spec = parse_instance(body, "$", request_source, rules_of(r->dialect()));
  const auto& inst = seed_instance(*r, spec);
  auto answer = json_answer(instance_json(inst));
  answer.changes.push_back("instance " + inst.id + " registered");
  return answer;
}

api_response add_object(core& s, const api_request& req) {
  auto key = parse_object(body_json(req, R"(an object {"namespace": ..., "bucket": ..., "object": ...})"), "$",
                          request_source);
  s.store.lock()->register_object(key);
  auto r = json_answer(object_json(key));
  r.changes.push_back("object " + key.namespace_name + "/" + key.bucket + "/" + key.object + " registered");
  return r;
}

// The Image JSON with compartmentId null, plus optional shapes: as an image of a scenario's
// platformImages list.
api_response add_platform_image(core& s, const api_request& req) {
  auto body = body_json(req, R"(a platform image {"displayName": ..., "operatingSystem": ..., ...})");
  auto r = s.store.lock();
  auto img = parse_platform_image(body, "$", request_source, rules_of(r->dialect()));
  auto drawn = img.record;
  stamp_platform_image(drawn, r->region());
  if (r->has_image(drawn.id))
    throw invalid_input(request_source, img.record.id.empty() ? "$.displayName" : "$.id",
                        "an image the server does not have yet (" + drawn.id + " is there already" +
                            (img.record.id.empty() ? ", drawn from the name" : "") + ")");
  const auto& stored = store_platform_image(*r, img);
  auto answer = json_answer(image_json(stored, rules_of(r->dialect())));
  answer.changes.push_back("platform image " + stored.id + " (" + stored.display_name + ") added");
  return answer;
}

api_response read_state(core& s, const api_request&) {
  api_response r;
  r.body = state_document(s);
  return r;
}

api_response remove_rule(core& s, const std::string& id) {
  for (const auto& f : s.engine.list())
    if (f.id == id && s.engine.remove(id)) {
      auto r = json_answer(fault_entry(f));
      r.changes.push_back("fault rule " + id + " removed");
      return r;
    }
  return error_response(404, "NotFound", "no fault rule with id " + id);
}

struct admin_route {
  std::string_view path;  // below /_ocifake/
  std::string_view method;
  api_response (*handler)(core&, const api_request&);
};

// clang-format off
constexpr admin_route admin_routes[] = {
    {"health",          "GET",    health},
    {"reset",           "POST",   reset_state},
    {"scenario",        "POST",   load_scenario},
    {"faults",          "GET",    list_rules},
    {"faults",          "POST",   add_rules},
    {"faults",          "DELETE", remove_rules},
    {"clock/advance",   "POST",   advance_clock},
    {"journal",         "GET",    read_journal},
    {"journal",         "DELETE", clear_journal},
    {"instances",       "POST",   add_instance},
    {"objects",         "POST",   add_object},
    {"platform-images", "POST",   add_platform_image},
    {"state",           "GET",    read_state},
};
// clang-format on

api_response no_such_path(const std::string& method, std::string_view sub) {
  std::vector<std::string_view> paths;
  for (const auto& route : admin_routes)
    if (paths.empty() || paths.back() != route.path) paths.push_back(route.path);
  paths.push_back("faults/{id}");
  return error_response(404, "NotFound",
                        "no such admin path: " + method + " /_ocifake/" + std::string(sub) + did_you_mean(sub, paths));
}

api_response route_admin(core& s, const std::string& method, std::string_view sub, const api_request& req) {
  if (sub.rfind("faults/", 0) == 0 && sub.size() > 7) {
    if (method != "DELETE") return method_not_allowed(method, "/_ocifake/faults/{id}", "DELETE");
    return remove_rule(s, std::string(sub.substr(7)));
  }
  std::string allowed;
  for (const auto& route : admin_routes) {
    if (route.path != sub) continue;
    if (route.method == method) return route.handler(s, req);
    allowed += (allowed.empty() ? "" : ", ") + std::string(route.method);
  }
  if (!allowed.empty()) return method_not_allowed(method, "/_ocifake/" + std::string(sub), allowed);
  return no_such_path(method, sub);
}

}  // namespace

api_response handle_admin(core& s, const std::string& method, const std::string& sub, const api_request& req) {
  if (!authorized(s, req)) {
    auto r =
        error_response(401, "NotAuthenticated",
                       "the admin API needs the header 'Authorization: Bearer <token>' with the server's admin token");
    r.headers.emplace_back("www-authenticate", "Bearer");
    return r;
  }
  std::string_view path = sub;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  try {
    return route_admin(s, method, path, req);
  } catch (const invalid_input& e) {
    return bad_input(e);
  } catch (const error& e) {
    return error_response(400, "InvalidParameter", e.what());
  }
}

}  // namespace detail

}  // namespace ocifake
