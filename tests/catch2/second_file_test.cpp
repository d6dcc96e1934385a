// A second file that includes ocifake/catch2.hpp: the listener must still print each journal once.
#include <stdexcept>

#include <ocifake/catch2.hpp>

#include <httplib.h>

TEST_CASE_METHOD(ocifake::catch2::fixture, "a passing test case prints no journal", "[.][fails-on-purpose]") {
  httplib::Client client(fake.endpoint());
  auto r = client.Get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaapassing");
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE("a server watched by hand, and an exception that escapes the test", "[.][fails-on-purpose]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  ocifake::catch2::watch watching(fake);
  fake.faults().add(ocifake::fault::on("ListImages").id("throttled").error(429, "TooManyRequests"));
  httplib::Client client(fake.endpoint());
  auto r = client.Get("/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaathrows");
  if (r && r->status == 429) throw std::runtime_error("the client gave up after one 429");
}

TEST_CASE_METHOD(ocifake::catch2::fixture, "a failing test case whose fake saw no request prints no journal",
                 "[.][fails-on-purpose]") {
  CHECK(fake.images().size() == 1);  // wrong on purpose, before any request
}
