// scenarios/hung-get-image.json: one GetImage is accepted and never answered. Only the client's
// own read timeout ends such a request, so that timeout decides how long the client is stuck;
// a read is idempotent, so a short timeout and a retry cost nothing.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

const std::string image = "ocid1.image.oc1.phx.aaaaaaaagolden";

namespace naive {

// One read, with whatever timeout the client was built with.
std::string lifecycle_state(demo::oci_client& oci) {
  auto a = oci.get("/20160918/images/" + image);
  if (!a.ok()) throw demo::gave_up("GetImage: " + a.describe());
  return a.field("lifecycleState");
}

}  // namespace naive

namespace right {

// A short timeout per attempt, and a few attempts: a hung read costs one timeout, not the job.
std::string lifecycle_state(const std::string& endpoint, const demo::sleeper& sleep) {
  demo::oci_client oci(endpoint, 300ms);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto a = oci.get("/20160918/images/" + image);
    if (a.ok()) return a.field("lifecycleState");
    bool again = !a.status || a.status == 429 || a.status >= 500 ||
                 (a.status == 409 && a.field("code") == "IncorrectState");
    if (!again) throw demo::gave_up("GetImage: " + a.describe());
    sleep(std::chrono::milliseconds(100 * attempt));
  }
  throw demo::gave_up("GetImage: no answer after 3 attempts");
}

}  // namespace right

}  // namespace

TEST_CASE("hung-get-image: a client with a long read timeout hangs for all of it, then fails", "[scenarios]") {
  auto fake = demo::start("hung-get-image");
  // Stands for an SDK default of a minute or more; two seconds keep the suite quick.
  demo::oci_client oci(fake->endpoint(), 2s);
  auto t0 = std::chrono::steady_clock::now();

  REQUIRE_THROWS_WITH(naive::lifecycle_state(oci), catch_compat::Contains("GetImage: no answer"));
  CHECK(std::chrono::steady_clock::now() - t0 >= 2s);
  fake->stop();  // a hung request is journalled when it ends; stopping ends them all
  auto reads = fake->journal("GetImage");
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].status == 0);  // the server never answered
}

TEST_CASE("hung-get-image: a client with a short timeout retries the read and carries on", "[scenarios]") {
  auto fake = demo::start("hung-get-image");
  auto t0 = std::chrono::steady_clock::now();

  CHECK(right::lifecycle_state(fake->endpoint(), demo::fake_time(*fake)) == "AVAILABLE");

  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  fake->stop();
  auto reads = fake->journal("GetImage");
  REQUIRE(reads.size() == 2);
  // In the order they arrived, though the hung read was written to the journal last.
  CHECK(reads[0].status == 0);    // the read that hung
  CHECK(reads[1].status == 200);  // the retry
  demo::check_diagram(*fake, "hung-get-image");
}

TEST_CASE("hung-get-image explored: the naive client fails where a read hangs, the right one nowhere",
          "[scenarios][explore]") {
  auto options = demo::exploring("hung-get-image");
  options.faults = {ocifake::fault_kind::timeout, ocifake::fault_kind::reset, ocifake::fault_kind::error_500,
                    ocifake::fault_kind::error_429, ocifake::fault_kind::error_409};
  options.timeout = 2500ms;  // longer than the naive client's read timeout

  auto naive_runs = ocifake::explore(options, [](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint(), 2s);
    naive::lifecycle_state(oci);
  });
  INFO(naive_runs);
  REQUIRE(naive_runs.reference.passed);
  CHECK(demo::fails_at(naive_runs, "GetImage", ocifake::fault_kind::timeout));

  auto right_runs = ocifake::explore(options, [](ocifake::server& fake) {
    if (right::lifecycle_state(fake.endpoint(), demo::fake_time(fake)) != "AVAILABLE")
      throw std::runtime_error("the image is not AVAILABLE");
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
}
