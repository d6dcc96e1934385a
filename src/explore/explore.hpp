#pragma once
// Exploration's core, apart from how a run is judged: ocifake::explore judges a C++ body by
// whether it throws; a command-line front end can judge a process by its exit status, and an HTML
// report can be written from the same result and JSON.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include <ocifake/explore.hpp>
#include <ocifake/faults.hpp>

namespace ocifake::detail {

// How one run came out.
struct run_verdict {
  bool passed = false;
  std::string output;            // the failure message, or what a command printed last
  std::optional<int> exit_code;  // a command's exit status
};

// Gets a server with the run's faults armed and judges the code under exploration against it.
// Called from `jobs` threads at once; an exception it lets out fails the run with its what().
using run_judge = std::function<run_verdict(server& fake)>;

// The rule that arms `f` ("explore-1", "explore-2": `index` is its place in the run).
fault rule_for(const explored_fault& f, std::size_t index, const explore_options& options);

// One run: a fresh server with the options' scenarios and these faults, judged, then stopped.
explore_run run_one(const explore_options& options, const std::vector<explored_fault>& faults, const run_judge& judge);

// The whole exploration: the reference run, the plan of runs, `jobs` of them at a time.
explore_result explore_with(const explore_options& options, const run_judge& judge);

// The report JSON (docs/exploration.md), for writers that add to it.
boost::json::object report_json(const explore_result& result);

}  // namespace ocifake::detail
