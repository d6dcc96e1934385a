// ocifake::server itself: start, endpoint, stop, many at once, headers on every answer.
#include "catch_compat.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include "raw_http.hpp"
#include "support.hpp"

using namespace std::chrono_literals;

TEST_CASE("server: is serving when the constructor returns, on 127.0.0.1 and an ephemeral port", "[http][server]") {
  ocifake::server fake;
  CHECK(fake.endpoint().rfind("http://127.0.0.1:", 0) == 0);
  CHECK(fake.port() > 0);
  CHECK(fake.endpoint() == "http://127.0.0.1:" + std::to_string(fake.port()));
  test::client c(fake);
  auto r = c.get("/_ocifake/health");
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("server: many servers live in one process, each with its own state", "[http][server]") {
  std::vector<std::unique_ptr<ocifake::server>> servers;
  for (int i = 0; i < 20; ++i) servers.push_back(std::make_unique<ocifake::server>());
  std::vector<std::string> instances;
  for (auto& s : servers) instances.push_back(s->add_instance({.compartment_id = test::compartment}));
  for (std::size_t i = 0; i < servers.size(); ++i) {
    test::client c(*servers[i]);
    auto r = c.post("/20160918/images", test::create_body(instances[i]));
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  for (auto& s : servers) CHECK(s->images().size() == 1);
  // An instance of one server is unknown to another.
  test::client c(*servers[0]);
  auto r = c.post("/20160918/images", test::create_body(instances[1]));
  REQUIRE(r);
  CHECK(r->status == 400);
}

TEST_CASE("server: stop returns promptly with idle keep-alive connections open, and is idempotent", "[http][server]") {
  auto fake = std::make_unique<ocifake::server>();
  std::vector<std::unique_ptr<test::client>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(std::make_unique<test::client>(*fake));
    auto r = clients.back()->get("/_ocifake/health");
    REQUIRE(r);
  }
  auto t0 = std::chrono::steady_clock::now();
  fake->stop();
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 1s);
  fake->stop();
  fake.reset();
  // A stopped server's port refuses new requests.
}

TEST_CASE("server: stop right after construction is not lost", "[http][server]") {
  for (int i = 0; i < 50; ++i) {
    ocifake::server fake;
    fake.stop();
  }
  SUCCEED();
}

TEST_CASE("server: state stays readable after stop", "[http][server]") {
  ocifake::server fake;
  auto inst = fake.add_instance({.compartment_id = test::compartment});
  test::client(fake).post("/20160918/images", test::create_body(inst));
  fake.stop();
  CHECK(fake.images().size() == 1);
}

TEST_CASE("server: bind failures throw a typed error saying why", "[http][server]") {
  ocifake::server first;
  try {
    ocifake::server second({.port = first.port()});
    FAIL("binding a port in use must throw");
  } catch (const ocifake::bind_error& e) {
    CHECK(std::string(e.what()).find(std::to_string(first.port())) != std::string::npos);
  }
  CHECK_THROWS_AS(ocifake::server({.host = "10.1.2.3"}), ocifake::bind_error);
}

TEST_CASE("server: every answer carries opc-request-id, errors included", "[http][server]") {
  ocifake::server fake;
  test::client c(fake);
  std::vector<httplib::Result> answers;
  answers.push_back(c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanope"));
  answers.push_back(c.get("/nope"));
  answers.push_back(c.post("/20160918/images", "not json"));
  answers.push_back(c.get("/_ocifake/health"));
  answers.push_back(c.del("/20160918/workRequests"));
  for (auto& r : answers) {
    REQUIRE(r);
    CHECK(r->get_header_value("opc-request-id").size() >= 32);
  }
}

TEST_CASE("server: every answer carries Date, the server's clock as an IMF-fixdate, errors included",
          "[http][server]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.clock().set(std::chrono::sys_days{std::chrono::year{2026} / 12 / 3} + 7h + 55min + 0s + 999ms);
  fake.faults().add(ocifake::fault::on("ListImageShapeCompatibilityEntries").error(503, "ServiceUnavailable"));
  test::client c(fake);
  const std::string date = "Thu, 03 Dec 2026 07:55:00 GMT";
  std::vector<httplib::Result> answers;
  answers.push_back(c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanope"));         // an operation's error
  answers.push_back(c.get("/20160918/images?compartmentId=" + test::compartment));       // an operation's 200
  answers.push_back(c.get("/nope"));                                                     // the pipeline's 404
  answers.push_back(c.del("/20160918/workRequests"));                                    // the pipeline's 405
  answers.push_back(c.get("/_ocifake/health"));                                          // an admin call
  answers.push_back(c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanope/shapes"));  // a fault's error
  for (auto& r : answers) {
    REQUIRE(r);
    INFO(r->status << " " << r->body);
    CHECK(r->get_header_value("Date") == date);
  }
  CHECK(answers.back()->status == 503);
  // An answer httplib makes itself: a request it cannot read.
  auto bad = test::raw::exchange(fake.port(), "GARBAGE\r\n\r\n");
  CHECK(bad.status == 400);
  CHECK(bad.head.find("\r\nDate: " + date + "\r\n") != std::string::npos);
  // The clock moves the header; the real clock is not what it reads.
  fake.clock().advance(std::chrono::hours(49));
  CHECK(c.get("/_ocifake/health")->get_header_value("Date") == "Sat, 05 Dec 2026 08:55:00 GMT");
}

TEST_CASE("server: a client-supplied opc-request-id is echoed as the first part of the answer's", "[http][server]") {
  ocifake::server fake;
  test::client c(fake);
  auto r = c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanope", {{"opc-request-id", "MYCLIENTID-1"}});
  REQUIRE(r);
  CHECK(r->get_header_value("opc-request-id").rfind("MYCLIENTID-1/", 0) == 0);
}

TEST_CASE("server: unknown paths are 404 NotFound and wrong methods 405 MethodNotAllowed", "[http][server]") {
  ocifake::server fake;
  test::client c(fake);
  auto r = c.get("/20160918/volumes");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(test::str(test::json(r->body), "code") == "NotFound");
  r = c.del("/20160918/images");
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(test::str(test::json(r->body), "code") == "MethodNotAllowed");
  r = c.put("/20160918/workRequests/ocid1.coreservicesworkrequest.oc1.phx.aaaa", "{}");
  REQUIRE(r);
  CHECK(r->status == 405);
}

TEST_CASE("server: ids are deterministic for a given seed", "[http][server]") {
  auto run = [] {
    ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 42, .region = "iad"});
    auto inst = fake.add_instance({.compartment_id = test::compartment});
    test::client(fake).post("/20160918/images", test::create_body(inst));
    return fake.images().at(0).id;
  };
  auto a = run();
  CHECK(a == run());
  CHECK(a.rfind("ocid1.image.oc1.iad.aaaaaaaa", 0) == 0);
  CHECK(a.size() == std::string("ocid1.image.oc1.iad.").size() + 60);
}

TEST_CASE("server: the journal keeps at most journal_limit entries, newest last", "[http][server]") {
  ocifake::server fake({.journal_limit = 3});
  test::client c(fake);
  for (int i = 0; i < 5; ++i) c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaa" + std::to_string(i));
  auto j = fake.journal();
  REQUIRE(j.size() == 3);
  CHECK(j.front().seq == 3);
  CHECK(j.back().seq == 5);
  CHECK(j.back().path == "/20160918/images/ocid1.image.oc1.phx.aaaaaaaa4");
}

TEST_CASE("server: max_workers of zero is refused", "[http][server]") {
  CHECK_THROWS_AS(ocifake::server({.max_workers = 0}), ocifake::usage_error);
}
