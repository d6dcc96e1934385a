// scenarios/slow-import.json: an import from Object Storage takes 45 minutes. How long is too
// long is not a constant: an import that is still making progress is not stuck.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

struct started_import {
  std::string image;
  std::string work_request;
};

template <class Client>
started_import start_import(Client& oci) {
  auto a = oci.post("/20160918/images", demo::import_from_object("big-disk.qcow2", "imported-big-disk"),
                    {{"opc-retry-token", demo::new_retry_token()}});
  if (!a.ok()) throw demo::gave_up("CreateImage: " + a.describe());
  return {a.field("id"), a.header("opc-work-request-id")};
}

namespace naive {

// Waits a fixed 20 minutes for AVAILABLE: long enough for every image it was tried with.
void wait_for_import(demo::oci_client& oci, const started_import& import, const demo::sleeper& sleep) {
  std::string state;
  for (int minute = 0; minute < 20; ++minute) {
    auto a = oci.get("/20160918/images/" + import.image);
    if (!a.ok()) throw demo::gave_up("GetImage: " + a.describe());
    state = a.field("lifecycleState");
    if (state == "AVAILABLE") return;
    sleep(1min);
  }
  throw demo::gave_up("gave up after 20 minutes: image " + import.image + " is still " + state);
}

}  // namespace naive

namespace right {

// Follows the work request: as long as percentComplete moves, the import is alive. Gives up only
// when it stops moving for 15 minutes, or after a deadline sized for the largest images (3 hours).
template <class Client>
void wait_for_import(Client& oci, const started_import& import, const demo::sleeper& sleep) {
  double last_percent = -1;
  auto since_progress = 0min;
  for (auto waited = 0min; waited < 3h; waited += 1min) {
    auto wr = oci.get("/20160918/workRequests/" + import.work_request);
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    auto status = wr.field("status");
    if (status == "SUCCEEDED") return;
    if (status == "FAILED" || status == "CANCELED") throw demo::gave_up("import " + status);
    double percent = std::stod(wr.field("percentComplete"));
    since_progress = percent > last_percent ? 0min : since_progress + 1min;
    last_percent = percent;
    if (since_progress >= 15min)
      throw demo::gave_up("import stalled at " + std::to_string(percent) + "% for 15 minutes");
    sleep(1min);
  }
  throw demo::gave_up("import not finished after 3 hours");
}

}  // namespace right

}  // namespace

TEST_CASE("slow-import: a client with a fixed 20-minute patience abandons an import that was going fine",
          "[scenarios]") {
  auto fake = demo::start("slow-import");
  demo::oci_client oci(fake->endpoint());
  auto import = start_import(oci);

  REQUIRE_THROWS_WITH(naive::wait_for_import(oci, import, demo::fake_time(*fake)),
                      catch_compat::Contains("gave up after 20 minutes") && catch_compat::Contains("still IMPORTING"));
  // Had it waited another half hour:
  fake->clock().advance(30min);
  CHECK(fake->find_image(import.image)->lifecycle_state == "AVAILABLE");
}

TEST_CASE("slow-import: a client that follows the work request's progress gets its image", "[scenarios]") {
  auto fake = demo::start("slow-import");
  demo::oci_client oci(fake->endpoint());
  auto started = fake->clock().now();
  auto import = start_import(oci);

  right::wait_for_import(oci, import, demo::fake_time(*fake));

  CHECK(fake->find_image(import.image)->lifecycle_state == "AVAILABLE");
  CHECK(fake->clock().now() - started >= 45min);
  demo::check_diagram(*fake, "slow-import");
}

TEST_CASE("slow-import explored: the naive client fails with no fault at all, the right one at none",
          "[scenarios][explore]") {
  auto options = demo::exploring("slow-import");  // the slowness is the scenario's lifecycle, not a fault
  auto available = [](ocifake::server& fake, const std::string& image) {
    if (fake.find_image(image)->lifecycle_state != "AVAILABLE") throw std::runtime_error("not AVAILABLE");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    auto import = start_import(oci);
    naive::wait_for_import(oci, import, demo::fake_time(fake));
    available(fake, import.image);
  });
  INFO(naive_runs);
  CHECK_FALSE(naive_runs.reference.passed);
  CHECK_THAT(naive_runs.to_string(), catch_compat::Contains("gave up after 20 minutes"));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    auto import = start_import(oci);
    right::wait_for_import(oci, import, demo::fake_time(fake));
    available(fake, import.image);
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
  CHECK_FALSE(right_runs.runs.empty());
}
