#pragma once
/// \file explore.hpp
/// Fault-space exploration: run code against a fresh server once without faults, then once per
/// (request, fault) pair, and report which pairs made it fail.
///
///     auto result = ocifake::explore({.server = {.clock = ocifake::clock_mode::manual, .seed = 7}},
///                                    [](ocifake::server& fake) { upload_golden_image(fake.endpoint()); });
///     std::cout << result;  // one line per run; the journal of each failing run
///
/// docs/exploration.md explains the runs, the fault kinds and the report.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ocifake/journal.hpp>
#include <ocifake/options.hpp>
#include <ocifake/scenario.hpp>

namespace ocifake {

class server;

/// What exploration does to one request.
enum class fault_kind {
  reset,      ///< "reset": the connection is reset before the request is applied
  lost,       ///< "lost": the request is applied, then the connection is reset (operations that change state)
  error_500,  ///< "500": 500 InternalServerError, not applied
  error_503,  ///< "503": 503 ServiceUnavailable, not applied
  error_429,  ///< "429": 429 TooManyRequests, not applied
  error_409,  ///< "409": 409 IncorrectState, not applied
  timeout,    ///< "timeout": no answer for `explore_options::timeout`, then the connection is closed
  malformed,  ///< "malformed": 200 with a body that is not JSON, not applied
};

/// The kind's name: "reset", "lost", "500", "503", "429", "409", "timeout", "malformed".
std::string to_string(fault_kind k);
/// Reads a kind by its name; throws `usage_error` listing the names when there is no such kind.
fault_kind parse_fault_kind(std::string_view name);
/// reset, lost, 500, 429, 409: what `explore_options::faults` holds unless told otherwise.
std::vector<fault_kind> default_fault_kinds();
/// Every kind, in the order of the enumeration.
std::vector<fault_kind> all_fault_kinds();

/// How `explore` runs.
struct explore_options {
  /// Every run's server is started with these (dialect, clock, seed ...). Without a seed, one is
  /// drawn once and every run uses it, so that all runs see the same OCIDs.
  server_options server{};
  /// Applied, in order, to every run's server as its start-up state (`add_startup_scenario`).
  std::vector<scenario> scenarios{};
  /// The fault kinds tried on each request.
  std::vector<fault_kind> faults = default_fault_kinds();
  /// 1: one fault per run. 2: also every second fault after the first one, on the requests of
  /// that run's own journal (retries included).
  int depth = 1;
  /// Runs at once, each on a server of its own; the body must then be safe to call concurrently.
  /// The verdicts do not depend on it.
  std::size_t jobs = 1;
  /// Most runs besides the reference run; the runs left out are counted in `explore_result::cut`.
  std::size_t max_runs = 1000;
  /// How long a `timeout` fault keeps a request unanswered before closing its connection.
  std::chrono::milliseconds timeout{1000};
};

/// A request of the reference run, a target for faults.
struct explore_request {
  /// Its `seq` in the reference run's journal.
  std::uint64_t seq = 0;
  std::string operation;
  /// The OCID its path names; empty when it names none.
  std::string resource;
};

/// One fault of a run: which request it hit and how.
struct explored_fault {
  /// The `seq` of the request in the journal it was chosen from: the reference run's for the
  /// first fault, the first fault's run for the second.
  std::uint64_t request = 0;
  std::string operation;
  /// The request is the nth of its operation in that journal (1 for the first).
  std::uint64_t nth = 1;
  fault_kind kind = fault_kind::reset;
};

/// One run: a fresh server, its faults armed, the body called once.
struct explore_run {
  /// Empty for the reference run; one or two faults otherwise.
  std::vector<explored_fault> faults;
  bool passed = false;
  /// Why the run failed: the body's exception's `what()` (or the last lines a command printed).
  std::string message;
  /// A command's exit status, when the run was a process; empty for a C++ body.
  std::optional<int> exit_code;
  /// Every request the run's server saw.
  std::vector<journal_entry> journal;
};

/// A (request, fault) pair that was not run, and why (`lost` on an operation that changes nothing).
struct explore_skip {
  std::vector<explored_fault> faults;
  std::string reason;
};

/// What `explore` found. Runs are ordered by their faults (request, then kind in the order of
/// `explore_options::faults`), whatever `jobs` was.
struct explore_result {
  /// The run without faults. When it failed, nothing else was run.
  explore_run reference;
  /// The OCI requests of the reference run (admin calls are not targets).
  std::vector<explore_request> requests;
  std::vector<explore_run> runs;
  std::vector<explore_skip> skipped;
  /// Runs planned but left out by `max_runs`; `cut_runs` lists their faults.
  std::size_t cut = 0;
  std::vector<std::vector<explored_fault>> cut_runs;

  /// The reference run passed and so did every run.
  bool ok() const;
  std::size_t passed() const;
  std::size_t failed() const;
  /// The runs that failed, in order.
  std::vector<const explore_run*> failures() const;
  /// A table, one line per run and skipped pair, then the journal of each failing run.
  std::string to_string() const;
  /// The report as JSON: `{"reference": {"requests": [...]}, "runs": [...], "summary": {...}}`
  /// (docs/exploration.md).
  std::string to_json() const;
  /// The report as one self-contained HTML page (inline style, no script, nothing fetched): the
  /// summary, a matrix of the reference run's requests by fault kind, and each failing run with
  /// its faults, its message and its journal drawn as an SVG sequence diagram (docs/exploration.md).
  std::string to_html() const;
};

/// Writes `result.to_string()`.
std::ostream& operator<<(std::ostream& os, const explore_result& result);
/// "#3 CreateImage lost" (and " + #5 GetImage 500" for a second fault).
std::string to_string(const std::vector<explored_fault>& faults);

/// One run for a person: `#1 CreateImage lost: FAILED: <message>` (or `passed`), then its journal,
/// one indented line per request. What the Catch2 and GoogleTest helpers report for a failing run.
std::string to_string(const explore_run& run);

/// Code under exploration: points a client at `fake.endpoint()` and throws (any exception) when
/// something came out wrong.
using explore_body = std::function<void(server& fake)>;

/// Runs `body` once without faults, then once per (request, fault kind) pair, each on a fresh
/// server with that one fault armed (and, with `depth` 2, each second fault after it). Throws
/// `usage_error` for options out of range; a server that cannot start throws as `server` does.
explore_result explore(const explore_options& options, const explore_body& body);

}  // namespace ocifake
