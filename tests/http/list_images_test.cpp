// ListImages over HTTP: filters, sort orders, limits, page tokens and keyset paging.
#include "catch_compat.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "api_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The order, filters and paging of custom images, without the catalogue of platform images
// (platform_images_test.cpp lists both).
struct fixture : test::api_fixture {
  fixture() : api_fixture(without_platform_images()) {}
  // An image named `name`, created after the clock moved on by `step`.
  std::string named(const std::string& name, std::chrono::milliseconds step = 1ms) {
    fake.clock().advance(step);
    return test::str(create("\"displayName\":\"" + name + "\"").json(), "id");
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "ListImages answers a bare array of the compartment's images, newest first", "[http][list]") {
  auto a = named("a"), b = named("b"), c3 = named("c");
  auto r = list();
  CHECK(r.status == 200);
  REQUIRE(r.json().is_array());
  CHECK(test::ids_of(r.array()) == std::vector<std::string>{c3, b, a});
  CHECK_FALSE(r.has("opc-next-page"));
  CHECK(r.has("opc-request-id"));
  auto first = r.array().at(0).as_object();
  CHECK(first["displayName"] == "c");
  CHECK(test::str(first, "compartmentId") == test::compartment);
  CHECK(first["lifecycleState"] == "PROVISIONING");
}

TEST_CASE_METHOD(fixture, "ListImages leaves out images of other compartments", "[http][list]") {
  auto mine = named("mine");
  auto other = fake.add_instance({.compartment_id = "ocid1.compartment.oc1..aaaaaaaaother"});
  REQUIRE(post("/20160918/images",
               R"({"compartmentId":"ocid1.compartment.oc1..aaaaaaaaother","instanceId":")" + other + "\"}")
              .status == 200);
  CHECK(test::ids_of(list().array()) == std::vector<std::string>{mine});
  CHECK(get("/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaaother").array().size() == 1);
}

TEST_CASE_METHOD(fixture, "ListImages without compartmentId is 400 MissingParameter", "[http][list]") {
  auto r = get("/20160918/images");
  CHECK(r.status == 400);
  CHECK(r.code() == "MissingParameter");
  CHECK(r.message().find("compartmentId") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "ListImages with a compartmentId that is not an OCID is 400 InvalidParameter",
                 "[http][list]") {
  for (auto bad : {"", "compartment-1"}) {
    auto r = get(std::string("/20160918/images?compartmentId=") + bad);
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message().find("compartmentId") != std::string::npos);
  }
}

TEST_CASE("ListImages of an unknown compartment is 404 when compartments are strict", "[http][list]") {
  ocifake::server fake;
  fake.add_compartment(test::compartment);
  test::client c(fake);
  auto r = test::take(c.get("/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaaother"));
  CHECK(r.status == 404);
  CHECK(r.code() == "NotAuthorizedOrNotFound");
  CHECK(r.message().find("compartmentId") != std::string::npos);
  CHECK(test::take(c.get("/20160918/images?compartmentId=" + test::compartment)).status == 200);
}

TEST_CASE_METHOD(fixture, "ListImages sorts by TIMECREATED ascending on request", "[http][list]") {
  auto a = named("a"), b = named("b"), c3 = named("c");
  CHECK(test::ids_of(list("&sortBy=TIMECREATED&sortOrder=ASC").array()) == std::vector<std::string>{a, b, c3});
  CHECK(test::ids_of(list("&sortBy=TIMECREATED").array()) == std::vector<std::string>{c3, b, a});
  CHECK(test::ids_of(list("&sortOrder=ASC").array()) == std::vector<std::string>{a, b, c3});
}

TEST_CASE_METHOD(fixture, "ListImages orders images created in the same millisecond by creation", "[http][list]") {
  auto a = named("a", 0ms), b = named("b", 0ms), c3 = named("c", 0ms);
  CHECK(test::ids_of(list().array()) == std::vector<std::string>{c3, b, a});
  CHECK(test::ids_of(list("&sortOrder=ASC").array()) == std::vector<std::string>{a, b, c3});
}

TEST_CASE_METHOD(fixture, "ListImages sorts by DISPLAYNAME ascending by default, in byte order", "[http][list]") {
  auto lower = named("alpha"), upper = named("Zeta"), digit = named("9lives"), lower2 = named("beta");
  // Byte order: digits, then upper case, then lower case.
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME").array()) == std::vector<std::string>{digit, upper, lower, lower2});
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME&sortOrder=DESC").array()) ==
        std::vector<std::string>{lower2, lower, upper, digit});
}

TEST_CASE_METHOD(fixture, "ListImages by DISPLAYNAME keeps up with images created, renamed and reset after the first",
                 "[http][list]") {
  // The name order is built when a list first asks for it, then kept up to date.
  auto b = named("b"), d = named("d");
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME").array()) == std::vector<std::string>{b, d});
  auto a = named("a"), c3 = named("c");
  REQUIRE(put("/20160918/images/" + d, R"({"displayName":"0-first"})").status == 200);
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME").array()) == std::vector<std::string>{d, a, b, c3});
  fake.reset();
  instance = fake.add_instance({.compartment_id = test::compartment});
  CHECK(list("&sortBy=DISPLAYNAME").array().empty());
  auto e = named("e"), f = named("f");
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME").array()) == std::vector<std::string>{e, f});
  REQUIRE(put("/20160918/images/" + f, R"({"displayName":"0-first"})").status == 200);
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME").array()) == std::vector<std::string>{f, e});
}

TEST_CASE_METHOD(fixture, "ListImages refuses an unknown sortBy or sortOrder, naming it", "[http][list]") {
  for (auto [query, field] : {std::pair{"&sortBy=NAME", "sortBy"},
                              {"&sortBy=displayname", "sortBy"},
                              {"&sortOrder=DOWN", "sortOrder"},
                              {"&sortOrder=asc", "sortOrder"}}) {
    INFO(query);
    auto r = list(query);
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message().find(field) != std::string::npos);
  }
}

TEST_CASE_METHOD(fixture, "ListImages filters by exact displayName", "[http][list]") {
  auto a = named("web"), b = named("web"), other = named("web-2");
  (void)other;
  CHECK(test::ids_of(list("&displayName=web").array()) == std::vector<std::string>{b, a});
  CHECK(list("&displayName=WEB").array().empty());
  auto r = list("&displayName=");
  CHECK(r.status == 400);
  CHECK(r.message().find("displayName") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "ListImages form-decodes query values: '+' and %20 are spaces, %2B a plus", "[http][list]") {
  auto spaced = named("my image"), plus = named("a+b"), spaced2 = named("a b");
  c.http.set_url_encode(false);  // send the query exactly as written
  CHECK(test::ids_of(list("&displayName=my%20image").array()) == std::vector<std::string>{spaced});
  CHECK(test::ids_of(list("&displayName=my+image").array()) ==
        std::vector<std::string>{spaced});  // Python, Go, Java, CLI
  CHECK(test::ids_of(list("&displayName=a+b").array()) == std::vector<std::string>{spaced2});
  CHECK(test::ids_of(list("&displayName=a%2Bb").array()) == std::vector<std::string>{plus});
  CHECK(test::ids_of(list("&displayName=a%20b").array()) == std::vector<std::string>{spaced2});
  auto bad = list("&displayName=%zz");
  CHECK(bad.status == 400);
  CHECK(bad.code() == "InvalidParameter");
}

TEST_CASE_METHOD(fixture, "ListImages?operatingSystem=Oracle+Linux finds Oracle Linux images, as the SDKs send it",
                 "[http][list]") {
  auto ol = named("ol");  // created from an Oracle Linux instance
  auto imported =
      test::str(post("/20160918/images", test::import_body(R"("operatingSystem":"Canonical Ubuntu")")).json(), "id");
  c.http.set_url_encode(false);
  CHECK(test::ids_of(list("&operatingSystem=Oracle+Linux").array()) == std::vector<std::string>{ol});
  CHECK(test::ids_of(list("&operatingSystem=Canonical+Ubuntu").array()) == std::vector<std::string>{imported});
}

TEST_CASE_METHOD(fixture, "ListImages filters by operatingSystem and operatingSystemVersion", "[http][list]") {
  auto ol8 = named("ol8");
  auto ubuntu = test::str(
      post("/20160918/images", test::import_body(R"("operatingSystem":"Ubuntu","operatingSystemVersion":"22.04")"))
          .json(),
      "id");
  auto ubuntu20 = test::str(
      post("/20160918/images", test::import_body(R"("operatingSystem":"Ubuntu","operatingSystemVersion":"20.04")"))
          .json(),
      "id");
  CHECK(test::ids_of(list("&operatingSystem=Oracle%20Linux").array()) == std::vector<std::string>{ol8});
  CHECK(test::ids_of(list("&operatingSystem=Ubuntu&sortOrder=ASC").array()) ==
        std::vector<std::string>{ubuntu, ubuntu20});
  CHECK(test::ids_of(list("&operatingSystem=Ubuntu&operatingSystemVersion=20.04").array()) ==
        std::vector<std::string>{ubuntu20});
  CHECK(test::ids_of(list("&operatingSystemVersion=8").array()) == std::vector<std::string>{ol8});
  CHECK(list("&operatingSystem=Windows").array().empty());
}

TEST_CASE_METHOD(fixture, "ListImages filters by shape compatibility", "[http][list]") {
  auto a = available(), b = available();
  REQUIRE(put("/20160918/images/" + a + "/shapes/VM.Standard.E4.Flex", "").status == 200);
  REQUIRE(put("/20160918/images/" + b + "/shapes/VM.Standard2.1", "").status == 200);
  REQUIRE(put("/20160918/images/" + b + "/shapes/VM.Standard.E4.Flex", "").status == 200);
  CHECK(test::ids_of(list("&shape=VM.Standard2.1").array()) == std::vector<std::string>{b});
  CHECK(test::ids_of(list("&shape=VM.Standard.E4.Flex&sortOrder=ASC").array()) == std::vector<std::string>{a, b});
  CHECK(list("&shape=BM.Standard3.64").array().empty());
}

TEST_CASE_METHOD(fixture, "ListImages filters by lifecycleState, case-insensitively", "[http][list]") {
  auto ready = available();
  auto busy = test::str(create().json(), "id");
  CHECK(test::ids_of(list("&lifecycleState=AVAILABLE").array()) == std::vector<std::string>{ready});
  CHECK(test::ids_of(list("&lifecycleState=available").array()) == std::vector<std::string>{ready});
  CHECK(test::ids_of(list("&lifecycleState=Provisioning").array()) == std::vector<std::string>{busy});
  CHECK(list("&lifecycleState=EXPORTING").array().empty());
  auto r = list("&lifecycleState=READY");
  CHECK(r.status == 400);
  CHECK(r.code() == "InvalidParameter");
  CHECK(r.message().find("lifecycleState") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "ListImages shows DELETED images only when lifecycleState=DELETED asks for them",
                 "[http][list]") {
  auto kept = available(), gone = available();
  REQUIRE(del("/20160918/images/" + gone).status == 204);
  CHECK(test::ids_of(list().array()) == std::vector<std::string>{kept});
  CHECK(test::ids_of(list("&lifecycleState=DELETED").array()) == std::vector<std::string>{gone});
  CHECK(test::ids_of(list("&lifecycleState=deleted").array()) == std::vector<std::string>{gone});
}

TEST_CASE_METHOD(fixture, "ListImages does not count as a read but shows the end of immediate phases", "[http][list]") {
  auto polled = test::str(create().json(), "id");  // polls(1): one counted read sees PROVISIONING
  for (int i = 0; i < 3; ++i) CHECK(test::str(list().array().at(0), "lifecycleState") == "PROVISIONING");
  CHECK(state_of(polled) == "PROVISIONING");
  CHECK(state_of(polled) == "AVAILABLE");

  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  auto quick = test::str(create().json(), "id");
  auto listed = list("&lifecycleState=AVAILABLE").array();
  CHECK(test::ids_of(listed) == std::vector<std::string>{quick, polled});

  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::after(std::chrono::minutes(5)));
  auto slow = test::str(create().json(), "id");
  CHECK(test::str(list().array().at(0), "lifecycleState") == "PROVISIONING");
  fake.clock().advance(std::chrono::minutes(5));
  CHECK(test::str(list().array().at(0), "id") == slow);
  CHECK(test::str(list().array().at(0), "lifecycleState") == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "ListImages refuses a limit outside 1 to 100, naming it", "[http][list]") {
  for (auto bad : {"0", "101", "-1", "abc", "", "1.5", "+5", "99999999999999999999"}) {
    INFO("limit=" << bad);
    auto r = list(std::string("&limit=") + bad);
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message().find("limit") != std::string::npos);
  }
  CHECK(list("&limit=1").status == 200);
  CHECK(list("&limit=100").status == 200);
}

TEST_CASE_METHOD(fixture, "ListImages answers 100 images a page by default", "[http][list]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  for (int i = 0; i < 101; ++i) create();
  auto first = list();
  CHECK(first.array().size() == 100);
  REQUIRE(first.has("opc-next-page"));
  auto second = list("&page=" + first.header("opc-next-page"));
  CHECK(second.array().size() == 1);
  CHECK_FALSE(second.has("opc-next-page"));
}

TEST_CASE_METHOD(fixture, "ListImages sends opc-next-page only while more images remain", "[http][list]") {
  std::vector<std::string> ids;
  for (auto n : {"a", "b", "c", "d"}) ids.push_back(named(n));
  auto p1 = list("&limit=2&sortOrder=ASC");
  CHECK(test::ids_of(p1.array()) == std::vector<std::string>{ids[0], ids[1]});
  REQUIRE(p1.has("opc-next-page"));
  auto p2 = list("&limit=2&sortOrder=ASC&page=" + p1.header("opc-next-page"));
  CHECK(test::ids_of(p2.array()) == std::vector<std::string>{ids[2], ids[3]});
  CHECK_FALSE(p2.has("opc-next-page"));
  // Exactly `limit` images: no header on the only page.
  CHECK_FALSE(list("&limit=4").has("opc-next-page"));
  // Images left out by a filter do not make a next page.
  auto filtered = list("&limit=1&displayName=d");
  CHECK(filtered.array().size() == 1);
  CHECK_FALSE(filtered.has("opc-next-page"));
}

TEST_CASE_METHOD(fixture, "ListImages refuses a forged or altered page token with 400 naming page", "[http][list]") {
  for (auto n : {"a", "b", "c"}) named(n);
  auto token = list("&limit=1").header("opc-next-page");
  REQUIRE_FALSE(token.empty());
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  std::string tampered = token;
  tampered.front() = tampered.front() == 'V' ? 'U' : 'V';
  for (const auto& bad : {std::string("abc"), std::string("1"), std::string("VEQxOjA.AAAAAAAAAAAAAAAAAAAAAA"), altered,
                          tampered, token + "x", token.substr(0, token.size() - 1)}) {
    INFO("page=" << bad);
    auto r = list("&limit=1&page=" + bad);
    CHECK(r.status == 400);
    CHECK(r.code() == "InvalidParameter");
    CHECK(r.message().find("page") != std::string::npos);
  }
  CHECK(list("&limit=1&page=" + token).status == 200);
}

TEST_CASE_METHOD(fixture, "ListImages refuses a page token given for another sort, compartment or list",
                 "[http][list]") {
  for (auto n : {"a", "b", "c"}) named(n);
  auto by_time = list("&limit=1").header("opc-next-page");
  auto by_name = list("&limit=1&sortBy=DISPLAYNAME").header("opc-next-page");
  REQUIRE_FALSE(by_time.empty());
  REQUIRE_FALSE(by_name.empty());
  CHECK(list("&limit=1&sortBy=DISPLAYNAME&page=" + by_time).status == 400);
  CHECK(list("&limit=1&sortOrder=ASC&page=" + by_time).status == 400);
  CHECK(list("&limit=1&page=" + by_name).status == 400);
  CHECK(list("&limit=1&sortBy=DISPLAYNAME&page=" + by_name).status == 200);
  auto other = get("/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaaother&page=" + by_time);
  CHECK(other.status == 400);
  CHECK(other.message().find("page") != std::string::npos);
  auto wrs = get("/20160918/workRequests?compartmentId=" + test::compartment + "&limit=1");
  REQUIRE(wrs.has("opc-next-page"));
  auto crossed = list("&page=" + wrs.header("opc-next-page"));
  CHECK(crossed.status == 400);
  CHECK(crossed.message().find("page") != std::string::npos);
  // A token from another server (another seed) is not this list's either.
  ocifake::server other_fake{{.seed = 12}};
  test::client oc(other_fake);
  auto foreign = test::take(oc.get("/20160918/images?compartmentId=" + test::compartment + "&page=" + by_time));
  CHECK(foreign.status == 400);
}

namespace {

// The key a sort orders by, so a walk can be checked to be in order.
struct sort_case {
  const char* query;
  bool by_name;
  bool descending;
};

}  // namespace

TEST_CASE_METHOD(fixture,
                 "ListImages pages through thousands of images without repeats or gaps while images are created",
                 "[http][list][paging]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  std::mt19937 rng(5);
  auto random_name = [&] {
    // Few distinct names, so that many images share one and the creation order breaks the ties.
    static const char* stems[] = {"web", "Web", "db", "cache", "ZED", "a+b", "mid", "x"};
    return std::string(stems[rng() % 8]) + "-" + std::to_string(rng() % 40);
  };
  std::map<std::string, std::pair<std::string, std::string>> keys;  // id -> (timeCreated, displayName)
  auto make = [&] {
    if (rng() % 3 == 0) fake.clock().advance(1ms);  // some share a millisecond, some do not
    auto name = random_name();
    auto img = create("\"displayName\":\"" + name + "\"").object();
    keys[std::string(img["id"].as_string())] = {std::string(img["timeCreated"].as_string()), name};
  };
  for (int i = 0; i < 2500; ++i) make();

  for (auto sc :
       {sort_case{"", false, true}, sort_case{"&sortOrder=ASC", false, false},
        sort_case{"&sortBy=DISPLAYNAME", true, false}, sort_case{"&sortBy=DISPLAYNAME&sortOrder=DESC", true, true}}) {
    INFO("sort: " << sc.query);
    std::set<std::string> before;
    for (const auto& [id, k] : keys) before.insert(id);
    std::vector<std::string> walked;
    std::string page;
    int pages = 0;
    for (;;) {
      auto r = list(std::string(sc.query) + "&limit=97" + (page.empty() ? "" : "&page=" + page));
      REQUIRE(r.status == 200);
      for (const auto& v : r.array()) walked.push_back(test::str(v, "id"));
      ++pages;
      if (!r.has("opc-next-page")) break;
      page = r.header("opc-next-page");
      for (int k = 0; k < 3; ++k) make();  // created between pages
      REQUIRE(pages < 200);
    }
    std::set<std::string> seen(walked.begin(), walked.end());
    CHECK(seen.size() == walked.size());  // no image twice
    std::vector<std::string> missing;
    std::set_difference(before.begin(), before.end(), seen.begin(), seen.end(), std::back_inserter(missing));
    CHECK(missing.empty());  // nothing that existed at the start skipped
    // The walk is in the order asked for (ties in creation order).
    bool ordered = true;
    for (std::size_t i = 1; i < walked.size(); ++i) {
      const auto& a = keys[walked[i - 1]];
      const auto& b = keys[walked[i]];
      const auto& ka = sc.by_name ? a.second : a.first;
      const auto& kb = sc.by_name ? b.second : b.first;
      if (sc.descending ? ka < kb : kb < ka) ordered = false;
    }
    CHECK(ordered);
  }
}
