// The image capability schemas over HTTP: ComputeImageCapabilitySchema (Create, Get with
// isMergeEnabled, List, Update, Delete, ChangeCompartment) and the global schema's reads.
#include "catch_compat.hpp"

#include <ocifake/faults.hpp>

#include "api_support.hpp"

namespace json = boost::json;
using test::str;

namespace {

const std::string base = "/20160918/computeImageCapabilitySchemas";
const std::string global_base = "/20160918/computeGlobalImageCapabilitySchemas";
const std::string global_id =
    "ocid1.computeglobalimgcapschema.oc1..aaaaaaaalh4vpm77l6s5qmqhulpkpmxm7ntqavzozwrrths6j7kmn3i26gmq";
const std::string firmware_uefi =
    R"({"Compute.Firmware":{"descriptorType":"enumstring","source":"IMAGE","values":["UEFI_64"],"defaultValue":"UEFI_64"}})";

struct fixture : test::api_fixture {
  std::string image = available();

  std::string body(const std::string& data = firmware_uefi, const std::string& extra = "",
                   const std::string& version = "2023-11-07") {
    return R"({"compartmentId":")" + test::compartment + R"(","imageId":")" + image +
           R"(","computeGlobalImageCapabilitySchemaVersionName":")" + version + R"(","schemaData":)" + data + extra +
           "}";
  }
  test::answer create_schema(const std::string& data = firmware_uefi, const std::string& extra = "") {
    auto a = post(base, body(data, extra));
    INFO(a.body);
    REQUIRE(a.status == 200);
    return a;
  }
  std::string schema(const std::string& extra = "") { return str(create_schema(firmware_uefi, extra).json(), "id"); }
  // A refused CreateComputeImageCapabilitySchema with this schemaData: its message.
  std::string refusal(const std::string& data, int status = 400, const std::string& code = "InvalidParameter") {
    auto a = post(base, body(data));
    INFO(a.body);
    CHECK(a.status == status);
    CHECK(a.code() == code);
    return a.message();
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "CreateComputeImageCapabilitySchema answers CREATING, with an etag; Get then sees ACTIVE",
                 "[http][capability]") {
  auto a = create_schema(firmware_uefi, R"(,"displayName":"uefi-only","freeformTags":{"team":"os"})");
  auto o = a.object();
  CHECK(str(o, "id").rfind("ocid1.computeimgcapschema.oc1.", 0) == 0);
  CHECK(o["lifecycleState"] == "CREATING");
  CHECK(str(o, "compartmentId") == test::compartment);
  CHECK(str(o, "imageId") == image);
  CHECK(str(o, "computeGlobalImageCapabilitySchemaId") == global_id);
  CHECK(o["computeGlobalImageCapabilitySchemaVersionName"] == "2023-11-07");
  CHECK(o["displayName"] == "uefi-only");
  CHECK(o["freeformTags"] == json::parse(R"({"team":"os"})"));
  CHECK(o["schemaData"] == json::parse(firmware_uefi));
  CHECK(a.header("etag").size() == 64);

  auto g = get(base + "/" + str(o, "id"));
  CHECK(g.status == 200);
  CHECK(str(g.json(), "lifecycleState") == "ACTIVE");
  CHECK(g.header("etag") == a.header("etag"));
  CHECK(g.object()["schemaData"] == o["schemaData"]);
}

TEST_CASE_METHOD(fixture, "CreateComputeImageCapabilitySchema: a default displayName and unknown fields dropped",
                 "[http][capability]") {
  auto o = create_schema(
               R"({"Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGE","defaultValue":true,"extra":1}})")
               .object();
  CHECK(str(o, "displayName").rfind("computeimagecapabilityschema-", 0) == 0);
  CHECK(o["schemaData"] ==
        json::parse(R"({"Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGE","defaultValue":true}})"));
}

TEST_CASE_METHOD(fixture, "CreateComputeImageCapabilitySchema refuses schemaData the version does not describe",
                 "[http][capability]") {
  SECTION("an unknown descriptor, with did you mean and the list") {
    auto m = refusal(R"({"Compute.Firmwar":{"descriptorType":"enumstring","source":"IMAGE","values":["BIOS"]}})");
    CHECK_THAT(m, catch_compat::Contains("schemaData[\"Compute.Firmwar\"]"));
    CHECK_THAT(m, catch_compat::Contains("did you mean \"Compute.Firmware\""));
    CHECK_THAT(m, catch_compat::Contains("Storage.RemoteDataVolumeType"));
  }
  SECTION("a descriptor of a later version") {
    auto a =
        post(base, body(R"({"Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGE"}})", "", "2020-04-01"));
    CHECK(a.status == 400);
    CHECK_THAT(a.message(), catch_compat::Contains("version 2020-04-01"));
  }
  SECTION("the wrong descriptorType") {
    auto m = refusal(R"({"Compute.SecureBoot":{"descriptorType":"enumstring","source":"IMAGE","values":["x"]}})");
    CHECK_THAT(m, catch_compat::Contains("schemaData[\"Compute.SecureBoot\"].descriptorType"));
    CHECK_THAT(m, catch_compat::Contains("\"boolean\""));
  }
  SECTION("an enumstring value the global descriptor lacks") {
    auto m = refusal(R"({"Compute.Firmware":{"descriptorType":"enumstring","source":"IMAGE","values":["UEFI_46"]}})");
    CHECK_THAT(m, catch_compat::Contains("schemaData[\"Compute.Firmware\"].values[0]"));
    CHECK_THAT(m, catch_compat::Contains("\"UEFI_46\""));
    CHECK_THAT(m, catch_compat::Contains("did you mean \"UEFI_64\""));
  }
  SECTION("a launch mode of the other dialect") {
    auto m = refusal(R"({"Compute.LaunchMode":{"descriptorType":"enumstring","source":"IMAGE","values":["VDPA"]}})");
    CHECK_THAT(m, catch_compat::Contains("NATIVE"));
    CHECK_THAT(m, catch_compat::Contains("\"VDPA\""));
  }
  SECTION("an enuminteger value outside the global values, and a string there") {
    auto m = refusal(
        R"({"Storage.ParaVirtualization.AttachmentVersion":{"descriptorType":"enuminteger","source":"IMAGE","values":[3]}})");
    CHECK_THAT(m, catch_compat::Contains("values[0]"));
    CHECK_THAT(m, catch_compat::Contains("one of 1, 2"));
    m = refusal(
        R"({"Storage.ParaVirtualization.AttachmentVersion":{"descriptorType":"enuminteger","source":"IMAGE","values":["2"]}})");
    CHECK_THAT(m, catch_compat::Contains("an integer"));
  }
  SECTION("a defaultValue outside the descriptor's own values") {
    auto m = refusal(
        R"({"Compute.Firmware":{"descriptorType":"enumstring","source":"IMAGE","values":["UEFI_64"],"defaultValue":"BIOS"}})");
    CHECK_THAT(m, catch_compat::Contains("schemaData[\"Compute.Firmware\"].defaultValue"));
    CHECK_THAT(m, catch_compat::Contains("\"BIOS\""));
  }
  SECTION("a boolean defaultValue that is not a boolean") {
    auto m = refusal(R"({"Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGE","defaultValue":"yes"}})");
    CHECK_THAT(m, catch_compat::Contains("defaultValue"));
  }
  SECTION("a missing or unknown source, empty values, a descriptor that is not an object") {
    CHECK_THAT(refusal(R"({"Compute.SecureBoot":{"descriptorType":"boolean"}})", 400, "MissingParameter"),
               catch_compat::Contains("source"));
    CHECK_THAT(refusal(R"({"Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGES"}})"),
               catch_compat::Contains("did you mean \"IMAGE\""));
    CHECK_THAT(refusal(R"({"Compute.Firmware":{"descriptorType":"enumstring","source":"IMAGE","values":[]}})"),
               catch_compat::Contains("values"));
    CHECK_THAT(refusal(R"({"Compute.Firmware":true})"), catch_compat::Contains("schemaData[\"Compute.Firmware\"]"));
    CHECK_THAT(refusal(R"([1])"), catch_compat::Contains("schemaData"));
  }
}

TEST_CASE_METHOD(fixture, "CreateComputeImageCapabilitySchema refuses a bad version, image, compartment or body",
                 "[http][capability]") {
  auto a = post(base, body(firmware_uefi, "", "2023-11-08"));
  CHECK(a.status == 400);
  CHECK(a.code() == "InvalidParameter");
  CHECK_THAT(a.message(), catch_compat::Contains("computeGlobalImageCapabilitySchemaVersionName"));
  CHECK_THAT(a.message(), catch_compat::Contains("2020-04-01, 2023-11-07"));
  CHECK_THAT(a.message(), catch_compat::Contains("did you mean \"2023-11-07\""));

  image = "ocid1.image.oc1.phx.aaaaaaaaunknown";
  a = post(base, body());
  CHECK(a.status == 400);
  CHECK(a.code() == "RelatedResourceNotAuthorizedOrNotFound");
  CHECK_THAT(a.message(), catch_compat::Contains(image));

  image = "not-an-ocid";
  a = post(base, body());
  CHECK(a.status == 400);
  CHECK_THAT(a.message(), catch_compat::Contains("imageId"));

  a = post(base, R"({"compartmentId":")" + test::compartment + "\"}");
  CHECK(a.status == 400);
  CHECK(a.code() == "MissingParameter");
  CHECK(post(base, "not json").code() == "CannotParseRequest");
  CHECK(get(base).array().empty());  // nothing was created
}

TEST_CASE_METHOD(fixture, "CreateComputeImageCapabilitySchema: strict compartments and a deleted image",
                 "[http][capability]") {
  fake.add_compartment("ocid1.compartment.oc1..aaaaaaaaothercompartment");
  auto a = post(base, body());
  CHECK(a.status == 404);
  CHECK(a.code() == "NotAuthorizedOrNotFound");
  CHECK_THAT(a.message(), catch_compat::Contains("compartmentId"));
  fake.add_compartment(test::compartment);
  CHECK(post(base, body()).status == 200);
  REQUIRE(del("/20160918/images/" + image).status == 204);
  a = post(base, body());
  CHECK(a.status == 400);
  CHECK(a.code() == "RelatedResourceNotAuthorizedOrNotFound");
}

TEST_CASE_METHOD(fixture, "CreateComputeImageCapabilitySchema honours opc-retry-token", "[http][capability][retry]") {
  auto first = post(base, body(), {{"opc-retry-token", "cap-1"}});
  REQUIRE(first.status == 200);
  auto replay = post(base, body(), {{"opc-retry-token", "cap-1"}});
  CHECK(replay.status == 200);
  CHECK(replay.body == first.body);
  CHECK(get(base).array().size() == 1);
  auto other = post(base, body(R"({})"), {{"opc-retry-token", "cap-1"}});
  CHECK(other.status == 409);
  REQUIRE(del(base + "/" + str(first.json(), "id")).status == 204);
  auto gone = post(base, body(), {{"opc-retry-token", "cap-1"}});
  CHECK(gone.status == 409);
  CHECK(gone.code() == "InvalidatedRetryToken");
  CHECK_THAT(gone.message(), catch_compat::Contains("compute image capability schema"));
}

TEST_CASE_METHOD(fixture, "GetComputeImageCapabilitySchema with isMergeEnabled merges the global descriptors",
                 "[http][capability]") {
  auto id =
      str(create_schema(R"({"Compute.Firmware":{"descriptorType":"enumstring","source":"IMAGE","values":["UEFI_64"]},
      "Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGE","defaultValue":true}})")
              .json(),
          "id");
  auto plain = get(base + "/" + id + "?isMergeEnabled=false").object()["schemaData"].as_object();
  CHECK(plain.size() == 2);
  auto merged = get(base + "/" + id + "?isMergeEnabled=true").object()["schemaData"].as_object();
  auto version = get(global_base + "/" + global_id + "/versions/2023-11-07").object()["schemaData"].as_object();
  CHECK(merged.size() == version.size());
  CHECK(
      merged["Compute.Firmware"] ==
      json::parse(R"({"descriptorType":"enumstring","source":"IMAGE","values":["UEFI_64"],"defaultValue":"UEFI_64"})"));
  CHECK(merged["Compute.SecureBoot"].as_object()["defaultValue"] == true);
  CHECK(merged["Compute.LaunchMode"] == version["Compute.LaunchMode"]);
  CHECK(merged["Storage.ParaVirtualization.AttachmentVersion"].as_object()["descriptorType"] == "enuminteger");

  auto bad = get(base + "/" + id + "?isMergeEnabled=yes");
  CHECK(bad.status == 400);
  CHECK_THAT(bad.message(), catch_compat::Contains("isMergeEnabled"));
  CHECK(get(base + "/ocid1.computeimgcapschema.oc1.phx.aaaaaaaanope").status == 404);
}

TEST_CASE_METHOD(fixture, "ListComputeImageCapabilitySchemas filters, sorts and pages", "[http][capability][list]") {
  auto a = schema(R"(,"displayName":"b")");
  fake.clock().advance(std::chrono::seconds(1));
  auto b = schema(R"(,"displayName":"a")");
  fake.clock().advance(std::chrono::seconds(1));
  auto c = schema(R"(,"displayName":"c")");
  CHECK(test::ids_of(get(base).array()) == std::vector<std::string>{c, b, a});
  CHECK(test::ids_of(get(base + "?compartmentId=" + test::compartment + "&sortBy=DISPLAYNAME").array()) ==
        std::vector<std::string>{b, a, c});
  CHECK(test::ids_of(get(base + "?sortBy=TIMECREATED&sortOrder=ASC").array()) == std::vector<std::string>{a, b, c});
  CHECK(test::ids_of(get(base + "?displayName=c").array()) == std::vector<std::string>{c});
  CHECK(get(base + "?imageId=ocid1.image.oc1.phx.aaaaaaaaother").array().empty());
  CHECK(get(base + "?imageId=" + image).array().size() == 3);
  auto summary = get(base + "?displayName=a").array().at(0).as_object();
  CHECK_FALSE(summary.contains("lifecycleState"));
  CHECK(summary.contains("schemaData"));

  auto p1 = get(base + "?limit=2&sortBy=DISPLAYNAME");
  CHECK(test::ids_of(p1.array()) == std::vector<std::string>{b, a});
  REQUIRE(p1.has("opc-next-page"));
  auto p2 = get(base + "?limit=2&sortBy=DISPLAYNAME&page=" + p1.header("opc-next-page"));
  CHECK(test::ids_of(p2.array()) == std::vector<std::string>{c});
  CHECK_FALSE(p2.has("opc-next-page"));
  auto wrong = get(base + "?limit=2&page=" + p1.header("opc-next-page"));
  CHECK(wrong.status == 400);
  CHECK_THAT(wrong.message(), catch_compat::Contains("sortBy"));

  CHECK_THAT(get(base + "?sortBy=NAME").message(), catch_compat::Contains("TIMECREATED, DISPLAYNAME"));
  CHECK_THAT(get(base + "?sortOrder=UP").message(), catch_compat::Contains("ASC, DESC"));
  CHECK_THAT(get(base + "?limit=0").message(), catch_compat::Contains("limit"));
  CHECK_THAT(get(base + "?page=forged").message(), catch_compat::Contains("page"));
  CHECK_THAT(get(base + "?compartmentId=nope").message(), catch_compat::Contains("compartmentId"));

  fake.add_compartment("ocid1.compartment.oc1..aaaaaaaaothercompartment");
  CHECK(get(base + "?compartmentId=" + test::compartment).status == 404);
}

TEST_CASE_METHOD(fixture, "UpdateComputeImageCapabilitySchema with if-match, new etags, and refusals",
                 "[http][capability]") {
  auto created = create_schema();
  auto id = str(created.json(), "id");
  auto etag = created.header("etag");
  auto path = base + "/" + id;

  auto stale = put(path, R"({"displayName":"x"})", {{"if-match", "0000"}});
  CHECK(stale.status == 412);
  CHECK(stale.code() == "NoEtagMatch");

  auto r = put(
      path,
      R"({"displayName":"renamed","schemaData":{"Compute.SecureBoot":{"descriptorType":"boolean","source":"IMAGE","defaultValue":true}}})",
      {{"if-match", etag}});
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(str(r.json(), "displayName") == "renamed");
  CHECK(r.object()["schemaData"].as_object().size() == 1);  // replaced, not merged
  CHECK(r.header("etag") != etag);
  CHECK(get(path).header("etag") == r.header("etag"));

  auto same = put(path, R"({"displayName":"renamed"})");
  CHECK(same.header("etag") == r.header("etag"));

  auto bad = put(path, R"({"schemaData":{"Compute.Nope":{"descriptorType":"boolean","source":"IMAGE"}}})");
  CHECK(bad.status == 400);
  CHECK_THAT(bad.message(), catch_compat::Contains("Compute.Nope"));
  CHECK(get(path).header("etag") == r.header("etag"));
}

TEST_CASE_METHOD(fixture, "DeleteComputeImageCapabilitySchema: 204, then Get answers DELETED and changes are 404",
                 "[http][capability]") {
  auto id = schema();
  auto path = base + "/" + id;
  CHECK(del(path, {{"if-match", "stale"}}).status == 412);
  auto etag = get(path).header("etag");
  CHECK(del(path, {{"if-match", etag}}).status == 204);
  auto g = get(path);
  CHECK(g.status == 200);
  CHECK(str(g.json(), "lifecycleState") == "DELETED");
  CHECK(g.header("etag") != etag);
  CHECK(get(base).array().empty());
  CHECK(del(path).status == 404);
  CHECK(put(path, R"({"displayName":"x"})").status == 404);
  CHECK(post(path + "/actions/changeCompartment", R"({"compartmentId":")" + test::compartment + "\"}").status == 404);
}

TEST_CASE_METHOD(fixture, "ChangeComputeImageCapabilitySchemaCompartment moves it, with if-match and retry tokens",
                 "[http][capability]") {
  const std::string other = "ocid1.compartment.oc1..aaaaaaaaothercompartment";
  auto id = schema();
  auto path = base + "/" + id + "/actions/changeCompartment";
  auto body = R"({"compartmentId":")" + other + "\"}";
  CHECK(post(path, body, {{"if-match", "stale"}}).status == 412);
  auto etag = get(base + "/" + id).header("etag");
  auto moved = post(path, body, {{"if-match", etag}, {"opc-retry-token", "mv-1"}});
  CHECK(moved.status == 204);
  CHECK(post(path, body, {{"opc-retry-token", "mv-1"}}).status == 204);
  auto g = get(base + "/" + id);
  CHECK(str(g.json(), "compartmentId") == other);
  CHECK(g.header("etag") != etag);
  CHECK(get(base + "?compartmentId=" + other).array().size() == 1);
  CHECK(get(base + "?compartmentId=" + test::compartment).array().empty());

  CHECK(post(path, R"({})").code() == "MissingParameter");
  fake.add_compartment(test::compartment);
  auto unknown = post(path, R"({"compartmentId":"ocid1.compartment.oc1..aaaaaaaaunknown"})");
  CHECK(unknown.status == 404);
  CHECK_THAT(unknown.message(), catch_compat::Contains("compartmentId"));
}

TEST_CASE_METHOD(fixture, "The global image capability schema: Get, List, GetVersion, ListVersions",
                 "[http][capability][global]") {
  auto g = get(global_base + "/" + global_id);
  REQUIRE(g.status == 200);
  auto o = g.object();
  CHECK(o["compartmentId"].is_null());
  CHECK(o["currentVersionName"] == "2023-11-07");
  CHECK(g.header("etag").size() == 64);
  CHECK(get(global_base + "/ocid1.computeglobalimgcapschema.oc1..aaaaaaaanope").status == 404);

  auto list = get(global_base);
  CHECK(test::ids_of(list.array()) == std::vector<std::string>{global_id});
  CHECK(get(global_base + "?compartmentId=" + test::compartment).array().empty());
  CHECK(get(global_base + "?displayName=nope").array().empty());

  auto v = get(global_base + "/" + global_id + "/versions/2023-11-07");
  REQUIRE(v.status == 200);
  auto data = v.object()["schemaData"].as_object();
  for (auto key :
       {"Compute.Firmware", "Compute.LaunchMode", "Network.AttachmentType", "Storage.BootVolumeType",
        "Storage.RemoteDataVolumeType", "Compute.SecureBoot", "Storage.ParaVirtualization.AttachmentVersion"})
    CHECK(data.contains(key));
  CHECK(
      data["Compute.Firmware"] ==
      json::parse(
          R"({"descriptorType":"enumstring","source":"GLOBAL","values":["BIOS","UEFI_64"],"defaultValue":"UEFI_64"})"));
  CHECK(data["Compute.SecureBoot"].as_object()["descriptorType"] == "boolean");
  CHECK(data["Storage.ParaVirtualization.AttachmentVersion"] ==
        json::parse(R"({"descriptorType":"enuminteger","source":"GLOBAL","values":[1,2],"defaultValue":2})"));
  CHECK(data["Compute.LaunchMode"].as_object()["values"] ==
        json::parse(R"(["NATIVE","EMULATED","PARAVIRTUALIZED","ACCELERATEDPV","CUSTOM"])"));
  CHECK(get(global_base + "/" + global_id + "/versions/1999").status == 404);

  auto versions = get(global_base + "/" + global_id + "/versions");
  auto names = [](const json::array& a) {
    std::vector<std::string> out;
    for (const auto& x : a) out.push_back(str(x, "name"));
    return out;
  };
  CHECK(names(versions.array()) == std::vector<std::string>{"2023-11-07", "2020-04-01"});
  auto p1 = get(global_base + "/" + global_id + "/versions?limit=1&sortOrder=ASC");
  CHECK(names(p1.array()) == std::vector<std::string>{"2020-04-01"});
  REQUIRE(p1.has("opc-next-page"));
  auto p2 = get(global_base + "/" + global_id + "/versions?limit=1&sortOrder=ASC&page=" + p1.header("opc-next-page"));
  CHECK(names(p2.array()) == std::vector<std::string>{"2023-11-07"});
  CHECK_FALSE(versions.array().at(0).as_object().contains("schemaData"));
  CHECK(get(global_base + "/ocid1.computeglobalimgcapschema.oc1..aaaaaaaanope/versions").status == 404);
}

TEST_CASE("The global schema's enumerations follow the dialect", "[http][capability][global][dialect]") {
  ocifake::server fake{{.dialect = ocifake::dialect::pca, .clock = ocifake::clock_mode::manual, .seed = 11}};
  test::client c{fake};
  auto r = c.get(global_base + "/" + global_id + "/versions/2023-11-07");
  REQUIRE(r);
  auto data = test::json(r->body).as_object()["schemaData"].as_object();
  CHECK(data["Compute.LaunchMode"].as_object()["values"] ==
        json::parse(R"(["NATIVE","EMULATED","PARAVIRTUALIZED","VDPA","CUSTOM"])"));
  CHECK(data["Storage.BootVolumeType"].as_object()["values"].as_array().size() == 6);
}

TEST_CASE_METHOD(fixture, "Capability schema operations are known to fault rules and the journal",
                 "[http][capability][faults]") {
  fake.faults().add(ocifake::fault::on("GetComputeImageCapabilitySchema").times(1).error(503, "ServiceUnavailable"));
  auto id = schema();
  CHECK(get(base + "/" + id).status == 503);
  CHECK(get(base + "/" + id).status == 200);
  auto entries = fake.journal("CreateComputeImageCapabilitySchema");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].status == 200);
  REQUIRE_FALSE(entries[0].changes.empty());
  CHECK_THAT(entries[0].changes[0], catch_compat::Contains("created"));
}

TEST_CASE_METHOD(fixture, "Capability schemas are not kept by reset", "[http][capability]") {
  auto id = schema();
  fake.reset();
  CHECK(get(base + "/" + id).status == 404);
  CHECK(get(base).array().empty());
}
