#pragma once
/// \file catch2.hpp
/// Catch2 helpers, for Catch2 v2 and v3 alike: a fixture that starts a fresh server for every test
/// case, and a listener that prints the journal of that server when the test case fails, so a red
/// test shows what the client sent and which faults fired.
///
///     #include <ocifake/catch2.hpp>
///
///     TEST_CASE_METHOD(ocifake::catch2::fixture, "the uploader retries a lost CreateImage") {
///       fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());
///       // ... run the code under test against fake.endpoint() ...
///     }
///
/// Header-only, in any number of test files; it includes Catch2 itself (v3's test macros, or v2's
/// `<catch2/catch.hpp>`), chosen by which Catch2 is on the include path, or by defining
/// `OCIFAKE_CATCH2_VERSION` to 2 or 3. Where the main comes from is Catch2's business: v3's
/// `Catch2::Catch2WithMain` (or a main of your own), v2's `#define CATCH_CONFIG_MAIN` in one file.
///
/// With Catch2 v2 the listener needs Catch2's reporter interfaces, which this header asks for with
/// `CATCH_CONFIG_EXTERNAL_INTERFACES`: include it first, or define that macro for the whole test
/// target (`target_compile_definitions(my_tests PRIVATE CATCH_CONFIG_EXTERNAL_INTERFACES)`), and
/// the include order no longer matters. v3 has no such constraint.
///
/// The listener registers itself once per program; define `OCIFAKE_CATCH2_NO_LISTENER` before
/// including this header to leave it out. When the environment names a directory in
/// `OCIFAKE_JOURNAL_DIR`, each failing test case also leaves its journals there, as text and as a
/// Mermaid diagram, for a CI job to keep as artifacts.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <ocifake/detail/catch2_version.hpp>

#if OCIFAKE_CATCH2_VERSION == 2 && defined(TWOBLUECUBES_SINGLE_INCLUDE_CATCH_HPP_INCLUDED) &&                          \
    !defined(CATCH_CONFIG_EXTERNAL_INTERFACES) && !defined(CATCH_CONFIG_ENABLE_BENCHMARKING)
// clang-format off
#error "ocifake/catch2.hpp: with Catch2 v2, include it before <catch2/catch.hpp>, or define CATCH_CONFIG_EXTERNAL_INTERFACES for the whole target (target_compile_definitions): its listener needs Catch2's reporter interfaces"
// clang-format on
#else

#if OCIFAKE_CATCH2_VERSION == 3
#include <catch2/catch_assertion_result.hpp>
#include <catch2/catch_config.hpp>
#include <catch2/catch_test_case_info.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/interfaces/catch_interfaces_config.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#else
#ifndef CATCH_CONFIG_EXTERNAL_INTERFACES
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#endif
#include <catch2/catch.hpp>
#endif

#include <ocifake/detail/test_journal.hpp>
#include <ocifake/explore.hpp>
#include <ocifake/journal.hpp>
#include <ocifake/options.hpp>
#include <ocifake/scenario.hpp>
#include <ocifake/server.hpp>

namespace ocifake::catch2 {

namespace detail {

using test_detail::captured_journal;
using test_detail::print_journal;

/// The servers watched in the running test case, and the journals of those already gone. One per
/// program, shared by every translation unit that includes this header.
class registry {
public:
  static registry& instance() {
    static registry r;
    return r;
  }

  void add(const server* s) {
    std::lock_guard lock(mutex_);
    live_.push_back({s, failures_, std::uncaught_exceptions()});
  }

  /// Takes the server's journal now, before it is destroyed. A report that keeps what a test case
  /// writes to stderr (JUnit's `system-err`, XML's `StdErr`) gets the journal of a failed run
  /// here, while that output is still captured.
  void remove(const server* s) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(live_.begin(), live_.end(), [s](const watch& w) { return w.srv == s; });
    if (it == live_.end()) return;
    captured_journal j = capture(*it);
    live_.erase(it);
    if (report_into_captured_output_ && j.failed && !j.entries.empty()) {
      print_journal(std::cerr, j, test_name_);
      j.reported = true;
    }
    captured_.push_back(std::move(j));
  }

  void assertion_failed() {
    std::lock_guard lock(mutex_);
    ++failures_;
  }

  void test_case_starting(std::string name, bool report_into_captured_output) {
    std::lock_guard lock(mutex_);
    test_name_ = std::move(name);
    report_into_captured_output_ = report_into_captured_output;
  }

  /// Everything captured in this test case, the servers still alive included; clears the list.
  std::vector<captured_journal> take() {
    std::lock_guard lock(mutex_);
    auto out = std::move(captured_);
    captured_.clear();
    for (auto& w : live_) {
      out.push_back(capture(w));
      w.failures_at_start = failures_;
    }
    return out;
  }

private:
  struct watch {
    const server* srv;
    std::size_t failures_at_start;
    int exceptions_at_start;
  };

  captured_journal capture(const watch& w) const {
    return {w.srv->endpoint(), w.srv->journal(),
            failures_ > w.failures_at_start || std::uncaught_exceptions() > w.exceptions_at_start, false};
  }

  std::mutex mutex_;
  std::vector<watch> live_;
  std::vector<captured_journal> captured_;
  std::size_t failures_ = 0;
  std::string test_name_;
  bool report_into_captured_output_ = false;
};

}  // namespace detail

/// Watches a server for the length of a scope: if the test case fails, the listener prints the
/// server's journal as it stood when the watch ended (a request still being handled then is not
/// in it; `server::stop()` or `server::settle()` first waits for those). The fixture below uses
/// it; use it directly for a server a test starts itself:
///
///     ocifake::server fake({.clock = ocifake::clock_mode::manual});
///     ocifake::catch2::watch w(fake);
class watch {
public:
  explicit watch(const server& s) : server_(&s) { detail::registry::instance().add(server_); }
  ~watch() { detail::registry::instance().remove(server_); }
  watch(const watch&) = delete;
  watch& operator=(const watch&) = delete;

private:
  const server* server_;
};

/// A fresh server for every test case (and every run through its sections), watched for the
/// listener. Use with `TEST_CASE_METHOD(ocifake::catch2::fixture, "...")` and reach the server as
/// `fake`; derive from it to start the server with other options, or from a scenario:
///
///     struct manual_clock : ocifake::catch2::fixture {
///       manual_clock() : fixture({.clock = ocifake::clock_mode::manual}) {}
///     };
///     struct lost_answer : ocifake::catch2::fixture {
///       lost_answer() : fixture(ocifake::bundled_scenario("lost-create-response")) {}
///     };
class fixture {
public:
  fixture() : fixture(server_options{}) {}
  explicit fixture(server_options options) : fake(std::move(options)), watch_(fake) {}
  /// A default server with a scenario file loaded (a path, or `bundled_scenario(name)`).
  explicit fixture(const std::string& scenario_file, server_options options = {}) : fixture(std::move(options)) {
    fake.load_scenario(scenario_file);
  }
  // Stopping first lets requests still in flight (one whose answer a fault cut off, say) reach
  // the journal before the watch takes it.
  ~fixture() { fake.stop(); }
  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;

  /// The server of this test case.
  server fake;

private:
  watch watch_;
};

/// Reports an exploration in the running test case: each failing run as a failure of its own
/// (its faults, the body's message and the run's journal), then stops the test case; when every
/// run passed, one passing assertion that says how many ran. A reference run that failed is one
/// failure with its journal.
///
///     ocifake::catch2::require_explored(ocifake::explore(options, upload_golden_image));
inline void require_explored(const explore_result& result) {
  if (!result.reference.passed)
    FAIL("the reference run (no fault) failed, so nothing was explored\n" << to_string(result.reference));
  for (const auto* run : result.failures()) FAIL_CHECK(to_string(*run));
  if (!result.ok()) FAIL(result.failed() << " of " << result.runs.size() << " explored runs failed");
  SUCCEED("explored " << result.runs.size() << " runs, all passed (" << result.skipped.size() << " skipped, "
                      << result.cut << " cut by max_runs)");
}

/// `require_explored(explore(options, body))`, returning the result for more checks.
inline explore_result explore_each(const explore_options& options, const explore_body& body) {
  auto result = explore(options, body);
  require_explored(result);
  return result;
}

#if OCIFAKE_CATCH2_VERSION == 3
namespace detail {
using listener_base = Catch::EventListenerBase;
}
#else
namespace detail {
using listener_base = Catch::TestEventListenerBase;
}
#endif

/// A Catch2 listener: when a test case fails, prints the journal of every server watched during
/// it that saw a request (one line per request: operation, status, retry token, fault fired, what
/// changed). Console and compact reports get it in their own output; reports for machines (JUnit,
/// XML) get it in the failing test case's captured stderr (`system-err`), so CI dashboards show
/// it beside the failure.
class journal_listener : public detail::listener_base {
public:
  using detail::listener_base::listener_base;

#if OCIFAKE_CATCH2_VERSION == 3
  static std::string getDescription() { return "prints the ocifake journal of a failing test case"; }

  void assertionEnded(Catch::AssertionStats const& stats) override {
    if (!stats.assertionResult.isOk()) detail::registry::instance().assertion_failed();
  }
#else
  bool assertionEnded(Catch::AssertionStats const& stats) override {
    if (!stats.assertionResult.isOk()) detail::registry::instance().assertion_failed();
    return detail::listener_base::assertionEnded(stats);
  }
#endif

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    detail::registry::instance().test_case_starting(info.name, !text_report());
    detail::listener_base::testCaseStarting(info);
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    auto journals = detail::registry::instance().take();
    bool failed = stats.totals.assertions.failed > 0 || stats.totals.testCases.failed > 0;
    if (failed) report(journals, test_name(stats));
    detail::listener_base::testCaseEnded(stats);
  }

private:
  void report(const std::vector<detail::captured_journal>& journals, const std::string& test_name) {
    auto shown = test_detail::journals_to_show(journals);
    for (const auto* j : shown) {
      if (j->reported) continue;
      detail::print_journal(text_report() ? text_stream() : std::cerr, *j, test_name);
    }
    test_detail::write_journal_files(shown, test_name);
  }

#if OCIFAKE_CATCH2_VERSION == 3
  static const std::string& test_name(Catch::TestCaseStats const& stats) { return stats.testInfo->name; }
  std::ostream& text_stream() { return std::cout; }

  bool text_report() const {
    auto* config = dynamic_cast<Catch::Config const*>(m_config);
    if (!config) return false;
    const auto& specs = config->getReporterSpecs();
    return std::all_of(specs.begin(), specs.end(), [](const auto& spec) {
      return (spec.name() == "console" || spec.name() == "compact") && !spec.outputFile();
    });
  }
#else
  static const std::string& test_name(Catch::TestCaseStats const& stats) { return stats.testInfo.name; }
  std::ostream& text_stream() { return stream; }

  bool text_report() const {
    auto* config = dynamic_cast<Catch::Config const*>(m_config.get());
    if (!config) return false;
    const auto& name = config->getReporterName();
    return name.empty() || name == "console" || name == "compact";
  }
#endif
};

#if !defined(OCIFAKE_CATCH2_NO_LISTENER) && !defined(CATCH_CONFIG_DISABLE)
namespace detail {
// CATCH_REGISTER_LISTENER would register the listener once per translation unit that includes
// this header (and print each journal that many times); an inline variable is one per program.
#if OCIFAKE_CATCH2_VERSION == 3
inline Catch::ListenerRegistrar<journal_listener> journal_listener_registrar{"ocifake-journal"};
#else
inline Catch::ListenerRegistrar<journal_listener> journal_listener_registrar;
#endif
}  // namespace detail
#endif

}  // namespace ocifake::catch2

#endif  // the include-order check
