// scenarios/throttling-storm.json: the first six requests, whatever they are, are answered 429
// TooManyRequests with retry-after: 2. Throttling is the service asking the client to slow down,
// not a failure of the request: wait, then try again.
#include "catch_compat.hpp"

#include <algorithm>
#include <random>

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

namespace naive {

// Creates an image and waits for its work request, treating every error as the end.
std::string create_and_wait(demo::oci_client& oci, const demo::sleeper& sleep) {
  auto created = oci.post("/20160918/images", demo::create_from_instance("build-vm-golden"));
  if (!created.ok()) throw demo::gave_up("CreateImage: " + created.describe());
  auto work_request = created.header("opc-work-request-id");
  for (;;) {
    auto wr = oci.get("/20160918/workRequests/" + work_request);
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    if (wr.field("status") == "SUCCEEDED") return created.field("id");
    sleep(5s);
  }
}

}  // namespace naive

namespace right {

// 429, 5xx and no answer at all are worth another try: after `retry-after` seconds when the
// service says, else after an exponential backoff with full jitter (so that a fleet of clients
// does not retry in lockstep).
demo::answer with_backoff(const std::function<demo::answer()>& call, const demo::sleeper& sleep) {
  static std::mt19937 rng{std::random_device{}()};
  std::chrono::milliseconds ceiling = 1s;
  for (int attempt = 1;; ++attempt) {
    auto a = call();
    bool retryable = a.status == 0 || a.status == 429 || a.status >= 500;
    if (!retryable) return a;
    if (attempt == 10) throw demo::gave_up("still " + a.describe() + " after 10 attempts");
    auto retry_after = a.header("retry-after");
    if (!retry_after.empty())
      sleep(std::chrono::seconds(std::stoi(retry_after)));
    else
      sleep(std::chrono::milliseconds(std::uniform_int_distribution<long>(0, ceiling.count())(rng)));
    ceiling = std::min<std::chrono::milliseconds>(ceiling * 2, 60s);
  }
}

template <class Client>
std::string create_and_wait(Client& oci, const demo::sleeper& sleep) {
  // Retrying a create is only safe with a retry token (see lost-create-response).
  httplib::Headers headers{{"opc-retry-token", demo::new_retry_token()}};
  auto created = with_backoff(
      [&] { return oci.post("/20160918/images", demo::create_from_instance("build-vm-golden"), headers); }, sleep);
  if (!created.ok()) throw demo::gave_up("CreateImage: " + created.describe());
  auto work_request = created.header("opc-work-request-id");
  for (;;) {
    auto wr = with_backoff([&] { return oci.get("/20160918/workRequests/" + work_request); }, sleep);
    if (!wr.ok()) throw demo::gave_up("GetWorkRequest: " + wr.describe());
    if (wr.field("status") == "SUCCEEDED") return created.field("id");
    if (wr.field("status") == "FAILED") throw demo::gave_up("work request " + work_request + " FAILED");
    sleep(5s);
  }
}

}  // namespace right

}  // namespace

TEST_CASE("throttling-storm: a client that treats 429 as fatal gives up at once", "[scenarios]") {
  auto fake = demo::start("throttling-storm");
  demo::oci_client oci(fake->endpoint());

  REQUIRE_THROWS_WITH(naive::create_and_wait(oci, demo::fake_time(*fake)),
                      catch_compat::Contains("CreateImage: 429 TooManyRequests"));
  CHECK(demo::live_images(*fake) == 0);
}

TEST_CASE("throttling-storm: a client that honours retry-after and backs off gets its image", "[scenarios]") {
  auto fake = demo::start("throttling-storm");
  demo::oci_client oci(fake->endpoint());
  auto started = fake->clock().now();

  auto id = right::create_and_wait(oci, demo::fake_time(*fake));

  REQUIRE(fake->find_image(id));
  CHECK(fake->find_image(id)->lifecycle_state == "AVAILABLE");
  CHECK(demo::live_images(*fake) == 1);
  // Six throttled attempts, each followed by the 2 s the service asked for.
  auto journal = fake->journal();
  auto throttled = std::count_if(journal.begin(), journal.end(), [](const auto& e) { return e.status == 429; });
  CHECK(throttled == 6);
  CHECK(fake->clock().now() - started >= 12s);
  demo::check_diagram(*fake, "throttling-storm");
}

TEST_CASE("throttling-storm explored: the naive client fails where it is throttled, the right one nowhere",
          "[scenarios][explore]") {
  auto options = demo::exploring("throttling-storm");
  auto one_available = [](ocifake::server& fake, const std::string& id) {
    if (demo::live_images(fake) != 1 || fake.find_image(id)->lifecycle_state != "AVAILABLE")
      throw std::runtime_error("not one AVAILABLE image");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    one_available(fake, naive::create_and_wait(oci, demo::fake_time(fake)));
  });
  INFO(naive_runs);
  REQUIRE(naive_runs.reference.passed);
  CHECK(demo::fails_at(naive_runs, "CreateImage", ocifake::fault_kind::error_429));
  CHECK(demo::fails_at(naive_runs, "GetWorkRequest", ocifake::fault_kind::error_429));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    one_available(fake, right::create_and_wait(oci, demo::fake_time(fake)));
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
}
