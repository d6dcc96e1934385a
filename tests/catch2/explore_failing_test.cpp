// Exploration's Catch2 helper on a red test: each failing (request, fault) pair is a failure of its
// own with the run's journal, and the test case stops after them. Part of the failing-on-purpose
// program (tests/catch2/failing_test.cpp); the expected output is in failing_test.expected.
#include <stdexcept>
#include <string>

#include <ocifake/catch2.hpp>

#include <httplib.h>

namespace {

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaaexplore";
const std::string instance = "ocid1.instance.oc1.phx.aaaaaaaaexplore";

// Retries a create that got no answer, but without a retry token: a lost answer makes two images.
void create_without_token(ocifake::server& fake) {
  httplib::Client client(fake.endpoint());
  client.set_read_timeout(5, 0);
  const std::string body =
      R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance + R"(", "displayName": "golden"})";
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto r = client.Post("/20160918/images", body, "application/json");
    if (r && r->status == 200) break;
  }
  if (fake.images().size() != 1)
    throw std::runtime_error("expected one image, found " + std::to_string(fake.images().size()));
}

}  // namespace

TEST_CASE("an exploration reports the one pair that breaks a create without a retry token", "[.][fails-on-purpose]") {
  auto s = ocifake::scenario::parse(R"({"name": "explore", "instances": [{"id": ")" + instance +
                                    R"(", "compartmentId": ")" + compartment + R"("}]})");
  ocifake::catch2::require_explored(ocifake::explore(
      {.server = {.clock = ocifake::clock_mode::manual, .seed = 7}, .scenarios = {s}}, create_without_token));
  CHECK(false);  // not reached: require_explored stops the test case after reporting the failures
}
