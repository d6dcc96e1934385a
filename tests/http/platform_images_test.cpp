// Platform images: the catalogue, ListImages across platform and custom images, read-only
// platform images, the catalogue in scenarios, state documents and the admin API, and the shapes of
// new images.
#include "catch_compat.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "api_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string other_compartment = "ocid1.compartment.oc1..aaaaaaaaother";

struct fixture : test::api_fixture {
  // Queries go exactly as written: form-encoded, as Terraform's Go client and most SDKs send them.
  fixture() { c.http.set_url_encode(false); }
  std::vector<std::string> platform_ids() {
    std::vector<std::string> out;
    for (const auto& i : fake.platform_images()) out.push_back(i.id);
    return out;
  }
  // The platform images' ids, newest first (ties in the order they were added, newest first).
  std::vector<std::string> platform_newest_first() {
    auto all = fake.platform_images();
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.time_created < b.time_created; });
    std::vector<std::string> out;
    for (auto it = all.rbegin(); it != all.rend(); ++it) out.push_back(it->id);
    return out;
  }
  std::vector<std::string> walk(const std::string& query, int limit) {
    std::vector<std::string> out;
    std::string page;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = list(query + "&limit=" + std::to_string(limit) + (page.empty() ? "" : "&page=" + page));
      INFO(r.body);
      REQUIRE(r.status == 200);
      for (const auto& id : test::ids_of(r.array())) out.push_back(id);
      if (!r.has("opc-next-page")) break;
      page = r.header("opc-next-page");
    }
    return out;
  }
  std::vector<std::string> shapes_of(const std::string& id) {
    std::vector<std::string> out;
    for (const auto& e : get("/20160918/images/" + id + "/shapes").array()) out.push_back(test::str(e, "shape"));
    return out;
  }
};

std::string name_of(const json::value& v) { return test::str(v, "displayName"); }

}  // namespace

TEST_CASE_METHOD(fixture,
                 "platform images: the catalogue holds three builds of each distribution, named as OCI names them",
                 "[http][platform]") {
  auto catalogue = fake.platform_images();
  REQUIRE(catalogue.size() == 21);
  std::map<std::string, std::vector<std::string>> by_distribution;  // name without the build -> builds
  const std::regex name(R"((.+)-(\d{4}\.\d{2}\.\d{2})-0)");
  for (const auto& i : catalogue) {
    std::smatch m;
    INFO(i.display_name);
    REQUIRE(std::regex_match(i.display_name, m, name));
    by_distribution[m[1]].push_back(m[2]);
    CHECK(i.lifecycle_state == "AVAILABLE");
    CHECK(i.launch_mode == "NATIVE");
    CHECK(i.compartment_id.empty());
  }
  CHECK(by_distribution == std::map<std::string, std::vector<std::string>>{
                               {"Canonical-Ubuntu-22.04", {"2024.06.26", "2024.07.18", "2024.08.15"}},
                               {"Canonical-Ubuntu-24.04", {"2024.06.26", "2024.07.29", "2024.08.28"}},
                               {"Oracle-Linux-8.10", {"2024.06.30", "2024.07.31", "2024.08.29"}},
                               {"Oracle-Linux-8.10-aarch64", {"2024.06.30", "2024.07.31", "2024.08.29"}},
                               {"Oracle-Linux-9.4", {"2024.06.30", "2024.07.31", "2024.08.29"}},
                               {"Oracle-Linux-9.4-aarch64", {"2024.06.30", "2024.07.31", "2024.08.29"}},
                               {"Windows-Server-2022-Standard-Edition-VM", {"2024.06.12", "2024.07.10", "2024.08.13"}},
                           });
}

TEST_CASE_METHOD(fixture, "platform images: GetImage answers one as the real service does", "[http][platform]") {
  auto catalogue = fake.platform_images();
  auto it = std::find_if(catalogue.begin(), catalogue.end(),
                         [](const auto& i) { return i.display_name == "Oracle-Linux-9.4-2024.08.29-0"; });
  REQUIRE(it != catalogue.end());
  auto r = get("/20160918/images/" + it->id);
  REQUIRE(r.status == 200);
  CHECK(r.header("etag").size() == 64);
  auto o = r.object();
  CHECK(o["compartmentId"].is_null());
  CHECK(o["agentFeatures"].is_null());
  CHECK(o["baseImageId"].is_null());
  CHECK(o["listingType"].is_null());
  CHECK(o["createImageAllowed"] == true);
  CHECK(o["operatingSystem"] == "Oracle Linux");
  CHECK(o["operatingSystemVersion"] == "9");
  CHECK(o["launchMode"] == "NATIVE");
  CHECK(o["lifecycleState"] == "AVAILABLE");
  CHECK(o["sizeInMBs"] == 47694);
  CHECK(o["billableSizeInGBs"].as_int64() < 47694 / 1024);
  CHECK(o["timeCreated"] == "2024-08-29T07:16:00.000Z");
  CHECK(test::str(o, "id").rfind("ocid1.image.oc1.phx.aaaaaaaa", 0) == 0);
  auto lo = o["launchOptions"].as_object();
  CHECK(lo["bootVolumeType"] == "PARAVIRTUALIZED");
  CHECK(lo["networkType"] == "PARAVIRTUALIZED");
  CHECK(lo["remoteDataVolumeType"] == "PARAVIRTUALIZED");
  CHECK(lo["firmware"] == "UEFI_64");
  CHECK(lo["isPvEncryptionInTransitEnabled"] == true);
  CHECK(lo["isConsistentVolumeNamingEnabled"] == true);
}

TEST_CASE_METHOD(fixture, "platform images: x86 images list the VM Flex and fixed shapes, aarch64 ones A1.Flex",
                 "[http][platform]") {
  for (const auto& i : fake.platform_images()) {
    INFO(i.display_name);
    auto entries = get("/20160918/images/" + i.id + "/shapes").array();
    std::map<std::string, json::object> by_shape;
    for (const auto& e : entries) {
      CHECK(test::str(e, "imageId") == i.id);
      by_shape[test::str(e, "shape")] = e.as_object();
    }
    if (i.display_name.find("aarch64") != std::string::npos) {
      REQUIRE(by_shape.size() == 1);
      auto a1 = by_shape.at("VM.Standard.A1.Flex");
      CHECK(a1["ocpuConstraints"] == json::object{{"min", 1}, {"max", 80}});
      CHECK(a1["memoryConstraints"] == json::object{{"minInGBs", 1}, {"maxInGBs", 512}});
      continue;
    }
    for (auto shape : {"VM.Standard.E4.Flex", "VM.Standard.E5.Flex", "VM.Standard3.Flex"}) {
      INFO(shape);
      REQUIRE(by_shape.count(shape));
      CHECK(by_shape[shape]["ocpuConstraints"].as_object()["min"] == 1);
      CHECK(by_shape[shape]["memoryConstraints"].as_object()["maxInGBs"].as_int64() >= 512);
    }
    CHECK(by_shape["VM.Standard.E4.Flex"]["ocpuConstraints"] == json::object{{"min", 1}, {"max", 64}});
    CHECK(by_shape.count("VM.Standard2.1"));
    CHECK_FALSE(by_shape.count("VM.Standard.A1.Flex"));
    CHECK_FALSE(by_shape["VM.Standard2.1"].contains("ocpuConstraints"));  // a fixed shape has none
    CHECK(by_shape.count("VM.Standard.E2.1.Micro") == (i.operating_system == "Windows" ? 0 : 1));
    auto one = get("/20160918/images/" + i.id + "/shapes/VM.Standard.E5.Flex");
    CHECK(one.status == 200);
    CHECK(one.object()["ocpuConstraints"] == json::object{{"min", 1}, {"max", 94}});
  }
}

TEST_CASE("platform images: a pca server's catalogue holds Oracle Linux only, with PCA shapes", "[http][platform]") {
  ocifake::server fake({.dialect = ocifake::dialect::pca});
  auto catalogue = fake.platform_images();
  REQUIRE(catalogue.size() == 6);
  test::client c(fake);
  for (const auto& i : catalogue) {
    INFO(i.display_name);
    CHECK(i.operating_system == "Oracle Linux");
    CHECK(i.display_name.find("aarch64") == std::string::npos);
    auto shapes = test::take(c.get("/20160918/images/" + i.id + "/shapes")).json().as_array();
    REQUIRE_FALSE(shapes.empty());
    for (const auto& e : shapes) CHECK(test::str(e, "shape").rfind("VM.PCAStandard", 0) == 0);
  }
}

TEST_CASE_METHOD(fixture, "platform images: ListImages lists them in every compartment, before the compartment's own",
                 "[http][platform][list]") {
  auto mine = available();
  auto other_instance = fake.add_instance({.compartment_id = other_compartment});
  auto theirs = test::str(post("/20160918/images", R"({"compartmentId":")" + other_compartment + R"(","instanceId":")" +
                                                       other_instance + "\"}")
                              .json(),
                          "id");
  auto expected_mine = platform_newest_first();
  auto expected_theirs = expected_mine;
  expected_mine.push_back(mine);
  expected_theirs.push_back(theirs);
  CHECK(test::ids_of(list().array()) == expected_mine);
  CHECK(test::ids_of(get("/20160918/images?compartmentId=" + other_compartment).array()) == expected_theirs);
  // A compartment with no image of its own lists the catalogue.
  CHECK(test::ids_of(get("/20160918/images?compartmentId=ocid1.compartment.oc1..aaaaaaaaempty").array()) ==
        platform_newest_first());
}

TEST_CASE("platform images: strict compartments still refuse an unknown compartment", "[http][platform][list]") {
  ocifake::server fake;
  fake.add_compartment(test::compartment);
  test::client c(fake);
  CHECK(test::take(c.get("/20160918/images?compartmentId=" + other_compartment)).status == 404);
  CHECK(test::take(c.get("/20160918/images?compartmentId=" + test::compartment)).json().as_array().size() == 21);
}

TEST_CASE_METHOD(fixture,
                 "platform images: without sortBy platform images come first in either order; with sortBy one "
                 "order holds all",
                 "[http][platform][list]") {
  std::vector<std::string> custom;  // oldest first
  for (auto n : {"zeta", "Alpha", "mid"}) {
    fake.clock().advance(1ms);
    custom.push_back(test::str(create("\"displayName\":\"" + std::string(n) + "\"").json(), "id"));
  }
  auto platform = platform_newest_first();
  std::vector<std::string> expected = platform;
  expected.insert(expected.end(), custom.rbegin(), custom.rend());
  CHECK(test::ids_of(list().array()) == expected);
  // sortOrder=ASC without sortBy: each part oldest first, platform images still first.
  expected.assign(platform.rbegin(), platform.rend());
  expected.insert(expected.end(), custom.begin(), custom.end());
  CHECK(test::ids_of(list("&sortOrder=ASC").array()) == expected);
  // sortBy=TIMECREATED: the custom images, made now, are newer than every build.
  expected.assign(custom.rbegin(), custom.rend());
  expected.insert(expected.end(), platform.begin(), platform.end());
  CHECK(test::ids_of(list("&sortBy=TIMECREATED").array()) == expected);
  // sortBy=DISPLAYNAME: byte order across both kinds.
  auto by_name = list("&sortBy=DISPLAYNAME").array();
  std::vector<std::string> names;
  for (const auto& v : by_name) names.push_back(name_of(v));
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names.size() == 24);
  CHECK(names.front() == "Alpha");
  CHECK(names.back() == "zeta");
  CHECK(names.at(1) == "Canonical-Ubuntu-22.04-2024.06.26-0");
}

TEST_CASE_METHOD(fixture, "platform images: pages cross from platform to custom images without repeats or gaps",
                 "[http][platform][list][paging]") {
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  for (int i = 0; i < 5; ++i) {
    fake.clock().advance(1ms);
    create("\"displayName\":\"img-" + std::to_string(i) + "\"");
  }
  for (const auto* query : {"", "&sortOrder=ASC", "&sortBy=TIMECREATED", "&sortBy=TIMECREATED&sortOrder=ASC",
                            "&sortBy=DISPLAYNAME", "&sortBy=DISPLAYNAME&sortOrder=DESC"}) {
    auto whole = test::ids_of(list(query).array());
    REQUIRE(whole.size() == 26);
    for (int limit : {1, 3, 7, 21, 25}) {
      INFO(query << " limit=" << limit);
      CHECK(walk(query, limit) == whole);
    }
  }
  // A page that ends on the last platform image still says more follow.
  auto first = list("&limit=21");
  CHECK(first.array().size() == 21);
  REQUIRE(first.has("opc-next-page"));
  auto second = list("&limit=21&page=" + first.header("opc-next-page"));
  CHECK(second.array().size() == 5);
  CHECK_FALSE(second.has("opc-next-page"));
  for (const auto& v : second.array()) CHECK(test::str(v, "compartmentId") == test::compartment);
  // The token is this walk's: another sort refuses it.
  auto other = list("&limit=21&sortBy=TIMECREATED&page=" + first.header("opc-next-page"));
  CHECK(other.status == 400);
  CHECK(other.message().find("without sortBy") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "platform images: filters apply to both kinds", "[http][platform][list]") {
  auto mine = available();  // Oracle Linux 8, from the newest Oracle Linux 8 x86 build
  auto ol8 = list("&operatingSystem=Oracle+Linux&operatingSystemVersion=8").array();
  REQUIRE(ol8.size() == 7);
  CHECK(test::str(ol8.back(), "id") == mine);
  for (const auto& v : ol8) CHECK(test::str(v, "operatingSystemVersion") == "8");
  CHECK(list("&operatingSystem=Canonical%20Ubuntu").array().size() == 6);
  CHECK(list("&operatingSystem=Windows&shape=VM.Standard.E2.1.Micro").array().empty());
  auto one = list("&displayName=Oracle-Linux-9.4-aarch64-2024.07.31-0").array();
  REQUIRE(one.size() == 1);
  CHECK(name_of(one[0]) == "Oracle-Linux-9.4-aarch64-2024.07.31-0");
  CHECK(list("&lifecycleState=AVAILABLE").array().size() == 22);
  CHECK(list("&lifecycleState=PROVISIONING").array().empty());
  CHECK(list("&shape=VM.Standard.A1.Flex").array().size() == 6);
}

TEST_CASE_METHOD(fixture, "platform images: the Terraform lookup finds the newest Oracle Linux 9 x86 build",
                 "[http][platform][list]") {
  // data "oci_core_images": operating_system, operating_system_version, shape, sort_by, sort_order;
  // Terraform's Go client form-encodes the query, so the space is a '+'.
  auto r = list("&operatingSystem=Oracle+Linux&operatingSystemVersion=9&shape=VM.Standard.E4.Flex&sortBy=TIMECREATED&"
                "sortOrder=DESC");
  REQUIRE(r.status == 200);
  auto images = r.array();
  REQUIRE(images.size() == 3);
  CHECK(name_of(images[0]) == "Oracle-Linux-9.4-2024.08.29-0");
  CHECK(name_of(images[2]) == "Oracle-Linux-9.4-2024.06.30-0");
  // The Arm builds answer to their own shape.
  auto arm = list("&operatingSystem=Oracle+Linux&operatingSystemVersion=9&shape=VM.Standard.A1.Flex&sortBy=TIMECREATED&"
                  "sortOrder=DESC");
  REQUIRE(arm.array().size() == 3);
  CHECK(name_of(arm.array()[0]) == "Oracle-Linux-9.4-aarch64-2024.08.29-0");
}

TEST_CASE_METHOD(fixture, "platform images: every change to one is 404 NotAuthorizedOrNotFound; reads answer",
                 "[http][platform]") {
  auto id = fake.platform_images().at(0).id;
  auto before = get("/20160918/images/" + id);
  const std::string path = "/20160918/images/" + id;
  std::vector<std::pair<std::string, test::answer>> changes;
  changes.emplace_back("UpdateImage", put(path, R"({"displayName":"mine"})"));
  changes.emplace_back("DeleteImage", del(path));
  changes.emplace_back("ExportImage",
                       post(path + "/actions/export",
                            R"({"destinationType":"objectStorageUri","destinationUri":"https://x/n/ns/b/b/o/o"})"));
  changes.emplace_back("ChangeImageCompartment",
                       post(path + "/actions/changeCompartment", R"({"compartmentId":")" + test::compartment + "\"}"));
  changes.emplace_back("AddImageShapeCompatibilityEntry", put(path + "/shapes/VM.Standard.E3.Flex", ""));
  changes.emplace_back("RemoveImageShapeCompatibilityEntry", del(path + "/shapes/VM.Standard.E4.Flex"));
  for (const auto& [op, r] : changes) {
    INFO(op << ": " << r.body);
    CHECK(r.status == 404);
    CHECK(r.code() == "NotAuthorizedOrNotFound");
    CHECK(r.message().find(id) != std::string::npos);
  }
  auto after = get(path);
  CHECK(after.body == before.body);
  CHECK(after.header("etag") == before.header("etag"));
  CHECK(get(path + "/shapes/VM.Standard.E4.Flex").status == 200);
  CHECK(fake.platform_images().size() == 21);
}

TEST_CASE_METHOD(fixture, "platform images: images() holds custom images only, platform_images() the catalogue",
                 "[http][platform]") {
  CHECK(fake.images().empty());
  auto mine = test::str(create().json(), "id");
  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id == mine);
  auto catalogue = fake.platform_images();
  REQUIRE(catalogue.size() == 21);
  CHECK(std::is_sorted(catalogue.begin(), catalogue.end(),
                       [](const auto& a, const auto& b) { return a.time_created < b.time_created; }));
  CHECK(fake.find_image(catalogue[0].id).has_value());
  CHECK(test::json(catalogue[0].json).as_object()["compartmentId"].is_null());
}

TEST_CASE("platform images: platform_images = false starts without them", "[http][platform]") {
  ocifake::server fake({.platform_images = false});
  CHECK(fake.platform_images().empty());
  test::client c(fake);
  CHECK(test::take(c.get("/20160918/images?compartmentId=" + test::compartment)).json().as_array().empty());
}

TEST_CASE("platform images: the same names have the same OCIDs on every server, whatever its seed",
          "[http][platform]") {
  ocifake::server a({.seed = 1}), b({.seed = 2});
  auto ia = a.platform_images(), ib = b.platform_images();
  REQUIRE(ia.size() == ib.size());
  for (std::size_t i = 0; i < ia.size(); ++i) CHECK(ia[i].id == ib[i].id);
  ocifake::server iad({.region = "iad"});
  CHECK(iad.platform_images().at(0).id.find(".iad.") != std::string::npos);
  // The catalogue draws nothing from the seeded generators: custom OCIDs are those of a server without it.
  ocifake::server with({.seed = 5}), without({.platform_images = false, .seed = 5});
  auto i1 = with.add_instance({.compartment_id = test::compartment});
  auto i2 = without.add_instance({.compartment_id = test::compartment});
  CHECK(i1 == i2);
}

TEST_CASE_METHOD(fixture, "platform images: add_platform_image adds one to the catalogue", "[http][platform]") {
  auto id = fake.add_platform_image(
      {.display_name = "Oracle-Linux-9.5-2024.11.20-0",
       .time_created = std::chrono::system_clock::time_point(std::chrono::seconds(1732086960))});
  CHECK(fake.platform_images().size() == 22);
  auto r = get("/20160918/images/" + id);
  REQUIRE(r.status == 200);
  CHECK(r.object()["compartmentId"].is_null());
  CHECK(r.object()["timeCreated"] == "2024-11-20T07:16:00.000Z");
  // It is now the newest Oracle Linux 9 x86 build: the Terraform lookup finds it.
  auto found =
      list("&operatingSystem=Oracle+Linux&operatingSystemVersion=9&shape=VM.Standard.E4.Flex&sortBy=TIMECREATED");
  CHECK(test::str(found.array().at(0), "id") == id);
  // An Arm build with named shapes; Flex shapes get their ranges.
  auto arm = fake.add_platform_image({.display_name = "Oracle-Linux-9.5-aarch64-2024.11.20-0",
                                      .shapes = {"VM.Standard.A1.Flex", "BM.Standard.A1.160"}});
  CHECK(shapes_of(arm) == std::vector<std::string>{"BM.Standard.A1.160", "VM.Standard.A1.Flex"});
  CHECK(get("/20160918/images/" + arm + "/shapes/VM.Standard.A1.Flex").object().contains("ocpuConstraints"));
  CHECK_THROWS_AS(fake.add_platform_image({}), ocifake::usage_error);
  CHECK_THROWS_AS(fake.add_platform_image({.display_name = "Oracle-Linux-9.5-2024.11.20-0"}), ocifake::usage_error);
  CHECK_THROWS_AS(fake.add_platform_image({.display_name = "x", .id = "not-an-ocid"}), ocifake::usage_error);
  // reset returns to the start-up catalogue.
  fake.reset();
  CHECK(fake.platform_images().size() == 21);
}

// ---------------------------------------------------------------- shapes of new images

TEST_CASE_METHOD(fixture, "new images: one captured from an instance has its base image's shapes and the instance's",
                 "[http][platform][shapes]") {
  auto base = list("&displayName=Oracle-Linux-8.10-2024.08.29-0").array().at(0);
  auto inst = fake.add_instance({.compartment_id = test::compartment, .shape = "VM.Optimized3.Flex"});
  auto img = post("/20160918/images", test::create_body(inst)).object();
  CHECK(test::str(img, "baseImageId") == test::str(base, "id"));
  auto id = test::str(img, "id");
  auto shapes = shapes_of(id);
  auto expected = shapes_of(test::str(base, "id"));
  expected.push_back("VM.Optimized3.Flex");
  std::sort(expected.begin(), expected.end());
  CHECK(shapes == expected);
  CHECK(get("/20160918/images/" + id + "/shapes/VM.Optimized3.Flex").object().contains("memoryConstraints"));
  // The default shape is one the base image has already: no duplicate.
  auto plain = test::str(create().json(), "id");
  CHECK(shapes_of(plain) == shapes_of(test::str(base, "id")));
  // ListImages' shape filter sees the new images.
  auto optimized = list("&shape=VM.Optimized3.Flex").array();
  REQUIRE(optimized.size() == 1);
  CHECK(test::str(optimized[0], "id") == id);
}

TEST_CASE_METHOD(fixture, "new images: an Ampere instance counts as launched from the newest aarch64 build",
                 "[http][platform][shapes]") {
  auto inst = fake.add_instance(
      {.compartment_id = test::compartment, .operating_system_version = "9", .shape = "VM.Standard.A1.Flex"});
  auto img = post("/20160918/images", test::create_body(inst)).object();
  auto base = get("/20160918/images/" + test::str(img, "baseImageId")).object();
  CHECK(name_of(base) == "Oracle-Linux-9.4-aarch64-2024.08.29-0");
  CHECK(shapes_of(test::str(img, "id")) == std::vector<std::string>{"VM.Standard.A1.Flex"});
}

TEST_CASE_METHOD(fixture, "new images: without a matching platform image an instance has no base image",
                 "[http][platform][shapes]") {
  auto inst = fake.add_instance(
      {.compartment_id = test::compartment, .operating_system = "Rocky Linux", .operating_system_version = "9"});
  auto img = post("/20160918/images", test::create_body(inst)).object();
  CHECK(img["baseImageId"].is_null());
  CHECK(shapes_of(test::str(img, "id")) == std::vector<std::string>{"VM.Standard.E4.Flex"});
  // An image_id given is kept, and a custom base image passes on its shapes.
  auto base = available();
  REQUIRE(put("/20160918/images/" + base + "/shapes/VM.Custom.Shape", "").status == 200);
  auto from_custom =
      fake.add_instance({.compartment_id = test::compartment, .image_id = base, .shape = "VM.Standard3.Flex"});
  auto child = post("/20160918/images", test::create_body(from_custom)).object();
  CHECK(test::str(child, "baseImageId") == base);
  auto shapes = shapes_of(test::str(child, "id"));
  CHECK(std::count(shapes.begin(), shapes.end(), "VM.Custom.Shape") == 1);
  CHECK(std::count(shapes.begin(), shapes.end(), "VM.Standard3.Flex") == 1);
}

TEST_CASE_METHOD(fixture, "new images: an import is compatible with the VM shapes of its launch mode",
                 "[http][platform][shapes]") {
  auto emulated = test::str(post("/20160918/images", test::import_body()).json(), "id");  // QCOW2: EMULATED
  CHECK(shapes_of(emulated) == std::vector<std::string>{"VM.Standard.E2.1", "VM.Standard.E2.2", "VM.Standard2.1",
                                                        "VM.Standard2.2", "VM.Standard2.4", "VM.Standard2.8"});
  auto native = test::str(post("/20160918/images", test::import_body("", R"("launchMode":"NATIVE")")).json(), "id");
  auto shapes = shapes_of(native);
  CHECK(std::count(shapes.begin(), shapes.end(), "VM.Standard.E4.Flex") == 1);
  CHECK(std::count(shapes.begin(), shapes.end(), "VM.Standard.E5.Flex") == 1);
  CHECK(std::count(shapes.begin(), shapes.end(), "VM.Standard.A1.Flex") == 0);
  CHECK(get("/20160918/images/" + native + "/shapes/VM.Standard.E4.Flex").object().contains("ocpuConstraints"));
}

// ---------------------------------------------------------------- scenarios and the admin API

TEST_CASE("platform images: a scenario's platformImages false empties the catalogue, true restores it",
          "[http][platform][scenario]") {
  ocifake::server fake;
  fake.apply(ocifake::scenario::parse(R"({"name": "none", "platformImages": false})"));
  CHECK(fake.platform_images().empty());
  fake.apply(ocifake::scenario::parse(R"({"name": "default", "platformImages": true})"));
  CHECK(fake.platform_images().size() == 21);
  // A scenario without the key leaves the catalogue as it is.
  fake.apply(ocifake::scenario::parse(R"({"name": "other"})"));
  CHECK(fake.platform_images().size() == 21);
}

TEST_CASE("platform images: a scenario's list replaces the catalogue", "[http][platform][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.apply(ocifake::scenario::parse(R"({
    "name": "own catalogue",
    "platformImages": [
      {"displayName": "Oracle-Linux-9.5-2024.11.20-0", "operatingSystem": "Oracle Linux",
       "operatingSystemVersion": "9", "timeCreated": "2024-11-20T07:16:00.000Z"},
      {"id": "ocid1.image.oc1.phx.aaaaaaaacustomplatform", "displayName": "Special-Linux-1-2024.01.01-0",
       "compartmentId": null, "operatingSystem": "Special Linux", "operatingSystemVersion": "1",
       "launchMode": "PARAVIRTUALIZED",
       "shapes": [{"shape": "VM.Standard.E4.Flex", "ocpuConstraints": {"min": 2, "max": 8}}]}
    ],
    "instances": [{"compartmentId": "ocid1.compartment.oc1..aaaaaaaatestcompartment", "operatingSystemVersion": "9"}]
  })"));
  auto catalogue = fake.platform_images();
  REQUIRE(catalogue.size() == 2);
  CHECK(catalogue[0].display_name == "Oracle-Linux-9.5-2024.11.20-0");
  CHECK(catalogue[1].id == "ocid1.image.oc1.phx.aaaaaaaacustomplatform");
  CHECK(catalogue[1].launch_mode == "PARAVIRTUALIZED");
  auto first = test::json(catalogue[0].json).as_object();
  CHECK(first["launchMode"] == "NATIVE");
  CHECK(first["launchOptions"].as_object()["isPvEncryptionInTransitEnabled"] == true);
  // The scenario's instance counts as launched from the new catalogue's Oracle Linux 9.
  auto state = test::json(fake.state_json()).as_object();
  CHECK(test::str(state["instances"].as_array().at(0), "imageId") == catalogue[0].id);
  test::client c(fake);
  auto shapes =
      test::take(c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaacustomplatform/shapes")).json().as_array();
  REQUIRE(shapes.size() == 1);
  CHECK(shapes[0].as_object()["ocpuConstraints"] == json::object{{"min", 2}, {"max", 8}});
  // reset returns to the start-up catalogue.
  fake.reset();
  CHECK(fake.platform_images().size() == 21);
}

TEST_CASE("platform images: scenarios refuse mistakes in platformImages, naming the place",
          "[http][platform][scenario]") {
  auto refused = [](const std::string& doc, const std::string& path) {
    INFO(doc);
    try {
      ocifake::scenario::parse(doc);
      FAIL("accepted");
    } catch (const ocifake::invalid_input& e) {
      INFO(e.what());
      CHECK(e.path() == path);
    }
  };
  refused(R"({"name": "x", "platformImages": "yes"})", "$.platformImages");
  refused(R"({"name": "x", "platformImages": [{"displayName": "a", "colour": "red"}]})", "$.platformImages[0].colour");
  refused(R"({"name": "x", "platformImages": [{"operatingSystem": "Oracle Linux"}]})",
          "$.platformImages[0].displayName");
  refused(R"({"name": "x", "platformImages": [{"displayName": "a", "compartmentId": "ocid1.compartment.oc1..aaaa"}]})",
          "$.platformImages[0].compartmentId");
  refused(R"({"name": "x", "platformImages": [{"displayName": "a", "lifecycleState": "DELETED"}]})",
          "$.platformImages[0].lifecycleState");
  refused(R"({"name": "x", "platformImages": [{"displayName": "a", "progress": {"polls": 1}}]})",
          "$.platformImages[0].progress");
  refused(R"({"name": "x", "platformImages": [{"displayName": "a"}, {"displayName": "a"}]})",
          "$.platformImages[1].displayName");
  refused(R"({"name": "x", "platformImage": false})", "$.platformImage");
}

TEST_CASE("platform images: the state document round-trips the catalogue", "[http][platform][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto state = test::json(fake.state_json()).as_object();
  CHECK(state["platformImages"] == true);  // the default catalogue, in one word
  fake.add_platform_image({.display_name = "Oracle-Linux-9.5-2024.11.20-0", .shapes = {"VM.Standard.E4.Flex"}});
  auto doc = fake.state_json();
  auto list = test::json(doc).as_object()["platformImages"].as_array();
  REQUIRE(list.size() == 22);
  ocifake::server copy({.clock = ocifake::clock_mode::manual, .platform_images = false});
  copy.apply(ocifake::scenario::parse(doc));
  auto a = fake.platform_images(), b = copy.platform_images();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].json == b[i].json);
  CHECK(copy.state_json() == doc);
  // An empty catalogue is written as false, and read back as one.
  copy.apply(ocifake::scenario::parse(R"({"name": "none", "platformImages": false})"));
  CHECK(test::json(copy.state_json()).as_object()["platformImages"] == false);
}

TEST_CASE("platform images: POST /_ocifake/platform-images adds one; mistakes are refused", "[http][platform][admin]") {
  ocifake::server fake;
  test::client c(fake);
  c.http.set_url_encode(false);
  auto r = test::take(c.post("/_ocifake/platform-images", R"({
      "displayName": "Canonical-Ubuntu-24.04-2024.10.01-0", "operatingSystem": "Canonical Ubuntu",
      "operatingSystemVersion": "24.04", "timeCreated": "2024-10-02T07:16:00.000Z"})"));
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto id = test::str(r.json(), "id");
  CHECK(r.json().as_object()["compartmentId"].is_null());
  CHECK(fake.platform_images().size() == 22);
  auto listed = test::take(c.get("/20160918/images?compartmentId=" + test::compartment +
                                 "&operatingSystem=Canonical+Ubuntu&operatingSystemVersion=24.04"))
                    .json()
                    .as_array();
  CHECK(test::str(listed.at(0), "id") == id);
  auto again =
      test::take(c.post("/_ocifake/platform-images", R"({"displayName": "Canonical-Ubuntu-24.04-2024.10.01-0"})"));
  CHECK(again.status == 400);
  CHECK(again.message().find("$.displayName") != std::string::npos);
  auto typo = test::take(c.post("/_ocifake/platform-images", R"({"displayName": "x", "operatingSystm": "y"})"));
  CHECK(typo.status == 400);
  CHECK(typo.message().find("operatingSystem") != std::string::npos);  // did you mean
  auto compartment = test::take(
      c.post("/_ocifake/platform-images", R"({"displayName": "x", "compartmentId": "ocid1.compartment.oc1..aaaa"})"));
  CHECK(compartment.status == 400);
  CHECK(compartment.message().find("compartmentId") != std::string::npos);
  CHECK(test::take(c.post("/_ocifake/platform-images", "")).status == 400);
  CHECK(test::take(c.get("/_ocifake/platform-images")).status == 405);
  auto near = test::take(c.post("/_ocifake/platform-image", "{}"));
  CHECK(near.status == 404);
  CHECK(near.message().find("platform-images") != std::string::npos);
  // POST /_ocifake/reset returns to the start-up catalogue.
  CHECK(test::take(c.post("/_ocifake/reset", "")).status == 200);
  CHECK(fake.platform_images().size() == 21);
}

TEST_CASE("platform images: an instance's shape in scenarios and the admin API", "[http][platform][admin]") {
  ocifake::server fake;
  test::client c(fake);
  auto r = test::take(c.post("/_ocifake/instances",
                             R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaatestcompartment",
                                 "operatingSystemVersion": "9", "shape": "VM.Standard.A1.Flex"})"));
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto o = r.json().as_object();
  CHECK(o["shape"] == "VM.Standard.A1.Flex");
  auto base = fake.find_image(test::str(o, "imageId"));
  REQUIRE(base);
  CHECK(base->display_name == "Oracle-Linux-9.4-aarch64-2024.08.29-0");
  auto sc = ocifake::scenario::parse(R"({"name": "s", "instances": [
      {"compartmentId": "ocid1.compartment.oc1..aaaaaaaatestcompartment", "shape": "VM.Standard3.Flex"}]})");
  fake.apply(sc);
  auto state = fake.state_json();
  CHECK(state.find("\"shape\": \"VM.Standard3.Flex\"") != std::string::npos);
  // Without the key, the default shape.
  auto plain = test::take(
      c.post("/_ocifake/instances", R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaatestcompartment"})"));
  CHECK(plain.json().as_object()["shape"] == "VM.Standard.E4.Flex");
}

TEST_CASE("platform images: a scenario whose platform and custom images would share an id is refused whole",
          "[http][platform][scenario]") {
  ocifake::server fake;
  // The id the catalogue draws from this name in region phx.
  const std::string drawn = "ocid1.image.oc1.phx.aaaaaaaaxffqniikcdpqoibmuh4e6pomkmqoppzpimbi26vtvzpyikdelbho";
  auto sc = ocifake::scenario::parse(R"({"name": "clash",
      "platformImages": [{"displayName": "Oracle-Linux-9.5-2024.11.20-0"}],
      "images": [{"id": ")" + drawn + R"(", "compartmentId": "ocid1.compartment.oc1..aaaaaaaatestcompartment"}]})");
  try {
    fake.apply(sc);
    FAIL("applied");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.path() == "$.images[0].id");
  }
  CHECK(fake.platform_images().size() == 21);  // nothing changed
  CHECK(fake.images().empty());
  // A custom image the server has cannot become a platform image either.
  fake.apply(ocifake::scenario::parse(R"({"name": "custom", "images": [{"id": ")" + drawn +
                                      R"(", "compartmentId": "ocid1.compartment.oc1..aaaaaaaatestcompartment"}]})"));
  CHECK_THROWS_AS(fake.apply(ocifake::scenario::parse(
                      R"({"name": "p", "platformImages": [{"displayName": "Oracle-Linux-9.5-2024.11.20-0"}]})")),
                  ocifake::invalid_input);
  CHECK(fake.platform_images().size() == 21);
  CHECK_THROWS_AS(fake.add_platform_image({.display_name = "Oracle-Linux-9.5-2024.11.20-0"}), ocifake::usage_error);
}
