// Test cases that fail on purpose, so that a test can check what ocifake/catch2.hpp prints for a
// red test: the journal of the fake, one line per request with the fault that fired. Built as
// its own program and run by the `catch2.journal_on_failure` test (tests/expect_failure.cmake),
// never as part of the suite's own pass/fail. The expected output is in failing_test.expected.
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain
#include <httplib.h>

#include <ocifake/catch2.hpp>

namespace {

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaalistener";

std::string create_body(const std::string& instance) {
  return R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance + R"(", "displayName": "golden"})";
}

}  // namespace

TEST_CASE_METHOD(ocifake::catch2::fixture, "a lost CreateImage answer, retried, ends with two images",
                 "[.][fails-on-purpose]") {
  auto instance = fake.add_instance({.compartment_id = compartment});
  fake.faults().add(ocifake::fault::on("CreateImage").id("lost-answer").times(1).after_commit().reset_connection());

  httplib::Client client(fake.endpoint());
  client.set_read_timeout(5, 0);
  httplib::Headers token{{"opc-retry-token", "upload-1"}};
  auto first = client.Post("/20160918/images", token, create_body(instance), "application/json");
  auto second = client.Post("/20160918/images", token, create_body(instance), "application/json");
  CHECK_FALSE(first);
  REQUIRE(second);
  // Wrong on purpose: the retry token makes the second request a replay, so there is one image.
  CHECK(fake.images().size() == 2);
}

TEST_CASE_METHOD(ocifake::catch2::fixture, "sections: only the run that fails shows its journal",
                 "[.][fails-on-purpose]") {
  httplib::Client client(fake.endpoint());
  SECTION("this run passes") {
    auto r = client.Get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaasectionpasses");
    REQUIRE(r);
    CHECK(r->status == 404);
  }
  SECTION("this run fails") {
    auto r = client.Get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaasectionfails");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
}
