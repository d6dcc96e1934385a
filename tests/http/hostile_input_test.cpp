// Hostile input: requests a careless or malicious client could send, each answered with a specific
// OCI status and code, after which the server still answers and its state is what it was.
// Requests go out as raw bytes (tests/http/raw_http.hpp), so nothing is tidied on the way.
#include "catch_compat.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include <httplib.h>

#include "raw_http.hpp"
#include "support.hpp"

namespace {

struct bad_request {
  const char* what;
  std::string method;
  std::string target;  // {img}, {c}, {inst}, {page}, {etag} are filled in
  std::string body;
  std::string headers;  // extra header lines, each ending in \r\n
  int status;
  const char* code;
  bool raw = false;  // `target` is the whole request, sent as it is
};

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string nested(std::size_t depth) { return repeat("[", depth) + repeat("]", depth); }

const std::string C = test::compartment;
const std::string I = "{inst}";

// A CreateImage body from the instance, with `extra` members.
std::string create(const std::string& extra) {
  return R"({"compartmentId":")" + C + R"(","instanceId":")" + I + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}
// A CreateImage body importing from Object Storage, with `extra` members of imageSourceDetails.
std::string import_src(const std::string& extra) {
  return R"({"compartmentId":")" + C +
         R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o")" +
         (extra.empty() ? "" : "," + extra) + "}}";
}

const std::string images = "/20160918/images";
const std::string image = "/20160918/images/{img}";
const std::string list = "/20160918/images?compartmentId=" + C;

// Whether the cpp-httplib this was built with refuses malformed header lines itself (newer than
// 0.11: Debian 13's 0.18 does, Debian 12's 0.11 does not).
bool httplib_refuses_malformed_headers() {
  int major = 0, minor = 0;
  std::sscanf(CPPHTTPLIB_VERSION, "%d.%d", &major, &minor);
  return major > 0 || minor > 11;
}

std::vector<bad_request> table() {
  const std::string P = "POST", U = "PUT", G = "GET", D = "DELETE";
  const bool strict = httplib_refuses_malformed_headers();
  return {
      // ---- truncated or not JSON
      {"empty body", P, images, "", "", 400, "CannotParseRequest"},
      {"a lone brace", P, images, "{", "", 400, "CannotParseRequest"},
      {"cut after a key", P, images, R"({"compartmentId":)", "", 400, "CannotParseRequest"},
      {"cut inside a string", P, images, create("").substr(0, 40), "", 400, "CannotParseRequest"},
      {"cut before the last brace", P, images, create("").substr(0, create("").size() - 1), "", 400,
       "CannotParseRequest"},
      {"trailing garbage", P, images, create("") + " x", "", 400, "CannotParseRequest"},
      {"two documents", P, images, create("") + create(""), "", 400, "CannotParseRequest"},
      {"UpdateImage truncated", U, image, R"({"displayName":"a)", "", 400, "CannotParseRequest"},
      {"ExportImage not JSON", P, image + "/actions/export", "destinationType=objectStorageUri", "", 400,
       "CannotParseRequest"},
      {"JSON null", P, images, "null", "", 400, "InvalidParameter"},
      {"JSON array", P, images, "[]", "", 400, "InvalidParameter"},
      {"JSON string", U, image, R"("displayName")", "", 400, "InvalidParameter"},
      // ---- wrong types, field by field
      {"compartmentId a number", P, images, R"({"compartmentId":1,"instanceId":"{inst}"})", "", 400,
       "InvalidParameter"},
      {"instanceId an array", P, images, R"({"compartmentId":")" + C + R"(","instanceId":[]})", "", 400,
       "InvalidParameter"},
      {"displayName a boolean", P, images, create(R"("displayName":true)"), "", 400, "InvalidParameter"},
      {"freeformTags a string", P, images, create(R"("freeformTags":"a=b")"), "", 400, "InvalidParameter"},
      {"freeformTags value a number", P, images, create(R"("freeformTags":{"a":1})"), "", 400, "InvalidParameter"},
      {"definedTags a list", P, images, create(R"("definedTags":["a"])"), "", 400, "InvalidParameter"},
      {"definedTags namespace a string", P, images, create(R"("definedTags":{"ns":"v"})"), "", 400, "InvalidParameter"},
      {"definedTags value an object", P, images, create(R"("definedTags":{"ns":{"k":{}}})"), "", 400,
       "InvalidParameter"},
      {"launchMode a number", P, images, create(R"("launchMode":5)"), "", 400, "InvalidParameter"},
      {"launchOptions a string", P, images, create(R"("launchOptions":"UEFI")"), "", 400, "InvalidParameter"},
      {"launchOptions.firmware a number", P, images, create(R"("launchOptions":{"firmware":1})"), "", 400,
       "InvalidParameter"},
      {"launchOptions flag a string", P, images, create(R"("launchOptions":{"isPvEncryptionInTransitEnabled":"yes"})"),
       "", 400, "InvalidParameter"},
      {"shouldIncludeDataVolumes a string", P, images, create(R"("shouldIncludeDataVolumes":"true")"), "", 400,
       "InvalidParameter"},
      {"imageSourceDetails a string", P, images, R"({"compartmentId":")" + C + R"(","imageSourceDetails":"x"})", "",
       400, "InvalidParameter"},
      {"sourceType a number", P, images, R"({"compartmentId":")" + C + R"(","imageSourceDetails":{"sourceType":1}})",
       "", 400, "InvalidParameter"},
      {"namespaceName a number", P, images, import_src(R"("namespaceName":7)"), "", 400, "InvalidParameter"},
      {"objectName an object", P, images, import_src(R"("objectName":{})"), "", 400, "InvalidParameter"},
      {"sourceImageType a boolean", P, images, import_src(R"("sourceImageType":false)"), "", 400, "InvalidParameter"},
      {"UpdateImage displayName a number", U, image, R"({"displayName":1})", "", 400, "InvalidParameter"},
      {"UpdateImage operatingSystem a list", U, image, R"({"operatingSystem":["Linux"]})", "", 400, "InvalidParameter"},
      {"UpdateImage operatingSystemVersion an object", U, image, R"({"operatingSystemVersion":{}})", "", 400,
       "InvalidParameter"},
      {"ExportImage destinationType a number", P, image + "/actions/export", R"({"destinationType":1})", "", 400,
       "InvalidParameter"},
      {"ExportImage destinationUri a number", P, image + "/actions/export",
       R"({"destinationType":"objectStorageUri","destinationUri":3})", "", 400, "InvalidParameter"},
      {"ChangeImageCompartment compartmentId a number", P, image + "/actions/changeCompartment",
       R"({"compartmentId":1})", "", 400, "InvalidParameter"},
      {"shape memoryConstraints a string", U, image + "/shapes/VM.Standard.E4.Flex", R"({"memoryConstraints":"big"})",
       "", 400, "InvalidParameter"},
      {"shape ocpuConstraints.min a string", U, image + "/shapes/VM.Standard.E4.Flex",
       R"({"ocpuConstraints":{"min":"1","max":2}})", "", 400, "InvalidParameter"},
      // ---- missing what is required
      {"no compartmentId", P, images, R"({"instanceId":"{inst}"})", "", 400, "MissingParameter"},
      {"compartmentId null", P, images, R"({"compartmentId":null,"instanceId":"{inst}"})", "", 400, "MissingParameter"},
      {"neither instanceId nor imageSourceDetails", P, images, R"({"compartmentId":")" + C + "\"}", "", 400,
       "InvalidParameter"},
      {"import without objectName", P, images,
       R"({"compartmentId":")" + C +
           R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"n","bucketName":"b"}})",
       "", 400, "MissingParameter"},
      // ---- nesting
      {"arrays nested 100,000 deep", P, images, nested(100000), "", 400, "CannotParseRequest"},
      {"objects nested 1,000 deep", P, images, repeat(R"({"a":)", 1000) + "1" + repeat("}", 1000), "", 400,
       "CannotParseRequest"},
      {"a field nested beyond the limit", P, images, create(R"("freeformTags":)" + nested(65)), "", 400,
       "CannotParseRequest"},
      // ---- huge strings
      {"displayName of 256 characters", P, images, create(R"("displayName":")" + std::string(256, 'x') + "\""), "", 400,
       "InvalidParameter"},
      {"displayName of 512 KiB", P, images, create(R"("displayName":")" + std::string(512 * 1024, 'x') + "\""), "", 400,
       "InvalidParameter"},
      {"tag value of 257 characters", P, images, create(R"("freeformTags":{"k":")" + std::string(257, 'v') + "\"}"), "",
       400, "InvalidParameter"},
      {"tag key of 101 characters", U, image, R"({"freeformTags":{")" + std::string(101, 'k') + R"(":"v"}})", "", 400,
       "InvalidParameter"},
      {"objectName of 1025 characters", P, images, import_src(R"("objectName":")" + std::string(1025, 'o') + "\""), "",
       400, "InvalidParameter"},
      {"compartmentId of 300 characters", P, images,
       R"({"compartmentId":"ocid1.compartment.oc1..)" + std::string(278, 'a') + R"(","instanceId":"{inst}"})", "", 400,
       "InvalidParameter"},
      {"opc-retry-token of 65 characters", P, images, create(""), "opc-retry-token: " + std::string(65, 't') + "\r\n",
       400, "InvalidParameter"},
      {"empty displayName", U, image, R"({"displayName":""})", "", 400, "InvalidParameter"},
      // ---- invalid UTF-8 and NUL bytes
      {"invalid UTF-8 in a string", P, images, create("\"displayName\":\"a\xff\xfe\""), "", 400, "CannotParseRequest"},
      {"overlong UTF-8 slash", P, images, create("\"displayName\":\"\xc0\xaf\""), "", 400, "CannotParseRequest"},
      {"UTF-8 cut mid-character", U, image, "{\"displayName\":\"\xe2\x82\"}", "", 400, "CannotParseRequest"},
      {"a raw NUL in a string", P, images, create(std::string("\"displayName\":\"a\0b\"", 18)), "", 400,
       "CannotParseRequest"},
      {"a raw NUL between members", U, image, std::string("{\"displayName\":\"a\"\0}", 20), "", 400,
       "CannotParseRequest"},
      {"an escaped NUL in an OCID", P, images, R"({"compartmentId":")" + C + R"(\u0000","instanceId":"{inst}"})", "",
       400, "InvalidParameter"},
      {"an escaped NUL in an image id", G, "/20160918/images/{img}%00", "", "", 404, "NotAuthorizedOrNotFound"},
      {"invalid UTF-8 in an image id", D, "/20160918/images/%FF%FE", "", "", 404, "NotAuthorizedOrNotFound"},
      {"an escaped line break in an image id", G, "/20160918/images/{img}%0D%0Ax-injected:%201", "", "", 404,
       "NotAuthorizedOrNotFound"},
      {"invalid UTF-8 in opc-retry-token", P, images, "{", "opc-retry-token: \xff\xfe\r\n", 400, "CannotParseRequest"},
      // ---- duplicate keys: whichever one the parser keeps, the answer is a refusal
      {"duplicate displayName, both wrong", U, image, R"({"displayName":1,"displayName":true})", "", 400,
       "InvalidParameter"},
      {"duplicate compartmentId, both bad", P, images,
       R"({"compartmentId":"x","instanceId":"{inst}","compartmentId":"y"})", "", 400, "InvalidParameter"},
      // ---- enum values in the wrong case
      {"launchMode lower case", P, images, create(R"("launchMode":"native")"), "", 400, "InvalidParameter"},
      {"launchMode title case", P, images, create(R"("launchMode":"Paravirtualized")"), "", 400, "InvalidParameter"},
      {"firmware lower case", P, images, create(R"("launchOptions":{"firmware":"uefi_64"})"), "", 400,
       "InvalidParameter"},
      {"sourceType upper case", P, images,
       R"({"compartmentId":")" + C +
           R"(","imageSourceDetails":{"sourceType":"OBJECTSTORAGETUPLE","namespaceName":"n","bucketName":"b","objectName":"o"}})",
       "", 400, "InvalidParameter"},
      {"sourceImageType lower case", P, images, import_src(R"("sourceImageType":"qcow2")"), "", 400,
       "InvalidParameter"},
      {"exportFormat lower case", P, image + "/actions/export",
       R"({"destinationType":"objectStorageTuple","namespaceName":"n","bucketName":"b","objectName":"o","exportFormat":"vmdk"})",
       "", 400, "InvalidParameter"},
      {"sortBy lower case", G, list + "&sortBy=displayName", "", "", 400, "InvalidParameter"},
      {"sortOrder lower case", G, list + "&sortOrder=asc", "", "", 400, "InvalidParameter"},
      // lifecycleState is case-insensitive by choice (docs/behaviour.md); a misspelling is not.
      {"lifecycleState misspelled", G, list + "&lifecycleState=AVAILABLE_", "", "", 400, "InvalidParameter"},
      // ---- numbers out of range
      {"limit 0", G, list + "&limit=0", "", "", 400, "InvalidParameter"},
      {"limit negative", G, list + "&limit=-1", "", "", 400, "InvalidParameter"},
      {"limit 101", G, list + "&limit=101", "", "", 400, "InvalidParameter"},
      {"limit beyond 64 bits", G, list + "&limit=99999999999999999999999", "", "", 400, "InvalidParameter"},
      {"limit in exponent form", G, list + "&limit=1e2", "", "", 400, "InvalidParameter"},
      {"limit not a number", G, list + "&limit=ten", "", "", 400, "InvalidParameter"},
      {"memoryConstraints negative", U, image + "/shapes/VM.Standard.E4.Flex",
       R"({"memoryConstraints":{"minInGBs":-1,"maxInGBs":2}})", "", 400, "InvalidParameter"},
      {"memoryConstraints beyond int", U, image + "/shapes/VM.Standard.E4.Flex",
       R"({"memoryConstraints":{"minInGBs":1,"maxInGBs":1e300}})", "", 400, "InvalidParameter"},
      {"ocpuConstraints fractional", U, image + "/shapes/VM.Standard.E4.Flex",
       R"({"ocpuConstraints":{"min":1.5,"max":2}})", "", 400, "InvalidParameter"},
      // ---- oversized requests
      {"body over 1 MiB", P, images, create(R"("freeformTags":{"k":")" + std::string(1024 * 1024, 'v') + "\"}"), "",
       413, "PayloadTooLarge"},
      {"header line over 8 KiB", G, image, "", "x-filler: " + std::string(9000, 'h') + "\r\n", 400, "InvalidParameter"},
      {"request target over 8 KiB", G, list + "&displayName=" + std::string(9000, 'n'), "", "", 414,
       "InvalidParameter"},
      // ---- request lines and headers no client should send
      {"not HTTP at all", "", "GARBAGE\r\n\r\n", "", "", 400, "InvalidParameter", true},
      // httplib skips a header line without a colon; the request goes on (here without its query).
      // cpp-httplib 0.11 passes over a header line without a colon (so compartmentId is missing)
      // and reads a Content-Length that is not a number as no body at all; newer versions refuse
      // both before the handler runs (docs/behaviour.md).
      {"a header without a colon", "",
       "GET /20160918/images HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close\r\n\r\n", "", "", 400,
       strict ? "InvalidParameter" : "MissingParameter", true},
      {"Content-Length not a number", "",
       "POST /20160918/images HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\nConnection: close\r\n\r\n{}", "", "", 400,
       strict ? "InvalidParameter" : "CannotParseRequest", true},
      {"a bad chunk size", "",
       "POST /20160918/images HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "", "",
       400, "InvalidParameter", true},
      {"bad opc-request-id", G, image, "", "opc-request-id: not valid!\r\n", 400, "InvalidParameter"},
      {"ChangeImageCompartment to a malformed OCID", P, image + "/actions/changeCompartment",
       R"({"compartmentId":"ocid1.compartment"})", "", 400, "InvalidParameter"},
      {"stale if-match", U, image, R"({"displayName":"x"})", "if-match: 0123\r\n", 412, "NoEtagMatch"},
      {"PATCH on images", "PATCH", images, "{}", "", 405, "MethodNotAllowed"},
      {"DELETE on the image list", D, images, "", "", 405, "MethodNotAllowed"},
      // ---- bad percent-escapes
      {"a bad escape in an image id", G, "/20160918/images/ocid1.image%zz", "", "", 400, "InvalidParameter"},
      {"a cut escape at the end of the path", D, "/20160918/images/{img}%4", "", "", 400, "InvalidParameter"},
      {"a bad escape in a query value", G, list + "&displayName=a%G1", "", "", 400, "InvalidParameter"},
      {"a bad escape in a query key", G, list + "&%zzlimit=1", "", "", 400, "InvalidParameter"},
      {"a lone percent sign in the query", G, list + "&limit=%", "", "", 400, "InvalidParameter"},
      // ---- forged page tokens
      {"page not a token", G, list + "&limit=1&page=2", "", "", 400, "InvalidParameter"},
      {"page empty", G, list + "&limit=1&page=", "", "", 400, "InvalidParameter"},
      {"page with a flipped character", G, list + "&limit=1&page={page}x", "", "", 400, "InvalidParameter"},
      {"page of another compartment's list", G,
       "/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaaother&limit=1&page={page}", "", "", 400,
       "InvalidParameter"},
      {"page with another sort", G, list + "&limit=1&sortBy=DISPLAYNAME&page={page}", "", "", 400, "InvalidParameter"},
      {"page of 5,000 characters", G, list + "&page=" + std::string(5000, 'A'), "", "", 400, "InvalidParameter"},
      {"a ListImages page for ListWorkRequests", G, "/20160918/workRequests?compartmentId=" + C + "&page={page}", "",
       "", 400, "InvalidParameter"},
      // ---- path traversal in ids
      {"dot-dot as an image id", G, "/20160918/images/..", "", "", 404, "NotAuthorizedOrNotFound"},
      {"escaped dot-dot as an image id", U, "/20160918/images/%2e%2e", R"({"displayName":"x"})", "", 404,
       "NotAuthorizedOrNotFound"},
      {"escaped slashes into the admin API", D, "/20160918/images/..%2F..%2F_ocifake%2Freset", "", "", 404,
       "NotAuthorizedOrNotFound"},
      {"an escaped path as a work request id", G, "/20160918/workRequests/..%2F..%2Fetc%2Fpasswd", "", "", 404,
       "NotAuthorizedOrNotFound"},
      {"dot-dot segments between routes", G, "/20160918/images/../images", "", "", 404, "NotFound"},
      {"dot-dot out of the admin API", G, "/_ocifake/../20160918/images", "", "", 404, "NotFound"},
      {"a traversal as a shape name", U, image + "/shapes/..%2F..%2Fimages", "{}", "", 400, "InvalidParameter"},
      {"invalid UTF-8 as a shape name", U, image + "/shapes/VM%FF%C0", "{}", "", 400, "InvalidParameter"},
      {"a control character in a shape name", U, image + "/shapes/VM%0A.Standard", "{}", "", 400, "InvalidParameter"},
  };
}

}  // namespace

TEST_CASE("hostile input: every bad request gets its OCI status and code, and changes nothing", "[http][hostile]") {
  // The reference's dialect, whose bodies have the most fields to get wrong.
  ocifake::server fake({.dialect = ocifake::dialect::pca, .clock = ocifake::clock_mode::manual, .seed = 5});
  auto inst = fake.add_instance({.compartment_id = test::compartment, .display_name = "web-1"});
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  test::client c(fake);
  std::string img;
  for (int i = 0; i < 3; ++i) {
    auto r = c.post("/20160918/images", test::create_body(inst, R"("displayName":"image-)" + std::to_string(i) + "\""));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    img = test::str(test::json(r->body), "id");
  }
  for (const auto& i : fake.images()) REQUIRE(i.lifecycle_state == "AVAILABLE");
  auto first_page = c.get("/20160918/images?compartmentId=" + test::compartment + "&limit=1");
  REQUIRE(first_page);
  const std::string page = first_page->get_header_value("opc-next-page");
  REQUIRE(!page.empty());
  const std::string etag = c.get("/20160918/images/" + img)->get_header_value("etag");
  const std::string state = fake.state_json();

  auto fill = [&](std::string s) {
    for (auto [key, value] :
         {std::pair<std::string, std::string>{"{img}", img}, {"{inst}", inst}, {"{page}", page}, {"{etag}", etag}})
      for (auto at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size()))
        s.replace(at, key.size(), value);
    return s;
  };

  auto rows = table();
  CHECK(rows.size() >= 100);
  for (const auto& row : rows) {
    std::string request;
    if (row.raw) {
      request = row.target;
    } else {
      auto body = fill(row.body);
      request = row.method + " " + fill(row.target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                fill(row.headers);
      if (row.method == "POST" || row.method == "PUT" || row.method == "PATCH")
        request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
      request += "\r\n" + body;
    }
    auto a = test::raw::exchange(fake.port(), request);
    INFO(row.what << "\n  answer: " << a.head << "\n\n" << a.body.substr(0, 400));
    CHECK(a.status == row.status);
    CHECK(test::str(test::json(a.body), "code") == row.code);
    CHECK(!test::str(test::json(a.body), "message").empty());
    CHECK(a.head.find("opc-request-id") != std::string::npos);
    CHECK(a.head.find("\r\nDate: ") != std::string::npos);
    // The server still answers, and nothing changed.
    auto health = c.get("/_ocifake/health");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(fake.state_json() == state);
  }
  // The journal of all that is still JSON (paths and tokens as sent, invalid UTF-8 included).
  auto journal = c.get("/_ocifake/journal");
  REQUIRE(journal);
  CHECK(journal->status == 200);
  CHECK(test::json(journal->body).is_array());
  CHECK(test::json(journal->body).as_array().size() >= rows.size());
}
