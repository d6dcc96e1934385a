// server::settle(): once it returns, every request the server had begun is answered or cut and
// journalled, so a test reads the whole journal while the server goes on serving.
#include "catch_compat.hpp"

#include <exception>
#include <optional>
#include <string>

#include "support.hpp"

using namespace std::chrono_literals;
using ocifake::fault;
using ocifake::fault_action;

namespace {

const std::string missing = "/20160918/images/ocid1.image.oc1.phx.aaaaaaaamissing";

}  // namespace

TEST_CASE("settle: a request a connection fault cut off is in the journal, without stopping the server",
          "[http][journal][faults]") {
  struct cut {
    const char* name;
    fault rule;
  };
  for (auto& [name, rule] : {cut{"reset", fault::on("GetImage").id("cut").times(1).reset_connection()},
                             cut{"close", fault::on("GetImage").id("cut").times(1).close_connection()},
                             cut{"truncate", fault::on("GetImage").id("cut").times(1).truncate(5)},
                             cut{"hang 50 ms", fault::on("GetImage").id("cut").times(1).hang(50ms)}}) {
    INFO(name);
    ocifake::server fake;
    fake.faults().add(rule);
    test::client c(fake);
    auto first = c.get(missing);
    CHECK((!first || first->body.size() < 5 + 1));  // no answer, or a cut one

    fake.settle();
    auto journal = fake.journal("GetImage");
    REQUIRE(journal.size() == 1);
    REQUIRE(journal[0].fault);
    CHECK(journal[0].fault->rule_id == "cut");
    // The server still serves: the next read is answered and journalled.
    auto second = c.get(missing);
    REQUIRE(second);
    CHECK(second->status == 404);
    fake.settle();
    CHECK(fake.journal("GetImage").size() == 2);
  }
}

TEST_CASE("settle: waits for the handler of a hung request whose client gave up", "[http][journal][faults]") {
  ocifake::server fake;
  fake.faults().add(fault::on("GetImage").id("black-hole").times(1).hang());
  {
    httplib::Client impatient(fake.endpoint());
    impatient.set_read_timeout(0, 300'000);
    CHECK_FALSE(impatient.Get(missing));  // the client's timeout ends its wait; it goes away
  }
  // The hung handler ends once it sees the client gone, and only then journals the request.
  fake.settle();
  auto journal = fake.journal("GetImage");
  REQUIRE(journal.size() == 1);
  CHECK(journal[0].status == 0);
  REQUIRE(journal[0].fault);
  CHECK(journal[0].fault->action == fault_action::hang);
}

TEST_CASE("settle: returns at once when nothing is in flight, and on a stopped server", "[http][journal]") {
  ocifake::server fake;
  CHECK(fake.settle(0ms));
  fake.settle();
  test::client c(fake);
  REQUIRE(c.get("/_ocifake/health"));
  CHECK(fake.settle(0ms));
  CHECK(fake.journal().size() == 1);
  fake.stop();
  fake.settle();
  CHECK(fake.settle(0ms));
}

TEST_CASE("settle: called from an on_request listener it refuses instead of waiting for itself", "[http][journal]") {
  ocifake::server fake;
  std::optional<std::string> refusal;  // written by the server's thread, read after the request ends
  fake.on_request([&](const ocifake::journal_entry&) {
    try {
      fake.settle();
    } catch (const ocifake::usage_error& e) {
      refusal = e.what();
    }
  });
  test::client c(fake);
  auto r = c.get("/_ocifake/health");
  REQUIRE(r);
  CHECK(r->status == 200);
  fake.settle();  // the listener has run
  fake.on_request({});
  REQUIRE(refusal);
  CHECK_THAT(*refusal, catch_compat::Contains("on_request listener"));
}
