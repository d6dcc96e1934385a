// Exploration's plan: the reference run, the (request, fault kind) pairs it yields, the second
// faults of depth 2, the budget, and `jobs` runs at a time, each on a server of its own.
#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include <ocifake/error.hpp>
#include <ocifake/server.hpp>

#include "api/registry.hpp"
#include "explore/explore.hpp"

namespace ocifake {

namespace {

using plan = std::vector<explored_fault>;

// An OCI request of a journal that a fault can be armed on, with its place among the requests of
// its operation (what a rule's skip counts).
struct target {
  explored_fault fault;
  std::string resource;
  bool changes_state = false;
};

std::string resource_of(const std::string& path) {
  std::size_t at = path.find("/ocid1.");
  if (at == std::string::npos) return {};
  auto end = path.find_first_of("/?", at + 1);
  return path.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

// The OCI requests of `journal` that came after `after` (a seq), each the nth of its operation.
std::vector<target> targets(const std::vector<journal_entry>& journal, std::uint64_t after) {
  std::map<std::string, std::uint64_t, std::less<>> seen;
  std::vector<target> out;
  for (const auto& e : journal) {
    const auto* op = detail::find_operation(e.operation);
    if (!op) continue;  // an admin call, or a path no operation serves
    auto nth = ++seen[e.operation];
    if (e.seq <= after) continue;
    out.push_back({{e.seq, e.operation, nth, fault_kind::reset}, resource_of(e.path), op->changes_state});
  }
  return out;
}

// Every kind on every target, in that order; the pairs that make no sense go to `skipped`.
void plan_pairs(const plan& prefix, const std::vector<target>& ts, const std::vector<fault_kind>& kinds,
                std::vector<plan>& plans, std::vector<explore_skip>& skipped) {
  for (const auto& t : ts) {
    for (auto kind : kinds) {
      plan p = prefix;
      p.push_back(t.fault);
      p.back().kind = kind;
      if (kind == fault_kind::lost && !t.changes_state)
        skipped.push_back(
            {std::move(p), t.fault.operation + " changes nothing, so a lost answer is the same as a reset"});
      else
        plans.push_back(std::move(p));
    }
  }
}

// Runs every plan, `jobs` at a time; results in the order of the plans.
std::vector<explore_run> run_all(const explore_options& options, const std::vector<plan>& plans,
                                 const detail::run_judge& judge) {
  std::vector<explore_run> out(plans.size());
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    for (;;) {
      auto i = next.fetch_add(1);
      if (i >= plans.size()) return;
      try {
        out[i] = detail::run_one(options, plans[i], judge);
      } catch (...) {  // a server that could not start: no more runs, rethrown below
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next.store(plans.size());
        return;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t j = 1; j < std::min(options.jobs, plans.size()); ++j) helpers.emplace_back(worker);
  worker();
  for (auto& t : helpers) t.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

// Keeps the first `budget` plans and counts the rest as cut.
void apply_budget(std::vector<plan>& plans, std::size_t budget, explore_result& result) {
  if (plans.size() <= budget) return;
  for (auto it = plans.begin() + static_cast<std::ptrdiff_t>(budget); it != plans.end(); ++it)
    result.cut_runs.push_back(std::move(*it));
  result.cut += plans.size() - budget;
  plans.resize(budget);
}

void check(const explore_options& o) {
  if (o.depth != 1 && o.depth != 2)
    throw usage_error("explore_options::depth must be 1 or 2, not " + std::to_string(o.depth));
  if (o.jobs == 0) throw usage_error("explore_options::jobs must be at least 1, not 0");
  if (o.timeout.count() <= 0 || o.timeout > std::chrono::hours(24))
    throw usage_error("explore_options::timeout must be from 1ms to 24 hours, not " +
                      std::to_string(o.timeout.count()) + "ms");
}

// Runs (or skipped pairs) sorted by their faults: request, then kind in the order the options list
// the kinds; a run with one fault before the runs that add a second to it.
template <class T>
void order(std::vector<T>& items, const std::vector<fault_kind>& kinds) {
  auto key = [&](const T& item) {
    std::vector<std::pair<std::uint64_t, std::ptrdiff_t>> k;
    for (const auto& f : item.faults)
      k.emplace_back(f.request, std::find(kinds.begin(), kinds.end(), f.kind) - kinds.begin());
    return k;
  };
  std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
}

}  // namespace

explore_run detail::run_one(const explore_options& options, const plan& faults, const run_judge& judge) {
  explore_run run;
  run.faults = faults;
  server fake(options.server);
  for (const auto& s : options.scenarios) fake.add_startup_scenario(s);
  // Later targets first: the first rule that fires ends the search, so a rule placed after the
  // first fault's would not count the request that fault took, and would miss its own target.
  for (std::size_t i = faults.size(); i-- > 0;) fake.faults().add(rule_for(faults[i], i, options));
  run_verdict verdict;
  try {
    verdict = judge(fake);
  } catch (const std::exception& e) {
    verdict = {false, e.what(), std::nullopt};
  } catch (...) {
    verdict = {false, "the body threw an exception that is not a std::exception", std::nullopt};
  }
  // Stopped first, so that requests a fault cut off are in the journal too.
  fake.stop();
  run.passed = verdict.passed;
  run.message = std::move(verdict.output);
  run.exit_code = verdict.exit_code;
  run.journal = fake.journal();
  return run;
}

explore_result detail::explore_with(const explore_options& given, const run_judge& judge) {
  check(given);
  explore_options options = given;
  // One seed for every run, so that they all see the same OCIDs and draws.
  if (!options.server.seed) options.server.seed = std::random_device{}();
  std::vector<fault_kind> kinds;
  for (auto k : options.faults)
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  options.faults = kinds;

  explore_result result;
  result.reference = run_one(options, {}, judge);
  auto reference_targets = targets(result.reference.journal, 0);
  for (const auto& t : reference_targets) result.requests.push_back({t.fault.request, t.fault.operation, t.resource});
  if (!result.reference.passed) return result;

  std::vector<plan> first;
  plan_pairs({}, reference_targets, kinds, first, result.skipped);
  apply_budget(first, options.max_runs, result);
  result.runs = run_all(options, first, judge);

  if (options.depth == 2) {
    std::vector<plan> second;
    for (const auto& run : result.runs) {
      // The request the first fault took, in this run's own journal.
      auto hit = std::find_if(run.journal.begin(), run.journal.end(),
                              [](const journal_entry& e) { return e.fault && e.fault->rule_id == "explore-1"; });
      if (hit == run.journal.end()) continue;
      plan_pairs(run.faults, targets(run.journal, hit->seq), kinds, second, result.skipped);
    }
    apply_budget(second, options.max_runs - result.runs.size(), result);
    auto more = run_all(options, second, judge);
    std::move(more.begin(), more.end(), std::back_inserter(result.runs));
  }
  order(result.runs, kinds);
  order(result.skipped, kinds);
  return result;
}

explore_result explore(const explore_options& options, const explore_body& body) {
  if (!body) throw usage_error("ocifake::explore: the body is an empty function");
  return detail::explore_with(options, [&body](server& fake) {
    body(fake);
    return detail::run_verdict{true, {}, std::nullopt};
  });
}

}  // namespace ocifake
