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
  /// The `code` of an error answer ("IncorrectState"); empty for a success or when no answer was sent.
  std::string error_code;
  std::string request_id;
  std::string retry_token;
  /// The answer was the replay of an earlier request with the same retry token.
  bool replayed = false;
  std::optional<fired_fault> fault;
  /// What the request changed ("image ocid1.image... created (PROVISIONING)").
  std::vector<std::string> changes;
};

/// How `to_string` writes journal lines.
struct text_options {
  /// OCIDs in full. By default each is shortened to its type and last four characters
  /// (`ocid1.image…x7gq`), which keeps a line readable and still tells the resources apart.
  bool full_ocids = false;
};

/// One readable line:
/// `#3 12:00:01.250 GET /20160918/images/ocid1.image…x7gq GetImage -> 409 IncorrectState [fault r1 error before]`.
std::string to_string(const journal_entry& e, text_options options = {});
/// Writes `to_string(e)`: OCIDs shortened.
std::ostream& operator<<(std::ostream& os, const journal_entry& e);
/// The entry as one line of JSON, as `GET /_ocifake/journal` lists it: `{"seq", "time", "operation",
/// "method", "path", "status", "requestId", "retryToken", "replayed", "fault", "changes"}`.
std::string to_json(const journal_entry& e);
/// Every entry, one line each.
std::string to_string(const std::vector<journal_entry>& entries, text_options options = {});

/// What `to_mermaid` draws.
struct mermaid_options {
  /// Admin calls (`/_ocifake/`, operation "Admin") too. By default the diagram shows the calls a
  /// client made to the OCI API only: `to_mermaid(fake.journal(), {.admin = true})` draws all.
  bool admin = false;
};

/// The entries as a Mermaid sequence diagram (client and fake as lifelines, faults marked, an
/// error answer drawn with its status and code: `409 IncorrectState`).
std::string to_mermaid(const std::vector<journal_entry>& entries, mermaid_options options = {});
/// Names as they appear in JSON: "reset", "afterCommit", ...
std::string to_string(fault_action a);
std::string to_string(fault_timing t);

}  // namespace ocifake
