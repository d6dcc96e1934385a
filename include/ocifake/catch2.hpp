#pragma once
/// \file catch2.hpp
/// Catch2 (v2) helpers: a fixture that starts a fresh server for every test case, and a listener
/// that prints the journal of that server when the test case fails, so a red test shows what the
/// client sent and which faults fired.
///
///     #include <ocifake/catch2.hpp>
///
///     TEST_CASE_METHOD(ocifake::catch2::fixture, "the uploader retries a lost CreateImage") {
///       fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());
///       // ... run the code under test against fake.endpoint() ...
///     }
///
/// Header-only; include it instead of `<catch2/catch.hpp>` (or before it) in any number of test
/// files: the listener needs Catch2's reporter interfaces, which this header asks for with
/// `CATCH_CONFIG_EXTERNAL_INTERFACES`. The listener registers itself once per program; define
/// `OCIFAKE_CATCH2_NO_LISTENER` before including this header to leave it out.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#if defined(TWOBLUECUBES_SINGLE_INCLUDE_CATCH_HPP_INCLUDED) && !defined(CATCH_CONFIG_EXTERNAL_INTERFACES) && \
    !defined(CATCH_CONFIG_ENABLE_BENCHMARKING)
#error "ocifake/catch2.hpp: include it before <catch2/catch.hpp> (or define CATCH_CONFIG_EXTERNAL_INTERFACES before that): its listener needs Catch2's reporter interfaces"
#endif
#ifndef CATCH_CONFIG_EXTERNAL_INTERFACES
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#endif
#include <catch2/catch.hpp>

#include <ocifake/journal.hpp>
#include <ocifake/options.hpp>
#include <ocifake/server.hpp>

namespace ocifake::catch2 {

namespace detail {

/// The journal of one watched server, as it stood when the watch ended.
struct captured_journal {
  std::string endpoint;
  std::vector<journal_entry> entries;
  /// Whether an assertion failed or an exception escaped while the server was watched.
  bool failed = false;
};

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

  /// Takes the server's journal now, before it is destroyed.
  void remove(const server* s) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(live_.begin(), live_.end(), [s](const watch& w) { return w.srv == s; });
    if (it == live_.end()) return;
    captured_.push_back(capture(*it));
    live_.erase(it);
  }

  void assertion_failed() {
    std::lock_guard lock(mutex_);
    ++failures_;
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
            failures_ > w.failures_at_start || std::uncaught_exceptions() > w.exceptions_at_start};
  }

  std::mutex mutex_;
  std::vector<watch> live_;
  std::vector<captured_journal> captured_;
  std::size_t failures_ = 0;
};

}  // namespace detail

/// Watches a server for the length of a scope: if the test case fails, the listener prints the
/// server's journal as it stood when the watch ended (a request still being handled then is not
/// in it; `server::stop()` first waits for those). The fixture below uses it; use it directly for
/// a server a test starts itself:
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
/// `fake`; derive from it to start the server with other options:
///
///     struct manual_clock : ocifake::catch2::fixture {
///       manual_clock() : fixture({.clock = ocifake::clock_mode::manual}) {}
///     };
class fixture {
public:
  fixture() : fixture(server_options{}) {}
  explicit fixture(server_options options) : fake(std::move(options)), watch_(fake) {}
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

/// A Catch2 listener: when a test case fails, prints the journal of every server watched during
/// it (one line per request: operation, status, retry token, fault fired, what changed). Console
/// and compact reports get it in their own output; other reporters (XML, JUnit) on stderr, so
/// their reports stay well formed.
class journal_listener : public Catch::TestEventListenerBase {
public:
  using Catch::TestEventListenerBase::TestEventListenerBase;

  bool assertionEnded(Catch::AssertionStats const& stats) override {
    if (!stats.assertionResult.isOk()) detail::registry::instance().assertion_failed();
    return Catch::TestEventListenerBase::assertionEnded(stats);
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    auto journals = detail::registry::instance().take();
    bool failed = stats.totals.assertions.failed > 0 || stats.totals.testCases.failed > 0;
    if (failed && !journals.empty()) {
      // Only the runs that failed, unless the failure came after every server was gone.
      bool any_marked = std::any_of(journals.begin(), journals.end(), [](const auto& j) { return j.failed; });
      std::ostream& os = text_report() ? stream : Catch::cerr();
      for (const auto& j : journals) {
        if (any_marked && !j.failed) continue;
        os << "ocifake journal of " << j.endpoint << " for \"" << stats.testInfo.name << "\" (" << j.entries.size()
           << (j.entries.size() == 1 ? " request" : " requests") << "):\n";
        for (const auto& e : j.entries) os << "  " << e << '\n';
      }
      os.flush();
    }
    Catch::TestEventListenerBase::testCaseEnded(stats);
  }

private:
  bool text_report() const {
    auto* config = dynamic_cast<Catch::Config const*>(m_config.get());
    if (!config) return false;
    const auto& name = config->getReporterName();
    return name.empty() || name == "console" || name == "compact";
  }
};

#if !defined(OCIFAKE_CATCH2_NO_LISTENER) && !defined(CATCH_CONFIG_DISABLE)
namespace detail {
// CATCH_REGISTER_LISTENER would register the listener once per translation unit that includes
// this header (and print each journal that many times); an inline variable is one per program.
inline Catch::ListenerRegistrar<journal_listener> journal_listener_registrar;
}  // namespace detail
#endif

}  // namespace ocifake::catch2
