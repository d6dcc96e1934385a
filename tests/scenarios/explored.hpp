#pragma once
// What the demos' explorations share (docs/exploration.md): the scenario a demo is about, without
// its fault rules, for explore() to try every fault on every request in their place; and a client
// as the OCI SDKs are by default, for the right way to stand up to all of them.

#include <string>
#include <vector>

#include "scenarios/demo.hpp"

namespace demo {

// The bundled scenario `name` without its "faults": explore() arms one fault per run instead. Its
// clock, seed, resources and lifecycle stay.
inline ocifake::scenario without_faults(const std::string& name) {
  std::ifstream in(std::string(OCIFAKE_SOURCE_DIR) + "/scenarios/" + name + ".json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str()).as_object();
  doc.erase("faults");
  return ocifake::scenario::parse(json::serialize(doc));
}

// Depth 1, the default fault kinds, every run on a server as the scenario (without its faults) makes it.
inline ocifake::explore_options exploring(const std::string& name) {
  ocifake::explore_options o;
  o.scenarios.push_back(without_faults(name));
  return o;
}

// Whether some failing run has exactly one fault, of `kind`, on the first `operation` request.
inline bool fails_at(const ocifake::explore_result& r, const std::string& operation, ocifake::fault_kind kind) {
  for (const auto* run : r.failures())
    if (run->faults.size() == 1 && run->faults[0].operation == operation && run->faults[0].kind == kind) return true;
  return false;
}

// Calls as the OCI SDKs make them by default: each is retried when no answer came, on 429 (after
// `retry-after`), on 5xx and on 409 IncorrectState, after a backoff on the demo's clock (1 s
// doubling to 30 s, eight attempts at most); a POST or PUT carries one opc-retry-token for all of
// its attempts (unless the caller gives one), so that a retry of a request that was applied is
// answered, not applied again.
class resilient_client {
public:
  resilient_client(const std::string& endpoint, sleeper sleep, std::chrono::milliseconds read_timeout = 10s)
      : oci_(endpoint, read_timeout), sleep_(std::move(sleep)) {}

  answer get(const std::string& path, const httplib::Headers& h = {}) {
    return retry([&] { return oci_.get(path, h); });
  }
  answer post(const std::string& path, const std::string& body, httplib::Headers h = {}) {
    with_token(h);
    return retry([&] { return oci_.post(path, body, h); });
  }
  answer put(const std::string& path, const std::string& body, httplib::Headers h = {}) {
    with_token(h);
    return retry([&] { return oci_.put(path, body, h); });
  }

private:
  static void with_token(httplib::Headers& h) {
    if (h.find("opc-retry-token") == h.end()) h.emplace("opc-retry-token", new_retry_token());
  }
  template <class F>
  answer retry(F send) {
    std::chrono::milliseconds backoff = 1s;
    for (int attempt = 1;; ++attempt) {
      auto a = send();
      bool again = a.status == 0 || a.status == 429 || a.status >= 500 ||
                   (a.status == 409 && a.field("code") == "IncorrectState");
      if (!again || attempt == 8) return a;
      auto after = a.header("retry-after");
      sleep_(after.empty() ? backoff : std::chrono::milliseconds(std::stoi(after) * 1000));
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, 30s);
    }
  }
  oci_client oci_;
  sleeper sleep_;
};

}  // namespace demo
