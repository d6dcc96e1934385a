// scenarios/transient-incorrect-state.json: while the client waits for a new image, two GetImage
// reads are answered 409 IncorrectState. During a wait, a passing conflict says "not now", not
// "never": the waiter should keep waiting.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

template <class Client>
std::string create_image(Client& oci) {
  auto a = oci.post("/20160918/images", demo::create_from_instance("build-vm-golden"),
                    {{"opc-retry-token", demo::new_retry_token()}});
  if (!a.ok()) throw demo::gave_up("CreateImage: " + a.describe());
  return a.field("id");
}

namespace naive {

// Polls until AVAILABLE; any error ends the wait.
void wait_until_available(demo::oci_client& oci, const std::string& image, const demo::sleeper& sleep) {
  for (;;) {
    auto a = oci.get("/20160918/images/" + image);
    if (!a.ok()) throw demo::gave_up("GetImage: " + a.describe());
    if (a.field("lifecycleState") == "AVAILABLE") return;
    sleep(10s);
  }
}

}  // namespace naive

namespace right {

// Polls until AVAILABLE. Answers that say "try again" (409 IncorrectState, 429, 5xx, no answer)
// are tolerated up to a point; 404 and the like, and a terminal state, end the wait with a reason.
template <class Client>
void wait_until_available(Client& oci, const std::string& image, const demo::sleeper& sleep) {
  int errors_in_a_row = 0;
  for (int poll = 0; poll < 360; ++poll) {
    auto a = oci.get("/20160918/images/" + image);
    bool transient =
        a.status == 0 || a.status == 429 || a.status >= 500 || (a.status == 409 && a.field("code") == "IncorrectState");
    if (transient) {
      if (++errors_in_a_row == 5) throw demo::gave_up("GetImage: " + a.describe() + " five times in a row");
    } else if (!a.ok()) {
      throw demo::gave_up("GetImage: " + a.describe());
    } else {
      errors_in_a_row = 0;
      auto state = a.field("lifecycleState");
      if (state == "AVAILABLE") return;
      if (state == "DELETED" || state == "DISABLED") throw demo::gave_up("image " + image + " is " + state);
    }
    sleep(10s);
  }
  throw demo::gave_up("image " + image + " not AVAILABLE after an hour");
}

}  // namespace right

}  // namespace

TEST_CASE("transient-incorrect-state: a waiter that treats 409 as fatal gives up on a healthy image", "[scenarios]") {
  auto fake = demo::start("transient-incorrect-state");
  demo::oci_client oci(fake->endpoint());
  auto image = create_image(oci);

  REQUIRE_THROWS_WITH(naive::wait_until_available(oci, image, demo::fake_time(*fake)),
                      catch_compat::Contains("GetImage: 409 IncorrectState"));
  // Nothing was wrong with the image: a few more reads and it is AVAILABLE.
  demo::oci_client later(fake->endpoint());
  std::string state;
  for (int i = 0; i < 10 && state != "AVAILABLE"; ++i)
    state = later.get("/20160918/images/" + image).field("lifecycleState");
  CHECK(state == "AVAILABLE");
}

TEST_CASE("transient-incorrect-state: a waiter that retries IncorrectState sees the image become AVAILABLE",
          "[scenarios]") {
  auto fake = demo::start("transient-incorrect-state");
  demo::oci_client oci(fake->endpoint());
  auto image = create_image(oci);

  right::wait_until_available(oci, image, demo::fake_time(*fake));

  CHECK(fake->find_image(image)->lifecycle_state == "AVAILABLE");
  auto reads = fake->journal("GetImage");
  CHECK(std::count_if(reads.begin(), reads.end(), [](const auto& e) { return e.status == 409; }) == 2);
  demo::check_diagram(*fake, "transient-incorrect-state");
}

TEST_CASE("transient-incorrect-state explored: the naive waiter fails on a 409, the right one nowhere",
          "[scenarios][explore]") {
  auto options = demo::exploring("transient-incorrect-state");

  auto naive_runs = ocifake::explore(options, [](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    naive::wait_until_available(oci, create_image(oci), demo::fake_time(fake));
  });
  INFO(naive_runs);
  REQUIRE(naive_runs.reference.passed);
  CHECK(demo::fails_at(naive_runs, "GetImage", ocifake::fault_kind::error_409));

  auto right_runs = ocifake::explore(options, [](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    auto image = create_image(oci);
    right::wait_until_available(oci, image, demo::fake_time(fake));
    if (demo::live_images(fake) != 1) throw std::runtime_error("not one image");
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
}
