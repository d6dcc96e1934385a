// What an exploration found, as a table for people and as the report JSON for programs.
#include <algorithm>
#include <ostream>
#include <sstream>

#include <boost/json.hpp>

#include "explore/explore.hpp"
#include "journal/journal_json.hpp"

namespace ocifake {

namespace json = boost::json;

namespace {

std::string describe(const explored_fault& f) {
  return "#" + std::to_string(f.request) + " " + f.operation + " " + to_string(f.kind);
}

json::array faults_json(const std::vector<explored_fault>& faults) {
  json::array out;
  for (const auto& f : faults)
    out.push_back(
        json::object{{"request", f.request}, {"operation", f.operation}, {"nth", f.nth}, {"fault", to_string(f.kind)}});
  return out;
}

json::array journal_array(const std::vector<journal_entry>& journal) {
  json::array out;
  for (const auto& e : journal) out.push_back(detail::journal_json(e));
  return out;
}

json::object run_json(const explore_run& run) {
  return json::object{{"faults", faults_json(run.faults)},
                      {"passed", run.passed},
                      {"exitCode", run.exit_code ? json::value(*run.exit_code) : json::value(nullptr)},
                      {"output", run.message},
                      {"journal", journal_array(run.journal)}};
}

// The journal, indented under a heading.
void write_journal(std::ostream& os, const std::vector<journal_entry>& journal) {
  for (const auto& e : journal) os << "    " << e << '\n';
}

}  // namespace

std::string to_string(const std::vector<explored_fault>& faults) {
  std::string out;
  for (const auto& f : faults) out += (out.empty() ? "" : " + ") + describe(f);
  return out.empty() ? "reference run (no fault)" : out;
}

std::string to_string(const explore_run& run) {
  std::ostringstream os;
  os << to_string(run.faults) << ": " << (run.passed ? "passed" : "FAILED: " + run.message) << '\n';
  write_journal(os, run.journal);
  return os.str();
}

bool explore_result::ok() const { return reference.passed && failed() == 0; }

std::size_t explore_result::passed() const {
  return static_cast<std::size_t>(std::count_if(runs.begin(), runs.end(), [](const auto& r) { return r.passed; }));
}

std::size_t explore_result::failed() const { return runs.size() - passed(); }

std::vector<const explore_run*> explore_result::failures() const {
  std::vector<const explore_run*> out;
  for (const auto& r : runs)
    if (!r.passed) out.push_back(&r);
  return out;
}

std::string explore_result::to_string() const {
  std::ostringstream os;
  if (!reference.passed) {
    os << "the reference run (no fault) failed, so nothing was explored: " << reference.message << '\n';
    write_journal(os, reference.journal);
    return os.str();
  }
  os << "explored " << runs.size() << " runs: " << passed() << " passed, " << failed() << " failed";
  if (!skipped.empty()) os << ", " << skipped.size() << " skipped";
  if (cut) os << ", " << cut << " cut by max_runs";
  os << " (reference run: " << requests.size() << (requests.size() == 1 ? " request)\n" : " requests)\n");
  std::size_t width = 0;
  for (const auto& r : runs) width = std::max(width, ocifake::to_string(r.faults).size());
  for (const auto& s : skipped) width = std::max(width, ocifake::to_string(s.faults).size());
  auto line = [&](const std::vector<explored_fault>& faults, const std::string& verdict) {
    auto name = ocifake::to_string(faults);
    os << "  " << name << std::string(width - name.size() + 2, ' ') << verdict << '\n';
  };
  for (const auto& r : runs) line(r.faults, r.passed ? "passed" : "FAILED: " + r.message);
  for (const auto& s : skipped) line(s.faults, "skipped: " + s.reason);
  if (cut) os << "  (" << cut << " runs cut by max_runs, from " << ocifake::to_string(cut_runs.front()) << ")\n";
  for (const auto* r : failures()) os << ocifake::to_string(*r);
  return os.str();
}

json::object detail::report_json(const explore_result& result) {
  json::array requests;
  for (const auto& r : result.requests)
    requests.push_back(json::object{{"seq", r.seq},
                                    {"operation", r.operation},
                                    {"resource", r.resource.empty() ? json::value(nullptr) : json::value(r.resource)}});
  auto reference = run_json(result.reference);
  reference.erase("faults");
  reference["requests"] = std::move(requests);
  json::array runs;
  for (const auto& r : result.runs) runs.push_back(run_json(r));
  json::array skipped;
  for (const auto& s : result.skipped)
    skipped.push_back(json::object{{"faults", faults_json(s.faults)}, {"reason", s.reason}});
  json::array cut;
  for (const auto& c : result.cut_runs) cut.push_back(json::object{{"faults", faults_json(c)}});
  return json::object{{"reference", std::move(reference)},
                      {"runs", std::move(runs)},
                      {"skipped", std::move(skipped)},
                      {"cut", std::move(cut)},
                      {"summary", json::object{{"runs", result.runs.size()},
                                               {"passed", result.passed()},
                                               {"failed", result.failed()},
                                               {"skipped", result.skipped.size()},
                                               {"cut", result.cut}}}};
}

std::string explore_result::to_json() const { return json::serialize(detail::report_json(*this)); }

std::ostream& operator<<(std::ostream& os, const explore_result& result) { return os << result.to_string(); }

}  // namespace ocifake
