// scenarios/image-while-imaging.json: making an image of an instance takes ten minutes, and
// meanwhile the instance is CREATING_IMAGE. A second image of it asked for at once is refused with
// 409 IncorrectState: not "never", but "not until the first image is done". Retrying at once does
// not make the wait shorter; waiting for the instance to be RUNNING again does.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

struct images {
  std::string golden;
  std::string backup;
};

// One CreateImage of the demo's instance.
template <class Client>
demo::answer post_create(Client& oci, const std::string& display_name, const httplib::Headers& headers) {
  return oci.post("/20160918/images", demo::create_from_instance(display_name), headers);
}

std::string refused(const std::string& display_name, const demo::answer& a) {
  return "CreateImage " + display_name + ": " + a.describe() + ": " + a.field("message");
}

namespace naive {

// Makes the golden image, then at once the backup image; a refused backup is retried at once, up to
// three attempts in all, as a quick retry loop does.
images make_images(demo::oci_client& oci) {
  images made;
  auto golden = post_create(oci, "build-vm-golden", {{"opc-retry-token", demo::new_retry_token()}});
  if (!golden.ok()) throw demo::gave_up(refused("build-vm-golden", golden));
  made.golden = golden.field("id");
  httplib::Headers headers{{"opc-retry-token", demo::new_retry_token()}};
  for (int attempt = 1;; ++attempt) {
    auto backup = post_create(oci, "build-vm-backup", headers);
    if (backup.ok()) {
      made.backup = backup.field("id");
      return made;
    }
    if (attempt == 3 || backup.describe() != "409 IncorrectState")
      throw demo::gave_up(refused("build-vm-backup", backup));
  }
}

}  // namespace naive

namespace right {

// An image takes minutes: reading its instance or itself every two minutes is often enough.
constexpr auto poll_every = 2min;

// Polls GetInstance every two minutes until the instance has left CREATING_IMAGE (RUNNING or STOPPED
// again, whichever it was). Answers that say "try again" (429, 5xx, no answer) are tolerated up to
// a point; a terminated instance, another error or two hours end the wait with a reason.
template <class Client>
void wait_for_instance(Client& oci, const demo::sleeper& sleep) {
  int errors_in_a_row = 0;
  std::string state;
  for (auto waited = 0min; waited < 2h; waited += poll_every) {
    sleep(poll_every);
    auto a = oci.get("/20160918/instances/" + demo::instance);
    if (a.status == 0 || a.status == 429 || a.status >= 500) {
      if (++errors_in_a_row == 5) throw demo::gave_up("GetInstance: " + a.describe() + " five times in a row");
      continue;
    }
    if (!a.ok()) throw demo::gave_up("GetInstance: " + a.describe());
    errors_in_a_row = 0;
    state = a.field("lifecycleState");
    if (state == "RUNNING" || state == "STOPPED") return;
    if (state == "TERMINATING" || state == "TERMINATED")
      throw demo::gave_up("instance " + demo::instance + " is " + state);
  }
  throw demo::gave_up("instance " + demo::instance + " still " + state + " after two hours");
}

// One logical CreateImage: one opc-retry-token for all its attempts (a refused attempt does not use
// it up). Refused with 409 IncorrectState because the instance is CREATING_IMAGE, it waits for the
// instance and tries again; no answer, 429, 5xx and another IncorrectState are tried again; any
// other refusal ends it with the service's reason.
template <class Client>
std::string create_image(Client& oci, const std::string& display_name, const demo::sleeper& sleep) {
  httplib::Headers headers{{"opc-retry-token", demo::new_retry_token()}};
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto a = post_create(oci, display_name, headers);
    if (a.ok()) return a.field("id");
    bool busy = a.status == 409 && a.field("code") == "IncorrectState" &&
                a.field("message").find("CREATING_IMAGE") != std::string::npos;
    // No answer, 429, 5xx and another IncorrectState: try again, with the same token.
    bool transient = a.status == 0 || a.status == 429 || a.status >= 500 ||
                     (a.status == 409 && a.field("code") == "IncorrectState");
    if (!busy && !transient) throw demo::gave_up(refused(display_name, a));
    if (busy) wait_for_instance(oci, sleep);
  }
  throw demo::gave_up("CreateImage " + display_name + ": the instance was busy with another image three times");
}

// Polls GetImage every two minutes until AVAILABLE; a deleted image or an hour ends the wait.
template <class Client>
void wait_until_available(Client& oci, const std::string& image, const demo::sleeper& sleep) {
  for (auto waited = 0min; waited < 1h; waited += poll_every) {
    auto a = oci.get("/20160918/images/" + image);
    if (!a.ok()) throw demo::gave_up("GetImage: " + a.describe());
    auto state = a.field("lifecycleState");
    if (state == "AVAILABLE") return;
    if (state == "DELETED" || state == "DISABLED") throw demo::gave_up("image " + image + " is " + state);
    sleep(poll_every);
  }
  throw demo::gave_up("image " + image + " not AVAILABLE after an hour");
}

template <class Client>
images make_images(Client& oci, const demo::sleeper& sleep) {
  images made;
  made.golden = create_image(oci, "build-vm-golden", sleep);
  made.backup = create_image(oci, "build-vm-backup", sleep);
  wait_until_available(oci, made.golden, sleep);
  wait_until_available(oci, made.backup, sleep);
  return made;
}

}  // namespace right

}  // namespace

TEST_CASE("image-while-imaging: a client that retries the second image at once never gets it", "[scenarios]") {
  auto fake = demo::start("image-while-imaging");
  demo::oci_client oci(fake->endpoint());

  REQUIRE_THROWS_WITH(naive::make_images(oci),
                      catch_compat::Contains("CreateImage build-vm-backup: 409 IncorrectState") &&
                          catch_compat::Contains("instance " + demo::instance + " is CREATING_IMAGE"));
  // The golden image is on its way; the three attempts at the backup were refused and made nothing.
  fake->stop();
  CHECK(demo::live_images(*fake) == 1);
  auto creates = fake->journal("CreateImage");
  REQUIRE(creates.size() == 4);
  CHECK(creates[0].status == 200);
  for (std::size_t i = 1; i < creates.size(); ++i) {
    CHECK(creates[i].status == 409);
    CHECK(creates[i].error_code == "IncorrectState");
    CHECK(creates[i].changes.empty());
  }
  CHECK(fake->find_instance(demo::instance)->lifecycle_state == "CREATING_IMAGE");
  // Nothing was wrong but the timing: ten minutes later the golden image is done, the instance is
  // RUNNING again, and a backup could be made.
  fake->clock().advance(10min);
  CHECK(fake->images().at(0).lifecycle_state == "AVAILABLE");
  CHECK(fake->find_instance(demo::instance)->lifecycle_state == "RUNNING");
}

TEST_CASE("image-while-imaging: a client that waits for the instance to leave CREATING_IMAGE gets both images",
          "[scenarios]") {
  auto fake = demo::start("image-while-imaging");
  demo::oci_client oci(fake->endpoint());
  auto started = fake->clock().now();

  auto made = right::make_images(oci, demo::fake_time(*fake));

  CHECK(fake->find_image(made.golden)->lifecycle_state == "AVAILABLE");
  CHECK(fake->find_image(made.backup)->lifecycle_state == "AVAILABLE");
  CHECK(fake->find_image(made.backup)->display_name == "build-vm-backup");
  CHECK(fake->find_instance(demo::instance)->lifecycle_state == "RUNNING");
  // One refusal, then the backup once the golden image's ten minutes were over; each image took them.
  auto creates = fake->journal("CreateImage");
  REQUIRE(creates.size() == 3);
  CHECK(creates[1].status == 409);
  CHECK(creates[1].retry_token == creates[2].retry_token);
  CHECK(creates[2].status == 200);
  CHECK_FALSE(creates[2].replayed);
  CHECK(fake->clock().now() - started >= 20min);
  demo::check_diagram(*fake, "image-while-imaging");
}

TEST_CASE("image-while-imaging explored: the naive client fails with no fault at all, the right one at none",
          "[scenarios][explore]") {
  auto options = demo::exploring("image-while-imaging");  // the busy instance is the scenario's lifecycle
  auto both_available = [](ocifake::server& fake, const images& made) {
    for (const auto& id : {made.golden, made.backup}) {
      demo::fake_time(fake)(10min);  // a wait long enough for an image to be made
      if (fake.find_image(id)->lifecycle_state != "AVAILABLE") throw std::runtime_error(id + " is not AVAILABLE");
    }
    if (demo::live_images(fake) != 2) throw std::runtime_error("not two images");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    both_available(fake, naive::make_images(oci));
  });
  INFO(naive_runs);
  CHECK_FALSE(naive_runs.reference.passed);
  CHECK_THAT(naive_runs.to_string(), catch_compat::Contains("409 IncorrectState"));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    both_available(fake, right::make_images(oci, demo::fake_time(fake)));
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
  CHECK_FALSE(right_runs.runs.empty());
}
