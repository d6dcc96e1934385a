// Shutdown and resources: stopping is prompt whatever the connections are doing, starting and
// stopping leaks no threads or descriptors, and a client that goes away mid-request frees its
// worker. Measured figures go out as WARN lines (docs/reliability.md records them).
#include "catch_compat.hpp"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "raw_http.hpp"
#include "support.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

std::size_t entries(const char* dir) {
  std::size_t n = 0;
  if (DIR* d = opendir(dir)) {
    while (auto* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
  }
  return n;
}
std::size_t threads_now() { return entries("/proc/self/task"); }
std::size_t descriptors_now() { return entries("/proc/self/fd") - 1; }  // less the one opendir holds

// Polls `done` until it holds or `limit` passes: for states another thread reaches (a rule that
// fired, a thread that ended), which offer nothing to wait on.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
  auto until = steady::now() + limit;
  while (!done()) {
    if (steady::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::uint64_t fired(ocifake::server& fake, const std::string& rule) {
  for (const auto& r : fake.faults().list())
    if (r.id == rule) return r.fired;
  return 0;
}

std::string get_request(const std::string& path, bool keep_alive = true) {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
}

long long ms_since(steady::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0).count();
}

}  // namespace

TEST_CASE("shutdown: stop returns within a second with 16 hung requests and 100 idle keep-alive connections",
          "[http][shutdown]") {
  auto fake = std::make_unique<ocifake::server>();
  fake->faults().add(ocifake::fault::on("GetImage").id("hang").hang());

  std::vector<test::raw::connection> idle;
  for (int i = 0; i < 100; ++i) {
    idle.emplace_back(fake->port());
    REQUIRE(idle.back().ok());
    REQUIRE(idle.back().send_all(get_request("/_ocifake/health")));
    auto a = test::raw::parse(idle.back().receive());
    REQUIRE(a.status == 200);  // answered, and the connection stays open
  }
  std::vector<test::raw::connection> hung;
  for (int i = 0; i < 16; ++i) {
    hung.emplace_back(fake->port());
    REQUIRE(hung.back().ok());
    REQUIRE(hung.back().send_all(get_request("/20160918/images/ocid1.image.oc1.phx.aaaaaaaahung" + std::to_string(i))));
  }
  REQUIRE(eventually([&] { return fired(*fake, "hang") == 16; }));

  auto t0 = steady::now();
  fake->stop();
  auto took = ms_since(t0);
  WARN("stop with 16 hung requests and 100 idle keep-alive connections: " << took << " ms");
  CHECK(took < 2000);
  // Every connection was ended, none answered.
  for (auto& h : hung) CHECK(h.closed_by_peer(2s));
  for (auto& i : idle) CHECK(i.closed_by_peer(2s));
  CHECK(fake->journal("GetImage").size() == 16);
  for (const auto& e : fake->journal("GetImage")) CHECK(e.status == 0);
}

TEST_CASE("shutdown: 1,000 start/stop cycles leak no threads and no descriptors", "[http][shutdown][slow]") {
  auto cycle = [] {
    ocifake::server fake;
    test::client c(fake);
    auto r = c.get("/_ocifake/health");  // a worker thread and a keep-alive connection to clean up
    return r && r->status == 200;
  };
  REQUIRE(cycle());  // first use: whatever is made once per process
  const auto threads_before = threads_now();
  const auto fds_before = descriptors_now();
  auto t0 = steady::now();
  int ok = 0;
  for (int i = 0; i < 1000; ++i) ok += cycle();
  auto took = ms_since(t0);
  WARN("1,000 start/request/stop cycles: " << took << " ms; threads " << threads_before << " -> " << threads_now()
                                           << ", descriptors " << fds_before << " -> " << descriptors_now());
  CHECK(ok == 1000);
  // Not more: servers share the process's parked threads (http/threads.hpp). Possibly fewer: the
  // threads of earlier tests' servers beyond the few that park end on their own time.
  CHECK(threads_now() <= threads_before);
  CHECK(descriptors_now() == fds_before);
}

TEST_CASE("shutdown: a client that leaves during a hang frees the worker for the next request", "[http][shutdown]") {
  // One worker: if the hung request kept it, nothing else could be served.
  ocifake::server fake({.max_workers = 1});
  fake.faults().add(ocifake::fault::on("GetImage").id("hang").times(2).hang());

  for (bool with_reset : {false, true}) {
    INFO((with_reset ? "RST" : "FIN"));
    auto before = fired(fake, "hang");
    {
      test::raw::connection gone(fake.port());
      REQUIRE(gone.send_all(get_request("/20160918/images/ocid1.image.oc1.phx.aaaaaaaagone")));
      REQUIRE(eventually([&] { return fired(fake, "hang") == before + 1; }));
      if (with_reset) gone.reset();
    }
    auto t0 = steady::now();
    auto a = test::raw::exchange(fake.port(), get_request("/_ocifake/health", false), 5s);
    auto took = ms_since(t0);
    WARN("next request after a client left a hang (" << (with_reset ? "RST" : "FIN") << "): answered in " << took
                                                     << " ms");
    CHECK(a.status == 200);
    CHECK(took < 2000);
  }
  auto t0 = steady::now();
  fake.stop();
  CHECK(ms_since(t0) < 2000);
  auto hung = fake.journal("GetImage");
  REQUIRE(hung.size() == 2);
  for (const auto& e : hung) CHECK(e.status == 0);
}

TEST_CASE("shutdown: a client that leaves during a slow body frees the worker and stop stays prompt",
          "[http][shutdown]") {
  ocifake::server fake({.max_workers = 1});
  // The answer dribbles over 20 s: leaving must not hold the only worker that long.
  fake.faults().add(ocifake::fault::on("GetImage").id("slow").times(1).slow_body(20s));
  {
    test::raw::connection gone(fake.port());
    REQUIRE(gone.send_all(get_request("/20160918/images/ocid1.image.oc1.phx.aaaaaaaaslow")));
    // The head arrives (the body's first piece comes 2 s later), then the client resets.
    auto head = gone.receive(500ms, false);
    CHECK(head.rfind("HTTP/1.1 404", 0) == 0);
    CHECK(fired(fake, "slow") == 1);
    gone.reset();
  }
  auto t0 = steady::now();
  auto a = test::raw::exchange(fake.port(), get_request("/_ocifake/health", false), 10s);
  auto took = ms_since(t0);
  WARN("next request after a client left a 20 s slow body: answered in " << took << " ms");
  CHECK(a.status == 200);
  CHECK(took < 5000);
  t0 = steady::now();
  fake.stop();
  CHECK(ms_since(t0) < 2000);
}

TEST_CASE("shutdown: stop during a slow body and a delay returns promptly", "[http][shutdown]") {
  auto fake = std::make_unique<ocifake::server>();
  fake->faults().add(ocifake::fault::on("GetImage").id("slow").slow_body(60s));
  fake->faults().add(ocifake::fault::on("ListImages").id("delay").delay(60s));
  test::raw::connection slow(fake->port()), delayed(fake->port());
  REQUIRE(slow.send_all(get_request("/20160918/images/ocid1.image.oc1.phx.aaaaaaaaslow")));
  REQUIRE(delayed.send_all(get_request("/20160918/images?compartmentId=" + test::compartment)));
  REQUIRE(eventually([&] { return fired(*fake, "slow") == 1 && fired(*fake, "delay") == 1; }));
  auto t0 = steady::now();
  fake->stop();
  auto took = ms_since(t0);
  WARN("stop during a 60 s slow body and a 60 s delay: " << took << " ms");
  CHECK(took < 2000);
  CHECK(slow.closed_by_peer(2s));
  CHECK(delayed.closed_by_peer(2s));
}

TEST_CASE("shutdown: a server started after another stopped runs on the threads that one left parked",
          "[http][shutdown]") {
  // The process's thread count while each server answers (its accept loop and one worker busy).
  auto serve_once = [] {
    ocifake::server fake;
    std::atomic<std::size_t> during{0};
    fake.on_request([&](const ocifake::journal_entry&) { during = threads_now(); });
    test::client c(fake);
    auto r = c.get("/_ocifake/health");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    fake.settle();
    return during.load();
  };
  serve_once();
  const auto after_first = threads_now();
  const auto during_second = serve_once();
  INFO("threads after the first server stopped: " << after_first << ", while the second answered: " << during_second);
  // Started afresh, the second server's two threads would come on top of what the first left.
  CHECK(during_second <= after_first);
}

TEST_CASE("shutdown: a server's threads leave the process's signals to the application", "[http][shutdown]") {
  ocifake::server fake;
  std::atomic<bool> all_blocked{false};
  fake.on_request([&](const ocifake::journal_entry&) {
    sigset_t set;
    pthread_sigmask(SIG_BLOCK, nullptr, &set);
    all_blocked = sigismember(&set, SIGINT) && sigismember(&set, SIGTERM) && sigismember(&set, SIGPIPE) &&
                  sigismember(&set, SIGHUP) && !sigismember(&set, SIGSEGV);
  });
  test::client c(fake);
  REQUIRE(c.get("/_ocifake/health"));
  fake.settle();
  CHECK(all_blocked);
  sigset_t mine;
  pthread_sigmask(SIG_BLOCK, nullptr, &mine);
  CHECK_FALSE(sigismember(&mine, SIGINT));  // the test's own thread is as it was
}
