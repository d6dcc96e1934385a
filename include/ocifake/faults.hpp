#pragma once
/// \file faults.hpp
/// Scripted misbehaviour. A rule is match + trigger + action + timing:
/// `fake.faults().add(ocifake::fault::on("GetImage").times(2).error(409, "IncorrectState"));`

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocifake {

namespace detail {
class fault_engine;
struct core;
}  // namespace detail

/// When a fault acts, relative to applying the request.
enum class fault_timing {
  before,        ///< the request is not applied
  after_commit,  ///< the request is applied, then the action replaces the answer: the client never hears
};

/// What a fault does.
enum class fault_action {
  error,      ///< an OCI error answer: status, code, message, optional retry-after
  delay,      ///< wait (real time), then answer normally
  hang,       ///< no answer until `ms` passes, the client goes away, or the server stops
  reset,      ///< TCP reset, no answer
  close,      ///< connection closed (FIN) with no bytes
  truncate,   ///< headers and part of the body, then close
  malformed,  ///< 200 with a body that is not JSON
  slow_body,  ///< the answer's body dribbled out over `ms`
};

/// One rule, built fluently. Every field mirrors the rule JSON of docs/faults.md.
class fault {
public:
  /// Matches one OCI operation by name ("CreateImage"), or "*" for all of them.
  static fault on(std::string operation);
  /// Matches any of several operations.
  static fault on(std::vector<std::string> operations);
  /// Parses one rule from its JSON form; throws `invalid_input` naming the JSON path of a mistake.
  static fault from_json(std::string_view json);
  /// The rule's JSON form (what `from_json` reads back).
  std::string to_json() const;

  // match
  fault& resource(std::string ocid) & {
    resource_ = std::move(ocid);
    return *this;
  }
  fault& header(std::string name, std::string value) & {
    header_name_ = std::move(name);
    header_value_ = std::move(value);
    return *this;
  }
  // trigger
  fault& skip(std::uint64_t n) & {
    skip_ = n;
    return *this;
  }
  fault& times(std::uint64_t n) & {
    times_ = n;
    return *this;
  }
  fault& probability(double p) & {
    probability_ = p;
    return *this;
  }
  /// Active only from `from` to `to` on the server clock, measured from when the rule was added.
  fault& window(std::chrono::milliseconds from, std::chrono::milliseconds to) & {
    window_from_ = from;
    window_to_ = to;
    return *this;
  }
  /// Names the rule; its random stream is seeded from the server seed and this id.
  fault& id(std::string id) & {
    id_ = std::move(id);
    return *this;
  }
  // timing
  fault& before() & {
    timing_ = fault_timing::before;
    return *this;
  }
  fault& after_commit() & {
    timing_ = fault_timing::after_commit;
    return *this;
  }
  // actions
  fault& error(int status, std::string code, std::string message = {}, std::optional<int> retry_after_seconds = {}) &;
  fault& delay(std::chrono::milliseconds d) &;
  fault& hang(std::optional<std::chrono::milliseconds> d = {}) &;
  fault& reset_connection() &;
  fault& close_connection() &;
  fault& truncate(std::optional<std::size_t> body_bytes = {}) &;
  fault& malformed() &;
  fault& slow_body(std::chrono::milliseconds d) &;

  // rvalue overloads so a chain can start on the temporary `fault::on(...)` returns
  fault&& resource(std::string ocid) && { return std::move(resource(std::move(ocid))); }
  fault&& header(std::string n, std::string v) && { return std::move(header(std::move(n), std::move(v))); }
  fault&& skip(std::uint64_t n) && { return std::move(skip(n)); }
  fault&& times(std::uint64_t n) && { return std::move(times(n)); }
  fault&& probability(double p) && { return std::move(probability(p)); }
  fault&& window(std::chrono::milliseconds f, std::chrono::milliseconds t) && { return std::move(window(f, t)); }
  fault&& id(std::string i) && { return std::move(id(std::move(i))); }
  fault&& before() && { return std::move(before()); }
  fault&& after_commit() && { return std::move(after_commit()); }
  fault&& error(int s, std::string c, std::string m = {}, std::optional<int> r = {}) && {
    return std::move(error(s, std::move(c), std::move(m), r));
  }
  fault&& delay(std::chrono::milliseconds d) && { return std::move(delay(d)); }
  fault&& hang(std::optional<std::chrono::milliseconds> d = {}) && { return std::move(hang(d)); }
  fault&& reset_connection() && { return std::move(reset_connection()); }
  fault&& close_connection() && { return std::move(close_connection()); }
  fault&& truncate(std::optional<std::size_t> b = {}) && { return std::move(truncate(b)); }
  fault&& malformed() && { return std::move(malformed()); }
  fault&& slow_body(std::chrono::milliseconds d) && { return std::move(slow_body(d)); }

  // read access
  const std::vector<std::string>& operations() const noexcept { return operations_; }
  const std::string& resource_id() const noexcept { return resource_; }
  const std::string& header_name() const noexcept { return header_name_; }
  const std::string& header_value() const noexcept { return header_value_; }
  std::uint64_t skip_count() const noexcept { return skip_; }
  std::optional<std::uint64_t> times_count() const noexcept { return times_; }
  std::optional<double> probability_value() const noexcept { return probability_; }
  std::optional<std::chrono::milliseconds> window_from() const noexcept { return window_from_; }
  std::optional<std::chrono::milliseconds> window_to() const noexcept { return window_to_; }
  const std::string& rule_id() const noexcept { return id_; }
  std::optional<fault_timing> timing() const noexcept { return timing_; }
  std::optional<fault_action> action() const noexcept { return action_; }
  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  std::optional<int> retry_after() const noexcept { return retry_after_; }
  std::optional<std::chrono::milliseconds> duration() const noexcept { return ms_; }
  std::optional<std::size_t> bytes() const noexcept { return bytes_; }

private:
  std::vector<std::string> operations_;
  std::string resource_;
  std::string header_name_;
  std::string header_value_;
  std::uint64_t skip_ = 0;
  std::optional<std::uint64_t> times_;
  std::optional<double> probability_;
  std::optional<std::chrono::milliseconds> window_from_;
  std::optional<std::chrono::milliseconds> window_to_;
  std::string id_;
  std::optional<fault_timing> timing_;
  std::optional<fault_action> action_;
  int status_ = 0;
  std::string code_;
  std::string message_;
  std::optional<int> retry_after_;
  std::optional<std::chrono::milliseconds> ms_;
  std::optional<std::size_t> bytes_;
};

/// A rule as the server holds it, with its counters.
struct fault_status {
  std::string id;
  fault rule;
  std::uint64_t matched = 0;
  std::uint64_t fired = 0;
};

/// The rules of one server; obtain with `server::faults()`. Thread-safe.
class fault_list {
public:
  /// Adds a rule at the end and returns its id. Throws `invalid_input` for an unknown operation,
  /// a missing or unknown action, or an out-of-range value.
  std::string add(const fault& rule);
  /// Adds one rule (a JSON object) or several (an array), all or none; returns their ids.
  std::vector<std::string> add_json(std::string_view json);
  /// The rules in order, with their counters.
  std::vector<fault_status> list() const;
  /// Removes one rule; false when there is none with that id.
  bool remove(const std::string& id);
  /// Removes every rule.
  void clear();

private:
  friend struct detail::core;  // each server has one
  explicit fault_list(detail::fault_engine& e) : engine_(&e) {}
  detail::fault_engine* engine_;
};

/// The OCI operation names the fake serves (the names fault rules match).
const std::vector<std::string>& operation_names();

}  // namespace ocifake
