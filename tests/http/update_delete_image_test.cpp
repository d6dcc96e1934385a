// UpdateImage and DeleteImage over HTTP: fields, etags and if-match, lifecycle refusals, retry tokens.
#include "catch_compat.hpp"

#include <atomic>
#include <thread>

#include "api_support.hpp"

namespace json = boost::json;

namespace {
using fixture = test::api_fixture;

std::string path(const std::string& id) { return "/20160918/images/" + id; }
}  // namespace

TEST_CASE_METHOD(fixture, "UpdateImage changes displayName, operatingSystem, version and tags, with a new etag",
                 "[http][update]") {
  auto id = available(R"("freeformTags":{"old":"1"},"definedTags":{"Ops":{"CostCenter":"1"}})");
  auto etag = etag_of(id);
  auto r =
      put(path(id), R"({"displayName":"renamed","operatingSystem":"Oracle Linux Custom","operatingSystemVersion":"8.9",
                           "freeformTags":{"env":"prod"},"definedTags":{"Ops":{"Owner":"me"}}})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto img = r.object();
  CHECK(img["displayName"] == "renamed");
  CHECK(img["operatingSystem"] == "Oracle Linux Custom");
  CHECK(img["operatingSystemVersion"] == "8.9");
  CHECK(img["freeformTags"] == json::parse(R"({"env":"prod"})"));  // replaced, not merged
  CHECK(img["definedTags"] == json::parse(R"({"Ops":{"Owner":"me"}})"));
  CHECK(r.header("etag").size() == 64);
  CHECK(r.header("etag") != etag);
  auto after = get(path(id));
  CHECK(after.body == r.body);
  CHECK(after.header("etag") == r.header("etag"));
  CHECK(fake.find_image(id)->display_name == "renamed");
}

TEST_CASE_METHOD(fixture, "UpdateImage keeps ListImages' displayName filter and sort in step", "[http][update]") {
  auto a = available(R"("displayName":"b-image")");
  auto b = available(R"("displayName":"c-image")");
  REQUIRE(put(path(b), R"({"displayName":"a-image"})").status == 200);
  CHECK(test::custom_ids_of(list("&sortBy=DISPLAYNAME").array()) == std::vector<std::string>{b, a});
  CHECK(test::ids_of(list("&displayName=a-image").array()) == std::vector<std::string>{b});
  CHECK(list("&displayName=c-image").array().empty());
}

TEST_CASE_METHOD(fixture, "UpdateImage with nothing to change keeps the etag", "[http][update]") {
  auto id = available(R"("displayName":"same")");
  auto etag = etag_of(id);
  auto r = put(path(id), R"({"displayName":"same"})");
  CHECK(r.status == 200);
  CHECK(r.header("etag") == etag);
  r = put(path(id), "{}");
  CHECK(r.status == 200);
  CHECK(r.header("etag") == etag);
}

TEST_CASE_METHOD(fixture,
                 "UpdateImage with a matching if-match applies; a stale one is 412 NoEtagMatch and changes nothing",
                 "[http][update]") {
  auto id = available(R"("displayName":"v1")");
  auto etag = etag_of(id);
  auto ok = put(path(id), R"({"displayName":"v2"})", {{"if-match", etag}});
  CHECK(ok.status == 200);
  auto stale = put(path(id), R"({"displayName":"v3"})", {{"if-match", etag}});
  CHECK(stale.status == 412);
  CHECK(stale.code() == "NoEtagMatch");
  CHECK(stale.message().find("if-match") != std::string::npos);
  CHECK(fake.find_image(id)->display_name == "v2");
}

TEST_CASE_METHOD(fixture, "UpdateImage: of many concurrent updates with one if-match exactly one applies",
                 "[http][update][etag]") {
  auto id = available();
  auto etag = etag_of(id);
  constexpr int threads = 16;
  std::vector<int> status(threads, 0);
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      httplib::Client client(fake.endpoint());
      client.set_read_timeout(10, 0);
      ++ready;
      while (ready.load() < threads) std::this_thread::yield();
      auto r = client.Put(path(id), {{"if-match", etag}}, R"({"displayName":"writer-)" + std::to_string(t) + "\"}",
                          "application/json");
      status[t] = r ? r->status : -1;
    });
  for (auto& t : pool) t.join();
  CHECK(std::count(status.begin(), status.end(), 200) == 1);
  CHECK(std::count(status.begin(), status.end(), 412) == threads - 1);
  auto name = fake.find_image(id)->display_name;
  CHECK(name.rfind("writer-", 0) == 0);
}

TEST_CASE_METHOD(fixture, "UpdateImage refuses each invalid body, naming the field, and changes nothing",
                 "[http][update]") {
  auto id = available(R"("displayName":"kept")");
  auto etag = etag_of(id);
  struct row {
    std::string body;
    std::string code;
    std::string field;
  };
  std::vector<row> rows = {
      {"", "CannotParseRequest", ""},
      {"not json", "CannotParseRequest", ""},
      {"[]", "InvalidParameter", "body"},
      {R"({"displayName":""})", "InvalidParameter", "displayName"},
      {"{\"displayName\":\"" + std::string(256, 'x') + "\"}", "InvalidParameter", "displayName"},
      {R"({"displayName":5})", "InvalidParameter", "displayName"},
      {R"({"operatingSystem":""})", "InvalidParameter", "operatingSystem"},
      {"{\"operatingSystem\":\"" + std::string(129, 'x') + "\"}", "InvalidParameter", "operatingSystem"},
      {"{\"operatingSystemVersion\":\"" + std::string(129, 'x') + "\"}", "InvalidParameter", "operatingSystemVersion"},
      {R"({"freeformTags":{"a":1}})", "InvalidParameter", "freeformTags.a"},
      {R"({"freeformTags":"x"})", "InvalidParameter", "freeformTags"},
      {R"({"definedTags":{"ns":"flat"}})", "InvalidParameter", "definedTags.ns"},
      // A good field beside a bad one is not applied either.
      {R"({"displayName":"changed","operatingSystem":7})", "InvalidParameter", "operatingSystem"},
  };
  for (const auto& r : rows) {
    INFO("body: " << r.body);
    auto a = put(path(id), r.body);
    CHECK(a.status == 400);
    CHECK(a.code() == r.code);
    if (!r.field.empty()) CHECK(a.message().find(r.field) != std::string::npos);
  }
  CHECK(fake.find_image(id)->display_name == "kept");
  CHECK(etag_of(id) == etag);
  // 128 characters is the most an operating system may have.
  CHECK(put(path(id), "{\"operatingSystem\":\"" + std::string(128, 'x') + "\"}").status == 200);
}

TEST_CASE_METHOD(fixture, "UpdateImage is allowed while an image is still PROVISIONING", "[http][update]") {
  auto id = test::str(create().json(), "id");
  auto r = put(path(id), R"({"displayName":"early"})");
  CHECK(r.status == 200);
  CHECK(r.object()["lifecycleState"] == "PROVISIONING");
}

TEST_CASE_METHOD(fixture, "UpdateImage of an unknown or DELETED image is 404", "[http][update]") {
  auto missing = put(path("ocid1.image.oc1.phx.aaaaaaaamissing"), R"({"displayName":"x"})");
  CHECK(missing.status == 404);
  CHECK(missing.code() == "NotAuthorizedOrNotFound");
  auto id = available();
  REQUIRE(del(path(id)).status == 204);
  auto r = put(path(id), R"({"displayName":"x"})");
  CHECK(r.status == 404);
  CHECK(r.code() == "NotAuthorizedOrNotFound");
}

TEST_CASE_METHOD(fixture, "UpdateImage: the same retry token and body replays; another body is 409 Conflict",
                 "[http][update][retry]") {
  auto id = available();
  auto first = put(path(id), R"({"displayName":"one"})", {{"opc-retry-token", "upd-1"}});
  REQUIRE(first.status == 200);
  REQUIRE(put(path(id), R"({"displayName":"two"})").status == 200);
  auto replay = put(path(id), R"({ "displayName" : "one" })", {{"opc-retry-token", "upd-1"}});
  CHECK(replay.status == 200);
  CHECK(replay.body == first.body);
  CHECK(replay.header("etag") == first.header("etag"));
  CHECK(fake.find_image(id)->display_name == "two");  // the replay changed nothing
  auto other = put(path(id), R"({"displayName":"three"})", {{"opc-retry-token", "upd-1"}});
  CHECK(other.status == 409);
  CHECK(other.code() == "Conflict");
}

// ---------------------------------------------------------------- DeleteImage

TEST_CASE_METHOD(fixture, "DeleteImage answers 204 with no body; the image then answers GetImage 200 DELETED",
                 "[http][delete]") {
  auto id = available();
  auto r = del(path(id));
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK(r.has("opc-request-id"));
  auto g = get(path(id));
  CHECK(g.status == 200);
  CHECK(g.object()["lifecycleState"] == "DELETED");
  CHECK(g.header("etag").size() == 64);
}

TEST_CASE_METHOD(fixture, "DeleteImage of a DELETED or unknown image is 404", "[http][delete]") {
  auto id = available();
  REQUIRE(del(path(id)).status == 204);
  auto again = del(path(id));
  CHECK(again.status == 404);
  CHECK(again.code() == "NotAuthorizedOrNotFound");
  CHECK(del(path("ocid1.image.oc1.phx.aaaaaaaamissing")).status == 404);
}

TEST_CASE_METHOD(fixture, "DeleteImage is 409 IncorrectState while PROVISIONING, IMPORTING or EXPORTING",
                 "[http][delete]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::never());
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::never());
  fake.lifecycle().set(ocifake::phase::export_, ocifake::progress::never());
  auto provisioning = test::str(create().json(), "id");
  auto importing = test::str(post("/20160918/images", test::import_body()).json(), "id");
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  auto exporting = test::str(create().json(), "id");
  REQUIRE(post(path(exporting) + "/actions/export",
               R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o"})")
              .status == 200);
  for (const auto& [id, state] :
       {std::pair{provisioning, "PROVISIONING"}, {importing, "IMPORTING"}, {exporting, "EXPORTING"}}) {
    INFO(state);
    auto r = del(path(id));
    CHECK(r.status == 409);
    CHECK(r.code() == "IncorrectState");
    CHECK(r.message().find(state) != std::string::npos);
    CHECK(state_of(id) == state);
  }
}

TEST_CASE_METHOD(fixture, "DeleteImage honours if-match", "[http][delete]") {
  auto id = available();
  auto stale = del(path(id), {{"if-match", std::string(64, '0')}});
  CHECK(stale.status == 412);
  CHECK(stale.code() == "NoEtagMatch");
  CHECK(state_of(id) == "AVAILABLE");
  CHECK(del(path(id), {{"if-match", etag_of(id)}}).status == 204);
  CHECK(state_of(id) == "DELETED");
}

TEST_CASE_METHOD(fixture, "DeleteImage with a slower progression shows DISABLED until the deletion completes",
                 "[http][delete]") {
  auto id = available();
  fake.lifecycle().set(ocifake::phase::delete_, ocifake::progress::polls(2));
  REQUIRE(del(path(id)).status == 204);
  CHECK(state_of(id) == "DISABLED");
  CHECK(state_of(id) == "DISABLED");
  CHECK(state_of(id) == "DELETED");

  auto timed = available();
  fake.lifecycle().set(ocifake::phase::delete_, ocifake::progress::after(std::chrono::minutes(2)));
  REQUIRE(del(path(timed)).status == 204);
  CHECK(state_of(timed) == "DISABLED");
  CHECK(test::ids_of(list("&lifecycleState=DISABLED").array()) == std::vector<std::string>{timed});
  // Deleting again while the deletion runs changes nothing.
  CHECK(del(path(timed)).status == 204);
  fake.clock().advance(std::chrono::minutes(2));
  CHECK(state_of(timed) == "DELETED");
}

TEST_CASE_METHOD(fixture, "DeleteImage: a CreateImage retry token of the deleted image is 409 InvalidatedRetryToken",
                 "[http][delete][retry]") {
  auto first = post("/20160918/images", test::create_body(instance), {{"opc-retry-token", "create-then-delete"}});
  REQUIRE(first.status == 200);
  auto id = test::str(first.json(), "id");
  REQUIRE(state_of(id) == "PROVISIONING");
  REQUIRE(state_of(id) == "AVAILABLE");
  // Before the delete the token replays.
  CHECK(post("/20160918/images", test::create_body(instance), {{"opc-retry-token", "create-then-delete"}}).status ==
        200);
  REQUIRE(del(path(id)).status == 204);
  auto r = post("/20160918/images", test::create_body(instance), {{"opc-retry-token", "create-then-delete"}});
  CHECK(r.status == 409);
  CHECK(r.code() == "InvalidatedRetryToken");
  CHECK(r.message().find(id) != std::string::npos);
  CHECK(fake.images().size() == 1);
}
