#pragma once
// What the failure-mode demos share: a bare OCI client over cpp-httplib, time that a test can
// fast-forward, and a server started from a bundled scenario file.
//
// Each demo (tests/scenarios/*_test.cpp) writes the same small job twice, the naive way and the
// right way, loads one scenario from scenarios/, and shows the naive client failing the way that
// scenario documents and the right one succeeding. Clients never sleep for real: they are given a
// `sleeper`, which in these tests moves the server's manual clock, so an hour-long wait runs in
// microseconds.
//
// Each demo of the right way ends with check_diagram(): the journal of its run, as a Mermaid
// sequence diagram, must equal tests/scenarios/<scenario>.mmd, which docs/scenarios.md quotes.
// After a change that alters a run on purpose, rewrite the files with
//
//   OCIFAKE_UPDATE_DIAGRAMS=1 ./tests/ocifake_tests "[scenarios]"
//
// and review the difference before committing it.

#include "catch_compat.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include <boost/json.hpp>
#include <httplib.h>

#include <ocifake/ocifake.hpp>

namespace demo {

using namespace std::chrono_literals;
namespace json = boost::json;

inline const std::string compartment = "ocid1.compartment.oc1..aaaaaaaademo";
inline const std::string instance = "ocid1.instance.oc1.phx.aaaaaaaademo";

// One answer, or none: status 0 means the request got no answer (reset, closed, timed out).
struct answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string transport_error;  // why there was no answer

  bool ok() const { return status >= 200 && status < 300; }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // A top-level string field of the JSON body ("lifecycleState"); empty when absent.
  std::string field(const char* key) const {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    auto* f = v.as_object().if_contains(key);
    if (!f) return {};
    if (auto* s = f->if_string()) return std::string(*s);
    if (f->is_number()) return json::serialize(*f);
    return {};
  }
  // "409 IncorrectState" or "no answer (Read)".
  std::string describe() const {
    if (!status) return "no answer (" + transport_error + ")";
    return std::to_string(status) + " " + field("code");
  }
};

// The smallest OCI REST client: one connection, JSON in and out, a read timeout.
class oci_client {
public:
  explicit oci_client(const std::string& endpoint, std::chrono::milliseconds read_timeout = 10s) : http_(endpoint) {
    http_.set_keep_alive(true);
    // Without it a request sent on a kept-alive connection (a retry after an error answer) waits
    // ~40 ms for the fake's delayed ACK before its body leaves.
    http_.set_tcp_nodelay(true);
    http_.set_connection_timeout(2, 0);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(read_timeout).count();
    http_.set_read_timeout(static_cast<time_t>(us / 1'000'000), static_cast<time_t>(us % 1'000'000));
  }
  answer get(const std::string& path, const httplib::Headers& h = {}) { return wrap(http_.Get(path.c_str(), h)); }
  answer post(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return wrap(http_.Post(path.c_str(), h, body, "application/json"));
  }
  answer put(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return wrap(http_.Put(path.c_str(), h, body, "application/json"));
  }

private:
  static answer wrap(const httplib::Result& r) {
    answer a;
    if (!r) {
      a.transport_error = httplib::to_string(r.error());
      return a;
    }
    a.status = r->status;
    a.body = r->body;
    a.headers = r->headers;
    return a;
  }
  httplib::Client http_;
};

// How a client waits between attempts or polls.
using sleeper = std::function<void(std::chrono::milliseconds)>;

// A client gave up, and says why.
struct gave_up : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The CI job's own timeout: a client that would wait forever is stopped here instead.
struct job_timed_out : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Fake time for a manual-clock server: sleeping advances the clock. Past `job_budget` of total
// sleep, throws job_timed_out, as a CI system kills a job that runs too long.
inline sleeper fake_time(ocifake::server& fake, std::chrono::milliseconds job_budget = 6h) {
  auto slept = std::make_shared<std::chrono::milliseconds>(0);
  return [&fake, slept, job_budget](std::chrono::milliseconds d) {
    *slept += d;
    if (*slept > job_budget)
      throw job_timed_out("the job was killed after " +
                          std::to_string(std::chrono::duration_cast<std::chrono::minutes>(job_budget).count()) +
                          " minutes");
    fake.clock().advance(d);
  };
}

// A server as the bundled scenario `name` (scenarios/<name>.json) describes it: a default server
// takes the scenario's clock and seed as it loads it, then its state and rules.
inline std::unique_ptr<ocifake::server> start(const std::string& name) {
  auto fake = std::make_unique<ocifake::server>();
  fake->load_scenario(std::string(OCIFAKE_SOURCE_DIR) + "/scenarios/" + name + ".json");
  return fake;
}

// The request bodies the demos send.
inline std::string create_from_instance(const std::string& display_name) {
  return json::serialize(
      json::object{{"compartmentId", compartment}, {"instanceId", instance}, {"displayName", display_name}});
}

inline std::string import_from_object(const std::string& object, const std::string& display_name) {
  return json::serialize(json::object{{"compartmentId", compartment},
                                      {"displayName", display_name},
                                      {"imageSourceDetails", json::object{{"sourceType", "objectStorageTuple"},
                                                                          {"namespaceName", "demo"},
                                                                          {"bucketName", "images"},
                                                                          {"objectName", object},
                                                                          {"sourceImageType", "QCOW2"}}}});
}

// A fresh opc-retry-token: one per logical request, reused by all of its attempts.
inline std::string new_retry_token() {
  static std::mt19937_64 rng{std::random_device{}()};
  static const char hex[] = "0123456789abcdef";
  std::string t = "demo-";
  for (int i = 0; i < 32; ++i) t += hex[rng() % 16];
  return t;
}

// Images the fake holds that are not DELETED.
inline std::size_t live_images(const ocifake::server& fake) {
  std::size_t n = 0;
  for (const auto& i : fake.images()) n += i.lifecycle_state != "DELETED";
  return n;
}

// Stops the server, so that no request is still being journalled, and compares its journal as a
// Mermaid sequence diagram with tests/scenarios/<name>.mmd. With OCIFAKE_UPDATE_DIAGRAMS=1 in the
// environment, writes the file instead. The diagram shows no times or request ids, and the OCIDs in
// it come from the scenario's seed, so a run draws the same diagram every time.
inline void check_diagram(ocifake::server& fake, const std::string& name) {
  fake.stop();
  const auto diagram = ocifake::to_mermaid(fake.journal());
  const std::string path = std::string(OCIFAKE_SOURCE_DIR) + "/tests/scenarios/" + name + ".mmd";
  const char* update = std::getenv("OCIFAKE_UPDATE_DIAGRAMS");
  if (update && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << diagram;
    out.close();
    INFO("writing " << path);
    REQUIRE(out.good());
    return;
  }
  std::ifstream in(path, std::ios::binary);
  INFO(path << " is missing or differs from this run's journal; if the change is meant, regenerate it with "
               "OCIFAKE_UPDATE_DIAGRAMS=1 ./tests/ocifake_tests \"[scenarios]\"");
  REQUIRE(in.good());
  std::ostringstream committed;
  committed << in.rdbuf();
  CHECK(diagram == committed.str());
}

}  // namespace demo
