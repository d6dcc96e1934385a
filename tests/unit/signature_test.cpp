// Request-signature verification, checked against requests signed the way the OCI TypeScript SDK
// signs them (oci-common's DefaultRequestSigner over http-signature): x-date, (request-target) and
// host always; Content-Type, Content-Length and x-content-sha256 added for POST, PUT and PATCH.

#include "catch_compat.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <ocifake/error.hpp>

#include "http/signature.hpp"
#include "signing.hpp"

namespace {

using namespace std::chrono_literals;
using catch_compat::Contains;
using ocifake::detail::signature_request;
using ocifake::detail::signature_result;
using ocifake::detail::signature_verifier;
using test::signing::encode_public;
using test::signing::key_a;
using test::signing::key_b;
using test::signing::sdk_sign;
using test::signing::sign_options;
using test::signing::wire_request;

const std::string& key_id = test::signing::sdk_key_id;

signature_result verify_with(const std::vector<ocifake::public_key>& keys, const wire_request& r,
                             std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
  return signature_verifier(keys).verify(r.view(now));
}

std::vector<ocifake::public_key> registered_a() { return {{key_id, key_a().public_pem}}; }

const std::string list_target = "/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaafake&limit=10";
const std::string create_body =
    R"({"compartmentId":"ocid1.compartment.oc1..aaaaaaaafake","displayName":"my-image",)"
    R"("instanceId":"ocid1.instance.oc1.phx.aaaaaaaafake","freeformTags":{"env":"test"},"launchMode":"PARAVIRTUALIZED"})";

}  // namespace

TEST_CASE("Signature: a GET signed as the SDK signs verifies", "[signature]") {
  auto r = sdk_sign(key_a(), "GET", list_target);
  auto result = verify_with(registered_a(), r);
  INFO(result.message);
  CHECK(result.ok);
  CHECK(result.message.empty());
}

TEST_CASE("Signature: a POST with a body signed as the SDK signs verifies", "[signature]") {
  auto r = sdk_sign(key_a(), "POST", "/20160918/images", create_body);
  auto result = verify_with(registered_a(), r);
  INFO(result.message);
  CHECK(result.ok);

  SECTION("and so do a PUT and a POST with an empty body") {
    auto put = sdk_sign(key_a(), "PUT", "/20160918/images/ocid1.image.oc1.phx.aaaa", R"({"displayName":"b"})");
    CHECK(verify_with(registered_a(), put).ok);
    auto empty = sdk_sign(key_a(), "POST", "/20160918/images/ocid1.image.oc1.phx.aaaa/actions/export", "");
    CHECK(empty.headers.at("x-content-sha256") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    CHECK(verify_with(registered_a(), empty).ok);
  }
}

TEST_CASE("Signature: a DELETE signs only x-date, (request-target) and host", "[signature]") {
  auto r = sdk_sign(key_a(), "DELETE", "/20160918/images/ocid1.image.oc1.phx.aaaa");
  CHECK(verify_with(registered_a(), r).ok);
}

TEST_CASE("Signature: a request signed with another key does not verify", "[signature]") {
  auto r = sdk_sign(key_b(), "GET", list_target);
  auto result = verify_with(registered_a(), r);
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.message, Contains("signature does not verify"));

  SECTION("but verifies once that key is registered too, under any keyId") {
    auto keys = registered_a();
    keys.push_back({"", key_b().public_pem});
    CHECK(verify_with(keys, r).ok);
  }
}

TEST_CASE("Signature: a key in PKCS#1 PEM form is accepted", "[signature]") {
  std::string pkcs1 = encode_public(key_a().pkey.get(), "type-specific");
  REQUIRE_THAT(pkcs1, Contains("BEGIN RSA PUBLIC KEY"));
  auto r = sdk_sign(key_a(), "GET", list_target);
  CHECK(verify_with({{key_id, pkcs1}}, r).ok);
}

TEST_CASE("Signature: a PEM that is not an RSA public key is refused when registered", "[signature]") {
  CHECK_THROWS_AS(signature_verifier({{key_id, "not a key"}}), ocifake::invalid_input);
  CHECK_THROWS_AS(signature_verifier({{key_id, ""}}), ocifake::invalid_input);
  std::string truncated = key_a().public_pem.substr(0, key_a().public_pem.size() / 2);
  CHECK_THROWS_AS(signature_verifier({{key_id, truncated}}), ocifake::invalid_input);
  try {
    signature_verifier({{key_id, key_a().public_pem}, {"second", "junk"}});
    FAIL("no exception");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.path() == "$.public_keys[1].pem");
  }
}

TEST_CASE("Signature: a tampered body does not verify", "[signature]") {
  auto r = sdk_sign(key_a(), "POST", "/20160918/images", create_body);
  r.body =
      R"({"compartmentId":"ocid1.compartment.oc1..aaaaaaaaother","displayName":"my-image")"
      R"(,"instanceId":"ocid1.instance.oc1.phx.aaaaaaaafake","freeformTags":{"env":"test"},"launchMode":"PARAVIRTUALIZED"})";
  auto result = verify_with(registered_a(), r);
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.message, Contains("x-content-sha256 does not match the body"));

  SECTION("and neither does one whose digest header was recomputed") {
    r.headers["x-content-sha256"] = ocifake::detail::content_sha256(r.body);
    r.headers["content-length"] = std::to_string(r.body.size());
    auto again = verify_with(registered_a(), r);
    CHECK_FALSE(again.ok);
    CHECK_THAT(again.message, Contains("signature does not verify"));
  }
  SECTION("nor one whose length disagrees with its content-length") {
    auto short_body = sdk_sign(key_a(), "POST", "/20160918/images", create_body);
    short_body.headers["content-length"] = "5";
    auto again = verify_with(registered_a(), short_body);
    CHECK_FALSE(again.ok);
    CHECK_THAT(again.message, Contains("content-length does not match the body"));
  }
}

TEST_CASE("Signature: a changed method, path, query or host does not verify", "[signature]") {
  auto r = sdk_sign(key_a(), "GET", list_target);
  SECTION("method") { r.method = "DELETE"; }
  SECTION("path") { r.target = "/20160918/images/ocid1.image.oc1.phx.aaaa"; }
  SECTION("query") { r.target = list_target + "&displayName=x"; }
  SECTION("host") { r.headers["host"] = "127.0.0.1:1"; }
  auto result = verify_with(registered_a(), r);
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.message, Contains("signature does not verify"));
}

TEST_CASE("Signature: a date more than 5 minutes from the server clock is refused", "[signature]") {
  auto now = std::chrono::system_clock::now();
  SECTION("stale") {
    auto r = sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.at(now - 6min));
    auto result = verify_with(registered_a(), r, now);
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.message, Contains("date is more than 5 minutes from the server clock"));
  }
  SECTION("ahead") {
    auto r = sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.at(now + 6min));
    CHECK_THAT(verify_with(registered_a(), r, now).message, Contains("more than 5 minutes"));
  }
  SECTION("within the window either way") {
    CHECK(
        verify_with(registered_a(), sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.at(now - 4min)), now).ok);
    CHECK(
        verify_with(registered_a(), sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.at(now + 4min)), now).ok);
  }
  SECTION("a date signed as date instead of x-date counts too") {
    auto r = sdk_sign(key_a(), "GET", list_target, {},
                      sign_options{}.at(now - 10min).signing({"date", "(request-target)", "host"}));
    CHECK_THAT(verify_with(registered_a(), r, now).message, Contains("more than 5 minutes"));
    auto fresh =
        sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.signing({"date", "(request-target)", "host"}));
    CHECK(verify_with(registered_a(), fresh).ok);
  }
  SECTION("a date that is not an HTTP date") {
    auto r = sdk_sign(key_a(), "GET", list_target);
    r.headers["x-date"] = "2026-11-26T23:20:25Z";
    auto result = verify_with(registered_a(), r);
    CHECK_FALSE(result.ok);
    CHECK_THAT(result.message, Contains("not an HTTP date"));
  }
}

TEST_CASE("Signature: a required header left out of the signature is refused", "[signature]") {
  SECTION("content-length for POST") {
    auto r =
        sdk_sign(key_a(), "POST", "/20160918/images", create_body,
                 sign_options{}.signing({"x-date", "(request-target)", "host", "content-type", "x-content-sha256"}));
    CHECK_THAT(verify_with(registered_a(), r).message, Contains("signed headers must include content-length for POST"));
  }
  SECTION("x-content-sha256 for PUT") {
    auto r = sdk_sign(key_a(), "PUT", "/20160918/images/x", "{}",
                      sign_options{}.signing({"x-date", "(request-target)", "host", "content-type", "content-length"}));
    CHECK_THAT(verify_with(registered_a(), r).message,
               Contains("signed headers must include x-content-sha256 for PUT"));
  }
  SECTION("host") {
    auto r = sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.signing({"x-date", "(request-target)"}));
    CHECK_THAT(verify_with(registered_a(), r).message, Contains("signed headers must include host"));
  }
  SECTION("(request-target)") {
    auto r = sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.signing({"x-date", "host"}));
    CHECK_THAT(verify_with(registered_a(), r).message, Contains("signed headers must include (request-target)"));
  }
  SECTION("a date") {
    auto r = sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.signing({"(request-target)", "host"}));
    CHECK_THAT(verify_with(registered_a(), r).message, Contains("signed headers must include x-date or date"));
  }
  SECTION("a signed header absent from the request") {
    auto r = sdk_sign(key_a(), "GET", list_target);
    r.headers.erase("x-date");
    CHECK_THAT(verify_with(registered_a(), r).message, Contains("signed header x-date is missing"));
  }
}

TEST_CASE("Signature: an unregistered keyId is refused", "[signature]") {
  auto r =
      sdk_sign(key_a(), "GET", list_target, {}, sign_options{}.key("ocid1.tenancy.oc1..other/ocid1.user.oc1..u/aa:bb"));
  auto result = verify_with(registered_a(), r);
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.message, Contains("keyId \"ocid1.tenancy.oc1..other/ocid1.user.oc1..u/aa:bb\" is not registered"));

  SECTION("unless a key is registered with an empty keyId") { CHECK(verify_with({{"", key_a().public_pem}}, r).ok); }
  SECTION("no key registered at all") { CHECK_THAT(verify_with({}, r).message, Contains("is not registered")); }
}

TEST_CASE("Signature: a malformed authorization header fails cleanly", "[signature]") {
  auto r = sdk_sign(key_a(), "GET", list_target);
  const std::string good = r.headers.at("authorization");
  const std::string sig = good.substr(good.find("signature="));

  SECTION("absent") {
    r.headers.erase("authorization");
    CHECK(verify_with(registered_a(), r).message == "missing authorization header");
  }
  SECTION("no header lookup at all") {
    auto view = r.view(std::chrono::system_clock::now());
    view.header = nullptr;
    CHECK(signature_verifier(registered_a()).verify(view).message == "missing authorization header");
  }

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "Signature scheme"},
      {"Basic dXNlcjpwYXNz", "Signature scheme"},
      {"Signature", "no keyId"},
      {"Signature ", "no keyId"},
      {"Signature keyId", "has no value"},
      {"Signature keyId=", "no keyId"},
      {"Signature keyId=\"unterminated", "unterminated"},
      {"Signature keyId=\"a\" algorithm=\"rsa-sha256\"", "not followed by a comma"},
      {"Signature ,,,=,,", "parameter without a name"},
      {"Signature version=\"1\",algorithm=\"rsa-sha256\",headers=\"x-date (request-target) host\"," + sig, "no keyId"},
      {"Signature version=\"1\",keyId=\"" + key_id +
           "\",algorithm=\"rsa-sha256\",headers=\"x-date (request-target) host\"",
       "no signature"},
      {"Signature keyId=\"" + key_id + "\",headers=\"x-date (request-target) host\"," + sig, "no algorithm"},
      {"Signature keyId=\"" + key_id + "\",algorithm=\"rsa-sha256\"," + sig, "no headers"},
      {"Signature keyId=\"" + key_id + "\",algorithm=\"rsa-sha256\",headers=\"   \"," + sig, "no headers"},
      {"Signature keyId=\"" + key_id + "\",algorithm=\"hmac-sha256\",headers=\"x-date (request-target) host\"," + sig,
       "algorithm \"hmac-sha256\" is not supported"},
      {"Signature keyId=\"a\",keyId=\"b\",algorithm=\"rsa-sha256\",headers=\"x-date (request-target) host\"," + sig,
       "more than once"},
      {"Signature keyId=\"" + key_id +
           "\",algorithm=\"rsa-sha256\",headers=\"x-date (request-target) host\",signature=\"***not base64***\"",
       "not valid base64"},
      {"Signature keyId=\"" + key_id +
           "\",algorithm=\"rsa-sha256\",headers=\"x-date (request-target) host\",signature=\"AAAA\"",
       "signature does not verify"},
      {std::string("Signature keyId=\"\xff\x00\x01\",", 20), "unterminated"},
      {"Signature " + std::string(100000, ','), "no keyId"},
  };
  SECTION("garbled") {
    for (const auto& [header, expected] : cases) {
      INFO("authorization: " << header.substr(0, 200));
      r.headers["authorization"] = header;
      signature_result result;
      REQUIRE_NOTHROW(result = verify_with(registered_a(), r));
      CHECK_FALSE(result.ok);
      CHECK_THAT(result.message, Contains(expected));
    }
  }
}

TEST_CASE("Signature: the header may use any parameter order, spacing and scheme case", "[signature]") {
  auto r = sdk_sign(key_a(), "GET", list_target);
  const std::string good = r.headers.at("authorization");
  auto param = [&](const std::string& name) {
    auto start = good.find(name + "=\"");
    auto end = good.find('"', start + name.size() + 2);
    return good.substr(start, end + 1 - start);
  };
  r.headers["authorization"] = "signature  " + param("signature") + " , " + param("headers") + ",extra=\"x\"," +
                               param("algorithm") + ",  " + param("keyId");
  auto result = verify_with(registered_a(), r);
  INFO(result.message);
  CHECK(result.ok);
}

TEST_CASE("Signature: a query with non-ASCII values signed raw by the SDK verifies as escaped on the wire",
          "[signature]") {
  const std::string base = "/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaafake&displayName=";
  // The SDK signs "ü%20ö": the space escaped, the non-ASCII characters raw UTF-8.
  const std::string signed_target = base + "\xC3\xBC%20\xC3\xB6";
  const std::string wire_target = base + "%C3%BC%20%C3%B6";
  auto r = sdk_sign(key_a(), "GET", wire_target, {}, sign_options{}.target(signed_target));
  auto result = verify_with(registered_a(), r);
  INFO(result.message);
  CHECK(result.ok);

  SECTION("lower-case escapes too") {
    r.target = base + "%c3%bc%20%c3%b6";
    CHECK(verify_with(registered_a(), r).ok);
  }
  SECTION("but not a different value") {
    r.target = base + "%C3%BC%20%C3%B7";
    CHECK_THAT(verify_with(registered_a(), r).message, Contains("signature does not verify"));
  }
}

TEST_CASE("Signature: helpers write and parse dates and decode only non-ASCII escapes", "[signature]") {
  using ocifake::detail::decode_non_ascii_escapes;
  using ocifake::detail::parse_http_date;
  auto t = parse_http_date("Thu, 26 Nov 2026 23:20:25 GMT");
  REQUIRE(t.has_value());
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() == 1795735225);
  CHECK_FALSE(parse_http_date("Thu, 31 Nov 2026 23:20:25 GMT"));
  CHECK_FALSE(parse_http_date("Thu, 26 Nov 2026 24:20:25 GMT"));
  CHECK_FALSE(parse_http_date("Thu, 26 Nov 2026 23:20:25 UTC"));
  CHECK_FALSE(parse_http_date("Thursday, 26-Nov-26 23:20:25 GMT"));
  CHECK_FALSE(parse_http_date(""));
  using ocifake::detail::http_date;
  CHECK(http_date(*t) == "Thu, 26 Nov 2026 23:20:25 GMT");
  CHECK(http_date(*t + std::chrono::milliseconds(999)) == "Thu, 26 Nov 2026 23:20:25 GMT");  // whole seconds
  for (const char* text : {"Sun, 01 Jan 2023 00:00:00 GMT", "Tue, 29 Feb 2000 09:05:07 GMT",
                           "Mon, 31 Dec 2068 23:59:59 GMT", "Sat, 05 Dec 2026 08:55:00 GMT"}) {
    INFO(text);
    auto parsed = parse_http_date(text);
    REQUIRE(parsed);
    CHECK(http_date(*parsed) == text);
  }
  CHECK(decode_non_ascii_escapes("/a?x=%C3%BC%20%2F%7f%80%zz%") == "/a?x=\xC3\xBC%20%2F%7f\x80%zz%");
  CHECK(decode_non_ascii_escapes("%F") == "%F");
}
