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
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <ocifake/error.hpp>
#include <ocifake/faults.hpp>
#include <ocifake/journal.hpp>

#include "faults/engine.hpp"
#include "model/json_reader.hpp"
#include "model/suggest.hpp"

namespace ocifake {

namespace {

namespace json = boost::json;
using detail::input_error;
using detail::object_reader;

// The longest delay, hang or dribble a rule may ask for. Longer is certainly a mistake in a test,
// and bounding it keeps deadline arithmetic on the steady clock far from overflow.
constexpr std::int64_t max_ms = 86'400'000;
// Window bounds, in seconds: large enough for "for the rest of the test", small enough that the
// bounds in milliseconds fit an int64.
constexpr double max_window_seconds = 1e12;

const std::string rule_source = "<rule>";

// operation_names() as views, for "did you mean".
const std::vector<std::string_view>& operation_views() {
  static const std::vector<std::string_view> views(operation_names().begin(), operation_names().end());
  return views;
}

bool known_operation(std::string_view name) {
  const auto& names = operation_views();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `alone`: the operation is the whole match, so "*" is allowed; inside a list it is not.
std::string operation_expected(bool alone) {
  return alone ? "an OCI operation name or \"*\"" : "an OCI operation name (\"*\" stands alone, not in a list)";
}

std::string operation_list_text() { return "the names are " + detail::join(operation_views()); }

// ocid1.<type>.<realm>.[region].<unique>: enough to catch a rule that could never match.
bool looks_like_ocid(std::string_view s) {
  return s.starts_with("ocid1.") && std::count(s.begin(), s.end(), '.') >= 4 && s.back() != '.';
}

struct action_spec {
  fault_action action;
  std::string_view name;                         // in the rule JSON
  std::string_view call;                         // the builder's member function
  std::initializer_list<std::string_view> keys;  // of its JSON object, "type" first
};

const action_spec action_specs[] = {
    {fault_action::error, "error", "error", {"type", "status", "code", "message", "retryAfter"}},
    {fault_action::delay, "delay", "delay", {"type", "ms"}},
    {fault_action::hang, "hang", "hang", {"type", "ms"}},
    {fault_action::reset, "reset", "reset_connection", {"type"}},
    {fault_action::close, "close", "close_connection", {"type"}},
    {fault_action::truncate, "truncate", "truncate", {"type", "bytes"}},
    {fault_action::malformed, "malformed", "malformed", {"type"}},
    {fault_action::slow_body, "slowBody", "slow_body", {"type", "ms"}},
};

constexpr std::string_view action_names[] = {"error", "delay",    "hang",      "reset",
                                             "close", "truncate", "malformed", "slowBody"};

const action_spec& spec_of(fault_action a) {
  for (const auto& s : action_specs)
    if (s.action == a) return s;
  return action_specs[0];
}

bool acts_on_answer(fault_action a) { return a == fault_action::truncate || a == fault_action::slow_body; }

constexpr std::string_view rule_keys[] = {"id",    "operation",   "resource", "header", "skip",
                                          "times", "probability", "window",   "timing", "action"};
constexpr std::string_view timings[] = {"before", "afterCommit"};

std::string json_quoted(std::string_view s) { return json::serialize(json::string(s)); }

std::string ms_expected() { return "a whole number of milliseconds from 0 to " + std::to_string(max_ms); }

std::chrono::milliseconds seconds_to_ms(double s) { return std::chrono::milliseconds(std::llround(s * 1000.0)); }

// ---------------------------------------------------------------- reading the rule JSON

void read_operation(const object_reader& o, fault& f) {
  const std::string path = o.path_of("operation");
  auto* v = o.value("operation");
  auto refuse_name = [&](const json::value& name, const std::string& at, bool alone) {
    auto* s = name.if_string();
    throw input_error{input_error::kind::invalid,
                      at,
                      operation_expected(alone),
                      detail::abbreviate(name),
                      s ? std::string(detail::closest(*s, operation_views())) : "",
                      operation_list_text()};
  };
  std::vector<std::string> operations;
  if (auto* s = v ? v->if_string() : nullptr) {
    if (!known_operation(*s) && *s != "*") refuse_name(*v, path, true);
    operations.emplace_back(*s);
  } else if (auto* a = v ? v->if_array() : nullptr) {
    if (a->empty()) o.fail("operation", "a non-empty list of OCI operation names");
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto* s = (*a)[i].if_string();
      if (!s || !known_operation(*s)) refuse_name((*a)[i], detail::index_path(path, i), false);
      operations.emplace_back(*s);
    }
  } else if (!v) {
    throw input_error{input_error::kind::missing, path, "an OCI operation name, \"*\" or a list of names (required)"};
  } else {
    o.fail("operation", "an OCI operation name, \"*\" or a list of names, such as \"GetImage\"");
  }
  f = fault::on(std::move(operations));
}

// id, resource, header
void read_match(const object_reader& o, fault& f) {
  if (o.has("id")) {
    auto* s = o.value("id")->if_string();
    if (!s || s->empty()) o.fail("id", "a non-empty string");
    f.id(std::string(*s));
  }
  if (o.has("resource")) {
    auto* s = o.value("resource")->if_string();
    if (!s || !looks_like_ocid(*s)) o.fail("resource", "an OCID (ocid1.<type>.<realm>.[region].<unique>)");
    f.resource(std::string(*s));
  }
  if (o.has("header")) {
    auto* h = o.value("header")->if_object();
    if (!h || h->size() != 1 || h->begin()->key().empty())
      o.fail("header", "an object with one header name and its value, such as {\"opc-retry-token\": \"t1\"}");
    auto* value = h->begin()->value().if_string();
    if (!value)
      detail::refuse(detail::member_path(o.path_of("header"), h->begin()->key()), "the header's value (a string)",
                     &h->begin()->value());
    f.header(std::string(h->begin()->key()), std::string(*value));
  }
}

// skip, times, probability, window
void read_trigger(const object_reader& o, fault& f) {
  constexpr auto most = std::numeric_limits<std::uint64_t>::max();
  if (auto n = o.whole("skip", 0, most, "a whole number >= 0")) f.skip(*n);
  if (auto n = o.whole("times", 1, most, "a whole number >= 1")) f.times(*n);
  if (auto p = o.number("probability", 0.0, 1.0, false, "a number from 0 to 1")) f.probability(*p);
  if (!o.has("window")) return;
  object_reader w(*o.value("window"), o.path_of("window"), {"fromSeconds", "toSeconds"},
                  "an object such as {\"fromSeconds\": 0, \"toSeconds\": 60}");
  w.strict_null();
  const std::string to_expected = "a number of seconds greater than fromSeconds, at most 1e12";
  auto from =
      seconds_to_ms(*w.number("fromSeconds", 0, max_window_seconds, true, "a number of seconds from 0 to 1e12"));
  auto to = seconds_to_ms(*w.number("toSeconds", 0, max_window_seconds, true, to_expected));
  if (to <= from) w.fail("toSeconds", to_expected);
  f.window(from, to);
}

void read_timing(const object_reader& o, fault& f) {
  auto t = o.enumeration("timing", timings);
  if (t == "before") f.before();
  if (t == "afterCommit") f.after_commit();
}

std::optional<std::chrono::milliseconds> read_ms(const object_reader& a, bool required) {
  auto n = a.whole("ms", 0, static_cast<std::uint64_t>(max_ms), ms_expected(), required);
  if (!n) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(*n));
}

void read_error_action(const object_reader& a, fault& f) {
  auto status = *a.whole("status", 400, 599, "an HTTP status from 400 to 599", true);
  const std::string code_expected = "an OCI error code such as \"ServiceUnavailable\" (a non-empty string)";
  auto* c = a.value("code");
  if (!c) throw input_error{input_error::kind::missing, a.path_of("code"), code_expected + " (required)"};
  auto* code = c->if_string();
  if (!code || code->empty()) a.fail("code", code_expected);
  std::string message;
  if (a.has("message")) {
    auto* text = a.value("message")->if_string();
    if (!text) a.fail("message", "a string");
    message = std::string(*text);
  }
  auto retry_after =
      a.whole("retryAfter", 0, INT_MAX, "a whole number of seconds from 0 to " + std::to_string(INT_MAX));
  f.error(static_cast<int>(status), std::string(*code), std::move(message),
          retry_after ? std::optional<int>(static_cast<int>(*retry_after)) : std::nullopt);
}

void read_action(const object_reader& rule, fault& f) {
  const std::string example =
      "an action object such as {\"type\": \"error\", \"status\": 503, \"code\": \"ServiceUnavailable\"}";
  if (!rule.has("action"))
    throw input_error{input_error::kind::missing, rule.path_of("action"), example + " (required)"};
  object_reader o(*rule.value("action"), rule.path_of("action"), example);
  o.strict_null();
  auto type = *o.enumeration("type", action_names, true);
  const action_spec* spec = &action_specs[0];
  for (const auto& s : action_specs)
    if (s.name == type) spec = &s;
  object_reader a(*rule.value("action"), rule.path_of("action"), spec->keys);
  a.strict_null();
  switch (spec->action) {
    case fault_action::error: read_error_action(a, f); return;
    case fault_action::delay: f.delay(*read_ms(a, true)); return;
    case fault_action::hang: f.hang(read_ms(a, false)); return;
    case fault_action::reset: f.reset_connection(); return;
    case fault_action::close: f.close_connection(); return;
    case fault_action::truncate: {
      auto bytes = a.whole("bytes", 0, std::numeric_limits<std::int64_t>::max(), "a whole number of body bytes >= 0");
      f.truncate(bytes ? std::optional<std::size_t>(static_cast<std::size_t>(*bytes)) : std::nullopt);
      return;
    }
    case fault_action::malformed: f.malformed(); return;
    case fault_action::slow_body: f.slow_body(*read_ms(a, true)); return;
  }
}

fault read_rule_object(const json::value& rule, const std::string& path) {
  object_reader o(rule, path, rule_keys,
                  "a rule object such as {\"operation\": \"GetImage\", \"action\": {\"type\": \"reset\"}}");
  o.strict_null();
  fault f;
  read_operation(o, f);
  read_match(o, f);
  read_trigger(o, f);
  read_timing(o, f);
  read_action(o, f);
  if (acts_on_answer(*f.action()) && f.timing() == fault_timing::before)
    o.fail("timing", "\"afterCommit\" or no timing: " + std::string(spec_of(*f.action()).name) +
                         " acts on the real answer, so it always acts after the commit");
  return f;
}

// Rule JSON is written by hand: a key given twice is a mistake, not "the last one wins".
json::value parse_text(std::string_view text) { return detail::parse_json(text); }

// ---------------------------------------------------------------- checking a rule built in C++

// A rule's parts as the builder calls that set them: `.times(0)`, `.slow_body(90000000ms)`.
std::string on_call(const fault& r) {
  const auto& ops = r.operations();
  if (ops.size() == 1) return "fault::on(" + json_quoted(ops[0]) + ")";
  std::string list;
  for (const auto& op : ops) list += (list.empty() ? "" : ", ") + json_quoted(op);
  return "fault::on({" + list + "})";
}

std::string ms_call(const fault& r) {
  auto ms = r.duration() ? std::to_string(r.duration()->count()) + "ms" : std::string();
  return "." + std::string(spec_of(*r.action()).call) + "(" + ms + ")";
}

std::string error_call(const fault& r) {
  std::string s = ".error(" + std::to_string(r.status()) + ", " + json_quoted(r.code());
  if (!r.message().empty() || r.retry_after()) s += ", " + json_quoted(r.message());
  if (r.retry_after()) s += ", " + std::to_string(*r.retry_after());
  return s + ")";
}

std::string window_call(const fault& r) {
  return ".window(" + std::to_string(r.window_from()->count()) + "ms, " + std::to_string(r.window_to()->count()) +
         "ms)";
}

// Refusals of a built rule: the source is its fault::on(...) call, the path the call at fault.
[[noreturn]] void refuse_call(const fault& r, std::string call, std::string expected) {
  throw invalid_input(on_call(r), std::move(call), std::move(expected));
}

void check_operations(const fault& r) {
  const auto& ops = r.operations();
  if (ops.empty()) refuse_call(r, "fault::on()", "an OCI operation name, \"*\" or a non-empty list of names");
  for (const auto& op : ops) {
    if (known_operation(op) || (op == "*" && ops.size() == 1)) continue;
    auto near = detail::closest(op, operation_views());
    refuse_call(r, "fault::on()",
                operation_expected(ops.size() == 1) + "; got " + json_quoted(op) +
                    (near.empty() ? "" : " (did you mean \"" + std::string(near) + "\"?)") + "; " +
                    operation_list_text());
  }
}

void check_match_and_trigger(const fault& r) {
  if (!r.resource_id().empty() && !looks_like_ocid(r.resource_id()))
    refuse_call(r, ".resource(" + json_quoted(r.resource_id()) + ")",
                "an OCID (ocid1.<type>.<realm>.[region].<unique>)");
  if (r.header_name().empty() && !r.header_value().empty())
    refuse_call(r, ".header(\"\", " + json_quoted(r.header_value()) + ")", "a header name (not empty)");
  if (r.times_count() && *r.times_count() == 0) refuse_call(r, ".times(0)", "a count of at least 1");
  if (auto p = r.probability_value(); p && !(*p >= 0.0 && *p <= 1.0))
    refuse_call(r, ".probability(" + (std::isnan(*p) ? std::string("NaN") : (std::ostringstream() << *p).str()) + ")",
                "a probability from 0 to 1");
  if (r.window_from() && r.window_to()) {
    constexpr auto max = static_cast<std::int64_t>(max_window_seconds) * 1000;
    auto from = r.window_from()->count(), to = r.window_to()->count();
    if (from < 0 || from > max) refuse_call(r, window_call(r), "a start from 0 to 1e12 seconds");
    if (to <= from || to > max) refuse_call(r, window_call(r), "an end later than the start, at most 1e12 seconds");
  }
}

void check_action(const fault& r) {
  if (!r.action())
    refuse_call(r, "(no action)",
                "an action call ending the rule, such as .error(503, \"ServiceUnavailable\") or "
                ".reset_connection()");
  switch (*r.action()) {
    case fault_action::error:
      if (r.status() < 400 || r.status() > 599) refuse_call(r, error_call(r), "an HTTP status from 400 to 599");
      if (r.code().empty()) refuse_call(r, error_call(r), "an OCI error code such as \"ServiceUnavailable\"");
      if (r.retry_after() && *r.retry_after() < 0) refuse_call(r, error_call(r), "a retry-after of 0 seconds or more");
      break;
    case fault_action::delay:
    case fault_action::slow_body:
    case fault_action::hang:
      if (r.duration() && (r.duration()->count() < 0 || r.duration()->count() > max_ms))
        refuse_call(r, ms_call(r), "a duration from 0 to " + std::to_string(max_ms) + "ms (24 hours)");
      break;
    case fault_action::truncate:
      if (r.bytes() && *r.bytes() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        refuse_call(r, ".truncate(" + std::to_string(*r.bytes()) + ")", "a byte count that fits an int64");
      break;
    case fault_action::reset:
    case fault_action::close:
    case fault_action::malformed: break;
  }
  if (acts_on_answer(*r.action()) && r.timing() == fault_timing::before)
    refuse_call(r, ".before()",
                ".after_commit() or no timing call: ." + std::string(spec_of(*r.action()).call) +
                    "() acts on the real answer, so it always acts after the commit");
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
  return detail::read_input(rule_source, [&] {
    auto v = parse_text(text);
    if (!v.is_object()) detail::refuse("$", "a rule object (several rules in an array go to fault_list::add_json)", &v);
    return read_rule_object(v, "$");
  });
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
      case fault_action::malformed: break;
    }
    w.raw("action", a.done());
  }
  return w.done();
}

// Each action replaces the previous one with all its parameters, so a rule never carries a
// stale `ms` or `status` into its JSON.
#define OCIFAKE_CLEAR_ACTION()                                                                                         \
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

void validate_rule(const fault& r) {
  check_operations(r);
  check_match_and_trigger(r);
  check_action(r);
}

std::string builder_source(const fault& r) { return on_call(r); }

fault read_rule(const json::value& v, const std::string& path) { return read_rule_object(v, path); }

std::vector<parsed_rule> parse_rules(std::string_view text) {
  return read_input(rule_source, [&] {
    auto v = parse_text(text);
    std::vector<parsed_rule> out;
    if (auto* a = v.if_array()) {
      out.reserve(a->size());
      for (std::size_t i = 0; i < a->size(); ++i) {
        auto path = index_path("$", i);
        out.push_back({read_rule_object((*a)[i], path), path});
      }
      return out;
    }
    if (!v.is_object()) refuse("$", "a rule object or an array of rule objects", &v);
    out.push_back({read_rule_object(v, "$"), "$"});
    return out;
  });
}

}  // namespace detail

}  // namespace ocifake
