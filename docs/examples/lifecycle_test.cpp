// The snippets of docs/lifecycle.md, compiled and run (ctest: example.lifecycle), so they stay true.
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain

#include <chrono>

#include <ocifake/catch2.hpp>

#include "uploader.hpp"

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaaexample";

TEST_CASE_METHOD(ocifake::catch2::fixture, "lifecycle.md: where a progression applies") {
  auto instance = fake.add_instance({.compartment_id = compartment});
  auto image_id = example::upload_image(fake.endpoint(), compartment, instance, "lifecycle-1");

  // clang-format off
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::after(std::chrono::minutes(10)));  // every image from now on
  fake.lifecycle().set_next(ocifake::phase::provision, ocifake::progress::never());                 // the next image only
  fake.lifecycle().set_for(image_id, ocifake::phase::provision, ocifake::progress::immediate());     // one image, now too
  fake.lifecycle().set_for(instance, ocifake::phase::stop, ocifake::progress::polls(3));             // one instance's stops
  // clang-format on

  CHECK(fake.lifecycle().get(ocifake::phase::import) == ocifake::progress::after(std::chrono::minutes(10)));
  auto stuck = example::upload_image(fake.endpoint(), compartment, instance, "lifecycle-2");
  fake.clock().advance(std::chrono::hours(24));
  CHECK(fake.find_image(image_id)->lifecycle_state == "AVAILABLE");
  CHECK(fake.find_image(stuck)->lifecycle_state == "PROVISIONING");
}

struct manual_clock : ocifake::catch2::fixture {
  manual_clock() : fixture({.clock = ocifake::clock_mode::manual}) {}
};

TEST_CASE_METHOD(manual_clock, "lifecycle.md: the clock") {
  fake.clock().set(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  fake.clock().advance(std::chrono::minutes(10));  // completes every phase whose time is up

  CHECK(fake.clock().now() == std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::minutes(10));
}

TEST_CASE("lifecycle.md: a slow import that outlasts the client's patience") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::after(std::chrono::minutes(10)));
  // the client polls GetImage: IMPORTING, IMPORTING, ... however often it asks
  fake.clock().advance(std::chrono::minutes(10));
  // the next read: AVAILABLE, work request SUCCEEDED, percentComplete 100

  CHECK(fake.lifecycle().get(ocifake::phase::import).duration() == std::chrono::minutes(10));
}
