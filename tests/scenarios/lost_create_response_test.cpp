// scenarios/lost-create-response.json: CreateImage is applied, then the connection is reset before
// the answer arrives. The client cannot tell "never arrived" from "done, answer lost", so it must
// retry, and the retry must say it is the same request: the opc-retry-token.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

namespace naive {

// Retries when no answer comes, as a careful client does, and on 409 IncorrectState, as the OCI
// SDKs do by default; but each attempt is a new request as far as the service can tell.
std::string create_image(demo::oci_client& oci) {
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto a = oci.post("/20160918/images", demo::create_from_instance("build-vm-golden"));
    if (a.ok()) return a.field("id");
    if (a.status && a.describe() != "409 IncorrectState") throw demo::gave_up("CreateImage: " + a.describe());
  }
  throw demo::gave_up("CreateImage: no image after 5 attempts");
}

}  // namespace naive

namespace right {

// One opc-retry-token for the logical request, sent by every attempt: the service applies it
// once and answers the retries with the first answer, replayed.
template <class Client>
std::string create_image(Client& oci) {
  httplib::Headers headers{{"opc-retry-token", demo::new_retry_token()}};
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto a = oci.post("/20160918/images", demo::create_from_instance("build-vm-golden"), headers);
    if (a.ok()) return a.field("id");
    if (a.status) throw demo::gave_up("CreateImage: " + a.describe());
  }
  throw demo::gave_up("CreateImage: no answer after 3 attempts");
}

}  // namespace right

// The CreateImage request whose answer the fault replaced, and the last retry. The journal lists them
// in the order they arrived, even when the reset request is written after the retry; call it once
// the server has stopped, so that all are there.
std::pair<ocifake::journal_entry, ocifake::journal_entry> lost_and_retry(const ocifake::server& fake,
                                                                         std::size_t attempts) {
  auto creates = fake.journal("CreateImage");
  REQUIRE(creates.size() == attempts);
  REQUIRE(creates[0].fault);
  REQUIRE_FALSE(creates.back().fault);
  return {creates[0], creates.back()};
}

}  // namespace

TEST_CASE("lost-create-response: retrying without a retry token leaves a duplicate image", "[scenarios]") {
  auto fake = demo::start("lost-create-response");
  demo::oci_client oci(fake->endpoint());

  auto id = naive::create_image(oci);
  fake->stop();

  // The first attempt's image exists too: the client never heard of it, and will pay for it.
  CHECK(demo::live_images(*fake) == 2);
  // Lost; refused twice while the first image holds the instance CREATING_IMAGE (each refusal a look
  // at its provision phase, polls(2)); the third look ends the phase, and that attempt makes a
  // second image.
  auto [lost, retry] = lost_and_retry(*fake, 4);
  CHECK(lost.status == 0);  // applied, answer lost
  CHECK(lost.changes.size() == 3);
  auto creates = fake->journal("CreateImage");
  CHECK(creates[1].status == 409);
  CHECK(creates[2].status == 409);
  CHECK_FALSE(retry.replayed);
  CHECK(retry.changes.size() == 4);  // the instance back RUNNING, then a second image
  CHECK(fake->find_image(id));
}

TEST_CASE("lost-create-response: retrying with the same retry token ends with exactly one image", "[scenarios]") {
  auto fake = demo::start("lost-create-response");
  demo::oci_client oci(fake->endpoint());

  auto id = right::create_image(oci);
  fake->stop();

  CHECK(demo::live_images(*fake) == 1);
  CHECK(fake->images().at(0).id == id);
  auto [lost, retry] = lost_and_retry(*fake, 2);
  CHECK(lost.status == 0);
  CHECK(lost.fault->timing == ocifake::fault_timing::after_commit);
  CHECK(retry.status == 200);
  CHECK(retry.replayed);  // the first answer, replayed: same image id
  demo::check_diagram(*fake, "lost-create-response");
}

TEST_CASE("lost-create-response explored: the naive client fails where an answer is lost, the right one nowhere",
          "[scenarios][explore]") {
  auto options = demo::exploring("lost-create-response");
  auto one_image = [](ocifake::server& fake) {
    if (demo::live_images(fake) != 1)
      throw std::runtime_error(std::to_string(demo::live_images(fake)) + " images where one was asked for");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    naive::create_image(oci);
    one_image(fake);
  });
  INFO(naive_runs);
  REQUIRE(naive_runs.reference.passed);
  CHECK(demo::fails_at(naive_runs, "CreateImage", ocifake::fault_kind::lost));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    right::create_image(oci);
    one_image(fake);
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
  CHECK(right_runs.runs.size() >= 4);
}
