// Signature verification in the server's pipeline: an in-process server with verify_signatures,
// requests signed as the OCI TypeScript SDK signs them (tests/signing.hpp), sent over HTTP.
#include "catch_compat.hpp"

#include <chrono>
#include <string>

#include "http/api_support.hpp"
#include "signing.hpp"

using namespace std::chrono_literals;
using catch_compat::Contains;
using catch_compat::StartsWith;
using test::signing::key_a;
using test::signing::key_b;
using test::signing::sdk_sign;
using test::signing::sign_options;
using test::signing::test_key;
using test::signing::wire_request;

namespace {

ocifake::server_options verifying(std::string key_id = {}) {
  return {.verify_signatures = true, .public_keys = {{std::move(key_id), key_a().public_pem}}};
}

struct signed_fixture {
  explicit signed_fixture(ocifake::server_options options = verifying()) : fake(std::move(options)), c(fake) {}

  ocifake::server fake;
  test::client c;
  std::string instance = fake.add_instance({.compartment_id = test::compartment});

  // Signs as the SDK would for this server: the host header httplib sends is "127.0.0.1:<port>".
  wire_request sign(const std::string& method, const std::string& target, const std::string& body = {},
                    sign_options opt = {}, const test_key& key = key_a()) {
    opt.host("127.0.0.1:" + std::to_string(fake.port()));
    return sdk_sign(key, method, target, body, std::move(opt));
  }

  // Sends `r` as it stands. httplib writes Host, Content-Type and Content-Length itself (from the
  // body actually sent), so they are left out of the headers handed to it.
  test::answer send(const wire_request& r) {
    httplib::Headers headers;
    for (const auto& [name, value] : r.headers)
      if (name != "host" && name != "content-type" && name != "content-length") headers.emplace(name, value);
    if (r.method == "GET") return test::take(c.http.Get(r.target, headers));
    if (r.method == "DELETE") return test::take(c.http.Delete(r.target, headers));
    if (r.method == "PUT") return test::take(c.http.Put(r.target, headers, r.body, "application/json"));
    return test::take(c.http.Post(r.target, headers, r.body, "application/json"));
  }

  test::answer signed_call(const std::string& method, const std::string& target, const std::string& body = {}) {
    return send(sign(method, target, body));
  }

  // Every operation answered 401 so far.
  std::size_t refused() const {
    std::size_t n = 0;
    for (const auto& e : fake.journal())
      if (e.status == 401) ++n;
    return n;
  }
};

void require_not_authenticated(const test::answer& a, const std::string& check) {
  INFO(a.body);
  CHECK(a.status == 401);
  CHECK(a.code() == "NotAuthenticated");
  CHECK_THAT(a.message(), StartsWith("the request signature is invalid: ") && Contains(check));
  CHECK(a.has("opc-request-id"));
}

const std::string images = "/20160918/images";

}  // namespace

TEST_CASE("Signatures over HTTP: requests signed as the SDK signs pass, every method and a non-ASCII query",
          "[signature][http]") {
  signed_fixture f;
  auto created = f.signed_call("POST", images, test::create_body(f.instance, R"("displayName":"ü ö")"));
  INFO(created.body);
  REQUIRE(created.status == 200);
  const std::string id = test::str(created.json(), "id");
  const std::string work_request = created.header("opc-work-request-id");

  auto got = f.signed_call("GET", images + "/" + id);
  CHECK(got.status == 200);
  CHECK(test::str(got.json(), "displayName") == "ü ö");
  CHECK(f.signed_call("GET", "/20160918/workRequests/" + work_request).status == 200);

  // The SDK signs the query with spaces escaped and other characters raw; the wire carries them escaped.
  const std::string query = images + "?compartmentId=" + test::compartment + "&displayName=";
  auto listed = f.send(f.sign("GET", query + "%C3%BC%20%C3%B6", {}, sign_options{}.target(query + "ü%20ö")));
  INFO(listed.body);
  REQUIRE(listed.status == 200);
  CHECK(test::ids_of(listed.array()) == std::vector<std::string>{id});

  auto updated = f.signed_call("PUT", images + "/" + id, R"({"displayName":"renamed"})");
  CHECK(updated.status == 200);
  CHECK(f.signed_call("PUT", images + "/" + id + "/shapes/VM.Standard2.1", "").status == 200);
  CHECK(f.signed_call("DELETE", images + "/" + id).status == 204);
  CHECK(f.refused() == 0);
}

TEST_CASE("Signatures over HTTP: an unsigned request is 401 NotAuthenticated and changes nothing",
          "[signature][http]") {
  signed_fixture f;
  auto a = test::take(f.c.post(images, test::create_body(f.instance)));
  require_not_authenticated(a, "missing authorization header");
  CHECK(f.fake.images().empty());
  auto entries = f.fake.journal("CreateImage");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].status == 401);
  CHECK(entries[0].changes.empty());

  require_not_authenticated(test::take(f.c.get(images + "?compartmentId=" + test::compartment)),
                            "missing authorization header");
}

TEST_CASE("Signatures over HTTP: a tampered body is refused for its digest", "[signature][http]") {
  signed_fixture f;
  auto r = f.sign("POST", images, test::create_body(f.instance, R"("displayName":"mine")"));
  r.body = test::create_body(f.instance, R"("displayName":"theirs")");
  require_not_authenticated(f.send(r), "x-content-sha256 does not match the body");

  SECTION("and with its digest recomputed, for the signature") {
    r.headers["x-content-sha256"] = ocifake::detail::content_sha256(r.body);
    require_not_authenticated(f.send(r), "signature does not verify");
  }
  CHECK(f.fake.images().empty());
}

TEST_CASE("Signatures over HTTP: a signed request sent to another path is refused", "[signature][http]") {
  signed_fixture f;
  auto r = f.sign("GET", images + "/ocid1.image.oc1.phx.aaaaaaaaone");
  r.target = images + "/ocid1.image.oc1.phx.aaaaaaaatwo";
  require_not_authenticated(f.send(r), "signature does not verify");
}

TEST_CASE("Signatures over HTTP: a date more than 5 minutes off the real clock is refused", "[signature][http]") {
  signed_fixture f;
  const auto now = std::chrono::system_clock::now();
  require_not_authenticated(
      f.send(f.sign("GET", images + "?compartmentId=" + test::compartment, {}, sign_options{}.at(now - 6min))),
      "date is more than 5 minutes from the server clock");
  require_not_authenticated(
      f.send(f.sign("GET", images + "?compartmentId=" + test::compartment, {}, sign_options{}.at(now + 6min))),
      "more than 5 minutes");
  CHECK(
      f.send(f.sign("GET", images + "?compartmentId=" + test::compartment, {}, sign_options{}.at(now - 4min))).status ==
      200);
}

TEST_CASE("Signatures over HTTP: the date is checked against the real clock, not a manual fake clock",
          "[signature][http]") {
  auto options = verifying();
  options.clock = ocifake::clock_mode::manual;
  signed_fixture f(std::move(options));
  f.fake.clock().advance(std::chrono::hours(24 * 30));
  CHECK(f.signed_call("GET", images + "?compartmentId=" + test::compartment).status == 200);
}

TEST_CASE("Signatures over HTTP: another key, an unregistered keyId and a missing signed header are refused",
          "[signature][http]") {
  SECTION("a key that is not registered") {
    signed_fixture f;
    auto r = f.sign("GET", images + "?compartmentId=" + test::compartment, {}, {}, key_b());
    require_not_authenticated(f.send(r), "signature does not verify");
  }
  SECTION("a keyId the key is not registered under") {
    signed_fixture f(verifying(test::signing::sdk_key_id));
    CHECK(f.signed_call("GET", images + "?compartmentId=" + test::compartment).status == 200);
    const std::string other = "ocid1.tenancy.oc1..other/ocid1.user.oc1..other/aa:bb";
    auto r = f.sign("GET", images + "?compartmentId=" + test::compartment, {}, sign_options{}.key(other));
    require_not_authenticated(f.send(r), "keyId \"" + other + "\" is not registered");
  }
  SECTION("content-length left out of a POST's signature") {
    signed_fixture f;
    auto r = f.sign("POST", images, test::create_body(f.instance),
                    sign_options{}.signing({"x-date", "(request-target)", "host", "content-type", "x-content-sha256"}));
    require_not_authenticated(f.send(r), "signed headers must include content-length for POST");
    CHECK(f.fake.images().empty());
  }
  SECTION("a signed header dropped on the way") {
    signed_fixture f;
    auto r = f.sign("GET", images + "?compartmentId=" + test::compartment);
    r.headers.erase("x-date");
    require_not_authenticated(f.send(r), "signed header x-date is missing from the request");
  }
}

TEST_CASE("Signatures over HTTP: admin calls are never checked", "[signature][http]") {
  signed_fixture f;
  auto instance = test::take(f.c.post("/_ocifake/instances", R"({"compartmentId":")" + test::compartment + R"("})"));
  CHECK(instance.status == 200);
  auto rule = test::take(f.c.post(
      "/_ocifake/faults",
      R"({"operation":"GetImage","times":1,"action":{"type":"error","status":503,"code":"ServiceUnavailable"}})"));
  CHECK(rule.status == 200);
  // A garbled authorization header does not matter to the admin API either.
  auto journal = test::take(f.c.get("/_ocifake/journal", {{"authorization", "Signature nonsense"}}));
  CHECK(journal.status == 200);
  CHECK(test::take(f.c.get("/_ocifake/health")).status == 200);
  CHECK(f.refused() == 0);
}

TEST_CASE("Signatures over HTTP: verify_signatures without a key is refused at construction", "[signature][http]") {
  CHECK_THROWS_AS(ocifake::server({.verify_signatures = true}), ocifake::invalid_input);
  CHECK_THROWS_AS(ocifake::server({.verify_signatures = true, .public_keys = {{"", "not a key"}}}),
                  ocifake::invalid_input);
}
