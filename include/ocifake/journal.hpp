#pragma once
/// \file journal.hpp
/// What the server saw: one entry per request, in arrival order.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <ocifake/faults.hpp>

namespace ocifake {

/// The fault that acted on a request.
struct fired_fault {
  std::string rule_id;
  fault_action action;
  fault_timing timing;
};

/// One request as the server handled it.
struct journal_entry {
  std::uint64_t seq = 0;
  /// Arrival time on the server clock.
  std::chrono::system_clock::time_point time;
  /// The OCI operation name ("CreateImage"), "Admin" for `/_ocifake/`, or "Unknown".
  std::string operation;
  std::string method;
  std::string path;
  /// The status sent; 0 when no answer was sent (reset, close, hang).
  int status = 0;
  std::string request_id;
  std::string retry_token;
  /// The answer was the replay of an earlier request with the same retry token.
  bool replayed = false;
  std::optional<fired_fault> fault;
  /// What the request changed ("image ocid1.image... created (PROVISIONING)").
  std::vector<std::string> changes;
};

/// One readable line: `#3 12:00:01.250 POST /20160918/images CreateImage -> 200 [fault r1 reset afterCommit]`.
std::string to_string(const journal_entry& e);
std::ostream& operator<<(std::ostream& os, const journal_entry& e);
/// The entry as one line of JSON, as `GET /_ocifake/journal` lists it: `{"seq", "time", "operation",
/// "method", "path", "status", "requestId", "retryToken", "replayed", "fault", "changes"}`.
std::string to_json(const journal_entry& e);
/// Every entry, one line each.
std::string to_string(const std::vector<journal_entry>& entries);
/// The entries as a Mermaid sequence diagram (client and fake as lifelines, faults marked).
std::string to_mermaid(const std::vector<journal_entry>& entries);
/// Names as they appear in JSON: "reset", "afterCommit", ...
std::string to_string(fault_action a);
std::string to_string(fault_timing t);

}  // namespace ocifake
