// scenarios/service-outage-window.json: from the first to the seventh minute every request is
// answered 503 ServiceUnavailable, while an image takes ten minutes to provision. An outage ends;
// a client that outlasts it loses nothing.
#include "catch_compat.hpp"

#include <algorithm>

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

struct started_create {
  std::string image;
  std::string work_request;
};

template <class Client>
started_create create_image(Client& oci) {
  auto a = oci.post("/20160918/images", demo::create_from_instance("build-vm-golden"),
                    {{"opc-retry-token", demo::new_retry_token()}});
  if (!a.ok()) throw demo::gave_up("CreateImage: " + a.describe());
  return {a.field("id"), a.header("opc-work-request-id")};
}

namespace naive {

// Polls the work request every 30 seconds; the first error ends the wait.
void wait(demo::oci_client& oci, const started_create& create, const demo::sleeper& sleep) {
  for (;;) {
    auto wr = oci.get("/20160918/workRequests/" + create.work_request);
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    if (wr.field("status") == "SUCCEEDED") return;
    sleep(30s);
  }
}

}  // namespace naive

namespace right {

// Polls the work request every 30 seconds; 5xx, 429 and no answer are retried with exponential
// backoff (1 s doubling to 1 min) for as long as 20 minutes of failures in a row.
template <class Client>
void wait(Client& oci, const started_create& create, const demo::sleeper& sleep) {
  std::chrono::milliseconds failing_for{0};
  std::chrono::milliseconds backoff = 1s;
  for (;;) {
    auto wr = oci.get("/20160918/workRequests/" + create.work_request);
    if (wr.status == 0 || wr.status == 429 || wr.status >= 500) {
      if (failing_for >= 20min) throw demo::gave_up("GetWorkRequest: " + wr.describe() + " for 20 minutes");
      sleep(backoff);
      failing_for += backoff;
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, 1min);
      continue;
    }
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    failing_for = 0s;
    backoff = 1s;
    auto status = wr.field("status");
    if (status == "SUCCEEDED") return;
    if (status == "FAILED") throw demo::gave_up("work request " + create.work_request + " FAILED");
    sleep(30s);
  }
}

}  // namespace right

}  // namespace

TEST_CASE("service-outage-window: a client that aborts on the first 503 abandons an image being made", "[scenarios]") {
  auto fake = demo::start("service-outage-window");
  demo::oci_client oci(fake->endpoint());
  auto create = create_image(oci);

  REQUIRE_THROWS_WITH(naive::wait(oci, create, demo::fake_time(*fake)),
                      catch_compat::Contains("GetWorkRequest: 503 ServiceUnavailable"));
  // The image was fine all along.
  fake->clock().advance(10min);
  CHECK(fake->find_image(create.image)->lifecycle_state == "AVAILABLE");
}

TEST_CASE("service-outage-window: a client that retries 5xx with backoff outlasts the outage", "[scenarios]") {
  auto fake = demo::start("service-outage-window");
  demo::oci_client oci(fake->endpoint());
  auto started = fake->clock().now();
  auto create = create_image(oci);

  right::wait(oci, create, demo::fake_time(*fake));

  CHECK(fake->find_image(create.image)->lifecycle_state == "AVAILABLE");
  CHECK(fake->clock().now() - started >= 10min);
  auto journal = fake->journal("GetWorkRequest");
  CHECK(std::count_if(journal.begin(), journal.end(), [](const auto& e) { return e.status == 503; }) > 0);
  demo::check_diagram(*fake, "service-outage-window");
}

TEST_CASE("service-outage-window explored: the naive client fails on a 503, the right one nowhere",
          "[scenarios][explore]") {
  auto options = demo::exploring("service-outage-window");
  options.faults.push_back(ocifake::fault_kind::error_503);

  auto naive_runs = ocifake::explore(options, [](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    naive::wait(oci, create_image(oci), demo::fake_time(fake));
  });
  INFO(naive_runs);
  REQUIRE(naive_runs.reference.passed);
  CHECK(demo::fails_at(naive_runs, "GetWorkRequest", ocifake::fault_kind::error_503));

  auto right_runs = ocifake::explore(options, [](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    auto create = create_image(oci);
    right::wait(oci, create, demo::fake_time(fake));
    if (fake.find_image(create.image)->lifecycle_state != "AVAILABLE") throw std::runtime_error("not AVAILABLE");
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
}
