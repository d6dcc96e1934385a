// Fault-space exploration: a body with a bug planted in one request is caught at exactly that
// (request, fault) pair; a body that retries right passes them all; depth 2 finds what needs two
// faults; jobs do not change the verdicts; the budget, the skipped pairs and the report.
//
// The Catch2 helper is included first: with Catch2 v2 it must come before Catch2's own header (so
// this file is built without the suite's precompiled header), and its listener is left out, so
// the suite prints what it always did (tests/catch2 checks the listener).
#define OCIFAKE_CATCH2_NO_LISTENER
#include <ocifake/catch2.hpp>

#include "catch_compat.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <unistd.h>

#include <boost/json.hpp>

#include <ocifake/ocifake.hpp>

#include "scenarios/demo.hpp"

using namespace std::chrono_literals;
using catch_compat::Contains;

namespace {

namespace json = boost::json;

// The state every run starts from: an instance to capture.
ocifake::explore_options options_with(int depth = 1, std::size_t jobs = 1) {
  auto s = ocifake::scenario::parse(R"({"name": "explore", "instances": [{"id": ")" + demo::instance +
                                    R"(", "compartmentId": ")" + demo::compartment + R"("}]})");
  return {.server = {.clock = ocifake::clock_mode::manual, .seed = 7}, .scenarios = {s}, .depth = depth, .jobs = jobs};
}

bool worth_retrying(const demo::answer& a) {
  return a.status == 0 || a.status == 409 || a.status == 429 || a.status >= 500;
}

// Creates an image from the instance and waits until it is AVAILABLE, retrying every attempt
// that got no answer or a retryable error, `attempts` times at most. With a retry token each
// attempt says it is the same request; without one, a retried create whose answer was lost makes
// a second image.
std::string create_and_wait(ocifake::server& fake, bool with_token, int attempts) {
  demo::oci_client oci(fake.endpoint(), 2s);
  httplib::Headers headers;
  if (with_token) headers.emplace("opc-retry-token", "explore-upload-1");
  std::string id;
  for (int i = 0; i < attempts && id.empty(); ++i) {
    auto a = oci.post("/20160918/images", demo::create_from_instance("golden"), headers);
    if (a.ok())
      id = a.field("id");
    else if (!worth_retrying(a))
      throw demo::gave_up("CreateImage: " + a.describe());
  }
  if (id.empty()) throw demo::gave_up("CreateImage: no answer after " + std::to_string(attempts) + " attempts");
  for (int i = 0; i < 6; ++i) {
    auto a = oci.get("/20160918/images/" + id);
    if (a.ok() && a.field("lifecycleState") == "AVAILABLE") break;
    if (!a.ok() && !worth_retrying(a)) throw demo::gave_up("GetImage: " + a.describe());
  }
  if (auto n = demo::live_images(fake); n != 1)
    throw std::runtime_error("expected one image, found " + std::to_string(n));
  return id;
}

void right(ocifake::server& fake) { create_and_wait(fake, true, 4); }
void without_token(ocifake::server& fake) { create_and_wait(fake, false, 4); }
void one_retry(ocifake::server& fake) { create_and_wait(fake, true, 2); }

std::string faults_of(const ocifake::explore_run& r) { return ocifake::to_string(r.faults); }

// The bug of `without_token`, told with markup in its message, which the HTML report must escape.
void without_token_marked_up(ocifake::server& fake) {
  try {
    without_token(fake);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("<b>not bold</b> & ") + e.what());
  }
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The text between the first `from` and the next `to` after it.
std::string_view between(std::string_view text, std::string_view from, std::string_view to) {
  auto start = text.find(from);
  if (start == std::string_view::npos) return {};
  auto end = text.find(to, start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::set<std::string> failing(const ocifake::explore_result& r) {
  std::set<std::string> out;
  for (const auto* run : r.failures()) out.insert(faults_of(*run));
  return out;
}

}  // namespace

TEST_CASE("explore: a create retried without a retry token fails at its lost answer and nowhere else",
          "[http][explore]") {
  auto result = ocifake::explore(options_with(), without_token);
  INFO(result);
  REQUIRE(result.reference.passed);
  REQUIRE(result.requests.size() == 3);
  CHECK(result.requests[0].operation == "CreateImage");
  CHECK(result.requests[1].operation == "GetImage");
  CHECK(result.requests[1].resource.rfind("ocid1.image.", 0) == 0);
  // Five kinds on CreateImage, four on each GetImage (lost skipped).
  CHECK(result.runs.size() == 5 + 4 + 4);
  CHECK(failing(result) == std::set<std::string>{"#1 CreateImage lost"});
  const auto* failed = result.failures().at(0);
  CHECK(failed->message == "expected one image, found 2");
  REQUIRE(failed->journal.size() >= 2);
  CHECK(failed->journal[0].fault);
  CHECK(failed->journal[0].fault->timing == ocifake::fault_timing::after_commit);
  CHECK_FALSE(result.ok());
  CHECK_THAT(result.to_string(), Contains("#1 CreateImage lost") && Contains("FAILED: expected one image, found 2"));
}

TEST_CASE("explore: a create retried with a retry token passes every pair", "[http][explore]") {
  auto result = ocifake::explore(options_with(), right);
  INFO(result);
  CHECK(result.ok());
  CHECK(result.runs.size() == 13);
  CHECK(result.passed() == 13);
  CHECK(result.failed() == 0);
  CHECK(result.cut == 0);
  CHECK_THAT(result.to_string(), Contains("explored 13 runs: 13 passed, 0 failed, 2 skipped"));
}

TEST_CASE("explore: lost is skipped on operations that change nothing, with the reason", "[http][explore]") {
  auto result = ocifake::explore(options_with(), right);
  REQUIRE(result.skipped.size() == 2);
  for (const auto& s : result.skipped) {
    REQUIRE(s.faults.size() == 1);
    CHECK(s.faults[0].operation == "GetImage");
    CHECK(s.faults[0].kind == ocifake::fault_kind::lost);
    CHECK(s.reason == "GetImage changes nothing, so a lost answer is the same as a reset");
  }
  CHECK(result.skipped[0].faults[0].nth == 1);
  CHECK(result.skipped[1].faults[0].nth == 2);
}

TEST_CASE("explore: depth 2 finds a bug that needs two faults, depth 1 does not", "[http][explore]") {
  auto once = ocifake::explore(options_with(1), one_retry);
  INFO(once);
  CHECK(once.ok());

  auto twice = ocifake::explore(options_with(2), one_retry);
  REQUIRE(twice.failed() > 0);
  for (const auto* run : twice.failures()) {
    INFO(ocifake::to_string(*run));
    REQUIRE(run->faults.size() == 2);
    CHECK(run->faults[0].operation == "CreateImage");
    CHECK(run->faults[1].operation == "CreateImage");
    CHECK(run->faults[1].nth == 2);  // the retry
    CHECK_THAT(run->message, Contains("no answer after 2 attempts") || Contains("CreateImage: "));
  }
  CHECK(failing(twice).count("#1 CreateImage reset + #2 CreateImage reset") == 1);
  // The runs with one fault are there too, first in each group.
  CHECK(twice.runs.front().faults.size() == 1);
}

TEST_CASE("explore: the verdicts are the same with one job and with two", "[http][explore]") {
  auto serial = ocifake::explore(options_with(2, 1), without_token);
  auto parallel = ocifake::explore(options_with(2, 2), without_token);
  REQUIRE(serial.runs.size() == parallel.runs.size());
  REQUIRE(serial.runs.size() > 13);
  for (std::size_t i = 0; i < serial.runs.size(); ++i) {
    INFO(i);
    CHECK(faults_of(serial.runs[i]) == faults_of(parallel.runs[i]));
    CHECK(serial.runs[i].passed == parallel.runs[i].passed);
    CHECK(serial.runs[i].message == parallel.runs[i].message);
  }
  CHECK(serial.skipped.size() == parallel.skipped.size());
}

TEST_CASE("explore: max_runs cuts the plan and says what was cut", "[http][explore]") {
  auto options = options_with();
  options.max_runs = 4;
  auto result = ocifake::explore(options, without_token);
  CHECK(result.runs.size() == 4);
  CHECK(result.cut == 9);
  REQUIRE(result.cut_runs.size() == 9);
  CHECK(ocifake::to_string(result.cut_runs[0]) == "#1 CreateImage 409");
  CHECK_THAT(result.to_string(), Contains("9 cut by max_runs"));
  CHECK(failing(result) == std::set<std::string>{"#1 CreateImage lost"});
}

TEST_CASE("explore: a failing reference run explores nothing and says so", "[http][explore]") {
  auto result = ocifake::explore(options_with(), [](ocifake::server&) { throw std::runtime_error("broken already"); });
  CHECK_FALSE(result.reference.passed);
  CHECK(result.reference.message == "broken already");
  CHECK(result.runs.empty());
  CHECK_FALSE(result.ok());
  CHECK_THAT(result.to_string(), Contains("the reference run (no fault) failed") && Contains("broken already"));
}

TEST_CASE("explore: every fault kind, and what each does to the request", "[http][explore]") {
  auto options = options_with();
  options.faults = ocifake::all_fault_kinds();
  options.timeout = 50ms;
  auto result = ocifake::explore(options, right);
  INFO(result);
  CHECK(result.ok());
  CHECK(result.runs.size() == 8 + 7 + 7);
  for (const auto& run : result.runs) {
    INFO(faults_of(run));
    auto hit = std::find_if(run.journal.begin(), run.journal.end(), [](const auto& e) { return e.fault.has_value(); });
    REQUIRE(hit != run.journal.end());
    CHECK(hit->seq == run.faults[0].request);
    CHECK(hit->fault->rule_id == "explore-1");
  }
  CHECK(ocifake::parse_fault_kind("timeout") == ocifake::fault_kind::timeout);
  CHECK_THROWS_WITH(ocifake::parse_fault_kind("lsot"),
                    Contains("not one of reset, lost, 500") && Contains("did you mean \"lost\""));
}

TEST_CASE("explore: options out of range are refused", "[http][explore]") {
  auto options = options_with(3);
  CHECK_THROWS_WITH(ocifake::explore(options, right), "explore_options::depth must be 1 or 2, not 3");
  options = options_with(1, 0);
  CHECK_THROWS_WITH(ocifake::explore(options, right), "explore_options::jobs must be at least 1, not 0");
  CHECK_THROWS_AS(ocifake::explore(options_with(), ocifake::explore_body{}), ocifake::usage_error);
}

TEST_CASE("explore: the report JSON", "[http][explore]") {
  auto result = ocifake::explore(options_with(), without_token);
  auto report = json::parse(result.to_json()).as_object();
  auto& requests = report.at("reference").at("requests").as_array();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].at("seq") == 1);
  CHECK(requests[0].at("operation") == "CreateImage");
  CHECK(requests[0].at("resource").is_null());
  CHECK(requests[1].at("resource").as_string().starts_with("ocid1.image."));
  auto& runs = report.at("runs").as_array();
  REQUIRE(runs.size() == 13);
  auto& lost = runs[1].as_object();
  CHECK(lost.at("faults") == json::parse(R"([{"request": 1, "operation": "CreateImage", "nth": 1, "fault": "lost"}])"));
  CHECK(lost.at("passed") == false);
  CHECK(lost.at("exitCode").is_null());
  CHECK(lost.at("output") == "expected one image, found 2");
  auto& first = lost.at("journal").as_array().at(0).as_object();
  CHECK(first.at("operation") == "CreateImage");
  CHECK(first.at("fault").at("rule") == "explore-1");
  CHECK(first.at("fault").at("timing") == "afterCommit");
  CHECK(report.at("summary") == json::parse(R"({"runs": 13, "passed": 12, "failed": 1, "skipped": 2, "cut": 0})"));
  CHECK(report.at("skipped").as_array().size() == 2);
}

TEST_CASE("explore: a failing run's journal draws as a Mermaid diagram", "[http][explore]") {
  auto result = ocifake::explore(options_with(), without_token);
  REQUIRE(result.failed() == 1);
  auto diagram = ocifake::to_mermaid(result.failures()[0]->journal);
  CHECK_THAT(diagram, Contains("sequenceDiagram") && Contains("CreateImage"));
}

TEST_CASE("explore: the HTML report: summary, matrix, and a diagram per failing run", "[http][explore]") {
  auto result = ocifake::explore(options_with(), without_token_marked_up);
  REQUIRE(result.failed() == 1);
  auto html = result.to_html();
  INFO(html);
  CHECK_THAT(html, catch_compat::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Contains("<td id=\"summary-runs\">13</td>") && Contains("<td id=\"summary-passed\">12</td>") &&
                       Contains("<td id=\"summary-failed\">1</td>") && Contains("<td id=\"summary-skipped\">2</td>") &&
                       Contains("<td id=\"summary-cut\">0</td>"));
  // One row per request of the reference run, one column per fault kind.
  auto matrix = between(html, "<table class=\"matrix\">", "</table>");
  CHECK(count(matrix, "<tr class=\"request\"") == result.requests.size());
  CHECK(count(matrix, "<th class=\"kind\">") == 5);
  CHECK_THAT(std::string(matrix), Contains("<th class=\"request\">#1 CreateImage</th>") &&
                                      Contains("<th class=\"request\">#2 GetImage</th>"));
  CHECK(count(matrix, "class=\"cell passed\"") == 12);
  CHECK(count(matrix, "class=\"cell skipped\"") == 2);
  CHECK(count(matrix, "class=\"cell failed\"") == 1);
  // The failing cell (CreateImage lost, the second run) says why and links to its run.
  auto cell = between(matrix, "<td class=\"cell failed\"", "</td>");
  CHECK_THAT(std::string(cell), Contains("title=\"#1 CreateImage lost: &lt;b&gt;not bold&lt;/b&gt; &amp; expected one "
                                         "image, found 2\"") &&
                                    Contains("<a href=\"#run-2\">"));
  CHECK_THAT(std::string(between(matrix, "<td class=\"cell skipped\"", "</td>")),
             Contains("GetImage changes nothing, so a lost answer is the same as a reset"));
  // The failing run: its faults, its message escaped, its journal as a diagram with the fault marked.
  auto run = between(html, "<section class=\"run failed\" id=\"run-2\">", "</section>");
  REQUIRE_FALSE(run.empty());
  CHECK(count(html, "<section class=\"run failed\"") == 1);
  CHECK(count(run, "<svg class=\"sequence\"") == 1);
  CHECK_THAT(std::string(run), Contains("<b>lost</b> on request #1, the 1st CreateImage of the reference run"));
  CHECK_THAT(std::string(run), Contains("<pre class=\"message\">&lt;b&gt;not bold&lt;/b&gt; &amp; expected one image"));
  CHECK(count(run, "<g class=\"entry fault\"") == 1);
  CHECK_THAT(std::string(run), Contains("POST /20160918/images (CreateImage)") && Contains("FAULT lost (explore-1") &&
                                   Contains("no answer (reset)") && Contains(">Client</text>") &&
                                   Contains(">Fake (ocifake)</text>"));
  CHECK(count(html, "<b>not bold") == 0);
  // Self-contained: nothing to fetch, no script.
  for (const char* outside : {"http://", "https://", "<script", "<link", "src=", "url(", "@import"}) {
    INFO(outside);
    CHECK(count(html, outside) == 0);
  }
}

TEST_CASE("explore: the HTML report of depth 2 lists the runs with two faults under the matrix", "[http][explore]") {
  auto result = ocifake::explore(options_with(2), one_retry);
  REQUIRE(result.failed() > 0);
  auto html = result.to_html();
  auto matrix = between(html, "<table class=\"matrix\">", "</table>");
  CHECK(count(matrix, "<tr class=\"request\"") == result.requests.size());
  CHECK(count(matrix, "class=\"cell failed\"") == 0);
  // The cell of #1 CreateImage reset passed, and says that runs adding a second fault to it failed.
  CHECK_THAT(std::string(between(matrix, "<td class=\"cell passed\" title=\"#1 CreateImage reset", "</td>")),
             Contains("class=\"second\""));
  CHECK_THAT(html, Contains("<h2 id=\"failures-2\">Failing runs with two faults</h2>"));
  CHECK(count(html, "<section class=\"run failed\"") == result.failed());
  CHECK(count(html, "<svg class=\"sequence\"") == result.failed() + 1);  // and the reference run's
  CHECK_THAT(html, Contains("#1 CreateImage reset + #2 CreateImage reset: FAILED"));
}

TEST_CASE("explore: the HTML report of a failed reference run shows that run", "[http][explore]") {
  auto result =
      ocifake::explore(options_with(), [](ocifake::server&) { throw std::runtime_error("broken <already>"); });
  auto html = result.to_html();
  CHECK_THAT(html, Contains("The reference run (no fault) failed") && Contains("broken &lt;already&gt;"));
  CHECK(count(html, "<table class=\"matrix\">") == 0);
}

// The page as a browser builds it: Chromium parses it and prints its DOM. Not part of the suite:
// ctest runs it as browser.explore_report (label `browser`), which reports itself skipped when
// Chromium is not installed.
TEST_CASE("explore: the HTML report renders in Chromium", "[.][browser]") {
  // OCIFAKE_CHROMIUM names the browser; otherwise it is looked for where Debian and others put it.
  std::string chromium;
  if (const char* given = std::getenv("OCIFAKE_CHROMIUM")) {
    if (std::filesystem::exists(given)) chromium = given;
  } else {
    for (const char* name : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/local/bin/chromium",
                             "/snap/bin/chromium", "/usr/bin/google-chrome"})
      if (chromium.empty() && std::filesystem::exists(name)) chromium = name;
  }
  if (chromium.empty()) {
    std::cout << "skipped: chromium is not installed (set OCIFAKE_CHROMIUM to its path)\n";
    return;
  }
  auto result = ocifake::explore(options_with(2), without_token_marked_up);
  REQUIRE(result.failed() > 1);
  auto dir = std::filesystem::temp_directory_path() / ("ocifake-report-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "report.html") << result.to_html();
  auto command = "timeout 120 '" + chromium + "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage" +
                 " --user-data-dir='" + (dir / "profile").string() + "' --dump-dom 'file://" +
                 (dir / "report.html").string() + "' 2>/dev/null";
  std::string dom;
  if (FILE* out = ::popen(command.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) dom.append(buf, n);
    CHECK(::pclose(out) == 0);
  }
  std::filesystem::remove_all(dir);
  INFO(dom);
  REQUIRE_THAT(dom, Contains("<h1>Fault-space exploration</h1>"));
  // The parser kept the table whole: every row and cell in its place (a misplaced cell would be
  // moved out of the table), the failing cells' links and titles, escaped text as text.
  auto matrix = between(dom, "<table class=\"matrix\">", "</table>");
  CHECK(count(matrix, "<tr class=\"request\"") == result.requests.size());
  CHECK(count(matrix, "<td class=\"cell ") == result.requests.size() * 5);
  CHECK(count(matrix, "<td class=\"cell failed\"") == 1);
  // The cell of #1 CreateImage lost links to its run, which is there.
  std::size_t lost = 0;
  while (lost < result.runs.size() && ocifake::to_string(result.runs[lost].faults) != "#1 CreateImage lost") ++lost;
  REQUIRE(lost < result.runs.size());
  auto anchor = "run-" + std::to_string(lost + 1);
  CHECK_THAT(std::string(matrix), Contains("<a href=\"#" + anchor + "\">"));
  CHECK_THAT(dom, Contains("<section class=\"run failed\" id=\"" + anchor + "\">"));
  CHECK(count(dom, "<section class=\"run failed\"") == result.failed());
  CHECK(count(dom, "<svg class=\"sequence\"") == result.failed() + 1);
  CHECK(count(dom, "<g class=\"entry fault\"") >= result.failed());
  CHECK(count(dom, "&lt;b&gt;not bold&lt;/b&gt;") >= result.failed());
  // (Attributes may keep a `<` as it is, depending on the version: the message is the text to look at.)
  CHECK_THAT(std::string(between(dom, "<pre class=\"message\">", "</pre>")),
             catch_compat::StartsWith("<pre class=\"message\">&lt;b&gt;not bold&lt;/b&gt; &amp; "));
  CHECK_THAT(dom, Contains("Failing runs with two faults"));
}

TEST_CASE("explore: the Catch2 helper passes with the count when every run passes", "[http][explore]") {
  auto result = ocifake::catch2::explore_each(options_with(), right);
  CHECK(result.runs.size() == 13);
}

// Not part of the suite: how many runs a second, for docs/exploration.md.
TEST_CASE("explore: runs per second", "[.][explore-speed]") {
  for (std::size_t jobs : {1, 2}) {
    auto options = options_with(2, jobs);
    options.max_runs = 100000;
    auto start = std::chrono::steady_clock::now();
    auto result = ocifake::explore(options, right);
    auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WARN("jobs " << jobs << ": " << result.runs.size() + 1 << " runs in " << s << " s, " << (result.runs.size() + 1) / s
                 << " runs/s");
  }
}
