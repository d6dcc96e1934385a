// Fault rules: the fluent builder, the rule JSON (both directions) and its validation. Matching
// and triggers live in engine.cpp.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <ocifake/error.hpp>
#include <ocifake/faults.hpp>
#include <ocifake/journal.hpp>

#include "faults/engine.hpp"

namespace ocifake {

namespace {

namespace json = boost::json;

// The longest delay, hang or dribble a rule may ask for. Longer is certainly a mistake in a test,
// and bounding it keeps deadline arithmetic on the steady clock far from overflow.
constexpr std::int64_t max_ms = 86'400'000;
// Window bounds, in seconds: large enough for "for the rest of the test", small enough that the
// bounds in milliseconds fit an int64.
constexpr double max_window_seconds = 1e12;

[[noreturn]] void fail(std::string path, std::string expected) {
  throw invalid_input("<rule>", std::move(path), std::move(expected));
}

const std::string& operation_list_text() {
  static const std::string text = [] {
    std::string s;
    for (const auto& n : operation_names()) s += (s.empty() ? "" : ", ") + n;
    return s;
  }();
  return text;
}

bool known_operation(std::string_view name) {
  const auto& names = operation_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `alone`: the operation is the whole match, so "*" is allowed; inside a list it is not.
void check_operation(std::string_view name, const std::string& path, bool alone) {
  if (known_operation(name) || (alone && name == "*")) return;
  if (alone) fail(path, "an OCI operation name or \"*\"; the names are " + operation_list_text());
  fail(path, "an OCI operation name (\"*\" stands alone, not in a list); the names are " + operation_list_text());
}

// ocid1.<type>.<realm>.[region].<unique>: enough to catch a rule that could never match.
bool looks_like_ocid(std::string_view s) {
  return s.starts_with("ocid1.") && std::count(s.begin(), s.end(), '.') >= 4 && s.back() != '.';
}

struct action_spec {
  fault_action action;
  std::string_view name;
  std::initializer_list<std::string_view> keys;  // besides "type"
  std::string_view keys_text;
};

const action_spec action_specs[] = {
    {fault_action::error, "error", {"status", "code", "message", "retryAfter"}, "status, code, message, retryAfter"},
    {fault_action::delay, "delay", {"ms"}, "ms"},
    {fault_action::hang, "hang", {"ms"}, "ms"},
    {fault_action::reset, "reset", {}, ""},
    {fault_action::close, "close", {}, ""},
    {fault_action::truncate, "truncate", {"bytes"}, "bytes"},
    {fault_action::malformed, "malformed", {}, ""},
    {fault_action::slow_body, "slowBody", {"ms"}, "ms"},
};

constexpr std::string_view action_names_text = "error, delay, hang, reset, close, truncate, malformed, slowBody";

const action_spec& spec_of(fault_action a) {
  for (const auto& s : action_specs)
    if (s.action == a) return s;
  return action_specs[0];
}

bool acts_on_answer(fault_action a) { return a == fault_action::truncate || a == fault_action::slow_body; }

constexpr std::string_view rule_keys[] = {"id",          "operation", "resource", "header", "skip",
                                          "times",       "probability", "window", "timing", "action"};
constexpr std::string_view rule_keys_text =
    "id, operation, resource, header, skip, times, probability, window, timing, action";

bool is_identifier(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string json_quoted(std::string_view s) { return json::serialize(json::string(s)); }

// `$.action.status`, or `$.header["opc-retry-token"]` for a key that is not a plain name.
std::string member_path(const std::string& path, std::string_view key) {
  if (is_identifier(key)) return path + "." + std::string(key);
  return path + "[" + json_quoted(key) + "]";
}

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// ---------------------------------------------------------------- checks shared by JSON and builder

void check_window(std::chrono::milliseconds from, std::chrono::milliseconds to, const std::string& path) {
  constexpr auto max = static_cast<std::int64_t>(max_window_seconds) * 1000;
  if (from.count() < 0 || from.count() > max)
    fail(path + ".window.fromSeconds", "a number of seconds from 0 to 1e12");
  if (to.count() <= from.count() || to.count() > max)
    fail(path + ".window.toSeconds", "a number of seconds greater than fromSeconds, at most 1e12");
}

void check_ms(std::chrono::milliseconds ms, const std::string& path) {
  if (ms.count() < 0 || ms.count() > max_ms)
    fail(path + ".action.ms", "a whole number of milliseconds from 0 to " + std::to_string(max_ms));
}

void check_timing(const fault& r, const std::string& path) {
  if (r.action() && acts_on_answer(*r.action()) && r.timing() == fault_timing::before)
    fail(path + ".timing", "\"afterCommit\" or no timing: " + std::string(spec_of(*r.action()).name) +
                               " acts on the real answer, so it always acts after the commit");
}

// ---------------------------------------------------------------- reading JSON values

// A whole number >= 0 (2 and 2.0 alike); nullopt for anything else.
std::optional<std::uint64_t> whole(const json::value& v) {
  if (auto* i = v.if_int64()) return *i >= 0 ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*i))
                                             : std::nullopt;
  if (auto* u = v.if_uint64()) return *u;
  if (auto* d = v.if_double()) {
    if (*d >= 0 && *d < 18446744073709551616.0 && std::floor(*d) == *d) return static_cast<std::uint64_t>(*d);
  }
  return std::nullopt;
}

std::optional<double> number(const json::value& v) {
  if (auto* i = v.if_int64()) return static_cast<double>(*i);
  if (auto* u = v.if_uint64()) return static_cast<double>(*u);
  if (auto* d = v.if_double()) return *d;
  return std::nullopt;
}

void refuse_unknown_keys(const json::object& o, const std::string& path,
                         std::initializer_list<std::string_view> allowed, const std::string& what) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end())
      fail(member_path(path, kv.key()), "no such key; " + what);
  }
}

std::uint64_t read_whole(const json::value& v, const std::string& path, std::uint64_t min, std::uint64_t max,
                         const std::string& expected) {
  auto n = whole(v);
  if (!n || *n < min || *n > max) fail(path, expected);
  return *n;
}

void parse_action(const json::value& v, const std::string& rule_path, fault& f) {
  const std::string path = rule_path + ".action";
  auto* o = v.if_object();
  if (!o) fail(path, "an action object such as {\"type\": \"error\", \"status\": 503, \"code\": \"ServiceUnavailable\"}");
  auto* type_value = o->if_contains("type");
  const json::string* type = type_value ? type_value->if_string() : nullptr;
  const action_spec* spec = nullptr;
  if (type) {
    for (const auto& s : action_specs)
      if (s.name == std::string_view(*type)) spec = &s;
  }
  if (!spec) fail(path + ".type", "one of " + std::string(action_names_text));

  std::vector<std::string_view> allowed{"type"};
  allowed.insert(allowed.end(), spec->keys.begin(), spec->keys.end());
  for (const auto& kv : *o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end())
      fail(member_path(path, kv.key()),
           spec->keys.size() == 0
               ? "no such key; the " + std::string(spec->name) + " action takes no parameters besides type"
               : "no such key; the " + std::string(spec->name) + " action takes type, " + std::string(spec->keys_text));
  }

  auto ms = [&](bool required) -> std::optional<std::chrono::milliseconds> {
    auto* m = o->if_contains("ms");
    if (!m) {
      if (required) fail(path + ".ms", "a whole number of milliseconds from 0 to " + std::to_string(max_ms));
      return std::nullopt;
    }
    auto n = read_whole(*m, path + ".ms", 0, static_cast<std::uint64_t>(max_ms),
                        "a whole number of milliseconds from 0 to " + std::to_string(max_ms));
    return std::chrono::milliseconds(static_cast<std::int64_t>(n));
  };

  switch (spec->action) {
    case fault_action::error: {
      auto* s = o->if_contains("status");
      if (!s) fail(path + ".status", "an HTTP status from 400 to 599");
      auto status = read_whole(*s, path + ".status", 400, 599, "an HTTP status from 400 to 599");
      auto* c = o->if_contains("code");
      const json::string* code = c ? c->if_string() : nullptr;
      if (!code || code->empty())
        fail(path + ".code", "an OCI error code such as \"ServiceUnavailable\" (a non-empty string)");
      std::string message;
      if (auto* m = o->if_contains("message")) {
        auto* text = m->if_string();
        if (!text) fail(path + ".message", "a string");
        message = std::string(*text);
      }
      std::optional<int> retry_after;
      if (auto* r = o->if_contains("retryAfter"))
        retry_after = static_cast<int>(read_whole(*r, path + ".retryAfter", 0, INT_MAX,
                                                  "a whole number of seconds from 0 to " + std::to_string(INT_MAX)));
      f.error(static_cast<int>(status), std::string(*code), std::move(message), retry_after);
      return;
    }
    case fault_action::delay: f.delay(*ms(true)); return;
    case fault_action::hang: f.hang(ms(false)); return;
    case fault_action::reset: f.reset_connection(); return;
    case fault_action::close: f.close_connection(); return;
    case fault_action::truncate: {
      std::optional<std::size_t> bytes;
      if (auto* b = o->if_contains("bytes"))
        bytes = static_cast<std::size_t>(read_whole(*b, path + ".bytes", 0, std::numeric_limits<std::int64_t>::max(),
                                                    "a whole number of body bytes >= 0"));
      f.truncate(bytes);
      return;
    }
    case fault_action::malformed: f.malformed(); return;
    case fault_action::slow_body: f.slow_body(*ms(true)); return;
  }
}

std::chrono::milliseconds seconds_to_ms(double s) { return std::chrono::milliseconds(std::llround(s * 1000.0)); }

fault parse_rule(const json::value& rule, const std::string& path) {
  auto* o = rule.if_object();
  if (!o) fail(path, "a rule object such as {\"operation\": \"GetImage\", \"action\": {\"type\": \"reset\"}}");
  for (const auto& kv : *o) {
    if (std::find(std::begin(rule_keys), std::end(rule_keys), kv.key()) == std::end(rule_keys))
      fail(member_path(path, kv.key()), "no such key; a rule has " + std::string(rule_keys_text));
  }

  // operation
  const std::string op_path = path + ".operation";
  auto* op = o->if_contains("operation");
  std::vector<std::string> operations;
  if (op && op->if_string()) {
    check_operation(*op->if_string(), op_path, true);
    operations.emplace_back(*op->if_string());
  } else if (op && op->if_array()) {
    const auto& a = *op->if_array();
    if (a.empty()) fail(op_path, "a non-empty list of OCI operation names");
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto* s = a[i].if_string();
      if (!s) fail(index_path(op_path, i), "an OCI operation name (a string)");
      check_operation(*s, index_path(op_path, i), false);
      operations.emplace_back(*s);
    }
  } else {
    fail(op_path, "an OCI operation name, \"*\" or a list of names, such as \"GetImage\"");
  }
  fault f = fault::on(std::move(operations));

  if (auto* v = o->if_contains("id")) {
    auto* s = v->if_string();
    if (!s || s->empty()) fail(path + ".id", "a non-empty string");
    f.id(std::string(*s));
  }
  if (auto* v = o->if_contains("resource")) {
    auto* s = v->if_string();
    if (!s || !looks_like_ocid(*s)) fail(path + ".resource", "an OCID (ocid1.<type>.<realm>.[region].<unique>)");
    f.resource(std::string(*s));
  }
  if (auto* v = o->if_contains("header")) {
    auto* h = v->if_object();
    if (!h || h->size() != 1 || h->begin()->key().empty())
      fail(path + ".header", "an object with one header name and its value, such as {\"opc-retry-token\": \"t1\"}");
    auto* value = h->begin()->value().if_string();
    if (!value) fail(member_path(path + ".header", h->begin()->key()), "the header's value (a string)");
    f.header(std::string(h->begin()->key()), std::string(*value));
  }
  if (auto* v = o->if_contains("skip"))
    f.skip(read_whole(*v, path + ".skip", 0, std::numeric_limits<std::uint64_t>::max(), "a whole number >= 0"));
  if (auto* v = o->if_contains("times"))
    f.times(read_whole(*v, path + ".times", 1, std::numeric_limits<std::uint64_t>::max(), "a whole number >= 1"));
  if (auto* v = o->if_contains("probability")) {
    auto p = number(*v);
    if (!p || !(*p >= 0.0 && *p <= 1.0)) fail(path + ".probability", "a number from 0 to 1");
    f.probability(*p);
  }
  if (auto* v = o->if_contains("window")) {
    const std::string wpath = path + ".window";
    auto* w = v->if_object();
    if (!w) fail(wpath, "an object such as {\"fromSeconds\": 0, \"toSeconds\": 60}");
    refuse_unknown_keys(*w, wpath, {"fromSeconds", "toSeconds"}, "a window has fromSeconds and toSeconds");
    auto seconds = [&](std::string_view key, const std::string& expected) {
      auto* x = w->if_contains(key);
      auto s = x ? number(*x) : std::nullopt;
      if (!s || !(*s >= 0.0 && *s <= max_window_seconds)) fail(member_path(wpath, key), expected);
      return seconds_to_ms(*s);
    };
    auto from = seconds("fromSeconds", "a number of seconds from 0 to 1e12");
    auto to = seconds("toSeconds", "a number of seconds greater than fromSeconds, at most 1e12");
    check_window(from, to, path);
    f.window(from, to);
  }
  if (auto* v = o->if_contains("timing")) {
    auto* s = v->if_string();
    if (s && *s == "before")
      f.before();
    else if (s && *s == "afterCommit")
      f.after_commit();
    else
      fail(path + ".timing", "\"before\" or \"afterCommit\"");
  }
  auto* action = o->if_contains("action");
  if (!action) fail(path + ".action", "an action object such as {\"type\": \"error\", \"status\": 503, \"code\": \"ServiceUnavailable\"}");
  parse_action(*action, path, f);

  check_timing(f, path);
  // Everything above has been checked with its exact path; this is the same check a rule built in
  // C++ gets, so the two forms can never drift apart.
  detail::validate_rule(f, path);
  return f;
}

json::value parse_text(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) fail("$", "JSON text (" + ec.message() + ")");
  return v;
}

// ---------------------------------------------------------------- writing the canonical JSON

std::string number_text(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000);
  return number_text(static_cast<double>(ms.count()) / 1000.0);
}

class object_writer {
public:
  object_writer& raw(std::string_view key, const std::string& value) {
    out_ += first_ ? "{" : ",";
    first_ = false;
    out_ += json_quoted(key);
    out_ += ':';
    out_ += value;
    return *this;
  }
  object_writer& str(std::string_view key, std::string_view value) { return raw(key, json_quoted(value)); }
  std::string done() { return first_ ? "{}" : out_ + "}"; }

private:
  std::string out_;
  bool first_ = true;
};

}  // namespace

// ---------------------------------------------------------------- fault

fault fault::on(std::string operation) {
  fault f;
  f.operations_.push_back(std::move(operation));
  return f;
}

fault fault::on(std::vector<std::string> operations) {
  fault f;
  f.operations_ = std::move(operations);
  return f;
}

fault fault::from_json(std::string_view text) {
  auto v = parse_text(text);
  if (!v.is_object()) fail("$", "a rule object (several rules in an array go to fault_list::add_json)");
  return parse_rule(v, "$");
}

std::string fault::to_json() const {
  object_writer w;
  if (!id_.empty()) w.str("id", id_);
  if (operations_.size() == 1) {
    w.str("operation", operations_[0]);
  } else {
    std::string list = "[";
    for (std::size_t i = 0; i < operations_.size(); ++i) list += (i ? "," : "") + json_quoted(operations_[i]);
    w.raw("operation", list + "]");
  }
  if (!resource_.empty()) w.str("resource", resource_);
  if (!header_name_.empty()) w.raw("header", object_writer().str(header_name_, header_value_).done());
  if (skip_ != 0) w.raw("skip", std::to_string(skip_));
  if (times_) w.raw("times", std::to_string(*times_));
  if (probability_) w.raw("probability", number_text(*probability_));
  if (window_from_ && window_to_)
    w.raw("window", object_writer()
                        .raw("fromSeconds", seconds_text(*window_from_))
                        .raw("toSeconds", seconds_text(*window_to_))
                        .done());
  if (timing_) w.str("timing", to_string(*timing_));
  if (action_) {
    object_writer a;
    a.str("type", to_string(*action_));
    switch (*action_) {
      case fault_action::error:
        a.raw("status", std::to_string(status_)).str("code", code_);
        if (!message_.empty()) a.str("message", message_);
        if (retry_after_) a.raw("retryAfter", std::to_string(*retry_after_));
        break;
      case fault_action::delay:
      case fault_action::hang:
      case fault_action::slow_body:
        if (ms_) a.raw("ms", std::to_string(ms_->count()));
        break;
      case fault_action::truncate:
        if (bytes_) a.raw("bytes", std::to_string(*bytes_));
        break;
      case fault_action::reset:
      case fault_action::close:
      case fault_action::malformed:
        break;
    }
    w.raw("action", a.done());
  }
  return w.done();
}

// Each action replaces the previous one with all its parameters, so a rule never carries a
// stale `ms` or `status` into its JSON.
#define OCIFAKE_CLEAR_ACTION()                                                                                        \
  do {                                                                                                                 \
    status_ = 0;                                                                                                       \
    code_.clear();                                                                                                     \
    message_.clear();                                                                                                  \
    retry_after_.reset();                                                                                              \
    ms_.reset();                                                                                                       \
    bytes_.reset();                                                                                                    \
  } while (false)

fault& fault::error(int status, std::string code, std::string message, std::optional<int> retry_after_seconds) & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::error;
  status_ = status;
  code_ = std::move(code);
  message_ = std::move(message);
  retry_after_ = retry_after_seconds;
  return *this;
}

fault& fault::delay(std::chrono::milliseconds d) & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::delay;
  ms_ = d;
  return *this;
}

fault& fault::hang(std::optional<std::chrono::milliseconds> d) & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::hang;
  ms_ = d;
  return *this;
}

fault& fault::reset_connection() & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::reset;
  return *this;
}

fault& fault::close_connection() & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::close;
  return *this;
}

fault& fault::truncate(std::optional<std::size_t> body_bytes) & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::truncate;
  bytes_ = body_bytes;
  return *this;
}

fault& fault::malformed() & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::malformed;
  return *this;
}

fault& fault::slow_body(std::chrono::milliseconds d) & {
  OCIFAKE_CLEAR_ACTION();
  action_ = fault_action::slow_body;
  ms_ = d;
  return *this;
}

#undef OCIFAKE_CLEAR_ACTION

// ---------------------------------------------------------------- fault_list

std::string fault_list::add(const fault& rule) { return engine_->add(rule); }
std::vector<std::string> fault_list::add_json(std::string_view json) { return engine_->add_json(json); }
std::vector<fault_status> fault_list::list() const { return engine_->list(); }
bool fault_list::remove(const std::string& id) { return engine_->remove(id); }
void fault_list::clear() { engine_->clear(); }

// ---------------------------------------------------------------- names

std::string to_string(fault_action a) { return std::string(spec_of(a).name); }

std::string to_string(fault_timing t) { return t == fault_timing::before ? "before" : "afterCommit"; }

// ---------------------------------------------------------------- validation and parsing for the engine

namespace detail {

void validate_rule(const fault& r, const std::string& path) {
  const auto& ops = r.operations();
  if (ops.empty()) fail(path + ".operation", "an OCI operation name, \"*\" or a non-empty list of names");
  if (ops.size() == 1) {
    check_operation(ops[0], path + ".operation", true);
  } else {
    for (std::size_t i = 0; i < ops.size(); ++i) check_operation(ops[i], index_path(path + ".operation", i), false);
  }
  if (!r.resource_id().empty() && !looks_like_ocid(r.resource_id()))
    fail(path + ".resource", "an OCID (ocid1.<type>.<realm>.[region].<unique>)");
  if (r.header_name().empty() && !r.header_value().empty())
    fail(path + ".header", "an object with one header name and its value, such as {\"opc-retry-token\": \"t1\"}");
  if (r.times_count() && *r.times_count() == 0) fail(path + ".times", "a whole number >= 1");
  if (auto p = r.probability_value(); p && !(*p >= 0.0 && *p <= 1.0))
    fail(path + ".probability", "a number from 0 to 1");
  if (r.window_from() && r.window_to()) check_window(*r.window_from(), *r.window_to(), path);

  if (!r.action())
    fail(path + ".action", "an action: one of " + std::string(action_names_text));
  const std::string apath = path + ".action";
  switch (*r.action()) {
    case fault_action::error:
      if (r.status() < 400 || r.status() > 599) fail(apath + ".status", "an HTTP status from 400 to 599");
      if (r.code().empty())
        fail(apath + ".code", "an OCI error code such as \"ServiceUnavailable\" (a non-empty string)");
      if (r.retry_after() && *r.retry_after() < 0)
        fail(apath + ".retryAfter", "a whole number of seconds from 0 to " + std::to_string(INT_MAX));
      break;
    case fault_action::delay:
    case fault_action::slow_body:
      if (!r.duration()) fail(apath + ".ms", "a whole number of milliseconds from 0 to " + std::to_string(max_ms));
      check_ms(*r.duration(), path);
      break;
    case fault_action::hang:
      if (r.duration()) check_ms(*r.duration(), path);
      break;
    case fault_action::truncate:
      if (r.bytes() && *r.bytes() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail(apath + ".bytes", "a whole number of body bytes >= 0");
      break;
    case fault_action::reset:
    case fault_action::close:
    case fault_action::malformed:
      break;
  }
  check_timing(r, path);
}

std::vector<parsed_rule> parse_rules(std::string_view text) {
  auto v = parse_text(text);
  std::vector<parsed_rule> out;
  if (auto* a = v.if_array()) {
    out.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto path = index_path("$", i);
      out.push_back({parse_rule((*a)[i], path), path});
    }
    return out;
  }
  if (!v.is_object()) fail("$", "a rule object or an array of rule objects");
  out.push_back({parse_rule(v, "$"), "$"});
  return out;
}

}  // namespace detail

}  // namespace ocifake
