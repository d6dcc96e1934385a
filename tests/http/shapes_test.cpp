// The image shape compatibility entries over HTTP.
#include "catch_compat.hpp"

#include "api_support.hpp"

namespace json = boost::json;

namespace {

struct fixture : test::api_fixture {
  // An AVAILABLE image that lists no shapes yet: a scenario's image has the shapes it names and no
  // others (a created one starts with its base image's and its instance's, platform_images_test.cpp).
  std::string id = seeded();
  std::string seeded() {
    fake.apply(ocifake::scenario::parse(R"({"name": "shapes", "images": [{"compartmentId": ")" + test::compartment +
                                        R"(", "displayName": "no shapes yet"}]})"));
    return fake.images().back().id;
  }
  std::string shapes() { return "/20160918/images/" + id + "/shapes"; }
  std::string shape(const std::string& name) { return shapes() + "/" + name; }
};

std::vector<std::string> names_of(const json::array& a) {
  std::vector<std::string> out;
  for (const auto& v : a) out.push_back(test::str(v, "shape"));
  return out;
}

}  // namespace

TEST_CASE_METHOD(fixture, "AddImageShapeCompatibilityEntry without a body adds the shape without constraints",
                 "[http][shapes]") {
  auto r = put(shape("VM.Standard2.1"), "");
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(r.json() == json::parse(R"({"imageId":")" + id + R"(","shape":"VM.Standard2.1"})"));
  CHECK(r.has("opc-request-id"));
}

TEST_CASE_METHOD(fixture, "AddImageShapeCompatibilityEntry keeps memory and OCPU constraints", "[http][shapes]") {
  auto r =
      put(shape("VM.Standard.E4.Flex"),
          R"({"memoryConstraints":{"minInGBs":1,"maxInGBs":1024},"ocpuConstraints":{"min":1,"max":64},"other":true})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto entry = r.object();
  CHECK(entry["memoryConstraints"] == json::parse(R"({"minInGBs":1,"maxInGBs":1024})"));
  CHECK(entry["ocpuConstraints"] == json::parse(R"({"min":1,"max":64})"));
  CHECK(get(shape("VM.Standard.E4.Flex")).json() == r.json());
  // A PUT of an existing shape replaces its constraints.
  auto again = put(shape("VM.Standard.E4.Flex"), R"({"ocpuConstraints":{"min":2}})");
  CHECK(again.status == 200);
  CHECK(again.json() ==
        json::parse(R"({"imageId":")" + id + R"(","shape":"VM.Standard.E4.Flex","ocpuConstraints":{"min":2}})"));
  CHECK(get(shapes()).array().size() == 1);
}

TEST_CASE_METHOD(fixture, "AddImageShapeCompatibilityEntry refuses bad constraints, naming the field",
                 "[http][shapes]") {
  struct row {
    std::string body, code, field;
  };
  std::vector<row> rows = {
      {"{", "CannotParseRequest", ""},
      {"[1]", "InvalidParameter", "body"},
      {R"({"memoryConstraints":5})", "InvalidParameter", "memoryConstraints"},
      {R"({"memoryConstraints":{"minInGBs":8,"maxInGBs":4}})", "InvalidParameter", "memoryConstraints.minInGBs"},
      {R"({"memoryConstraints":{"minInGBs":-1}})", "InvalidParameter", "memoryConstraints.minInGBs"},
      {R"({"memoryConstraints":{"maxInGBs":1.5}})", "InvalidParameter", "memoryConstraints.maxInGBs"},
      {R"({"memoryConstraints":{"maxInGBs":"16"}})", "InvalidParameter", "memoryConstraints.maxInGBs"},
      {R"({"ocpuConstraints":{"min":4,"max":2}})", "InvalidParameter", "ocpuConstraints.min"},
      {R"({"ocpuConstraints":{"max":-3}})", "InvalidParameter", "ocpuConstraints.max"},
      {R"({"ocpuConstraints":[]})", "InvalidParameter", "ocpuConstraints"},
  };
  for (const auto& r : rows) {
    INFO("body: " << r.body);
    auto a = put(shape("VM.Standard2.1"), r.body);
    CHECK(a.status == 400);
    CHECK(a.code() == r.code);
    if (!r.field.empty()) CHECK(a.message().find(r.field) != std::string::npos);
  }
  CHECK(get(shapes()).array().empty());
  // Equal bounds and zero are fine.
  CHECK(put(shape("VM.Standard2.1"),
            R"({"memoryConstraints":{"minInGBs":0,"maxInGBs":0},"ocpuConstraints":{"min":2,"max":2}})")
            .status == 200);
}

TEST_CASE_METHOD(fixture, "AddImageShapeCompatibilityEntry refuses a shape name over 255 characters",
                 "[http][shapes]") {
  auto r = put(shape(std::string(256, 's')), "");
  CHECK(r.status == 400);
  CHECK(r.code() == "InvalidParameter");
  CHECK(r.message().find("shapeName") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "GetImageShapeCompatibilityEntry of a shape the image does not list is 404",
                 "[http][shapes]") {
  auto r = get(shape("VM.Standard2.1"));
  CHECK(r.status == 404);
  CHECK(r.code() == "NotAuthorizedOrNotFound");
  CHECK(r.message().find("VM.Standard2.1") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "RemoveImageShapeCompatibilityEntry answers 204; the shape is then gone", "[http][shapes]") {
  REQUIRE(put(shape("VM.Standard2.1"), "").status == 200);
  auto r = del(shape("VM.Standard2.1"));
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK(get(shape("VM.Standard2.1")).status == 404);
  auto again = del(shape("VM.Standard2.1"));
  CHECK(again.status == 404);
  CHECK(again.code() == "NotAuthorizedOrNotFound");
}

TEST_CASE_METHOD(fixture, "ListImageShapeCompatibilityEntries answers the entries in shape-name order",
                 "[http][shapes]") {
  for (auto s : {"VM.Standard2.1", "BM.Standard3.64", "VM.Standard.E4.Flex"}) REQUIRE(put(shape(s), "").status == 200);
  auto r = get(shapes());
  CHECK(r.status == 200);
  CHECK(names_of(r.array()) == std::vector<std::string>{"BM.Standard3.64", "VM.Standard.E4.Flex", "VM.Standard2.1"});
  CHECK(test::str(r.array().at(0), "imageId") == id);
  CHECK_FALSE(r.has("opc-next-page"));
}

TEST_CASE_METHOD(fixture, "ListImageShapeCompatibilityEntries pages with limit and opc-next-page", "[http][shapes]") {
  for (auto s : {"s1", "s2", "s3", "s4", "s5"}) REQUIRE(put(shape(s), "").status == 200);
  std::vector<std::string> seen;
  std::string page;
  int pages = 0;
  for (;;) {
    auto r = get(shapes() + "?limit=2" + (page.empty() ? "" : "&page=" + page));
    REQUIRE(r.status == 200);
    CHECK(r.array().size() <= 2);
    for (const auto& n : names_of(r.array())) seen.push_back(n);
    ++pages;
    if (!r.has("opc-next-page")) break;
    page = r.header("opc-next-page");
    if (pages == 1) REQUIRE(put(shape("s0"), "").status == 200);  // before the cursor: not seen
  }
  CHECK(pages == 3);
  CHECK(seen == std::vector<std::string>{"s1", "s2", "s3", "s4", "s5"});
  for (auto bad : {"0", "101", "x"}) {
    auto r = get(shapes() + "?limit=" + bad);
    CHECK(r.status == 400);
    CHECK(r.message().find("limit") != std::string::npos);
  }
  auto forged = get(shapes() + "?page=nope");
  CHECK(forged.status == 400);
  CHECK(forged.message().find("page") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "Shape operations on an unknown image are 404", "[http][shapes]") {
  std::string base = "/20160918/images/ocid1.image.oc1.phx.aaaaaaaamissing/shapes";
  CHECK(get(base).status == 404);
  CHECK(get(base + "/VM.Standard2.1").status == 404);
  CHECK(put(base + "/VM.Standard2.1", "").status == 404);
  CHECK(del(base + "/VM.Standard2.1").status == 404);
}

TEST_CASE_METHOD(fixture, "Shapes of a DELETED image can be read but not changed", "[http][shapes]") {
  REQUIRE(put(shape("VM.Standard2.1"), "").status == 200);
  REQUIRE(del("/20160918/images/" + id).status == 204);
  CHECK(get(shapes()).array().size() == 1);
  CHECK(get(shape("VM.Standard2.1")).status == 200);
  auto add = put(shape("VM.Standard2.2"), "");
  CHECK(add.status == 404);
  CHECK(add.code() == "NotAuthorizedOrNotFound");
  CHECK(del(shape("VM.Standard2.1")).status == 404);
}
