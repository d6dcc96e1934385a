// The admin API under /_ocifake/ (docs/admin-api.md): JSON in and out, never signature-checked,
// and behind a bearer token when the server has one. Bad input is 400 InvalidParameter with
// "<JSON path>: <what was expected>", the same words a scenario file's mistakes get.
#include <ocifake/error.hpp>
#include <ocifake/journal.hpp>

#include "api/api.hpp"
#include "http/server_impl.hpp"
#include "model/fields.hpp"
#include "scenario/apply.hpp"
#include "scenario/scenario_data.hpp"

namespace ocifake {

namespace json = boost::json;

namespace {

json::object journal_json(const journal_entry& e) {
  json::object o;
  o["seq"] = e.seq;
  o["time"] = detail::rfc3339(e.time);
  o["operation"] = e.operation;
  o["method"] = e.method;
  o["path"] = detail::valid_utf8(e.path);  // as the client sent it, escapes decoded
  o["status"] = e.status;
  o["requestId"] = e.request_id;
  o["retryToken"] = e.retry_token.empty() ? json::value(nullptr) : json::value(detail::valid_utf8(e.retry_token));
  o["replayed"] = e.replayed;
  if (e.fault)
    o["fault"] = json::object{{"rule", e.fault->rule_id},
                              {"action", to_string(e.fault->action)},
                              {"timing", to_string(e.fault->timing)}};
  else
    o["fault"] = nullptr;
  json::array changes;
  for (const auto& c : e.changes) changes.push_back(json::string(c));
  o["changes"] = std::move(changes);
  return o;
}

}  // namespace

std::string to_json(const journal_entry& e) { return json::serialize(journal_json(e)); }

namespace detail {

namespace {

const std::string request_source = "<request>";

api_response bad_input(const invalid_input& e) {
  return error_response(400, "InvalidParameter", e.path() + ": " + e.expected());
}

json::value fault_entry(const fault_status& f) {
  return json::object{{"id", f.id}, {"rule", json::parse(f.rule.to_json())}, {"matched", f.matched}, {"fired", f.fired}};
}

// Bearer tokens are compared in constant time, so a remote caller cannot guess one byte by byte.
bool token_matches(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  return diff == 0;
}

bool authorized(const server::impl& s, const api_request& req) {
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
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec) throw invalid_input(request_source, "$", expected + " as JSON; the body is not JSON (" + ec.message() + ")");
  return v;
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
  auto* o = v.if_object();
  if (!o) throw invalid_input(request_source, "$", R"(an object {"seconds": n})");
  for (const auto& kv : *o)
    if (kv.key() != "seconds")
      throw invalid_input(request_source, "$." + std::string(kv.key()), "a known key; the keys here are seconds");
  const std::string expected = "a number of seconds from 0 to 1000000000 (required)";
  auto* s = o->if_contains("seconds");
  if (!s || !s->is_number()) throw invalid_input(request_source, "$.seconds", expected);
  double d = s->to_number<double>();
  if (!(d >= 0 && d <= 1e9)) throw invalid_input(request_source, "$.seconds", expected);
  return std::chrono::milliseconds(std::llround(d * 1000));
}

struct admin_path {
  std::string_view path;
  std::string_view allow;
};
constexpr admin_path admin_paths[] = {
    {"health", "GET"},        {"reset", "POST"},   {"scenario", "POST"}, {"faults", "GET, POST, DELETE"},
    {"clock/advance", "POST"}, {"journal", "GET, DELETE"}, {"instances", "POST"}, {"objects", "POST"},
    {"state", "GET"},
};

api_response route_admin(server::impl& s, const std::string& method, std::string_view sub, const api_request& req) {
  if (sub == "health" && method == "GET") return json_answer(json::object{{"status", "ok"}});

  if (sub == "reset" && method == "POST") {
    s.reset();
    auto r = json_answer(json::object{{"status", "ok"}});
    r.changes.push_back("reset to the start-up state");
    return r;
  }

  if (sub == "scenario" && method == "POST") {
    bool startup = flag(req, "startup");
    if (req.body.empty())
      throw invalid_input(request_source, "$",
                          R"(a scenario document {"name": ...} as the body (docs/scenarios.md); the request has none)");
    auto sc = scenario::parse(req.body, request_source);
    replace_state(s, sc, startup);
    json::array rules;
    for (const auto& f : s.engine.list()) rules.push_back(fault_entry(f));
    auto r = json_answer(json::object{{"name", sc.name()}, {"faults", std::move(rules)}});
    r.changes.push_back("state replaced by scenario " + sc.name() + (startup ? ", now the start-up state" : ""));
    return r;
  }

  if (sub == "faults") {
    if (method == "GET") {
      json::array out;
      for (const auto& f : s.engine.list()) out.push_back(fault_entry(f));
      return json_answer(out);
    }
    if (method == "POST") {
      auto body = body_json(req, R"(a fault rule {"operation": ..., "action": {...}} or an array of them)");
      auto ids = s.engine.add_json(req.body);
      auto all = s.engine.list();
      json::array added;
      for (const auto& id : ids)
        for (const auto& f : all)
          if (f.id == id) added.push_back(fault_entry(f));
      auto r = json_answer(body.is_array() || added.empty() ? json::value(added) : added[0]);
      for (const auto& id : ids) r.changes.push_back("fault rule " + id + " added");
      return r;
    }
    if (method == "DELETE") {
      auto n = s.engine.list().size();
      s.engine.clear();
      auto r = json_answer(json::object{{"removed", n}});
      r.changes.push_back(std::to_string(n) + " fault rules removed");
      return r;
    }
  }

  if (sub.rfind("faults/", 0) == 0 && sub.size() > 7) {
    auto id = std::string(sub.substr(7));
    if (method != "DELETE") {
      auto r = error_response(405, "MethodNotAllowed", method + " is not allowed on /_ocifake/faults/{id} (allowed: DELETE)");
      r.headers.emplace_back("allow", "DELETE");
      return r;
    }
    for (const auto& f : s.engine.list())
      if (f.id == id && s.engine.remove(id)) {
        auto r = json_answer(fault_entry(f));
        r.changes.push_back("fault rule " + id + " removed");
        return r;
      }
    return error_response(404, "NotFound", "no fault rule with id " + id);
  }

  if (sub == "clock/advance" && method == "POST") {
    auto d = read_advance(req);
    s.clock.advance(d);
    auto now = rfc3339(s.clock.now());
    auto r = json_answer(json::object{{"time", now}});
    r.changes.push_back("clock advanced " + std::to_string(d.count()) + " ms to " + now);
    return r;
  }

  if (sub == "journal") {
    if (method == "GET") {
      auto op = req.query_value("operation");
      auto format = req.query_value("format");
      if (format && *format != "json" && *format != "mermaid")
        return error_response(400, "InvalidParameter", "format must be json or mermaid, not '" + *format + "'");
      bool admin = flag(req, "admin");
      std::lock_guard lock(s.journal_mutex);
      if (format == "mermaid") {
        std::vector<journal_entry> entries;
        for (const auto& e : s.journal)
          if (!op || e.operation == *op) entries.push_back(e);
        api_response r;
        r.body = to_mermaid(entries, {.admin = admin || op == "Admin"});
        r.content_type = "text/plain; charset=utf-8";
        return r;
      }
      json::array out;
      for (const auto& e : s.journal)
        if (!op || e.operation == *op) out.push_back(journal_json(e));
      return json_answer(out);
    }
    if (method == "DELETE") {
      std::lock_guard lock(s.journal_mutex);
      auto n = s.journal.size();
      s.journal.clear();
      return json_answer(json::object{{"removed", n}});
    }
  }

  if (sub == "instances" && method == "POST") {
    auto spec = parse_instance(body_json(req, R"(an instance {"compartmentId": ...})"), "$", request_source);
    std::lock_guard lock(s.store.mutex);
    const auto& inst = s.store.add_instance(spec);
    auto r = json_answer(instance_json(inst));
    r.changes.push_back("instance " + inst.id + " registered");
    return r;
  }

  if (sub == "objects" && method == "POST") {
    auto key = parse_object(body_json(req, R"(an object {"namespace": ..., "bucket": ..., "object": ...})"), "$",
                            request_source);
    std::lock_guard lock(s.store.mutex);
    s.store.objects.insert(key);
    auto r = json_answer(object_json(key));
    r.changes.push_back("object " + key.namespace_name + "/" + key.bucket + "/" + key.object + " registered");
    return r;
  }

  if (sub == "state" && method == "GET") {
    api_response r;
    r.body = state_document(s);
    return r;
  }

  for (const auto& p : admin_paths) {
    if (p.path != sub) continue;
    auto r = error_response(405, "MethodNotAllowed",
                            method + " is not allowed on /_ocifake/" + std::string(sub) + " (allowed: " +
                                std::string(p.allow) + ")");
    r.headers.emplace_back("allow", std::string(p.allow));
    return r;
  }
  return error_response(404, "NotFound", "no such admin path: " + method + " /_ocifake/" + std::string(sub));
}

}  // namespace

api_response handle_admin(server::impl& s, const std::string& method, const std::string& sub,
                          const api_request& req) {
  if (!authorized(s, req)) {
    auto r = error_response(401, "NotAuthenticated",
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
