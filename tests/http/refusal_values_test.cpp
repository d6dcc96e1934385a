// Every refusal names the value it refused (DESIGN, pinned details, "Queries"): the 400 answers of
// the paths, queries, headers and bodies that used to name only the field, each checked for the
// value, quoted, and a long value cut short.
#include "catch_compat.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "http/api_support.hpp"
#include "http/raw_http.hpp"

namespace {

using fixture = test::api_fixture;

// 400 InvalidParameter whose message names `field` and holds `quoted` (the value in its quotes).
void require_named(const test::answer& a, const std::string& field, const std::string& quoted) {
  INFO(a.body);
  CHECK(a.status == 400);
  CHECK(a.code() == "InvalidParameter");
  CHECK(a.message().rfind(field + ": ", 0) == 0);
  CHECK(a.message().find(quoted) != std::string::npos);
}

test::answer raw_get(const ocifake::server& fake, const std::string& target, const std::string& headers = "") {
  auto r = test::raw::exchange(
      fake.port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n");
  return {r.status, r.body, {}};
}

}  // namespace

TEST_CASE_METHOD(fixture, "refusals name the value: query parameters and page tokens", "[http][refusals]") {
  const std::string images = "/20160918/images?compartmentId=" + test::compartment;
  require_named(get("/20160918/images?compartmentId=ocid1.nothing"), "compartmentId", "'ocid1.nothing'");
  require_named(list("&displayName=" + std::string(300, 'n')), "displayName", "(got 300: 'nnnn");
  require_named(list("&limit=1e3"), "limit", "(got '1e3')");

  // A forged page token, as docs/api.md shows the answer.
  auto forged = list("&page=bm90LWEtdG9rZW4");
  require_named(forged, "page", "'bm90LWEtdG9rZW4' is not a page token this list gave");
  std::ifstream doc(OCIFAKE_SOURCE_DIR "/docs/api.md");
  std::stringstream page;
  page << doc.rdbuf();
  CHECK(page.str().find("\"message\": \"" + forged.message() + "\"") != std::string::npos);

  // The same for the other lists.
  auto id = available();
  require_named(get("/20160918/images/" + id + "/shapes?page=forged.token"), "page", "'forged.token'");
  require_named(get("/20160918/workRequests?compartmentId=" + test::compartment + "&page=forged.token"), "page",
                "'forged.token'");
  auto wr = test::str(get("/20160918/workRequests?compartmentId=" + test::compartment).array().at(0), "id");
  require_named(get("/20160918/workRequests/" + wr + "/logs?page=forged.token"), "page", "'forged.token'");
}

TEST_CASE_METHOD(fixture, "refusals name the value: a long value is cut short, at a character boundary",
                 "[http][refusals]") {
  // 400 two-byte characters: the message quotes the first 128 bytes (64 characters) and "...".
  std::string e_acute;
  for (int i = 0; i < 200; ++i) e_acute += "%C3%A9";
  auto r = list("&displayName=" + e_acute + e_acute);
  std::string sixty_four;
  for (int i = 0; i < 64; ++i) sixty_four += "\xC3\xA9";
  require_named(r, "displayName", "'" + sixty_four + "...'");
  CHECK(r.message().size() < 250);
}

TEST_CASE_METHOD(fixture, "refusals name the value: headers, paths and escapes", "[http][refusals]") {
  auto bad_id = raw_get(fake, "/20160918/images?compartmentId=" + test::compartment, "opc-request-id: not valid!\r\n");
  require_named(bad_id, "opc-request-id", "'not valid!'");

  auto bad_escape = raw_get(fake, "/20160918/images?compartmentId=" + test::compartment + "&displayName=50%25%zz");
  require_named(bad_escape, "displayName", "'displayName=50%25%zz'");

  auto bad_path = raw_get(fake, "/20160918/images/ocid1.image.oc1..%G0");
  require_named(bad_path, "path", "'/20160918/images/ocid1.image.oc1..%G0'");

  auto token = std::string(65, 't');
  auto long_token = post("/20160918/images", test::create_body(instance), {{"opc-retry-token", token}});
  require_named(long_token, "opc-retry-token", "(got 65: '" + token + "')");
}

TEST_CASE_METHOD(fixture, "refusals name the value: bodies and shape names", "[http][refusals]") {
  require_named(
      post("/20160918/images",
           R"({"compartmentId":")" + test::compartment +
               R"(","imageSourceDetails":{"sourceType":"objectStorageUri","sourceUri":"ftp://example.com/disk"}})"),
      "imageSourceDetails.sourceUri", "'ftp://example.com/disk' is not an http or https URL");
  require_named(
      post(
          "/20160918/images",
          test::create_body(
              instance,
              R"("imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"n","bucketName":"b","objectName":"o"})")),
      "instanceId", "'" + instance + "'");

  auto id = available();
  require_named(post("/20160918/images/" + id + "/actions/export",
                     R"({"destinationType":"objectStorageUri","destinationUri":"s3://bucket/o"})"),
                "destinationUri", "'s3://bucket/o' is not an http or https URL");
  require_named(put("/20160918/images/" + id + "/shapes/" + std::string(256, 'S'), "{}"), "shapeName",
                "(got 256: 'SSSS");
  require_named(put("/20160918/images/" + id + "/shapes/VM%01Shape", "{}"), "shapeName", "'VM\x01Shape'");
}
