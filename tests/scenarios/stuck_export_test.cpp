// scenarios/stuck-export.json: an export was started earlier (the scenario seeds the image in
// EXPORTING and its work request IN_PROGRESS at 40%) and never finishes. Nothing a client does
// will finish it; what a client can do is notice, stop, and hand a human the work request id.
#include "catch_compat.hpp"

#include <cmath>

#include "scenarios/demo.hpp"

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
void wait_for_export(demo::oci_client& oci, const demo::sleeper& sleep) {
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
