#pragma once
/// \file gtest.hpp
/// GoogleTest helpers: a fixture that starts a fresh server for every test, and a listener that
/// prints the journal of that server when the test fails, so a red test shows what the client
/// sent and which faults fired. No `main()` of your own is needed: link `GTest::gtest_main`.
///
///     #include <ocifake/gtest.hpp>
///
///     using UploaderTest = ocifake::gtest::fixture;
///
///     TEST_F(UploaderTest, RetriesALostCreateImage) {
///       fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());
///       // ... run the code under test against fake.endpoint() ...
///     }
///
/// The listener registers itself with GoogleTest once per program, whichever main runs the
/// tests; define `OCIFAKE_GTEST_NO_LISTENER` before including this header to leave it out. A
/// failing test's journal is also recorded as its `ocifake_journal` property, which
/// `--gtest_output=xml` (JUnit XML) writes into the test case's report, and, when the environment
/// names a directory in `OCIFAKE_JOURNAL_DIR`, written there as text and as a Mermaid diagram.

#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <ocifake/detail/test_journal.hpp>
#include <ocifake/explore.hpp>
#include <ocifake/journal.hpp>
#include <ocifake/options.hpp>
#include <ocifake/scenario.hpp>
#include <ocifake/server.hpp>

namespace ocifake::gtest {

namespace detail {

/// The journals taken in the running test, for the listener. GoogleTest destroys a test's
/// fixture before it tells listeners the test ended, so the fixture hands its journal over here.
class journals {
public:
  static journals& instance() {
    static journals j;
    return j;
  }

  void add(test_detail::captured_journal j) {
    std::lock_guard lock(mutex_);
    taken_.push_back(std::move(j));
  }

  std::vector<test_detail::captured_journal> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(taken_, {});
  }

private:
  std::mutex mutex_;
  std::vector<test_detail::captured_journal> taken_;
};

inline std::string test_name(const ::testing::TestInfo& test) {
  return std::string(test.test_suite_name()) + "." + test.name();
}

}  // namespace detail

/// Watches a server for the length of a scope: if the test fails, the listener prints the
/// server's journal as it stood when the watch ended. The fixture below uses it; use it directly
/// for a server a test starts itself:
///
///     ocifake::server fake({.clock = ocifake::clock_mode::manual});
///     ocifake::gtest::watch w(fake);
class watch {
public:
  explicit watch(const server& s) : server_(&s) {}
  ~watch() {
    bool failed = ::testing::Test::HasFailure();
    test_detail::captured_journal j{server_->endpoint(), server_->journal(), failed, false};
    if (failed && !j.entries.empty()) {
      // Recorded while the test is still running, so the XML report has it in the test case.
      std::ostringstream text;
      for (const auto& e : j.entries) text << e << '\n';
      ::testing::Test::RecordProperty("ocifake_journal", text.str());
    }
    detail::journals::instance().add(std::move(j));
  }
  watch(const watch&) = delete;
  watch& operator=(const watch&) = delete;

private:
  const server* server_;
};

/// A fresh server for every test, watched for the listener. Use with `TEST_F` (through an alias
/// or a derived class) and reach the server as `fake`; derive from it to start the server with
/// other options, or from a scenario:
///
///     class ManualClockTest : public ocifake::gtest::fixture {
///     protected:
///       ManualClockTest() : fixture({.clock = ocifake::clock_mode::manual}) {}
///     };
class fixture : public ::testing::Test {
protected:
  fixture() : fixture(server_options{}) {}
  explicit fixture(server_options options) : fake(std::move(options)) {}
  /// A default server with a scenario file loaded (a path, or `bundled_scenario(name)`).
  explicit fixture(const std::filesystem::path& scenario_file, server_options options = {})
      : fixture(std::move(options)) {
    fake.load_scenario(scenario_file);
  }
  // Stopping first lets requests still in flight reach the journal before the watch takes it.
  ~fixture() override { fake.stop(); }

  /// The server of this test.
  server fake;

private:
  // Destroyed before `fake` (members go in reverse order), after the destructor above stopped it.
  watch watch_{fake};
};

/// Reports an exploration in the running test: each failing run as a failure of its own (its
/// faults, the body's message and the run's journal); when every run passed, a success that says
/// how many ran. A reference run that failed is one failure with its journal.
///
///     ocifake::gtest::expect_explored(ocifake::explore(options, upload_golden_image));
inline void expect_explored(const explore_result& result) {
  if (!result.reference.passed) {
    ADD_FAILURE() << "the reference run (no fault) failed, so nothing was explored\n" << to_string(result.reference);
    return;
  }
  for (const auto* run : result.failures()) ADD_FAILURE() << to_string(*run);
  if (result.ok()) SUCCEED() << "explored " << result.runs.size() << " runs, all passed";
}

/// `expect_explored(explore(options, body))`, returning the result for more checks.
inline explore_result explore_each(const explore_options& options, const explore_body& body) {
  auto result = explore(options, body);
  expect_explored(result);
  return result;
}

/// A GoogleTest listener: when a test fails, prints the journal of every server watched during
/// it that saw a request (one line per request: operation, status, retry token, fault fired,
/// what changed), and writes it to `OCIFAKE_JOURNAL_DIR` when that is set.
class journal_listener : public ::testing::EmptyTestEventListener {
public:
  void OnTestEnd(const ::testing::TestInfo& test) override {
    auto journals = detail::journals::instance().take();
    if (!test.result()->Failed()) return;
    const std::string name = detail::test_name(test);
    auto shown = test_detail::journals_to_show(journals);
    for (const auto* j : shown) test_detail::print_journal(std::cout, *j, name);
    test_detail::write_journal_files(shown, name);
  }
};

#if !defined(OCIFAKE_GTEST_NO_LISTENER)
namespace detail {
// Appended when the program starts, before any main runs (GoogleTest's own, or yours): one per
// program however many files include this header. GoogleTest owns and deletes it.
inline const bool journal_listener_registered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new journal_listener);
  return true;
}();
}  // namespace detail
#endif

}  // namespace ocifake::gtest
