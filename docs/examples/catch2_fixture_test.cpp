// ocifake/catch2.hpp in a Catch2 (v2 or v3) suite: a fresh fake per test case, and its journal printed
// when a test case fails. Compiled and run by the build (ctest: example.catch2_fixture).
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain

#include <ocifake/catch2.hpp>

#include "uploader.hpp"

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaaexample";

// [catch2-fixture]
TEST_CASE_METHOD(ocifake::catch2::fixture, "the uploader retries a lost CreateImage with its retry token") {
  auto instance = fake.add_instance({.compartment_id = compartment, .display_name = "build-vm"});
  fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());

  auto image = example::upload_image(fake.endpoint(), compartment, instance, "upload-1");  // the code under test

  REQUIRE(fake.images().size() == 1);  // the retry was replayed, not applied twice
  CHECK(fake.images()[0].id == image);
}
// [catch2-fixture]

// [catch2-fixture-options]
struct manual_clock : ocifake::catch2::fixture {
  manual_clock() : fixture({.clock = ocifake::clock_mode::manual, .seed = 42}) {}
};

TEST_CASE_METHOD(manual_clock, "an image from an instance is AVAILABLE once the provisioning time is up") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::after(std::chrono::minutes(5)));
  auto instance = fake.add_instance({.compartment_id = compartment});
  auto image = example::upload_image(fake.endpoint(), compartment, instance, "upload-2");

  CHECK(fake.find_image(image)->lifecycle_state == "PROVISIONING");
  fake.clock().advance(std::chrono::minutes(5));
  CHECK(fake.find_image(image)->lifecycle_state == "AVAILABLE");
}
// [catch2-fixture-options]

// [catch2-fixture-scenario]
struct lost_answer : ocifake::catch2::fixture {
  lost_answer() : fixture(ocifake::bundled_scenario("lost-create-response")) {}
};

TEST_CASE_METHOD(lost_answer, "the uploader ends with one image when the first CreateImage answer is lost") {
  example::upload_image(fake.endpoint(), "ocid1.compartment.oc1..aaaaaaaademo", "ocid1.instance.oc1.phx.aaaaaaaademo",
                        "upload-3");
  CHECK(fake.images().size() == 1);
}
// [catch2-fixture-scenario]

// [catch2-watch]
TEST_CASE("two fakes in one test case, both watched") {
  ocifake::server phoenix({.region = "phx"});
  ocifake::server ashburn({.region = "iad"});
  ocifake::catch2::watch watch_phoenix(phoenix), watch_ashburn(ashburn);  // journals printed if this fails

  auto source = phoenix.add_instance({.compartment_id = compartment});
  auto copy = ashburn.add_instance({.compartment_id = compartment});
  example::upload_image(phoenix.endpoint(), compartment, source, "phx-1");
  example::upload_image(ashburn.endpoint(), compartment, copy, "iad-1");
  CHECK(phoenix.images()[0].id.find(".phx.") != std::string::npos);
  CHECK(ashburn.images()[0].id.find(".iad.") != std::string::npos);
}
// [catch2-watch]
