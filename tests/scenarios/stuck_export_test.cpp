// scenarios/stuck-export.json: an export was started earlier (the scenario seeds the image in
// EXPORTING and its work request IN_PROGRESS at 40%) and never finishes. Nothing a client does
// will finish it; what a client can do is notice, stop, and hand a human the work request id.
#include "catch_compat.hpp"

#include <cmath>

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

const std::string image = "ocid1.image.oc1.phx.aaaaaaaagolden";
const std::string export_work_request = "ocid1.coreservicesworkrequest.oc1.phx.aaaaaaaaexport";

namespace naive {

// Waits for the image to be AVAILABLE again, however long that takes.
void wait_for_export(demo::oci_client& oci, const demo::sleeper& sleep) {
  for (;;) {
    auto a = oci.get("/20160918/images/" + image);
    if (!a.ok()) throw demo::gave_up("GetImage: " + a.describe());
    if (a.field("lifecycleState") == "AVAILABLE") return;
    sleep(1min);
  }
}

}  // namespace naive

namespace right {

// Follows the export's work request and stops when its progress has not moved for 30 minutes,
// naming the work request so that a support ticket can quote it.
template <class Client>
void wait_for_export(Client& oci, const demo::sleeper& sleep) {
  std::string last_percent;
  auto unchanged = 0min;
  for (;;) {
    auto wr = oci.get("/20160918/workRequests/" + export_work_request);
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    auto status = wr.field("status");
    if (status == "SUCCEEDED") return;
    if (status == "FAILED" || status == "CANCELED") throw demo::gave_up("export " + status);
    auto percent = wr.field("percentComplete");
    unchanged = percent == last_percent ? unchanged + 1min : 0min;
    last_percent = percent;
    if (unchanged >= 30min)
      throw demo::gave_up("export work request " + export_work_request + " is stuck: " + status + " at " +
                          std::to_string(std::lround(std::stod(percent))) + "% with no progress for 30 minutes");
    sleep(1min);
  }
}

}  // namespace right

}  // namespace

TEST_CASE("stuck-export: a client with no deadline waits until the CI job is killed", "[scenarios]") {
  auto fake = demo::start("stuck-export");
  demo::oci_client oci(fake->endpoint());

  REQUIRE_THROWS_AS(naive::wait_for_export(oci, demo::fake_time(*fake, 6h)), demo::job_timed_out);
  CHECK(fake->find_image(image)->lifecycle_state == "EXPORTING");
}

TEST_CASE("stuck-export: a client that watches the work request stops within the hour and names it", "[scenarios]") {
  auto fake = demo::start("stuck-export");
  demo::oci_client oci(fake->endpoint());
  auto started = fake->clock().now();

  REQUIRE_THROWS_WITH(right::wait_for_export(oci, demo::fake_time(*fake, 6h)),
                      catch_compat::Contains(export_work_request) && catch_compat::Contains("IN_PROGRESS at 40%"));
  CHECK(fake->clock().now() - started <= 31min);
  demo::check_diagram(*fake, "stuck-export");
}

TEST_CASE("stuck-export explored: the naive client fails with no fault at all, the right one at none",
          "[scenarios][explore]") {
  auto options = demo::exploring("stuck-export");  // the stuck export is the scenario's, not a fault
  // Right: the job stops within the hour, naming the stuck work request.
  auto names_it = [](ocifake::server& fake, const std::function<void(const demo::sleeper&)>& wait) {
    auto started = fake.clock().now();
    try {
      wait(demo::fake_time(fake, 6h));
    } catch (const demo::gave_up& e) {
      if (std::string(e.what()).find(export_work_request) != std::string::npos && fake.clock().now() - started <= 1h)
        return;
      throw;
    }
    throw std::runtime_error("the stuck export was not reported");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    names_it(fake, [&](const demo::sleeper& sleep) { naive::wait_for_export(oci, sleep); });
  });
  INFO(naive_runs);
  CHECK_FALSE(naive_runs.reference.passed);
  CHECK_THAT(naive_runs.to_string(), catch_compat::Contains("killed after 360 minutes"));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    names_it(fake, [&](const demo::sleeper& sleep) {
      demo::resilient_client oci(fake.endpoint(), sleep);
      right::wait_for_export(oci, sleep);
    });
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
  CHECK_FALSE(right_runs.runs.empty());
}
