// The one JSON input reader (src/model/json_reader.hpp): paths, what was expected, the value
// refused, "did you mean", line and column of a syntax error, repeated keys, the two policies for
// unknown keys and null, and the two ways out (invalid_input, and OCI's 400 via to_api_error).
#include "catch_compat.hpp"

#include <string>

#include <boost/json.hpp>

#include <ocifake/error.hpp>

#include "api/types.hpp"
#include "model/json_reader.hpp"

namespace json = boost::json;
using ocifake::detail::input_error;
using ocifake::detail::object_reader;

namespace {

// The refusal `read` throws; a refusal with the path "<none>" when it throws none.
template <class F>
input_error refusal(F&& read) {
  try {
    read();
  } catch (const input_error& e) {
    return e;
  }
  return input_error(input_error::kind::invalid, "<none>", "");
}

input_error parse_refusal(std::string_view text, ocifake::detail::json_text_rules rules = {}) {
  return refusal([&] { ocifake::detail::parse_json(text, rules); });
}

}  // namespace

TEST_CASE("json reader: JSON paths quote keys that are not identifiers", "[unit][json]") {
  using ocifake::detail::index_path;
  using ocifake::detail::member_path;
  CHECK(member_path("$", "images") == "$.images");
  CHECK(index_path(member_path("$", "images"), 2) == "$.images[2]");
  CHECK(member_path("$.freeformTags", "a.b") == R"($.freeformTags["a.b"])");
  CHECK(member_path("$", "") == R"($[""])");
  CHECK(member_path("$", "2x") == R"($["2x"])");
}

TEST_CASE("json reader: a syntax error gives its line and column", "[unit][json]") {
  auto e = parse_refusal("{\n  \"name\": \"t\",\n  \"seed\": x\n}");
  CHECK(e.what == input_error::kind::syntax);
  CHECK(e.path == "$");
  CHECK(e.expected == "JSON text (syntax error at line 3, column 11)");

  e = parse_refusal("{\"name\": ");
  CHECK(e.expected == "JSON text (incomplete JSON at line 1, column 10)");
  e = parse_refusal("");
  CHECK(e.expected == "JSON text (incomplete JSON at line 1, column 1)");
  e = parse_refusal("{}\n\n  {}");
  CHECK(e.expected == "JSON text (more text after the JSON value at line 3, column 3)");
  // The same position when repeated keys are allowed (the path OCI request bodies take).
  e = parse_refusal("[1,\n 2,,]", {.refuse_duplicate_keys = false});
  CHECK(e.expected == "JSON text (syntax error at line 2, column 4)");
}

TEST_CASE("json reader: a key repeated in one object is refused with its path and place", "[unit][json]") {
  auto e = parse_refusal("{\"images\": [{\"id\": 1},\n  {\"id\": 1, \"displayName\": \"a\", \"id\": 2}]}");
  CHECK(e.what == input_error::kind::syntax);
  CHECK(e.path == "$.images[1].id");
  CHECK(e.expected == "a key that appears once in its object (it appears again at line 2, column 33)");
  CHECK(parse_refusal(R"({"a": {"x": 1}, "b": {"x": 1}, "a": 2})").path == "$.a");
  CHECK(parse_refusal(R"({"tags": {"a.b": 1, "a.b": 2}})").path == R"($.tags["a.b"])");
  CHECK(parse_refusal(R"({"a": [[], {"k": 1, "k": 2}]})").path == "$.a[1].k");
  CHECK(parse_refusal(R"([{"a": 1}, {"a": 2}])").path == "<none>");

  // Allowed where asked: the last one wins, as Boost.JSON reads it.
  auto v = ocifake::detail::parse_json(R"({"a": 1, "a": 2})", {.refuse_duplicate_keys = false});
  CHECK(v == json::parse(R"({"a": 2})"));
}

TEST_CASE("json reader: a refusal names what was expected and the value refused", "[unit][json]") {
  auto doc = json::parse(R"({"launchMode": "NATIV", "count": "three", "long": ")" + std::string(200, 'x') + R"("})");
  object_reader f(doc, "$.images[2]");
  auto e = refusal([&] { f.enumeration("launchMode", {"NATIVE", "EMULATED", "CUSTOM"}); });
  CHECK(e.path == "$.images[2].launchMode");
  CHECK(e.expected == "one of NATIVE, EMULATED, CUSTOM");
  CHECK(e.refused == "\"NATIV\"");
  CHECK(e.suggestion == "NATIVE");
  CHECK(e.message() ==
        R"($.images[2].launchMode: one of NATIVE, EMULATED, CUSTOM; got "NATIV" (did you mean "NATIVE"?))");

  e = refusal([&] { f.enumeration("launchMode", {"EMULATED", "CUSTOM"}); });
  CHECK(e.suggestion.empty());
  CHECK(e.detail() == R"(one of EMULATED, CUSTOM; got "NATIV")");

  e = refusal([&] { f.integer("count", 1, 10); });
  CHECK(e.detail() == R"(an integer from 1 to 10; got "three")");

  e = refusal([&] { f.string("long", false, 1, 100); });
  CHECK(e.refused.size() == 63);
  CHECK(e.refused.ends_with("..."));

  e = refusal([&] { f.ocid("compartmentId", true); });
  CHECK(e.what == input_error::kind::missing);
  CHECK(e.path == "$.images[2].compartmentId");
  CHECK(e.detail() == "an OCID (ocid1.<type>.<realm>.[region].<unique>) (required)");
}

TEST_CASE("json reader: unknown keys are ignored, or refused with did-you-mean and the keys", "[unit][json]") {
  auto doc = json::parse(R"({"compartmentID": "x", "displayName": "d"})");
  object_reader lenient(doc, "$");
  CHECK(lenient.string("displayName") == "d");

  auto e = refusal([&] { object_reader strict(doc, "$.instances[0]", {"compartmentId", "displayName"}); });
  CHECK(e.path == "$.instances[0].compartmentID");
  CHECK(e.detail() == R"(a known key (did you mean "compartmentId"?); the keys here are compartmentId, displayName)");

  e = refusal([&] { object_reader strict(json::value(7), "$.instances[0]", {"compartmentId"}, "an instance object"); });
  CHECK(e.path == "$.instances[0]");
  CHECK(e.detail() == "an instance object; got 7");
}

TEST_CASE("json reader: null is absent, or a value refused where it does not fit", "[unit][json]") {
  auto doc = json::parse(R"({"times": null})");
  object_reader absent(doc, "$");
  CHECK_FALSE(absent.whole("times", 1, 10, "a whole number >= 1"));
  object_reader strict(doc, "$");
  strict.strict_null();
  auto e = refusal([&] { strict.whole("times", 1, 10, "a whole number >= 1"); });
  CHECK(e.message() == "$.times: a whole number >= 1; got null");
}

TEST_CASE("json reader: read_input makes a refusal an invalid_input of its source", "[unit][json]") {
  try {
    ocifake::detail::read_input("mine.json", [] { return ocifake::detail::parse_json(R"({"a": 1, "a": 2})"); });
    FAIL("the repeated key was accepted");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.source() == "mine.json");
    CHECK(e.path() == "$.a");
    CHECK(std::string(e.what()) ==
          "mine.json: $.a: a key that appears once in its object (it appears again at line 1, column 10)");
  }
}

TEST_CASE("json reader: the api layer makes a refusal OCI's 400 naming the field", "[unit][json][api]") {
  using ocifake::detail::to_api_error;
  auto e = to_api_error(input_error(input_error::kind::invalid, "$.launchOptions.firmware", "one of BIOS, UEFI_64",
                                    "\"UEFI64\"", "UEFI_64"));
  CHECK(e.status == 400);
  CHECK(e.code == "InvalidParameter");
  CHECK(e.message == R"(launchOptions.firmware: one of BIOS, UEFI_64; got "UEFI64" (did you mean "UEFI_64"?))");

  e = to_api_error(input_error(input_error::kind::missing, "$.compartmentId", "an OCID (required)"));
  CHECK(e.code == "MissingParameter");
  CHECK(e.message == "compartmentId: an OCID (required)");

  e = to_api_error(input_error(input_error::kind::syntax, "$", "JSON text (syntax error at line 1, column 2)"));
  CHECK(e.code == "CannotParseRequest");
  CHECK(e.message == "the request body is not valid JSON text (syntax error at line 1, column 2)");

  e = to_api_error(input_error(input_error::kind::invalid, "$", "a JSON object", "[]"));
  CHECK(e.message == "the request body: a JSON object; got []");
}
