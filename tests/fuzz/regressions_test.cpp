// Inputs the fuzz targets once failed on, as unit tests (each file is also in tests/fuzz/corpus,
// which ctest replays through the target itself).
#include "catch_compat.hpp"

#include <chrono>

#include <ocifake/error.hpp>
#include <ocifake/scenario.hpp>
#include <ocifake/server.hpp>

#include "http/signature.hpp"
#include "model/fields.hpp"
#include "support.hpp"

using namespace std::chrono_literals;

// fuzz_scenario: "clockStart": "4052-01-05T09:00:00.000Z" overflowed system_clock's 64-bit
// nanoseconds (signed overflow, caught by UBSan) before the scenario was refused or applied.
TEST_CASE("fuzz regression: a time past the year 2199 is refused, not overflowed", "[fuzz][unit]") {
  using ocifake::detail::parse_rfc3339;
  CHECK_FALSE(parse_rfc3339("4052-01-05T09:00:00.000Z"));
  CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:59.999Z"));
  CHECK_FALSE(parse_rfc3339("1969-12-31T23:59:59.999Z"));
  CHECK_FALSE(parse_rfc3339("2026-01-01T-1:00:00Z"));
  CHECK(parse_rfc3339("2199-12-31T23:59:59.999Z"));
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z"));
  try {
    ocifake::scenario::parse(R"({"name": "far", "clock": "manual", "clockStart": "4052-01-05T09:00:00.000Z"})");
    FAIL("a clockStart in 4052 must be refused");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.path() == "$.clockStart");
  }
}

// fuzz_signature: a date in the year 1013 (and any past 2262) overflowed the same way in
// parse_http_date.
TEST_CASE("fuzz regression: an HTTP date outside 1970 to 2199 is not a date", "[fuzz][unit]") {
  using ocifake::detail::parse_http_date;
  CHECK_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"));
  CHECK_FALSE(parse_http_date("Thu, 01 Jan 1000 00:00:00 GMT"));
  CHECK(parse_http_date("Thu, 26 Nov 2026 23:20:25 GMT"));
}

// The clock could be advanced, a billion seconds at a time through the admin API, until its
// time overflowed.
TEST_CASE("fuzz regression: the clock refuses to move past 2200", "[fuzz][http]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  CHECK_THROWS_AS(fake.clock().advance(std::chrono::milliseconds::max()), ocifake::usage_error);
  test::client c(fake);
  int accepted = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = c.post("/_ocifake/clock/advance", R"({"seconds": 1000000000})");
    REQUIRE(r);
    if (r->status == 200) {
      ++accepted;
      continue;
    }
    CHECK(r->status == 400);
    CHECK(test::str(test::json(r->body), "code") == "InvalidParameter");
  }
  CHECK(accepted >= 5);  // 31 years each, from today to 2200
  CHECK(accepted < 12);
  CHECK(fake.clock().now() < std::chrono::sys_days{std::chrono::year{2200} / 1 / 1});
}

// fuzz_body: an integer field given as a double far beyond int64 (1.4e96) was converted to int64
// before its range was checked (undefined behaviour, caught by UBSan).
TEST_CASE("fuzz regression: an integer field far out of range is 400 InvalidParameter", "[fuzz][http]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto inst = fake.add_instance({.compartment_id = test::compartment});
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  test::client c(fake);
  auto created = c.post("/20160918/images", test::create_body(inst));
  REQUIRE(created);
  auto id = test::str(test::json(created->body), "id");
  for (const char* n : {"1.4e96", "-1e300", "9.3e18", "1e19"}) {
    INFO(n);
    auto r = c.put("/20160918/images/" + id + "/shapes/VM.Standard.E4.Flex",
                   std::string(R"({"memoryConstraints": {"minInGBs": )") + n + R"(, "maxInGBs": 8}})");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(test::str(test::json(r->body), "code") == "InvalidParameter");
  }
}

// fuzz_body: Boost.JSON reads 0e858 as NaN, so a body holding it never equalled itself and the
// same request sent again with its retry token was refused as a different one (409 Conflict).
TEST_CASE("fuzz regression: a retry of a body with a NaN-parsing number replays the first answer", "[fuzz][http]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto inst = fake.add_instance({.compartment_id = test::compartment});
  test::client c(fake);
  auto body = test::create_body(inst, R"("launchOptions": {}, "unknownField": 0e858)");
  auto first = c.post("/20160918/images", body, {{"opc-retry-token", "nan-token"}});
  REQUIRE(first);
  REQUIRE(first->status == 200);
  auto again = c.post("/20160918/images", body, {{"opc-retry-token", "nan-token"}});
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(again->body == first->body);
  CHECK(fake.images().size() == 1);
}

// fuzz_body: a defined tag value of 1e400 parses as infinity and was echoed as `Infinity`, which
// is not JSON; scenarios accepted it too, and their state documents then did not parse.
TEST_CASE("fuzz regression: a defined tag value that is not a finite number is refused", "[fuzz][http]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto inst = fake.add_instance({.compartment_id = test::compartment});
  test::client c(fake);
  for (const char* n : {"1e400", "-1e400", "0e858"}) {
    INFO(n);
    auto r =
        c.post("/20160918/images", test::create_body(inst, std::string(R"("definedTags": {"ns": {"k": )") + n + "}}"));
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(test::str(test::json(r->body), "code") == "InvalidParameter");
    try {
      ocifake::scenario::parse(std::string(R"({"name": "t", "images": [{"compartmentId": ")") + test::compartment +
                               R"(", "definedTags": {"ns": {"k": )" + n + "}}}]}");
      FAIL("the scenario must be refused");
    } catch (const ocifake::invalid_input& e) {
      CHECK(e.path() == "$.images[0].definedTags.ns.k");
    }
  }
  CHECK(fake.images().empty());
}
