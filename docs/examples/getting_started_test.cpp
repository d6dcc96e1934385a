// The first test from docs/getting-started.md. Compiled and run by the build, so it stays true.
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain

#include <httplib.h>

#include <ocifake/catch2.hpp>
#include <ocifake/ocifake.hpp>

// [first-test]
TEST_CASE("my image pipeline creates one image from the build instance") {
  ocifake::server fake;  // listening on 127.0.0.1:<free port> already
  auto instance = fake.add_instance({.compartment_id = "ocid1.compartment.oc1..aaaaaaaatest",
                                     .display_name = "build-vm",
                                     .operating_system = "Oracle Linux",
                                     .operating_system_version = "9"});

  // The code under test would be pointed at fake.endpoint(); here we call the API directly.
  httplib::Client oci(fake.endpoint());
  auto answer = oci.Post("/20160918/images",
                         R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaatest", "instanceId": ")" + instance +
                             R"(", "displayName": "build-vm-golden"})",
                         "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->has_header("opc-work-request-id"));

  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(images[0].display_name == "build-vm-golden");
  CHECK(images[0].operating_system_version == "9");
  CHECK(images[0].lifecycle_state == "PROVISIONING");
}
// [first-test]
