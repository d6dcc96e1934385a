// Fault rules over real sockets: every action as a client sees it, every trigger, and the two
// timings. Connection-level actions are observed on a raw socket, so the test sees exactly the
// bytes, FIN or RST that arrive; the rest through httplib::Client, as an SDK would.
//
// Time: only lower bounds are asserted on anything a fault makes slow; upper bounds are loose
// (a shared machine can stall any thread for a while).
#include "catch_compat.hpp"

#include <cerrno>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/api_support.hpp"
#include "http/wire.hpp"

using namespace std::chrono_literals;
using ocifake::fault;

namespace {

const std::string unknown_image = "ocid1.image.oc1.phx.aaaaaaaaunknown";
const std::string images_path = "/20160918/images";

std::chrono::milliseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
}

bool parses_as_json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::parse(text, ec);
  return !ec;
}

// A client of `fake` whose read timeout is `timeout`.
std::unique_ptr<httplib::Client> client_with_timeout(const ocifake::server& fake, std::chrono::milliseconds timeout) {
  auto c = std::make_unique<httplib::Client>(fake.endpoint());
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);
  c->set_connection_timeout(2, 0);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  c->set_read_timeout(static_cast<time_t>(us / 1'000'000), static_cast<time_t>(us % 1'000'000));
  return c;
}

const ocifake::fault_status& rule_status(const std::vector<ocifake::fault_status>& all, const std::string& id) {
  for (const auto& s : all)
    if (s.id == id) return s;
  FAIL("no rule " << id);
  return all.front();
}

}  // namespace

// ---------------------------------------------------------------- actions

TEST_CASE_METHOD(test::api_fixture, "Faults: error answers OCI's body with status, code, message and retry-after",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").times(1).error(429, "TooManyRequests", "slow down", 7));
  auto a = get(images_path + "/" + unknown_image);
  CHECK(a.status == 429);
  CHECK(a.code() == "TooManyRequests");
  CHECK(a.message() == "slow down");
  CHECK(a.header("retry-after") == "7");
  CHECK(a.header("content-type") == "application/json");
  CHECK(a.header("opc-request-id").size() >= 32);

  SECTION("without a message one names the code; without retryAfter there is no retry-after") {
    fake.faults().add(fault::on("GetImage").times(1).error(503, "ServiceUnavailable"));
    auto b = get(images_path + "/" + unknown_image);
    CHECK(b.status == 503);
    CHECK(b.code() == "ServiceUnavailable");
    CHECK_FALSE(b.message().empty());
    CHECK_FALSE(b.has("retry-after"));
    CHECK(b.header("opc-request-id").size() >= 32);
  }
  SECTION("a client's opc-request-id is kept, as in every other answer") {
    fake.faults().add(fault::on("GetImage").times(1).error(500, "InternalServerError"));
    auto b = get(images_path + "/" + unknown_image, {{"opc-request-id", "CLIENT-1"}});
    CHECK(b.status == 500);
    CHECK(b.header("opc-request-id").rfind("CLIENT-1/", 0) == 0);
  }
}

TEST_CASE_METHOD(test::api_fixture, "Faults: delay answers normally, no sooner than the delay", "[http][faults]") {
  auto id = available();
  fake.faults().add(fault::on("GetImage").times(1).delay(300ms));
  auto t0 = std::chrono::steady_clock::now();
  auto a = get(images_path + "/" + id);
  CHECK(since(t0) >= 300ms);
  CHECK(a.status == 200);
  CHECK(test::str(a.json(), "id") == id);
  CHECK_FALSE(a.header("etag").empty());

  SECTION("after the commit, the request is applied and its own answer comes late") {
    fake.faults().add(fault::on("CreateImage").after_commit().delay(200ms));
    t0 = std::chrono::steady_clock::now();
    auto c = post(images_path, test::create_body(instance));
    CHECK(since(t0) >= 200ms);
    CHECK(c.status == 200);
    CHECK(fake.find_image(test::str(c.json(), "id")));
  }
}

TEST_CASE_METHOD(test::api_fixture, "Faults: reset sends a RST; the client sees ECONNRESET and no byte",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").reset_connection());
  auto w = test::exchange(fake.port(), test::raw_get(images_path + "/" + unknown_image));
  CHECK(w.bytes.empty());
  CHECK(w.error == ECONNRESET);
  CHECK_FALSE(w.timed_out);

  // httplib (and so any SDK) reports a transport error, not an answer.
  auto r = c.get(images_path + "/" + unknown_image);
  REQUIRE_FALSE(r);
  CHECK(r.error() == httplib::Error::Read);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: close ends the connection with a FIN and zero bytes", "[http][faults]") {
  fake.faults().add(fault::on("GetImage").close_connection());
  auto w = test::exchange(fake.port(), test::raw_get(images_path + "/" + unknown_image));
  CHECK(w.bytes.empty());
  CHECK(w.eof);
  CHECK(w.error == 0);

  auto r = c.get(images_path + "/" + unknown_image);
  REQUIRE_FALSE(r);
  CHECK(r.error() == httplib::Error::Read);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: truncate sends the headers and part of the body, then closes",
                 "[http][faults]") {
  auto id = available();
  auto whole = get(images_path + "/" + id).body;
  REQUIRE(whole.size() > 100);

  SECTION("bytes: exactly that many body bytes of the Content-Length promised") {
    fake.faults().add(fault::on("GetImage").truncate(40));
    auto w = test::exchange(fake.port(), test::raw_get(images_path + "/" + id));
    CHECK(w.status() == 200);
    REQUIRE(w.header("content-length"));
    CHECK(std::stoul(*w.header("content-length")) == whole.size());
    CHECK(w.header("date"));
    CHECK(w.body() == whole.substr(0, 40));
    CHECK(w.eof);
    CHECK_FALSE(w.timed_out);
  }
  SECTION("by default, half the body") {
    fake.faults().add(fault::on("GetImage").truncate());
    auto w = test::exchange(fake.port(), test::raw_get(images_path + "/" + id));
    CHECK(w.status() == 200);
    CHECK(std::stoul(w.header("content-length").value_or("0")) == whole.size());
    CHECK(w.body() == whole.substr(0, whole.size() / 2));
    CHECK(w.eof);
  }
  SECTION("httplib reports the short body as a read error") {
    fake.faults().add(fault::on("GetImage").truncate(10));
    auto r = c.get(images_path + "/" + id);
    REQUIRE_FALSE(r);
    CHECK(r.error() == httplib::Error::Read);
  }
  SECTION("an error answer is cut as it is") {
    auto expected = get(images_path + "/" + unknown_image).body;
    fake.faults().add(fault::on("GetImage").truncate(12));
    auto w = test::exchange(fake.port(), test::raw_get(images_path + "/" + unknown_image));
    CHECK(w.status() == 404);
    CHECK(std::stoul(w.header("content-length").value_or("0")) == expected.size());
    CHECK(w.body() == expected.substr(0, 12));
    CHECK(w.eof);
  }
  SECTION("an answer without a body is cut in its head: the blank line that ends the headers never comes") {
    fake.faults().add(fault::on("DeleteImage").truncate());
    auto w = test::exchange(fake.port(), "DELETE " + images_path + "/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(w.status() == 204);
    CHECK(w.header("opc-request-id"));
    CHECK(w.header("date").value_or("").ends_with(" GMT"));  // the head as it would have been
    CHECK(w.bytes.find("\r\n\r\n") == std::string::npos);
    CHECK(w.eof);
    CHECK_FALSE(w.timed_out);
    CHECK(state_of(id) == "DELETED");  // truncate acts after the commit

    // An SDK sees a transport error, as for any other cut answer.
    auto other = available();
    fake.faults().add(fault::on("ChangeImageCompartment").truncate());
    auto r = c.post(images_path + "/" + other + "/actions/changeCompartment",
                    R"({"compartmentId":"ocid1.compartment.oc1..aaaaaaaaother"})");
    REQUIRE_FALSE(r);
    CHECK(r.error() == httplib::Error::Read);
    CHECK(fake.find_image(other)->compartment_id == "ocid1.compartment.oc1..aaaaaaaaother");
  }
}

TEST_CASE_METHOD(test::api_fixture, "Faults: malformed answers 200 with a body that is not JSON", "[http][faults]") {
  fake.faults().add(fault::on("ListImages").times(1).malformed());
  auto a = list();
  CHECK(a.status == 200);
  CHECK_FALSE(a.body.empty());
  CHECK_FALSE(parses_as_json(a.body));
  CHECK(a.header("opc-request-id").size() >= 32);
  // The rule is spent: the next answer is JSON again.
  CHECK(parses_as_json(list().body));
}

TEST_CASE_METHOD(test::api_fixture, "Faults: slowBody delivers the whole body intact, no sooner than its time",
                 "[http][faults]") {
  auto id = available();
  auto whole = get(images_path + "/" + id).body;
  fake.faults().add(fault::on("GetImage").times(1).slow_body(500ms));
  auto t0 = std::chrono::steady_clock::now();
  auto a = get(images_path + "/" + id);
  CHECK(since(t0) >= 500ms);
  CHECK(a.status == 200);
  CHECK(a.body == whole);

  SECTION("a body too short for ten pieces still takes the whole time") {
    // ListImages that matches nothing answers two bytes: "[]".
    auto empty = "/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaaempty&displayName=none";
    auto expected = get(empty).body;
    REQUIRE(expected == "[]");
    fake.faults().add(fault::on("ListImages").times(1).slow_body(400ms));
    t0 = std::chrono::steady_clock::now();
    auto b = get(empty);
    CHECK(since(t0) >= 400ms);
    CHECK(b.body == expected);
  }
  SECTION("an error answer is dribbled as it is") {
    auto expected = get(images_path + "/" + unknown_image);
    REQUIRE(expected.status == 404);
    fake.faults().add(fault::on("GetImage").times(1).slow_body(300ms));
    t0 = std::chrono::steady_clock::now();
    auto b = get(images_path + "/" + unknown_image);
    CHECK(since(t0) >= 300ms);
    CHECK(b.status == 404);
    CHECK(b.body == expected.body);
  }
  SECTION("an answer without a body is held back for the time") {
    fake.faults().add(fault::on("DeleteImage").times(1).slow_body(300ms));
    t0 = std::chrono::steady_clock::now();
    auto d = del(images_path + "/" + id);
    CHECK(since(t0) >= 300ms);
    CHECK(d.status == 204);
    CHECK(d.body.empty());
    CHECK(state_of(id) == "DELETED");
  }
}

TEST_CASE_METHOD(test::api_fixture, "Faults: a hang is ended by the client's own read timeout", "[http][faults]") {
  fake.faults().add(fault::on("GetImage").times(1).hang());
  auto impatient = client_with_timeout(fake, 300ms);
  auto t0 = std::chrono::steady_clock::now();
  auto r = impatient->Get((images_path + "/" + unknown_image).c_str());
  CHECK(since(t0) >= 300ms);
  REQUIRE_FALSE(r);
  CHECK(r.error() == httplib::Error::Read);

  // The client closed its connection on the timeout; the server notices and journals the request
  // as unanswered.
  REQUIRE(test::eventually([&] { return !fake.journal("GetImage").empty(); }));
  auto e = fake.journal("GetImage").at(0);
  CHECK(e.status == 0);
  REQUIRE(e.fault);
  CHECK(e.fault->action == ocifake::fault_action::hang);
  // The rule is spent and the server is not stuck: the next read is answered.
  CHECK(get(images_path + "/" + unknown_image).status == 404);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: a hang with ms closes the connection unanswered once ms have passed",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").times(1).hang(300ms));
  auto t0 = std::chrono::steady_clock::now();
  auto w = test::exchange(fake.port(), test::raw_get(images_path + "/" + unknown_image));
  CHECK(since(t0) >= 300ms);
  CHECK(w.bytes.empty());
  CHECK(w.eof);
  CHECK_FALSE(w.timed_out);
  REQUIRE(test::eventually([&] { return !fake.journal("GetImage").empty(); }));
  auto e = fake.journal("GetImage");
  REQUIRE(e.size() == 1);
  CHECK(e[0].status == 0);
}

TEST_CASE("Faults: stopping a server with several hung requests returns promptly", "[http][faults]") {
  auto fake = std::make_unique<ocifake::server>();
  fake->faults().add(fault::on("GetImage").id("black-hole").hang());
  constexpr int hung = 4;
  std::vector<int> statuses(hung, -1);  // 0: no answer
  std::vector<std::thread> clients;
  for (int i = 0; i < hung; ++i)
    clients.emplace_back([&, i] {
      auto c = client_with_timeout(*fake, 30s);
      auto r = c->Get(("/20160918/images/" + unknown_image).c_str());
      statuses[i] = r ? r->status : 0;
    });
  REQUIRE(test::eventually([&] { return fake->faults().list().at(0).fired == hung; }));

  auto t0 = std::chrono::steady_clock::now();
  fake->stop();
  auto took = since(t0);
  for (auto& t : clients) t.join();
  CHECK(took < 2s);
  CHECK(statuses == std::vector<int>(hung, 0));
  auto entries = fake->journal("GetImage");
  REQUIRE(entries.size() == hung);
  for (const auto& e : entries) CHECK(e.status == 0);
}

// ---------------------------------------------------------------- triggers

TEST_CASE_METHOD(test::api_fixture, "Faults: skip lets the first matches through, times bounds the firings",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").id("flaky").skip(2).times(3).error(503, "ServiceUnavailable"));
  std::vector<int> statuses;
  for (int i = 0; i < 7; ++i) statuses.push_back(get(images_path + "/" + unknown_image).status);
  CHECK(statuses == std::vector<int>{404, 404, 503, 503, 503, 404, 404});
  auto s = rule_status(fake.faults().list(), "flaky");
  CHECK(s.matched == 7);
  CHECK(s.fired == 3);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: probability fires a seeded share of the matches", "[http][faults]") {
  fake.faults().add(fault::on("GetImage").id("coin").probability(0.5).error(503, "ServiceUnavailable"));
  int failed = 0;
  constexpr int n = 60;
  for (int i = 0; i < n; ++i) failed += get(images_path + "/" + unknown_image).status == 503;
  auto s = rule_status(fake.faults().list(), "coin");
  CHECK(s.matched == n);
  CHECK(s.fired == static_cast<std::uint64_t>(failed));
  // Loose: a fair coin lands between 10 and 50 times out of 60 except with odds below 1 in 10^8.
  CHECK(failed > 10);
  CHECK(failed < 50);

  SECTION("0 never fires, 1 always does") {
    fake.faults().clear();
    fake.faults().add(fault::on("GetImage").probability(0).error(503, "ServiceUnavailable"));
    fake.faults().add(fault::on("ListImages").probability(1).error(503, "ServiceUnavailable"));
    for (int i = 0; i < 10; ++i) {
      CHECK(get(images_path + "/" + unknown_image).status == 404);
      CHECK(list().status == 503);
    }
  }
}

TEST_CASE_METHOD(test::api_fixture, "Faults: a window opens and closes on the server's manual clock",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").window(1min, 3min).error(503, "ServiceUnavailable"));
  auto status = [&] { return get(images_path + "/" + unknown_image).status; };
  CHECK(status() == 404);
  fake.clock().advance(59s);
  CHECK(status() == 404);
  fake.clock().advance(1s);
  CHECK(status() == 503);
  fake.clock().advance(119s);
  CHECK(status() == 503);
  fake.clock().advance(1s);
  CHECK(status() == 404);
  auto s = fake.faults().list().at(0);
  CHECK(s.matched == 5);
  CHECK(s.fired == 2);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: a header match fires only on requests carrying that header value",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").header("x-test-case", "flaky").error(503, "ServiceUnavailable"));
  auto path = images_path + "/" + unknown_image;
  CHECK(get(path).status == 404);
  CHECK(get(path, {{"x-test-case", "steady"}}).status == 404);
  CHECK(get(path, {{"x-test-case", "flaky"}}).status == 503);
  // Header names are case-insensitive, values are not.
  CHECK(get(path, {{"X-Test-Case", "flaky"}}).status == 503);
  CHECK(get(path, {{"x-test-case", "FLAKY"}}).status == 404);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: a resource match fires only on requests for that OCID", "[http][faults]") {
  auto a = available();
  auto b = available();
  fake.faults().add(fault::on("GetImage").resource(a).error(409, "IncorrectState"));
  CHECK(get(images_path + "/" + a).status == 409);
  CHECK(get(images_path + "/" + b).status == 200);
  // Other operations on the same image are another match.
  CHECK(put(images_path + "/" + a, R"({"displayName":"renamed"})").status == 200);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: * matches every OCI operation and never the admin API", "[http][faults]") {
  auto id = available();
  fake.faults().add(fault::on("*").error(503, "ServiceUnavailable"));
  CHECK(get(images_path + "/" + id).status == 503);
  CHECK(list().status == 503);
  CHECK(post(images_path, test::create_body(instance)).status == 503);
  CHECK(get("/20160918/workRequests?compartmentId=" + test::compartment).status == 503);
  CHECK(get(images_path + "/" + id + "/shapes").status == 503);
  CHECK(get("/_ocifake/health").status == 200);
  CHECK(get("/_ocifake/faults").status == 200);
  // Nor paths that are no operation at all: they stay 404 NotFound.
  CHECK(get("/20160918/volumes").status == 404);
  CHECK(fake.faults().list().at(0).matched == 5);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: an operation list matches each operation named and no other",
                 "[http][faults]") {
  auto id = available();
  fake.faults().add(fault::on(std::vector<std::string>{"GetImage", "ListImages"}).error(503, "ServiceUnavailable"));
  CHECK(get(images_path + "/" + id).status == 503);
  CHECK(list().status == 503);
  CHECK(get("/20160918/workRequests?compartmentId=" + test::compartment).status == 200);
  CHECK(put(images_path + "/" + id, R"({"displayName":"renamed"})").status == 200);
}

TEST_CASE_METHOD(test::api_fixture, "Faults: rules are tried in order and the first that fires answers",
                 "[http][faults]") {
  fake.faults().add(fault::on("GetImage").id("first").times(1).error(500, "InternalServerError"));
  fake.faults().add(fault::on("*").id("second").times(2).error(503, "ServiceUnavailable"));
  auto path = images_path + "/" + unknown_image;
  CHECK(get(path).status == 500);
  CHECK(get(path).status == 503);
  CHECK(get(path).status == 503);
  CHECK(get(path).status == 404);
  auto all = fake.faults().list();
  CHECK(rule_status(all, "first").matched == 4);
  CHECK(rule_status(all, "first").fired == 1);
  CHECK(rule_status(all, "second").matched == 3);  // the first request never reached it
  CHECK(rule_status(all, "second").fired == 2);
}

// ---------------------------------------------------------------- timing

TEST_CASE_METHOD(test::api_fixture, "Faults: before, CreateImage is not applied", "[http][faults]") {
  SECTION("an error") {
    fake.faults().add(fault::on("CreateImage").times(1).error(500, "InternalServerError"));
    CHECK(post(images_path, test::create_body(instance)).status == 500);
  }
  SECTION("a reset") {
    fake.faults().add(fault::on("CreateImage").times(1).before().reset_connection());
    auto w = test::exchange(fake.port(), test::raw_post(images_path, test::create_body(instance)));
    CHECK(w.error == ECONNRESET);
  }
  CHECK(fake.images().empty());
  CHECK(fake.work_requests().empty());
  REQUIRE(test::eventually([&] { return !fake.journal("CreateImage").empty(); }));
  auto e = fake.journal("CreateImage").at(0);
  REQUIRE(e.fault);
  CHECK(e.fault->timing == ocifake::fault_timing::before);
  CHECK(e.changes.empty());
}

TEST_CASE_METHOD(test::api_fixture, "Faults: afterCommit, CreateImage is applied and the client never hears",
                 "[http][faults]") {
  SECTION("a reset") {
    fake.faults().add(fault::on("CreateImage").times(1).after_commit().reset_connection());
    auto w = test::exchange(fake.port(), test::raw_post(images_path, test::create_body(instance)));
    CHECK(w.bytes.empty());
    CHECK(w.error == ECONNRESET);
  }
  SECTION("a close") {
    fake.faults().add(fault::on("CreateImage").times(1).after_commit().close_connection());
    auto w = test::exchange(fake.port(), test::raw_post(images_path, test::create_body(instance)));
    CHECK(w.bytes.empty());
    CHECK(w.eof);
  }
  SECTION("an error in place of the answer") {
    fake.faults().add(fault::on("CreateImage").times(1).after_commit().error(500, "InternalServerError"));
    auto a = post(images_path, test::create_body(instance));
    CHECK(a.status == 500);
    CHECK(a.code() == "InternalServerError");
    CHECK_FALSE(a.has("opc-work-request-id"));
  }
  REQUIRE(fake.images().size() == 1);
  CHECK(fake.work_requests().size() == 1);
  REQUIRE(test::eventually([&] { return !fake.journal("CreateImage").empty(); }));
  auto e = fake.journal("CreateImage").at(0);
  REQUIRE(e.fault);
  CHECK(e.fault->timing == ocifake::fault_timing::after_commit);
  REQUIRE(e.changes.size() == 3);  // the image, its work request, its instance CREATING_IMAGE
  CHECK(e.changes[0].find(fake.images()[0].id) != std::string::npos);
}

TEST_CASE_METHOD(test::api_fixture,
                 "Faults: a lost CreateImage answer retried with the same opc-retry-token ends with one image",
                 "[http][faults]") {
  fake.faults().add(fault::on("CreateImage").id("lost").times(1).after_commit().reset_connection());
  httplib::Headers token{{"opc-retry-token", "build-42-create-golden"}};

  auto first = c.post(images_path, test::create_body(instance, R"("displayName":"golden")"), token);
  REQUIRE_FALSE(first);  // reset: the client cannot know whether the image was made
  auto retry = post(images_path, test::create_body(instance, R"("displayName":"golden")"), token);
  CHECK(retry.status == 200);

  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(test::str(retry.json(), "id") == images[0].id);
  CHECK_FALSE(retry.header("opc-work-request-id").empty());
  REQUIRE(test::eventually([&] { return fake.journal("CreateImage").size() == 2; }));
  auto creates = fake.journal("CreateImage");
  CHECK(creates[0].status == 0);
  CHECK(creates[0].fault);
  CHECK(creates[0].changes.size() == 3);
  CHECK(creates[1].status == 200);
  CHECK(creates[1].replayed);
  CHECK(creates[1].changes.empty());
}

TEST_CASE_METHOD(test::api_fixture,
                 "Faults: a lost CreateImage answer retried without a retry token is refused while the first image "
                 "provisions, then makes a second image",
                 "[http][faults]") {
  fake.faults().add(fault::on("CreateImage").id("lost").times(1).after_commit().reset_connection());

  auto first = c.post(images_path, test::create_body(instance, R"("displayName":"golden")"));
  REQUIRE_FALSE(first);
  // The first image holds its instance CREATING_IMAGE: a blind retry is refused, and counts as a look
  // at the provision phase (polls(1)); the next one's look ends the phase, and it makes a second image.
  auto refused = post(images_path, test::create_body(instance, R"("displayName":"golden")"));
  CHECK(refused.status == 409);
  CHECK(test::str(refused.json(), "code") == "IncorrectState");
  CHECK(refused.body.find("is CREATING_IMAGE") != std::string::npos);
  auto retry = post(images_path, test::create_body(instance, R"("displayName":"golden")"));
  CHECK(retry.status == 200);

  auto images = fake.images();
  REQUIRE(images.size() == 2);
  CHECK(images[0].id != images[1].id);
  CHECK(images[0].display_name == "golden");
  CHECK(images[1].display_name == "golden");
  REQUIRE(test::eventually([&] { return fake.journal("CreateImage").size() == 3; }));
  auto creates = fake.journal("CreateImage");
  CHECK(creates[1].changes.empty());
  CHECK_FALSE(creates[2].replayed);
  REQUIRE(creates[2].changes.size() == 4);  // the phase ended on its look: the instance is back, then imaged
  CHECK(creates[2].changes[0].find("CREATING_IMAGE -> RUNNING") != std::string::npos);
}

// ---------------------------------------------------------------- worker pool

TEST_CASE("Faults: eight hung requests do not starve other clients", "[http][faults]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 3});
  fake.faults().add(fault::on("GetImage").id("black-hole").resource(unknown_image).hang());
  constexpr int hung = 8;
  std::vector<std::thread> stuck;
  std::vector<int> stuck_statuses(hung, -1);  // 0: no answer
  for (int i = 0; i < hung; ++i)
    stuck.emplace_back([&, i] {
      auto c = client_with_timeout(fake, 30s);
      auto r = c->Get(("/20160918/images/" + unknown_image).c_str());
      stuck_statuses[i] = r ? r->status : 0;
    });
  REQUIRE(test::eventually([&] { return fake.faults().list().at(0).fired == hung; }));

  // Several other clients, each on its own connection and instance, are all answered meanwhile.
  std::vector<int> statuses(4);
  std::vector<std::string> instances;
  for (int i = 0; i < 4; ++i) instances.push_back(fake.add_instance({.compartment_id = test::compartment}));
  std::vector<std::thread> others;
  for (int i = 0; i < 4; ++i)
    others.emplace_back([&, i] {
      test::client c(fake);
      auto r = c.post("/20160918/images", test::create_body(instances[i]));
      statuses[i] = r ? r->status : 0;
    });
  for (auto& t : others) t.join();
  CHECK(statuses == std::vector<int>(4, 200));
  CHECK(fake.images().size() == 4);

  fake.stop();
  for (auto& t : stuck) t.join();
  CHECK(stuck_statuses == std::vector<int>(hung, 0));
}

TEST_CASE("Faults: max_workers bounds the requests served at once; hung ones count", "[http][faults]") {
  ocifake::server fake({.max_workers = 2});
  fake.faults().add(fault::on("GetImage").id("black-hole").hang());
  std::vector<std::thread> stuck;
  std::vector<std::unique_ptr<httplib::Client>> stuck_clients;
  for (int i = 0; i < 2; ++i) stuck_clients.push_back(client_with_timeout(fake, 30s));
  for (int i = 0; i < 2; ++i)
    stuck.emplace_back([&, i] { stuck_clients[i]->Get(("/20160918/images/" + unknown_image).c_str()); });
  REQUIRE(test::eventually([&] { return fake.faults().list().at(0).fired == 2; }));

  // Both workers are held: a third connection waits in the queue past its client's timeout.
  auto third = client_with_timeout(fake, 300ms);
  auto r = third->Get("/_ocifake/health");
  CHECK_FALSE(r);

  // Once the hung requests end, the server serves again.
  fake.faults().clear();
  for (auto& c : stuck_clients) c->stop();
  for (auto& t : stuck) t.join();
  auto fresh = client_with_timeout(fake, 5s);
  auto after = fresh->Get("/_ocifake/health");
  REQUIRE(after);
  CHECK(after->status == 200);
}
