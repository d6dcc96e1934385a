// ocifake_bench: the measurements of docs/performance.md, each against the bare cpp-httplib
// baseline (baseline_server.hpp) in the same process and run, interleaved, so that a noisy machine
// disturbs both alike. tests/bench/run.sh drives it; every result is one "name<TAB>value" line.
//
//   ocifake_bench startstop  [--cycles N]    construct + first answer + destroy, both servers
//   ocifake_bench latency    [--requests N] [--block N] [--cpu N]
//                                            one keep-alive connection: CreateImage, GetImage;
//                                            --cpu: the whole process on that one CPU
//   ocifake_bench serve                      both servers until SIGINT/SIGTERM, for wrk
//   ocifake_bench list       [--images N] [--journal-limit N] [--no-walk]
//                                            ListImages pages over N images; RSS per image
//   ocifake_bench lifecycles [--cycles N]    threads and descriptors before and after N servers
//   ocifake_bench explore    [--rounds N] [--jobs N]
//                                            explored runs per second: a body of five requests
//                                            at depth 1, explored N times
#include <malloc.h>
#include <sched.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <httplib.h>

#include <ocifake/ocifake.hpp>

#include "baseline_server.hpp"
#include "bench_util.hpp"

namespace {

namespace json = boost::json;
using bench::report;

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaabenchmarkcompartment";
const std::string images_path = "/20160918/images";

// CreateImage importing an image from Object Storage. Not a capture of an instance: on OCI, and so
// in ocifake, an instance is CREATING_IMAGE until its image is AVAILABLE and a second CreateImage
// of it meanwhile is 409, so one instance cannot be captured again and again.
const std::string source_uri = "https://objectstorage.us-phoenix-1.oraclecloud.com/n/benchns/b/images/o/base.qcow2";
std::string create_body() {
  return R"({"compartmentId":")" + compartment +
         R"(","imageSourceDetails":{"sourceType":"objectStorageUri","sourceUri":")" + source_uri + R"("}})";
}

// A keep-alive client with TCP_NODELAY, as an OCI SDK would hold one.
struct client {
  explicit client(std::uint16_t port) : http("127.0.0.1", port) {
    http.set_tcp_nodelay(true);
    http.set_keep_alive(true);
  }
  // The answer's status; the body goes to `body` when given. Exits on a transport failure: a
  // benchmark that silently measures errors measures nothing.
  int post(const std::string& path, const std::string& body, std::string* out = nullptr) {
    return check(http.Post(path.c_str(), body, "application/json"), out);
  }
  int get(const std::string& path, std::string* out = nullptr, httplib::Headers* headers = nullptr) {
    auto res = http.Get(path.c_str());
    if (res && headers) *headers = res->headers;
    return check(std::move(res), out);
  }
  int check(httplib::Result res, std::string* out) {
    if (!res) {
      std::fprintf(stderr, "ocifake_bench: request failed: %s\n", httplib::to_string(res.error()).c_str());
      std::exit(1);
    }
    if (out) *out = std::move(res->body);
    return res->status;
  }
  httplib::Client http;
};

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ocifake_bench: unexpected answer: %s\n", what);
    std::exit(1);
  }
}

// The answer ocifake gives CreateImage, which the baseline then sends back verbatim.
std::string canned_image_body() {
  ocifake::server fake;
  client c(fake.port());
  std::string body;
  expect(c.post(images_path, create_body(), &body) == 200, "CreateImage for the canned body");
  return body;
}

std::size_t flag(int argc, char** argv, const char* name, std::size_t fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::stoul(argv[i + 1]);
  return fallback;
}

bool has_flag(int argc, char** argv, const char* name) {
  for (int i = 2; i < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return true;
  return false;
}

void summarise(const std::string& name, std::vector<double> micros) {
  report(name + ".median_us", bench::percentile(micros, 0.50));
  report(name + ".p99_us", bench::percentile(micros, 0.99));
  report(name + ".max_us", micros.back());
}

// ---------------------------------------------------------------- (a) start + first answer + stop

int startstop(std::size_t cycles) {
  const std::string canned = canned_image_body();
  auto ocifake_cycle = [] {
    auto t0 = bench::clock_type::now();
    {
      ocifake::server fake;
      client c(fake.port());
      expect(c.post(images_path, create_body()) == 200, "CreateImage on a new ocifake::server");
    }
    return bench::micros_since(t0);
  };
  auto baseline_cycle = [&canned] {
    auto t0 = bench::clock_type::now();
    {
      bench::baseline_server bare(canned);
      client c(bare.port());
      expect(c.post(images_path, create_body()) == 200, "POST on a new baseline");
    }
    return bench::micros_since(t0);
  };
  for (int i = 0; i < 20; ++i) ocifake_cycle(), baseline_cycle();  // warm-up: page faults, loader
  std::vector<double> fake, bare;
  for (std::size_t i = 0; i < cycles; ++i) {
    // Alternate which goes first, so neither always follows the other's teardown.
    if (i % 2) {
      fake.push_back(ocifake_cycle());
      bare.push_back(baseline_cycle());
    } else {
      bare.push_back(baseline_cycle());
      fake.push_back(ocifake_cycle());
    }
  }
  report("startstop.cycles", static_cast<double>(cycles));
  summarise("startstop.ocifake", fake);
  summarise("startstop.baseline", bare);
  return 0;
}

// ---------------------------------------------------------------- (b) single-connection latency

// With `cpu` (>= 0) the whole process, client and servers' threads, runs on that one CPU: every
// wake-up is then a switch on one core, and the figure is the work each server does for a request.
// Without it, whether the client's and the worker's wake-ups cross CPUs is up to the scheduler,
// which on a virtual machine costs tens of microseconds each way and follows from how many threads
// each server keeps, not from what they do (docs/performance.md).
int latency(std::size_t requests, std::size_t block, int cpu) {
  std::string prefix = "latency.";
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
      std::perror("ocifake_bench latency: sched_setaffinity");
      return 1;
    }
    prefix = "latency_pinned.";
  }
  ocifake::server fake;
  bench::baseline_server bare(canned_image_body());
  client to_fake(fake.port()), to_bare(bare.port());
  const auto body = create_body();

  std::string created;
  expect(to_fake.post(images_path, body, &created) == 200, "CreateImage");
  const auto image_path = images_path + "/" + json::parse(created).as_object().at("id").as_string().c_str();

  struct op {
    const char* name;
    std::function<int(client&)> call;
  };
  const op ops[] = {
      {"create", [&](client& c) { return c.post(images_path, body); }},
      {"get", [&](client& c) { return c.get(image_path); }},
  };
  for (const auto& o : ops) {
    for (int i = 0; i < 200; ++i) o.call(to_fake), o.call(to_bare);  // warm-up
    // Blocks of `block` requests alternate between the servers, the order flipping every pair of
    // blocks, so that both meet the same machine. A block, not a single request: a test talks to
    // one server at a time, and alternating every request would keep evicting each server's code
    // and data from the caches, which the one with the longer path (ocifake) pays for most.
    std::vector<double> f, b;
    double cpu_f = 0, cpu_b = 0;  // process CPU time (client and server threads), summed
    for (std::size_t done = 0, pair = 0; done < requests; done += block, ++pair) {
      for (int k = 0; k < 2; ++k) {
        const bool fake = (k == 0) == (pair % 2 == 0);
        auto& c = fake ? to_fake : to_bare;
        const double cpu0 = bench::cpu_micros();
        for (std::size_t i = 0; i < block; ++i) {
          auto t0 = bench::clock_type::now();
          int status = o.call(c);
          (fake ? f : b).push_back(bench::micros_since(t0));
          expect(status == 200, o.name);
        }
        (fake ? cpu_f : cpu_b) += bench::cpu_micros() - cpu0;
      }
    }
    const std::string name = prefix + o.name;
    // CPU time per request barely depends on what else the machine runs, unlike wall time.
    report(name + ".ocifake.cpu_us", cpu_f / static_cast<double>(f.size()));
    report(name + ".baseline.cpu_us", cpu_b / static_cast<double>(b.size()));
    summarise(name + ".ocifake", f);
    summarise(name + ".baseline", b);
  }
  return 0;
}

// ---------------------------------------------------------------- (b) servers for wrk

int serve() {
  // SIGINT and SIGTERM are taken by sigwait below; the servers' threads inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ocifake::server fake;
  std::string created;
  {
    client c(fake.port());
    expect(c.post(images_path, create_body(), &created) == 200, "CreateImage");
  }
  bench::baseline_server bare(created);
  {
    client c(bare.port());
    expect(c.post(images_path, create_body()) == 200, "baseline POST");  // its accept loop runs
  }
  report("ocifake", fake.endpoint());
  report("baseline", bare.endpoint());
  report("compartment", compartment);
  report("image", json::value_to<std::string>(json::parse(created).at("id")));
  report("ready", "1");
  int sig = 0;
  sigwait(&stop_signals, &sig);
  report("served.images", static_cast<double>(fake.images().size()));
  report("served.journal", static_cast<double>(fake.journal().size()));
  report("served.rss_mib", static_cast<double>(bench::rss_bytes()) / (1 << 20));
  return 0;
}

// ---------------------------------------------------------------- (c) ListImages over many images

int list(std::size_t count, std::size_t journal_limit, bool walk) {
  malloc_trim(0);
  const auto rss_empty = bench::rss_bytes();
  ocifake::server fake({.platform_images = false, .journal_limit = journal_limit});
  {
    client warm(fake.port());  // the workers and the client's buffers, before the baseline RSS
    for (int i = 0; i < 50; ++i) warm.get(images_path + "?compartmentId=" + compartment);
  }
  fake.clear_journal();
  malloc_trim(0);
  const auto rss_before = bench::rss_bytes();

  // Seeding: CreateImage over HTTP, as a client would, from two connections.
  const auto body = create_body();
  auto t0 = bench::clock_type::now();
  std::vector<std::thread> seeders;
  for (std::size_t t = 0; t < 2; ++t)
    seeders.emplace_back([&, t] {
      client c(fake.port());
      for (std::size_t i = t; i < count; i += 2) expect(c.post(images_path, body) == 200, "CreateImage (seed)");
    });
  for (auto& s : seeders) s.join();
  const double seed_seconds = bench::micros_since(t0) / 1e6;
  malloc_trim(0);
  const auto rss_seeded = bench::rss_bytes();
  const auto journal_entries = fake.journal().size();

  // Resident memory is measured in one process per journal limit: memory freed by clearing the
  // journal stays resident between the images' blocks, so the two cannot be told apart afterwards.
  const std::string prefix = journal_limit ? "list." : "list.journal0.";
  report(prefix + "images", static_cast<double>(count));
  report(prefix + "seed_per_s", static_cast<double>(count) / seed_seconds);
  report(prefix + "server_empty_kib", static_cast<double>(rss_before - rss_empty) / 1024);
  report(prefix + "journal_entries", static_cast<double>(journal_entries));
  report(prefix + "rss_per_image_b", static_cast<double>(rss_seeded - rss_before) / static_cast<double>(count));
  if (!walk) return 0;

  // The walk: every page of 100, newest first (ListImages' default order), one connection.
  client c(fake.port());
  std::vector<double> page_us;
  std::vector<std::string> page_paths;
  std::size_t listed = 0;
  std::string token;
  for (;;) {
    auto path = images_path + "?compartmentId=" + compartment + "&limit=100";
    if (!token.empty()) path += "&page=" + httplib::detail::encode_query_param(token);
    page_paths.push_back(path);
    std::string out;
    httplib::Headers headers;
    auto t = bench::clock_type::now();
    int status = c.get(path, &out, &headers);
    page_us.push_back(bench::micros_since(t));
    expect(status == 200, "ListImages page");
    listed += json::parse(out).as_array().size();
    auto next = headers.find("opc-next-page");
    if (next == headers.end()) break;
    token = next->second;
  }
  expect(listed == count, "the walk lists every image once");
  const auto pages = page_us.size();
  report("list.pages", static_cast<double>(pages));
  summarise("list.walk", page_us);
  for (std::size_t i = 0; i < std::min<std::size_t>(pages, 5); ++i)
    report("list.walk_page" + std::to_string(i + 1) + "_us", page_us[i]);

  // One page, as a single figure, is at the mercy of the scheduler on a shared machine: the first,
  // middle and last pages are asked for again, in turn, and each one's median is reported.
  const std::string at_names[] = {"first", "middle", "last"};
  const std::string at_paths[] = {page_paths.front(), page_paths[pages / 2], page_paths.back()};
  std::vector<double> at_us[3];
  for (int round = 0; round < 21; ++round)
    for (int k = 0; k < 3; ++k) {
      auto t = bench::clock_type::now();
      int status = c.get(at_paths[k]);
      at_us[k].push_back(bench::micros_since(t));
      expect(status == 200, "ListImages page (again)");
    }
  for (int k = 0; k < 3; ++k) report("list.page_" + at_names[k] + "_us", bench::percentile(at_us[k], 0.5));
  return 0;
}

// ---------------------------------------------------------------- (d) no growth over many servers

int lifecycles(std::size_t cycles) {
  auto cycle = [] {
    ocifake::server fake;
    client c(fake.port());
    expect(c.post(images_path, create_body()) == 200, "CreateImage");
  };
  cycle();  // the first server's one-time allocations (loader, locale, thread caches)
  const int threads_before = bench::thread_count(), fds_before = bench::fd_count();
  malloc_trim(0);
  const auto rss_before = bench::rss_bytes();
  for (std::size_t i = 0; i < cycles; ++i) cycle();
  malloc_trim(0);
  report("lifecycles.cycles", static_cast<double>(cycles));
  report("lifecycles.threads_before", threads_before);
  report("lifecycles.threads_after", bench::thread_count());
  report("lifecycles.fds_before", fds_before);
  report("lifecycles.fds_after", bench::fd_count());
  report("lifecycles.rss_growth_kib", static_cast<double>(bench::rss_bytes() - rss_before) / 1024);
  return 0;
}

// ---------------------------------------------------------------- (e) exploration

// Explored runs per second: a body of five requests (CreateImage with a retry token, GetWorkRequest
// until it succeeds, GetImage, ListImages), retrying what got no answer or an error answer, at
// depth 1 with the default fault kinds, explored `rounds` times with `jobs` runs at once.
int explore_speed(std::size_t rounds, std::size_t jobs) {
  auto start = ocifake::scenario::parse(R"({"name": "explore bench", "platformImages": false})");
  ocifake::explore_options options{.server = {.seed = 7}, .scenarios = {start}, .jobs = jobs};
  auto body = [&](ocifake::server& fake) {
    httplib::Client http("127.0.0.1", fake.port());
    http.set_tcp_nodelay(true);
    http.set_keep_alive(true);
    http.set_read_timeout(2, 0);
    auto send = [](const std::function<httplib::Result()>& request) {
      for (int attempt = 0; attempt < 4; ++attempt) {
        auto answer = request();
        if (answer && answer->status < 500 && answer->status != 429 && answer->status != 409) return answer;
      }
      throw std::runtime_error("no good answer after 4 attempts");
    };
    const httplib::Headers token{{"opc-retry-token", "bench-1"}};
    auto created = send([&] { return http.Post(images_path, token, create_body(), "application/json"); });
    auto image = json::parse(created->body).at("id").as_string();
    auto wr = created->get_header_value("opc-work-request-id");
    for (int poll = 0;; ++poll) {
      auto answer = send([&] { return http.Get("/20160918/workRequests/" + wr); });
      if (json::parse(answer->body).at("status") == "SUCCEEDED") break;
      if (poll == 10) throw std::runtime_error("the work request never succeeded");
    }
    if (send([&] { return http.Get(images_path + "/" + std::string(image)); })->status != 200)
      throw std::runtime_error("GetImage failed");
    auto listed = send([&] { return http.Get(images_path + "?compartmentId=" + compartment); });
    if (json::parse(listed->body).as_array().size() != 1) throw std::runtime_error("expected one image");
  };
  std::size_t runs = 0, failed = 0, requests = 0;
  auto t = bench::clock_type::now();
  for (std::size_t i = 0; i < rounds; ++i) {
    auto result = ocifake::explore(options, body);
    expect(result.reference.passed, "the reference run passes");
    runs += result.runs.size() + 1;
    failed += result.failed();
    requests = result.requests.size();
  }
  auto seconds = bench::micros_since(t) / 1e6;
  report("explore.requests", static_cast<double>(requests));
  report("explore.runs", static_cast<double>(runs));
  report("explore.failed", static_cast<double>(failed));
  report("explore.jobs", static_cast<double>(jobs));
  report("explore.runs_per_s", static_cast<double>(runs) / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  const std::string what = argc > 1 ? argv[1] : "";
  try {
    if (what == "startstop") return startstop(flag(argc, argv, "--cycles", 1000));
    if (what == "latency")
      return latency(flag(argc, argv, "--requests", 5000), flag(argc, argv, "--block", 50),
                     has_flag(argc, argv, "--cpu") ? static_cast<int>(flag(argc, argv, "--cpu", 0)) : -1);
    if (what == "serve") return serve();
    if (what == "list")
      return list(flag(argc, argv, "--images", 100000), flag(argc, argv, "--journal-limit", 100000),
                  !has_flag(argc, argv, "--no-walk"));
    if (what == "lifecycles") return lifecycles(flag(argc, argv, "--cycles", 1000));
    if (what == "explore") return explore_speed(flag(argc, argv, "--rounds", 20), flag(argc, argv, "--jobs", 2));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ocifake_bench %s: %s\n", what.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: ocifake_bench startstop|latency|serve|list|lifecycles|explore [--cycles N] [--requests N] "
               "[--images N]\n");
  return 2;
}
