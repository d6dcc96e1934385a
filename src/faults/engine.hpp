#pragma once
// The fault rules of one server: validation, matching, triggers, counters. Transport-free: the
// http layer asks decide() once per OCI request and carries out the action itself.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ocifake/clock.hpp>
#include <ocifake/faults.hpp>

namespace ocifake::detail {

struct fault_request {
  std::string_view operation;  // OCI operation name ("GetImage"); never an admin call
  std::string_view resource;   // OCID in the path, or empty
  // Header lookup, case-insensitive; empty optional when absent.
  std::function<std::optional<std::string>(std::string_view)> header;
};

struct fault_decision {
  std::string rule_id;
  fault rule;  // a copy of the rule that fired
};

class fault_engine {
public:
  fault_engine(std::uint64_t seed, const ocifake::clock& clk);

  // Validates and appends; throws invalid_input naming the JSON path ($.operation, $.action.status ...).
  std::string add(const fault& rule);
  // One rule object or an array of them, all or none.
  std::vector<std::string> add_json(std::string_view json);
  std::vector<fault_status> list() const;
  bool remove(const std::string& id);
  void clear();

  // Tries the rules in order; the first that matches and triggers fires. Counts matches and
  // firings. Thread-safe.
  std::optional<fault_decision> decide(const fault_request& req);

private:
  struct rule_state;
  mutable std::mutex mutex_;
  std::uint64_t seed_;
  const ocifake::clock* clock_;
  std::vector<rule_state> rules_;
  std::uint64_t next_id_ = 1;
};

}  // namespace ocifake::detail
