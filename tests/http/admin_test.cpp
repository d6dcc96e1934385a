// The admin API under /_ocifake/ (docs/admin-api.md), over HTTP against the in-process server.
#include "catch_compat.hpp"

#include <mutex>
#include <sstream>

#include "http/raw_http.hpp"
#include "support.hpp"

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

struct reply {
  int status = 0;
  json::value body;
  httplib::Headers headers;

  std::string code() const { return test::str(body, "code"); }
  std::string message() const { return test::str(body, "message"); }
  const json::object& object() const { return body.as_object(); }
  const json::array& array() const { return body.as_array(); }
};

reply take(const httplib::Result& r) {
  REQUIRE(r);
  return {r->status, test::json(r->body), r->headers};
}

struct admin_fixture {
  ocifake::server fake{{.clock = ocifake::clock_mode::manual, .seed = 3}};
  test::client c{fake};
  std::string instance = fake.add_instance({.compartment_id = test::compartment});

  admin_fixture() { c.http.set_tcp_nodelay(true); }
  reply get(const std::string& path) { return take(c.get(path)); }
  reply post(const std::string& path, const std::string& body) { return take(c.post(path, body)); }
  reply del(const std::string& path) { return take(c.del(path)); }
  reply create_image() { return post("/20160918/images", test::create_body(instance)); }
};

const std::string rule_409 =
    R"({"operation": "GetImage", "times": 1, "action": {"type": "error", "status": 409, "code": "IncorrectState"}})";

}  // namespace

TEST_CASE_METHOD(admin_fixture, "admin: health answers ok; unknown paths 404, wrong methods 405", "[http][admin]") {
  auto r = get("/_ocifake/health");
  CHECK(r.status == 200);
  CHECK(r.body == json::parse(R"({"status": "ok"})"));

  r = get("/_ocifake/nope");
  CHECK(r.status == 404);
  CHECK(r.code() == "NotFound");
  CHECK(get("/_ocifake/").status == 404);
  CHECK(get("/_ocifake/clock").status == 404);

  r = post("/_ocifake/health", "");
  CHECK(r.status == 405);
  CHECK(r.code() == "MethodNotAllowed");
  auto allow = r.headers.find("allow");
  REQUIRE(allow != r.headers.end());
  CHECK(allow->second == "GET");
  CHECK(get("/_ocifake/reset").status == 405);
  CHECK(take(c.put("/_ocifake/faults", "[]")).status == 405);
  CHECK(get("/_ocifake/faults/r1").status == 405);
  // A trailing slash names the same endpoint.
  CHECK(get("/_ocifake/health/").status == 200);
}

TEST_CASE_METHOD(
    admin_fixture,
    "admin: a path that is not one says which it was probably meant to be, and a path's methods come from one table",
    "[http][admin]") {
  auto r = get("/_ocifake/jounal");
  CHECK(r.status == 404);
  CHECK(r.message() == "no such admin path: GET /_ocifake/jounal (did you mean \"journal\"?)");
  CHECK(get("/_ocifake/clock/advanse").message() ==
        "no such admin path: GET /_ocifake/clock/advanse (did you mean \"clock/advance\"?)");
  CHECK(get("/_ocifake/zzzzzzzz").message() == "no such admin path: GET /_ocifake/zzzzzzzz");
  r = post("/_ocifake/journal", "{}");
  CHECK(r.status == 405);
  CHECK(r.headers.find("allow")->second == "GET, DELETE");
  r = post("/_ocifake/faults/r1", "{}");
  CHECK(r.status == 405);
  CHECK(r.headers.find("allow")->second == "DELETE");
}

TEST_CASE_METHOD(admin_fixture, "admin: POST reset returns to the start-up state", "[http][admin]") {
  fake.add_startup_scenario(ocifake::scenario::parse(
      R"({"name": "base", "images": [{"id": "ocid1.image.oc1.phx.aaaaaaaabase", "compartmentId": ")" +
      test::compartment + R"("}]})"));
  CHECK(create_image().status == 200);
  fake.faults().add_json(rule_409);
  REQUIRE(fake.images().size() == 2);

  auto r = post("/_ocifake/reset", "");
  CHECK(r.status == 200);

  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id == "ocid1.image.oc1.phx.aaaaaaaabase");
  CHECK(fake.faults().list().empty());
  auto journal = fake.journal();
  REQUIRE(journal.size() == 1);  // only the reset itself
  CHECK(journal[0].path == "/_ocifake/reset");
  CHECK(journal[0].changes == std::vector<std::string>{"reset to the start-up state"});
}

TEST_CASE_METHOD(admin_fixture, "admin: POST scenario replaces the state, all or nothing", "[http][admin]") {
  CHECK(create_image().status == 200);
  fake.faults().add_json(rule_409);

  SECTION("a valid scenario") {
    auto r = post("/_ocifake/scenario", R"({"name": "one-image", "clock": "manual",
        "images": [{"id": "ocid1.image.oc1.phx.aaaaaaaaone", "compartmentId": ")" +
                                            test::compartment + R"("}],
        "faults": [{"id": "slow", "operation": "GetImage", "action": {"type": "delay", "ms": 10}}]})");
    CHECK(r.status == 200);
    CHECK(r.object().at("name") == "one-image");
    REQUIRE(r.object().at("faults").as_array().size() == 1);
    CHECK(r.object().at("faults").as_array()[0].at("id") == "slow");

    auto images = fake.images();
    REQUIRE(images.size() == 1);
    CHECK(images[0].id == "ocid1.image.oc1.phx.aaaaaaaaone");
    REQUIRE(fake.faults().list().size() == 1);
    // The instance came from the state it replaced: gone.
    CHECK(create_image().status == 400);
  }
  SECTION("a mistake") {
    auto r = post("/_ocifake/scenario", R"({"name": "bad", "images": [{"compartmentId": ")" + test::compartment +
                                            R"(", "lifecycleState": "READY"}]})");
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(
        r.message() ==
        R"($.images[0].lifecycleState: one of PROVISIONING, IMPORTING, AVAILABLE, EXPORTING, DISABLED, DELETED; got "READY")");
    CHECK(fake.images().size() == 1);
    CHECK(fake.faults().list().size() == 1);
  }
  SECTION("a clock the server does not have switches it") {
    ocifake::server real;
    test::client rc(real);
    auto r = take(
        rc.post("/_ocifake/scenario", R"({"name": "m", "clock": "manual", "clockStart": "2026-01-05T09:00:00.000Z"})"));
    CHECK(r.status == 200);
    CHECK(real.clock().mode() == ocifake::clock_mode::manual);
    CHECK(real.clock().now() == std::chrono::sys_days{std::chrono::year{2026} / 1 / 5} + 9h);
  }
  SECTION("not JSON") {
    auto r = post("/_ocifake/scenario", "name: x");
    CHECK(r.status == 400);
    CHECK_THAT(r.message(), catch_compat::StartsWith("$: JSON text"));
  }
  SECTION("no body") {
    auto r = post("/_ocifake/scenario", "");
    CHECK(r.status == 400);
    CHECK(r.message() ==
          R"($: a scenario document {"name": ...} as the body (docs/scenarios.md); the request has none)");
  }
}

TEST_CASE("admin: POST scenario switches a plain server's clock both ways, and reset returns to the start-up clock",
          "[http][admin][scenario]") {
  ocifake::server fake;  // a real clock, no start-up scenarios
  test::client c(fake);
  auto post = [&](const std::string& path, const std::string& body) { return take(c.post(path, body)); };
  const auto system_before = std::chrono::system_clock::now();

  CHECK(post("/_ocifake/scenario", R"({"name": "frozen", "clock": "manual", "clockStart": "2026-01-05T09:00:00.000Z"})")
            .status == 200);
  CHECK(fake.clock().mode() == ocifake::clock_mode::manual);
  CHECK(fake.clock().now() == std::chrono::sys_days{std::chrono::year{2026} / 1 / 5} + 9h);

  CHECK(post("/_ocifake/scenario", R"({"name": "live", "clock": "real"})").status == 200);
  CHECK(fake.clock().mode() == ocifake::clock_mode::real);
  CHECK(fake.clock().now() >= std::chrono::time_point_cast<std::chrono::milliseconds>(system_before));

  // A plain scenario load, then reset: back to the start-up state, which is empty on a real clock.
  CHECK(post("/_ocifake/scenario",
             R"({"name": "one", "clock": "manual", "images": [{"compartmentId": ")" + test::compartment + R"("}]})")
            .status == 200);
  CHECK(fake.images().size() == 1);
  CHECK(post("/_ocifake/reset", "").status == 200);
  CHECK(fake.images().empty());
  CHECK(fake.clock().mode() == ocifake::clock_mode::real);
}

TEST_CASE("admin: POST scenario?startup=true makes it the state reset returns to, clock included",
          "[http][admin][scenario]") {
  ocifake::server fake;
  test::client c(fake);
  auto post = [&](const std::string& path, const std::string& body) { return take(c.post(path, body)); };
  const std::string base = R"({"name": "base", "clock": "manual", "clockStart": "2026-01-05T09:00:00.000Z",
      "images": [{"id": "ocid1.image.oc1.phx.aaaaaaaabase", "compartmentId": ")" +
                           test::compartment + R"("}]})";

  auto r = post("/_ocifake/scenario?startup=true", base);
  CHECK(r.status == 200);
  CHECK(fake.clock().mode() == ocifake::clock_mode::manual);
  REQUIRE(fake.images().size() == 1);

  // Changes since, then reset: the scenario's state and clock again.
  CHECK(post("/_ocifake/clock/advance", R"({"seconds": 600})").status == 200);
  CHECK(post("/_ocifake/scenario", R"({"name": "other", "clock": "real"})").status == 200);
  CHECK(fake.images().empty());
  CHECK(fake.clock().mode() == ocifake::clock_mode::real);
  CHECK(post("/_ocifake/reset", "").status == 200);
  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id == "ocid1.image.oc1.phx.aaaaaaaabase");
  CHECK(fake.clock().mode() == ocifake::clock_mode::manual);
  CHECK(fake.clock().now() == std::chrono::sys_days{std::chrono::year{2026} / 1 / 5} + 9h);

  r = post("/_ocifake/scenario?startup=maybe", base);
  CHECK(r.status == 400);
  CHECK(r.message() == "?startup: true or false, not 'maybe'");
}

TEST_CASE_METHOD(admin_fixture, "admin: POST reset without a body, or without Content-Length, resets",
                 "[http][admin]") {
  CHECK(create_image().status == 200);
  // curl -X POST sends neither Content-Length nor a body: HTTP/1.1 makes that an empty body.
  auto a = test::raw::exchange(fake.port(), "POST /_ocifake/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(a.status == 200);
  CHECK(a.body == R"({"status":"ok"})");
  CHECK(fake.images().empty());
  auto journal = fake.journal();
  REQUIRE(journal.size() == 1);
  CHECK(journal[0].path == "/_ocifake/reset");
}

TEST_CASE_METHOD(admin_fixture, "admin: a missing or unreadable body is refused with what the call expects",
                 "[http][admin]") {
  for (
      auto [path, message] : std::initializer_list<std::pair<const char*, const char*>>{
          {"/_ocifake/clock/advance", R"($: {"seconds": n} as the body; the request has none)"},
          {"/_ocifake/faults",
           R"($: a fault rule {"operation": ..., "action": {...}} or an array of them as the body; the request has none)"},
          {"/_ocifake/instances", R"($: an instance {"compartmentId": ...} as the body; the request has none)"},
          {"/_ocifake/objects",
           R"($: an object {"namespace": ..., "bucket": ..., "object": ...} as the body; the request has none)"},
      }) {
    INFO(path);
    auto r = post(path, "");
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message() == message);
  }
  auto r = post("/_ocifake/clock/advance", "seconds=60");
  CHECK(r.status == 400);
  CHECK(r.message() == R"($: {"seconds": n} as JSON; the body is not JSON (syntax error at line 1, column 1))");

  // A body that cannot be read at all (a broken chunked encoding) says what a readable one is.
  auto a = test::raw::exchange(fake.port(), "POST /_ocifake/clock/advance HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                            "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
  CHECK(a.status == 400);
  CHECK_THAT(a.body, catch_compat::Contains("a body must be as long as its Content-Length header says, or be sent with "
                                            "Transfer-Encoding: chunked"));
}

TEST_CASE_METHOD(admin_fixture, "admin: faults are listed with counts, added one or many, removed and cleared",
                 "[http][admin]") {
  auto r = post("/_ocifake/faults", rule_409);
  CHECK(r.status == 200);
  CHECK(r.object().at("id") == "r1");
  CHECK(r.object().at("rule") == json::parse(rule_409));
  CHECK(r.object().at("matched") == 0);
  CHECK(r.object().at("fired") == 0);

  r = post("/_ocifake/faults", R"([{"id": "slow", "operation": "ListImages", "action": {"type": "delay", "ms": 1}},
                                    {"operation": "*", "probability": 0, "action": {"type": "reset"}}])");
  CHECK(r.status == 200);
  REQUIRE(r.array().size() == 2);
  CHECK(r.array()[0].at("id") == "slow");
  CHECK(r.array()[1].at("id") == "r2");

  auto image = test::str(create_image().body, "id");
  CHECK(get("/20160918/images/" + image).status == 409);
  CHECK(get("/20160918/images/" + image).status == 200);

  r = get("/_ocifake/faults");
  CHECK(r.status == 200);
  REQUIRE(r.array().size() == 3);
  CHECK(r.array()[0].at("id") == "r1");
  CHECK(r.array()[0].at("matched") == 2);
  CHECK(r.array()[0].at("fired") == 1);
  CHECK(r.array()[2].at("matched").as_int64() >= 1);  // "*": CreateImage and the second GetImage
  CHECK(r.array()[2].at("fired") == 0);

  SECTION("a mistake adds nothing") {
    r = post("/_ocifake/faults", R"([{"operation": "GetImage", "action": {"type": "close"}},
                                      {"operation": "GetImage", "action": {"type": "explode"}}])");
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK_THAT(r.message(), catch_compat::StartsWith("$[1].action.type: "));
    r = post("/_ocifake/faults", R"({"operation": "GetImage", "action": {"type": "close"}, "tims": 1})");
    CHECK(r.status == 400);
    CHECK_THAT(r.message(), catch_compat::StartsWith("$.tims: "));
    CHECK(post("/_ocifake/faults", "{").status == 400);
    CHECK(post("/_ocifake/faults", R"({"id": "slow", "operation": "GetImage", "action": {"type": "close"}})").status ==
          400);
    CHECK(fake.faults().list().size() == 3);
  }
  SECTION("remove one") {
    r = del("/_ocifake/faults/slow");
    CHECK(r.status == 200);
    CHECK(r.object().at("id") == "slow");
    CHECK(del("/_ocifake/faults/slow").status == 404);
    CHECK(fake.faults().list().size() == 2);
  }
  SECTION("clear") {
    r = del("/_ocifake/faults");
    CHECK(r.status == 200);
    CHECK(r.object().at("removed") == 3);
    CHECK(get("/_ocifake/faults").array().empty());
  }
}

TEST_CASE_METHOD(admin_fixture, "admin: a rule for every operation never touches the admin API", "[http][admin]") {
  post("/_ocifake/faults",
       R"({"operation": "*", "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}})");
  CHECK(get("/_ocifake/health").status == 200);
  CHECK(get("/_ocifake/faults").status == 200);
  CHECK(create_image().status == 503);
}

TEST_CASE_METHOD(admin_fixture, "admin: POST clock/advance moves the clock", "[http][admin]") {
  auto before = fake.clock().now();
  auto r = post("/_ocifake/clock/advance", R"({"seconds": 90.5})");
  CHECK(r.status == 200);
  CHECK(fake.clock().now() - before == 90500ms);
  CHECK(r.object().at("time").is_string());

  for (auto [body, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"{}", "$.seconds: a number of seconds from 0 to 1000000000 (required)"},
           {R"({"seconds": -1})", "$.seconds: a number of seconds from 0 to 1000000000; got -1"},
           {R"({"seconds": "60"})", R"($.seconds: a number of seconds from 0 to 1000000000; got "60")"},
           {R"({"seconds": 1, "minutes": 1})", "$.minutes: a known key; the keys here are seconds"},
           {"[60]", R"($: an object {"seconds": n}; got [60])"},
       }) {
    INFO(body);
    r = post("/_ocifake/clock/advance", body);
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message() == message);
  }
  CHECK(fake.clock().now() - before == 90500ms);
}

TEST_CASE("admin: the clock/advance example of docs/admin-api.md is what the server answers", "[http][admin]") {
  // docs/admin-api.md quotes these lines; each command is run here and its answer compared.
  const std::string transcript = R"transcript(
$ curl -s -X POST -d '{"seconds": 600}' $EP/_ocifake/clock/advance
{"time":"2026-11-27T19:38:46.207Z"}

$ curl -s -X POST -d '{"seconds": -1}' $EP/_ocifake/clock/advance
{"code":"InvalidParameter","message":"$.seconds: a number of seconds from 0 to 1000000000; got -1"}
)transcript";
  // The examples' server: a manual clock where the captured session stood.
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.clock().set(std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 19h + 28min + 46s + 207ms);
  test::client c(fake);
  std::istringstream lines(transcript);
  int commands = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("$ curl", 0) != 0) continue;
    auto body_start = line.find("-d '") + 4;
    auto body = line.substr(body_start, line.find('\'', body_start) - body_start);
    std::string expected;
    std::getline(lines, expected);
    INFO(line);
    auto r = c.post("/_ocifake/clock/advance", body);
    REQUIRE(r);
    CHECK(r->body == expected);
    ++commands;
  }
  CHECK(commands == 2);
}

TEST_CASE_METHOD(admin_fixture, "admin: GET journal lists every request, filtered by operation; DELETE forgets",
                 "[http][admin]") {
  fake.faults().add_json(rule_409);
  auto image = test::str(create_image().body, "id");
  get("/20160918/images/" + image);
  c.post("/20160918/images", test::create_body(instance), {{"opc-retry-token", "tok-1"}});

  auto r = get("/_ocifake/journal");
  CHECK(r.status == 200);
  REQUIRE(r.array().size() == 3);
  auto& first = r.array()[0].as_object();
  for (const char* key : {"seq", "time", "operation", "method", "path", "status", "requestId", "retryToken", "replayed",
                          "fault", "changes"})
    CHECK(first.contains(key));
  CHECK(first.size() == 11);
  CHECK(first.at("seq") == 1);
  CHECK(first.at("operation") == "CreateImage");
  CHECK(first.at("method") == "POST");
  CHECK(first.at("path") == "/20160918/images");
  CHECK(first.at("status") == 200);
  CHECK(first.at("retryToken").is_null());
  CHECK(first.at("replayed") == false);
  CHECK(first.at("fault").is_null());
  CHECK(first.at("changes").as_array().size() == 3);  // the image, its work request, the instance
  auto& faulted = r.array()[1].as_object();
  CHECK(faulted.at("status") == 409);
  CHECK(faulted.at("fault") == json::parse(R"({"rule": "r1", "action": "error", "timing": "before"})"));
  CHECK(r.array()[2].at("retryToken") == "tok-1");

  r = get("/_ocifake/journal?operation=GetImage");
  REQUIRE(r.array().size() == 1);
  CHECK(r.array()[0].at("operation") == "GetImage");
  // The journal lists admin calls too.
  CHECK(get("/_ocifake/journal?operation=Admin").array().size() == 2);

  r = del("/_ocifake/journal");
  CHECK(r.status == 200);
  CHECK(r.object().at("removed") == 6);
  r = get("/_ocifake/journal");
  REQUIRE(r.array().size() == 1);  // the DELETE itself
  CHECK(r.array()[0].at("method") == "DELETE");
}

TEST_CASE_METHOD(admin_fixture, "admin: POST instances registers one and answers it", "[http][admin]") {
  auto r = post("/_ocifake/instances",
                R"({"compartmentId": ")" + test::compartment +
                    R"(", "displayName": "web-2", "dataVolumes": [{"displayName": "d", "sizeInMBs": 1024}]})");
  CHECK(r.status == 200);
  auto id = test::str(r.body, "id");
  CHECK(id.rfind("ocid1.instance.oc1.phx.", 0) == 0);
  CHECK(r.object().at("displayName") == "web-2");
  CHECK(r.object().at("operatingSystem") == "Oracle Linux");
  CHECK(r.object().at("dataVolumes").as_array().size() == 1);
  CHECK(post("/20160918/images", test::create_body(id)).status == 200);

  r = post("/_ocifake/instances",
           R"({"id": "ocid1.instance.oc1.phx.aaaaaaaamine", "compartmentId": ")" + test::compartment + R"("})");
  CHECK(test::str(r.body, "id") == "ocid1.instance.oc1.phx.aaaaaaaamine");

  r = post("/_ocifake/instances", R"({"displayName": "x"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::StartsWith("$.compartmentId: an OCID") && catch_compat::EndsWith("(required)"));
  r = post("/_ocifake/instances", R"({"compartmentId": ")" + test::compartment + R"(", "shapes": "VM"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::StartsWith("$.shapes: a known key (did you mean \"shape\"?)"));
}

TEST_CASE_METHOD(admin_fixture, "admin: POST objects registers one; imports of others then fail", "[http][admin]") {
  auto r = post("/_ocifake/objects", R"({"namespace": "ns", "bucket": "images", "object": "disk.qcow2"})");
  CHECK(r.status == 200);
  CHECK(r.body == json::parse(R"({"namespace": "ns", "bucket": "images", "object": "disk.qcow2"})"));

  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::immediate());
  auto known = test::str(post("/20160918/images", test::import_body()).body, "id");
  auto unknown = test::str(
      post(
          "/20160918/images",
          R"({"compartmentId": ")" + test::compartment +
              R"(", "imageSourceDetails": {"sourceType": "objectStorageTuple", "namespaceName": "ns", "bucketName": "images", "objectName": "other.qcow2"}})")
          .body,
      "id");
  CHECK(fake.find_image(known)->lifecycle_state == "AVAILABLE");
  CHECK(fake.find_image(unknown)->lifecycle_state == "DELETED");

  r = post("/_ocifake/objects", R"({"namespace": "ns", "bucket": "images"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::StartsWith("$.object: "));
}

TEST_CASE_METHOD(admin_fixture, "admin: GET state answers a scenario that POST scenario reads back", "[http][admin]") {
  auto image = test::str(create_image().body, "id");
  post("/_ocifake/faults", rule_409);

  auto r = get("/_ocifake/state");
  CHECK(r.status == 200);
  CHECK(r.object().at("name") == "state");
  CHECK(r.object().at("images").as_array().size() == 1);
  CHECK(r.object().at("instances").as_array().size() == 1);
  CHECK(r.object().at("faults").as_array().size() == 1);

  ocifake::server other({.clock = ocifake::clock_mode::manual});
  test::client oc(other);
  auto applied = take(oc.post("/_ocifake/scenario", json::serialize(r.body)));
  CHECK(applied.status == 200);
  REQUIRE(other.find_image(image));
  CHECK(other.find_image(image)->json == fake.find_image(image)->json);
  CHECK(take(oc.get("/_ocifake/state")).body == r.body);
}

TEST_CASE("admin: with an admin token, every admin call needs it as a bearer token", "[http][admin]") {
  ocifake::server fake({.admin_token = "s3cret"});
  test::client c(fake);

  auto r = take(c.get("/_ocifake/health"));
  CHECK(r.status == 401);
  CHECK(r.code() == "NotAuthenticated");
  CHECK(take(c.get("/_ocifake/health", {{"Authorization", "Bearer wrong"}})).status == 401);
  CHECK(take(c.get("/_ocifake/health", {{"Authorization", "Bearer s3cre"}})).status == 401);
  CHECK(take(c.get("/_ocifake/health", {{"Authorization", "Basic s3cret"}})).status == 401);
  CHECK(take(c.post("/_ocifake/reset", "", {{"Authorization", "Bearer wrong"}})).status == 401);
  CHECK(take(c.get("/_ocifake/health", {{"Authorization", "Bearer s3cret"}})).status == 200);
  CHECK(take(c.get("/_ocifake/nope", {{"Authorization", "Bearer s3cret"}})).status == 404);
  // OCI calls are not the admin API's business.
  CHECK(take(c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanone")).status == 404);
}

TEST_CASE("server: on_request reports each request's journal entry", "[http][admin]") {
  ocifake::server fake;
  std::mutex m;
  std::vector<ocifake::journal_entry> seen;
  fake.on_request([&](const ocifake::journal_entry& e) {
    std::lock_guard lock(m);
    seen.push_back(e);
  });
  test::client c(fake);
  c.get("/_ocifake/health");
  c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanone");
  fake.on_request({});
  c.get("/_ocifake/health");

  std::lock_guard lock(m);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].operation == "Admin");
  CHECK(seen[1].operation == "GetImage");
  CHECK(seen[1].status == 404);
  CHECK(seen[1].seq == 2);
  CHECK(ocifake::to_json(seen[1]) == json::serialize(json::parse(ocifake::to_json(seen[1]))));
  CHECK(json::parse(ocifake::to_json(seen[1])).at("operation") == "GetImage");
}
