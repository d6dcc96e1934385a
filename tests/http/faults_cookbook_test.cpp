// The recipes of docs/faults.md, each run against a fake. The page quotes the code between the
// `// [name]` and `// [/name]` markers; `ocifake_check_snippets` checks its C++ blocks and the
// last test here its JSON, so the page cannot drift from what compiles and passes.
#include "catch_compat.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "http/api_support.hpp"

using namespace std::chrono_literals;

namespace {

const std::string images = "/20160918/images";

// The same rule, whichever way it was written.
std::string canonical(const std::string& rule_json) { return ocifake::fault::from_json(rule_json).to_json(); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE_METHOD(test::api_fixture, "Cookbook: a rule is match, trigger, action and timing",
                 "[http][faults][cookbook]") {
  auto image_id = available();
  // clang-format off
  // [anatomy]
  fake.faults().add(ocifake::fault::on("GetImage")              // match: an operation, "*" or a list,
                        .resource(image_id)                     //   the OCID in the path (optional),
                        .header("x-test-case", "flaky-wait")    //   a request header's value (optional)
                        .skip(1)                                // trigger: let the first match through,
                        .times(2)                               //   then fire on the next two
                        .error(409, "IncorrectState")           // action
                        .before());                             // timing (before is the default)
  // [/anatomy]
  // clang-format on
  httplib::Headers h{{"x-test-case", "flaky-wait"}};
  CHECK(get(images + "/" + image_id, h).status == 200);
  CHECK(get(images + "/" + image_id).status == 200);  // no header: no match
  CHECK(get(images + "/" + image_id, h).status == 409);
  CHECK(get(images + "/" + image_id, h).status == 409);
  CHECK(get(images + "/" + image_id, h).status == 200);

  // clang-format off
  // [anatomy-json]
  auto rule = R"(
{"id": "busy-golden",
 "operation": "GetImage",
 "resource": "ocid1.image.oc1.phx.aaaaaaaagolden",
 "header": {"x-test-case": "flaky-wait"},
 "skip": 1,
 "times": 2,
 "timing": "before",
 "action": {"type": "error", "status": 409, "code": "IncorrectState"}}
)";
  // [/anatomy-json]
  // clang-format on
  CHECK(canonical(rule) == ocifake::fault::on("GetImage")
                               .id("busy-golden")
                               .resource("ocid1.image.oc1.phx.aaaaaaaagolden")
                               .header("x-test-case", "flaky-wait")
                               .skip(1)
                               .times(2)
                               .before()
                               .error(409, "IncorrectState")
                               .to_json());

  // clang-format off
  // [counters]
  auto counted = fake.faults().list().at(0);  // the rules in the order added
  CHECK(counted.matched == 4);                // requests that matched (the one without the header did not)
  CHECK(counted.fired == 2);                  // requests it acted on
  // [/counters]
  // clang-format on
}

TEST_CASE("Cookbook: throttling storm", "[http][faults][cookbook]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto instance = fake.add_instance({.compartment_id = test::compartment});
  // clang-format off
  // [throttling-storm]
  // The first six requests, whatever the operation, are throttled; then the service recovers.
  fake.faults().add(ocifake::fault::on("*").times(6).error(429, "TooManyRequests",
                                                           "Tenancy request rate exceeded; retry later",
                                                           /*retry_after_seconds=*/2));
  // [/throttling-storm]
  // clang-format on
  test::client c(fake);
  // A client that waits as long as retry-after says (here: on the manual clock) and tries again.
  int attempts = 0, status = 0;
  while (attempts < 8) {
    ++attempts;
    auto r = c.post(images, test::create_body(instance), {{"opc-retry-token", "storm-1"}});
    REQUIRE(r);
    status = r->status;
    if (status != 429) break;
    CHECK(test::str(test::json(r->body), "code") == "TooManyRequests");
    CHECK(r->get_header_value("retry-after") == "2");
    fake.clock().advance(std::chrono::seconds(std::stoi(r->get_header_value("retry-after"))));
  }
  CHECK(attempts == 7);
  CHECK(status == 200);
  CHECK(fake.images().size() == 1);

  // clang-format off
  // [throttling-storm-json]
  auto rule = R"(
{"operation": "*", "times": 6,
 "action": {"type": "error", "status": 429, "code": "TooManyRequests",
            "message": "Tenancy request rate exceeded; retry later", "retryAfter": 2}}
)";
  // [/throttling-storm-json]
  // clang-format on
  CHECK(canonical(rule) == fake.faults().list().at(0).rule.to_json());
}

TEST_CASE("Cookbook: lost create response", "[http][faults][cookbook]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto instance = fake.add_instance({.compartment_id = test::compartment});
  // clang-format off
  // [lost-create-response]
  // CreateImage is applied, then the connection is reset: the image exists, the client never hears.
  fake.faults().add(ocifake::fault::on("CreateImage").times(1).after_commit().reset_connection());
  // [/lost-create-response]
  // clang-format on
  test::client c(fake);
  httplib::Headers token{{"opc-retry-token", "build-1234-golden"}};
  auto lost = c.post(images, test::create_body(instance), token);
  REQUIRE_FALSE(lost);
  auto retry = c.post(images, test::create_body(instance), token);
  REQUIRE(retry);
  CHECK(retry->status == 200);
  // clang-format off
  // [lost-create-response-check]
  CHECK(fake.images().size() == 1);           // one image, though CreateImage was applied and retried
  auto creates = fake.journal("CreateImage");
  CHECK(creates.at(0).status == 0);           // the answer that was lost
  CHECK(creates.at(0).changes.size() == 3);   // ... after the image, its work request and the instance moved
  CHECK(creates.at(1).replayed);              // the retry got the first answer, replayed
  // [/lost-create-response-check]
  // clang-format on

  // clang-format off
  // [lost-create-response-json]
  auto rule = R"(
{"operation": "CreateImage", "times": 1, "timing": "afterCommit", "action": {"type": "reset"}}
)";
  // [/lost-create-response-json]
  // clang-format on
  CHECK(canonical(rule) == fake.faults().list().at(0).rule.to_json());
}

TEST_CASE("Cookbook: slow import past the client's patience", "[http][faults][cookbook]") {
  // clang-format off
  // [slow-import]
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::after(std::chrono::minutes(45)));
  // [/slow-import]
  // clang-format on
  test::client c(fake);
  auto created = c.post(images, test::import_body());
  REQUIRE(created);
  REQUIRE(created->status == 200);
  auto id = test::str(test::json(created->body), "id");
  auto wr = created->get_header_value("opc-work-request-id");
  // clang-format off
  // [slow-import-wait]
  fake.clock().advance(std::chrono::minutes(20));  // a client that gives up after 20 minutes ...
  CHECK(fake.find_image(id)->lifecycle_state == "IMPORTING");
  fake.clock().advance(std::chrono::minutes(25));  // ... abandons an import that was going fine
  CHECK(fake.find_image(id)->lifecycle_state == "AVAILABLE");
  // [/slow-import-wait]
  // clang-format on
  auto w = test::json(c.get("/20160918/workRequests/" + wr)->body);
  CHECK(test::str(w, "status") == "SUCCEEDED");

  // clang-format off
  // [slow-import-json]
  auto scenario = R"(
{"name": "slow-import", "clock": "manual", "lifecycle": {"import": {"seconds": 2700}}}
)";
  // [/slow-import-json]
  // clang-format on
  ocifake::server from_file({.clock = ocifake::clock_mode::manual});
  from_file.apply(ocifake::scenario::parse(scenario));
  CHECK(from_file.lifecycle().get(ocifake::phase::import) == ocifake::progress::after(std::chrono::minutes(45)));
}

TEST_CASE_METHOD(test::api_fixture, "Cookbook: conflict on concurrent update", "[http][faults][cookbook]") {
  auto id = available();
  test::client other(fake);
  // clang-format off
  // [conflicting-update]
  auto etag = c.get("/20160918/images/" + id)->get_header_value("etag");     // this client reads
  other.put("/20160918/images/" + id, R"({"displayName":"theirs"})");          // another one writes
  auto mine = c.put("/20160918/images/" + id, R"({"displayName":"mine"})", {{"if-match", etag}});
  CHECK(mine->status == 412);                                                  // NoEtagMatch
  // [/conflicting-update]
  // clang-format on
  CHECK(test::str(test::json(mine->body), "code") == "NoEtagMatch");
  CHECK(fake.find_image(id)->display_name == "theirs");

  // clang-format off
  // [injected-conflict]
  // The next UpdateImage is refused with a plain 409 Conflict, which no SDK retries.
  fake.faults().add(ocifake::fault::on("UpdateImage").times(1).error(409, "Conflict",
                                                                     "The image was changed by another request"));
  // [/injected-conflict]
  // clang-format on
  auto refused = put(images + "/" + id, R"({"displayName":"mine"})");
  CHECK(refused.status == 409);
  CHECK(refused.code() == "Conflict");
  CHECK(fake.find_image(id)->display_name == "theirs");

  // clang-format off
  // [injected-conflict-json]
  auto rule = R"(
{"operation": "UpdateImage", "times": 1,
 "action": {"type": "error", "status": 409, "code": "Conflict",
            "message": "The image was changed by another request"}}
)";
  // [/injected-conflict-json]
  // clang-format on
  CHECK(canonical(rule) == fake.faults().list().at(0).rule.to_json());
}

TEST_CASE("Cookbook: flaky reads during a wait", "[http][faults][cookbook]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 1});
  auto instance = fake.add_instance({.compartment_id = test::compartment});
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::polls(3));
  // clang-format off
  // [flaky-wait]
  // While the client waits for AVAILABLE, its second and third reads get 409 IncorrectState.
  fake.faults().add(ocifake::fault::on("GetImage").skip(1).times(2).error(409, "IncorrectState"));
  // [/flaky-wait]
  // clang-format on
  // clang-format off
  // [flaky-503]
  // One read in five fails with 503; which ones is fixed by the server's seed and the rule's id.
  fake.faults().add(ocifake::fault::on("GetImage").id("flaky-read").probability(0.2).error(503,
                                                                                           "ServiceUnavailable"));
  // [/flaky-503]
  // clang-format on
  test::client c(fake);
  auto id = test::str(test::json(c.post(images, test::create_body(instance))->body), "id");
  // A waiter that retries what the SDKs retry (409 IncorrectState, 429 TooManyRequests, 5xx).
  std::string state;
  int reads = 0;
  while (state != "AVAILABLE" && reads < 20) {
    ++reads;
    auto r = c.get(images + "/" + id);
    REQUIRE(r);
    if (r->status == 200) {
      state = test::str(test::json(r->body), "lifecycleState");
      continue;
    }
    auto code = test::str(test::json(r->body), "code");
    REQUIRE((code == "IncorrectState" || r->status >= 500));
  }
  CHECK(state == "AVAILABLE");
  auto rules = fake.faults().list();
  CHECK(rules.at(0).fired == 2);
  CHECK(reads == static_cast<int>(3 + 1 + rules.at(0).fired + rules.at(1).fired));

  // clang-format off
  // [flaky-wait-json]
  auto rules_json = R"(
[{"operation": "GetImage", "skip": 1, "times": 2,
  "action": {"type": "error", "status": 409, "code": "IncorrectState"}},
 {"id": "flaky-read", "operation": "GetImage", "probability": 0.2,
  "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}}]
)";
  // [/flaky-wait-json]
  // clang-format on
  ocifake::server twin({.clock = ocifake::clock_mode::manual, .seed = 1});
  twin.faults().add_json(rules_json);
  auto twins = twin.faults().list();
  REQUIRE(twins.size() == 2);
  CHECK(twins[0].rule.to_json() == rules[0].rule.to_json());
  CHECK(twins[1].rule.to_json() == rules[1].rule.to_json());
}

TEST_CASE("Cookbook: hung request", "[http][faults][cookbook]") {
  ocifake::server fake;
  // clang-format off
  // [hung-request]
  // One GetImage is accepted and never answered: only the client's own read timeout ends it.
  fake.faults().add(ocifake::fault::on("GetImage").times(1).hang());
  // [/hung-request]
  // clang-format on
  httplib::Client c(fake.endpoint());
  c.set_read_timeout(0, 300'000);  // 300 ms, so the test is quick
  auto t0 = std::chrono::steady_clock::now();
  auto first = c.Get((images + "/ocid1.image.oc1.phx.aaaaaaaanone").c_str());
  CHECK_FALSE(first);
  CHECK(std::chrono::steady_clock::now() - t0 >= 300ms);
  auto second = c.Get((images + "/ocid1.image.oc1.phx.aaaaaaaanone").c_str());
  REQUIRE(second);
  CHECK(second->status == 404);

  // clang-format off
  // [hung-request-ms]
  // Or: no answer, and the connection closed after 30 s (a proxy's idle timeout, say).
  fake.faults().add(ocifake::fault::on("GetImage").times(1).hang(std::chrono::seconds(30)));
  // [/hung-request-ms]
  // clang-format on
  // clang-format off
  // [hung-request-json]
  auto rules = R"(
[{"operation": "GetImage", "times": 1, "action": {"type": "hang"}},
 {"operation": "GetImage", "times": 1, "action": {"type": "hang", "ms": 30000}}]
)";
  // [/hung-request-json]
  // clang-format on
  auto list = fake.faults().list();
  auto parsed = test::json(rules).as_array();
  CHECK(canonical(boost::json::serialize(parsed[0])) == list.at(0).rule.to_json());
  CHECK(canonical(boost::json::serialize(parsed[1])) == list.at(1).rule.to_json());
}

TEST_CASE("Cookbook: service outage window", "[http][faults][cookbook]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  // clang-format off
  // [service-outage-window]
  // From one minute to seven minutes after the rule is added, every OCI request gets 503.
  fake.faults().add(ocifake::fault::on("*")
                        .window(std::chrono::minutes(1), std::chrono::minutes(7))
                        .error(503, "ServiceUnavailable", "The service is temporarily unavailable"));
  // [/service-outage-window]
  // clang-format on
  test::client c(fake);
  auto status = [&] { return c.get(images + "?compartmentId=" + test::compartment)->status; };
  CHECK(status() == 200);
  fake.clock().advance(std::chrono::minutes(1));
  CHECK(status() == 503);
  fake.clock().advance(std::chrono::minutes(6));
  CHECK(status() == 200);

  // clang-format off
  // [service-outage-window-json]
  auto rule = R"(
{"operation": "*", "window": {"fromSeconds": 60, "toSeconds": 420},
 "action": {"type": "error", "status": 503, "code": "ServiceUnavailable",
            "message": "The service is temporarily unavailable"}}
)";
  // [/service-outage-window-json]
  // clang-format on
  CHECK(canonical(rule) == fake.faults().list().at(0).rule.to_json());
}

TEST_CASE_METHOD(test::api_fixture, "Cookbook: other production failures", "[http][faults][cookbook]") {
  auto id = available();
  // clang-format off
  // [other-failures]
  // A proxy cuts the answer short.
  fake.faults().add(ocifake::fault::on("GetImage").times(1).truncate());
  // A load balancer answers with an HTML error page and status 200.
  fake.faults().add(ocifake::fault::on("ListImages").times(1).malformed());
  // A slow link: every answer's body takes five seconds.
  fake.faults().add(ocifake::fault::on("*").id("slow-link").slow_body(std::chrono::seconds(5)));
  // A firewall drops the connection of an export that was applied.
  fake.faults().add(ocifake::fault::on("ExportImage").after_commit().close_connection());
  // One tool (told apart by a header it sends) sees errors, the others do not.
  fake.faults().add(ocifake::fault::on("*").header("opc-client-info", "my-tool").error(500, "InternalServerError"));
  // One image cannot be read.
  fake.faults().add(ocifake::fault::on("GetImage").resource(id).error(404, "NotAuthorizedOrNotFound"));
  // [/other-failures]
  // clang-format on
  CHECK_FALSE(c.get(images + "/" + id));  // truncated
  auto listed = list();
  CHECK(listed.status == 200);
  CHECK(listed.json().is_string());  // test::json's marker for a body that is not JSON
  fake.faults().remove("slow-link");
  CHECK(get(images + "/" + id).status == 404);
  CHECK(get(images + "/" + id).code() == "NotAuthorizedOrNotFound");
  CHECK(get("/20160918/workRequests?compartmentId=" + test::compartment, {{"opc-client-info", "my-tool"}}).status ==
        500);
  auto exported =
      c.post(images + "/" + id + "/actions/export",
             R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o"})");
  CHECK_FALSE(exported);
  CHECK(fake.find_image(id)->lifecycle_state == "EXPORTING");
}

TEST_CASE("Cookbook: docs/faults.md quotes every JSON recipe, and each JSON block there is accepted",
          "[http][faults][cookbook]") {
  auto doc = read_file(OCIFAKE_SOURCE_DIR "/docs/faults.md");
  auto self = read_file(OCIFAKE_SOURCE_DIR "/tests/http/faults_cookbook_test.cpp");
  REQUIRE_FALSE(doc.empty());
  REQUIRE_FALSE(self.empty());

  // The raw string between each `// [<name>-json]` marker pair appears in the page, verbatim.
  std::size_t recipes = 0;
  for (std::size_t at = self.find("-json]\n"); at != std::string::npos; at = self.find("-json]\n", at + 1)) {
    auto line_start = self.rfind('\n', at) + 1;
    auto marker = self.substr(line_start, at + 6 - line_start);
    if (marker.find("// [/") != std::string::npos || marker.find("// [") == std::string::npos) continue;
    auto open = self.find("R\"(\n", at);
    auto close = self.find("\n)\"", open);
    REQUIRE(open != std::string::npos);
    REQUIRE(close != std::string::npos);
    auto json = self.substr(open + 4, close - open - 4);
    INFO(marker);
    CHECK(doc.find(json) != std::string::npos);
    ++recipes;
  }
  CHECK(recipes == 8);

  // Every ```json block of the page is a rule, an array of rules or a scenario the fake accepts.
  std::size_t blocks = 0;
  for (std::size_t at = doc.find("```json\n"); at != std::string::npos; at = doc.find("```json\n", at + 1)) {
    auto end = doc.find("\n```", at + 8);
    REQUIRE(end != std::string::npos);
    auto text = doc.substr(at + 8, end - at - 8);
    INFO(text);
    auto v = test::json(text);
    REQUIRE((v.is_object() || v.is_array()));
    ocifake::server probe({.clock = ocifake::clock_mode::manual});
    if (v.is_object() && v.as_object().contains("name"))
      CHECK_NOTHROW(ocifake::scenario::parse(text));
    else if (v.is_array() && !v.as_array().empty() && v.as_array()[0].as_object().contains("matched"))
      CHECK(v.as_array()[0].as_object().contains("rule"));  // an answer of GET /_ocifake/faults
    else
      CHECK_NOTHROW(probe.faults().add_json(text));
    ++blocks;
  }
  CHECK(blocks >= recipes);
}
