// CreateImage and GetImage over HTTP, against create-image-api.txt: the Private Cloud Appliance
// edition, so these servers fake that dialect (dialect_test.cpp has public OCI's differences).
#include "catch_compat.hpp"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include "support.hpp"

namespace json = boost::json;

namespace {

struct fixture {
  ocifake::server fake{{.dialect = ocifake::dialect::pca, .clock = ocifake::clock_mode::manual, .seed = 7}};
  test::client c{fake};
  std::string instance = fake.add_instance({.compartment_id = test::compartment,
                                            .display_name = "web-1",
                                            .operating_system = "Oracle Linux",
                                            .operating_system_version = "8",
                                            .image_id = "ocid1.image.oc1.phx.aaaaaaaabase",
                                            .launch_mode = "NATIVE",
                                            .boot_volume_size_in_mbs = 51200,
                                            .data_volumes = {{"data-1", 102400}, {"data-2", 51200}}});

  // A CreateImage; a new image is then read until AVAILABLE, so that its instance, CREATING_IMAGE
  // meanwhile, takes the next one.
  json::object create(const std::string& body, int expect = 200) {
    auto r = c.post("/20160918/images", body);
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == expect);
    auto answer = test::json(r->body).as_object();
    if (expect == 200)
      for (int i = 0; i < 2; ++i) c.get("/20160918/images/" + test::str(answer, "id"));
    return answer;
  }
  // The status, code and message of a refused create.
  std::tuple<int, std::string, std::string> refuse(const std::string& body) {
    auto r = c.post("/20160918/images", body);
    REQUIRE(r);
    auto v = test::json(r->body);
    return {r->status, test::str(v, "code"), test::str(v, "message")};
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "CreateImage from an instance takes OS, version, base image and size from it",
                 "[http][create]") {
  auto img = create(test::create_body(instance, R"("displayName":"golden")"));
  CHECK(img["lifecycleState"] == "PROVISIONING");
  CHECK(img["operatingSystem"] == "Oracle Linux");
  CHECK(img["operatingSystemVersion"] == "8");
  CHECK(img["baseImageId"] == "ocid1.image.oc1.phx.aaaaaaaabase");
  CHECK(img["sizeInMBs"] == 51200);
  CHECK(img["billableSizeInGBs"] == 5);  // a tenth of the boot volume, rounded up to whole GB
  CHECK(img["displayName"] == "golden");
  CHECK(img["compartmentId"] == test::compartment.c_str());
  CHECK(img["createImageAllowed"] == true);
  CHECK(img["listingType"] == "NONE");
  CHECK(img["launchMode"] == "NATIVE");
  CHECK(img["imageVolumeDetails"].is_null());
  CHECK(img["agentFeatures"].is_null());  // its base image is not one the fake knows
  CHECK(std::regex_match(std::string(img["id"].as_string()),
                         std::regex(R"(ocid1\.image\.oc1\.phx\.aaaaaaaa[a-z2-7]{52})")));
  CHECK(std::regex_match(std::string(img["timeCreated"].as_string()),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST_CASE_METHOD(fixture, "CreateImage answers etag, opc-request-id and opc-work-request-id", "[http][create]") {
  auto r = c.post("/20160918/images", test::create_body(instance));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(std::regex_match(r->get_header_value("etag"), std::regex("[0-9a-f]{64}")));
  CHECK(!r->get_header_value("opc-request-id").empty());
  CHECK(r->get_header_value("opc-work-request-id").rfind("ocid1.coreservicesworkrequest.oc1.phx.", 0) == 0);
  CHECK(r->get_header_value("Content-Type") == "application/json");
}

TEST_CASE_METHOD(fixture, "CreateImage with shouldIncludeDataVolumes lists the instance's data volumes",
                 "[http][create]") {
  auto img = create(test::create_body(instance, R"("shouldIncludeDataVolumes":true)"));
  auto& volumes = img["imageVolumeDetails"].as_object()["dataVolumes"].as_array();
  REQUIRE(volumes.size() == 2);
  CHECK(volumes[0].as_object()["displayName"] == "data-1");
  CHECK(volumes[0].as_object()["index"] == 1);
  CHECK(volumes[0].as_object()["sizeInMBs"] == 102400);
  CHECK(volumes[1].as_object()["index"] == 2);
}

TEST_CASE_METHOD(fixture, "CreateImage refuses more than 32 data volumes", "[http][create]") {
  std::vector<ocifake::data_volume> many(33, {"d", 1024});
  auto big = fake.add_instance({.compartment_id = test::compartment, .data_volumes = many});
  auto [status, code, message] = refuse(test::create_body(big, R"("shouldIncludeDataVolumes":true)"));
  CHECK(status == 400);
  CHECK(code == "LimitExceeded");
  CHECK(message.find("dataVolumes") != std::string::npos);
  // Without the flag the volumes are not included, and the image is created.
  create(test::create_body(big));
}

TEST_CASE_METHOD(fixture, "CreateImage imports from an Object Storage tuple and starts IMPORTING", "[http][create]") {
  auto img = create(test::import_body(R"("operatingSystem":"Ubuntu","operatingSystemVersion":"22.04")"));
  CHECK(img["lifecycleState"] == "IMPORTING");
  CHECK(img["operatingSystem"] == "Ubuntu");
  CHECK(img["operatingSystemVersion"] == "22.04");
  CHECK(img["baseImageId"].is_null());
  CHECK(img["launchMode"] == "EMULATED");
}

TEST_CASE_METHOD(fixture, "CreateImage imports from an Object Storage URI", "[http][create]") {
  auto img = create(
      R"({"compartmentId":")" + test::compartment +
      R"(","displayName":"imported","imageSourceDetails":{"sourceType":"objectStorageUri","sourceUri":"https://objectstorage.us-phoenix-1.oraclecloud.com/n/ns/b/images/o/disk.vmdk","sourceImageType":"VMDK"}})");
  CHECK(img["lifecycleState"] == "IMPORTING");
  CHECK(img["displayName"] == "imported");
}

TEST_CASE_METHOD(fixture, "CreateImage accepts and echoes every launch mode", "[http][create]") {
  for (auto mode : {"NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM"}) {
    auto img = create(test::create_body(instance, std::string(R"("launchMode":")") + mode + "\""));
    CHECK(img["launchMode"] == mode);
  }
}

TEST_CASE_METHOD(fixture, "CreateImage accepts and echoes every launch option value", "[http][create]") {
  for (auto v : {"ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME"}) {
    auto img = create(test::create_body(instance, std::string(R"("launchOptions":{"bootVolumeType":")") + v +
                                                      R"(","remoteDataVolumeType":")" + v + "\"}"));
    CHECK(img["launchOptions"].as_object()["bootVolumeType"] == v);
    CHECK(img["launchOptions"].as_object()["remoteDataVolumeType"] == v);
  }
  for (auto v : {"BIOS", "UEFI_64"}) {
    auto img = create(test::create_body(instance, std::string(R"("launchOptions":{"firmware":")") + v + "\"}"));
    CHECK(img["launchOptions"].as_object()["firmware"] == v);
  }
  for (auto v : {"E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"}) {
    auto img = create(test::create_body(instance, std::string(R"("launchOptions":{"networkType":")") + v + "\"}"));
    CHECK(img["launchOptions"].as_object()["networkType"] == v);
  }
  auto img = create(test::create_body(
      instance,
      R"("launchOptions":{"isPvEncryptionInTransitEnabled":true,"isConsistentVolumeNamingEnabled":false,"isEncryptionInTransitEnabled":true})"));
  auto& lo = img["launchOptions"].as_object();
  CHECK(lo["isPvEncryptionInTransitEnabled"] == true);
  CHECK(lo["isConsistentVolumeNamingEnabled"] == false);
  CHECK(lo["isEncryptionInTransitEnabled"] == true);
}

TEST_CASE_METHOD(fixture, "CreateImage echoes freeform and defined tags", "[http][create]") {
  auto img = create(test::create_body(
      instance, R"("freeformTags":{"env":"test","team":"images"},"definedTags":{"Ops":{"CostCenter":"42"}})"));
  CHECK(img["freeformTags"].as_object()["env"] == "test");
  CHECK(img["definedTags"].as_object()["Ops"].as_object()["CostCenter"] == "42");
  auto snap = fake.images().at(0);
  CHECK(snap.freeform_tags.at("team") == "images");
}

TEST_CASE_METHOD(fixture, "CreateImage ignores unknown fields", "[http][create]") {
  create(test::create_body(instance, R"("somethingNew":{"x":1})"));
}

TEST_CASE_METHOD(fixture, "CreateImage refuses each invalid request with the right status, code and field",
                 "[http][create]") {
  struct row {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::string c = test::compartment;
  std::vector<row> rows = {
      {"", 400, "CannotParseRequest", ""},
      {"not json", 400, "CannotParseRequest", ""},
      {"{\"compartmentId\":", 400, "CannotParseRequest", ""},
      {"[1,2]", 400, "InvalidParameter", "body"},
      {R"({"instanceId":")" + instance + "\"}", 400, "MissingParameter", "compartmentId"},
      {R"({"compartmentId":null,"instanceId":")" + instance + "\"}", 400, "MissingParameter", "compartmentId"},
      {R"({"compartmentId":42,"instanceId":")" + instance + "\"}", 400, "InvalidParameter", "compartmentId"},
      {R"({"compartmentId":"","instanceId":")" + instance + "\"}", 400, "InvalidParameter", "compartmentId"},
      {R"({"compartmentId":"not-an-ocid","instanceId":")" + instance + "\"}", 400, "InvalidParameter", "compartmentId"},
      {test::create_body(instance, R"("displayName":"")"), 400, "InvalidParameter", "displayName"},
      {test::create_body(instance, "\"displayName\":\"" + std::string(256, 'x') + "\""), 400, "InvalidParameter",
       "displayName"},
      {test::create_body(instance, R"("displayName":7)"), 400, "InvalidParameter", "displayName"},
      {test::create_body(instance, R"("launchMode":"native")"), 400, "InvalidParameter", "launchMode"},
      {test::create_body(instance, R"("launchMode":"HYPER")"), 400, "InvalidParameter", "launchMode"},
      {test::create_body(instance, R"("launchOptions":"fast")"), 400, "InvalidParameter", "launchOptions"},
      {test::create_body(instance, R"("launchOptions":{"firmware":"UEFI"})"), 400, "InvalidParameter",
       "launchOptions.firmware"},
      {test::create_body(instance, R"("launchOptions":{"bootVolumeType":"SATA"})"), 400, "InvalidParameter",
       "launchOptions.bootVolumeType"},
      {test::create_body(instance, R"("launchOptions":{"networkType":"NVME"})"), 400, "InvalidParameter",
       "launchOptions.networkType"},
      {test::create_body(instance, R"("launchOptions":{"remoteDataVolumeType":"E1000"})"), 400, "InvalidParameter",
       "launchOptions.remoteDataVolumeType"},
      {test::create_body(instance, R"("launchOptions":{"isPvEncryptionInTransitEnabled":"yes"})"), 400,
       "InvalidParameter", "launchOptions.isPvEncryptionInTransitEnabled"},
      {test::create_body(instance, R"("shouldIncludeDataVolumes":"true")"), 400, "InvalidParameter",
       "shouldIncludeDataVolumes"},
      {test::create_body(instance, R"("freeformTags":{"a":1})"), 400, "InvalidParameter", "freeformTags.a"},
      {test::create_body(instance, R"("freeformTags":[])"), 400, "InvalidParameter", "freeformTags"},
      {test::create_body(instance, R"("definedTags":{"ns":"flat"})"), 400, "InvalidParameter", "definedTags.ns"},
      {R"({"compartmentId":")" + c + "\"}", 400, "InvalidParameter", "instanceId"},
      {test::create_body(
           instance, R"("imageSourceDetails":{"sourceType":"objectStorageUri","sourceUri":"https://x/n/a/b/b/o/c"})"),
       400, "InvalidParameter", "instanceId"},
      {R"({"compartmentId":")" + c + R"(","instanceId":"ocid1.instance.oc1.phx.aaaaaaaaunknown"})", 400,
       "RelatedResourceNotAuthorizedOrNotFound", "instanceId"},
      {R"({"compartmentId":")" + c + R"(","instanceId":"i-123"})", 400, "InvalidParameter", "instanceId"},
      {test::import_body("", R"("shouldIncludeDataVolumes":true)"), 400, "InvalidParameter",
       "shouldIncludeDataVolumes"},
      {R"({"compartmentId":")" + c +
           R"(","imageSourceDetails":{"namespaceName":"ns","bucketName":"b","objectName":"o"}})",
       400, "MissingParameter", "imageSourceDetails.sourceType"},
      {R"({"compartmentId":")" + c + R"(","imageSourceDetails":{"sourceType":"objectStorage"}})", 400,
       "InvalidParameter", "imageSourceDetails.sourceType"},
      {R"({"compartmentId":")" + c +
           R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","bucketName":"b","objectName":"o"}})",
       400, "MissingParameter", "imageSourceDetails.namespaceName"},
      {R"({"compartmentId":")" + c +
           R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"n","objectName":"o"}})",
       400, "MissingParameter", "imageSourceDetails.bucketName"},
      {R"({"compartmentId":")" + c +
           R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"n","bucketName":"b"}})",
       400, "MissingParameter", "imageSourceDetails.objectName"},
      {R"({"compartmentId":")" + c + R"(","imageSourceDetails":{"sourceType":"objectStorageUri"}})", 400,
       "MissingParameter", "imageSourceDetails.sourceUri"},
      {R"({"compartmentId":")" + c +
           R"(","imageSourceDetails":{"sourceType":"objectStorageUri","sourceUri":"ftp://x"}})",
       400, "InvalidParameter", "imageSourceDetails.sourceUri"},
      {test::import_body(R"("sourceImageType":"RAW")"), 400, "InvalidParameter", "imageSourceDetails.sourceImageType"},
      {test::import_body(R"("operatingSystem":"")"), 400, "InvalidParameter", "imageSourceDetails.operatingSystem"},
      {test::import_body(R"("operatingSystemVersion":5)"), 400, "InvalidParameter",
       "imageSourceDetails.operatingSystemVersion"},
      {R"({"compartmentId":")" + c + R"(","imageSourceDetails":"disk"})", 400, "InvalidParameter",
       "imageSourceDetails"},
  };
  for (const auto& r : rows) {
    INFO("body: " << r.body);
    auto [status, code, message] = refuse(r.body);
    CHECK(status == r.status);
    CHECK(code == r.code);
    if (!r.field.empty()) CHECK(message.find(r.field) != std::string::npos);
  }
  // No refused request left anything behind.
  CHECK(fake.images().empty());
  CHECK(fake.work_requests().empty());
}

TEST_CASE_METHOD(fixture, "CreateImage: a refusal names the field and the value refused and suggests a close one",
                 "[http][create]") {
  auto [status, code, message] = refuse(test::create_body(instance, R"("launchOptions":{"firmware":"UEFI64"})"));
  CHECK(code == "InvalidParameter");
  CHECK(message == R"(launchOptions.firmware: one of BIOS, UEFI_64; got "UEFI64" (did you mean "UEFI_64"?))");
  std::tie(status, code, message) = refuse(test::create_body(instance, R"("launchMode":"NATIV")"));
  CHECK(message ==
        R"(launchMode: one of NATIVE, EMULATED, PARAVIRTUALIZED, VDPA, CUSTOM; got "NATIV" (did you mean "NATIVE"?))");
  std::tie(status, code, message) = refuse("{\n\"compartmentId\": x}");
  CHECK(code == "CannotParseRequest");
  CHECK(message == "the request body is not valid JSON text (syntax error at line 2, column 18)");
  // Unlike scenarios and rules, a body may repeat a key: the last one counts, as OCI reads it.
  auto r = c.post("/20160918/images",
                  R"({"displayName": "first", )" + test::create_body(instance, R"("displayName":"last")").substr(1));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(test::str(test::json(r->body), "displayName") == "last");
}

TEST_CASE("CreateImage: an unknown compartment is 404 when compartments are strict", "[http][create]") {
  ocifake::server fake;
  fake.add_compartment(test::compartment);
  auto inst = fake.add_instance({.compartment_id = test::compartment});
  test::client c(fake);
  auto r = c.post("/20160918/images",
                  R"({"compartmentId":"ocid1.compartment.oc1..aaaaaaaaother","instanceId":")" + inst + "\"}");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(test::str(test::json(r->body), "code") == "NotAuthorizedOrNotFound");
  r = c.post("/20160918/images", test::create_body(inst));
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("CreateImage: a body over 1 MiB is 413 PayloadTooLarge", "[http][create]") {
  ocifake::server fake;
  test::client c(fake);
  std::string big =
      R"({"compartmentId":")" + test::compartment + R"(","displayName":")" + std::string(1024 * 1024, 'x') + "\"}";
  auto r = c.post("/20160918/images", big);
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(test::str(test::json(r->body), "code") == "PayloadTooLarge");
  CHECK(r->has_header("opc-request-id"));
}

TEST_CASE_METHOD(fixture, "GetImage answers the image with its etag; unknown ids are 404", "[http][get]") {
  auto r = c.post("/20160918/images", test::create_body(instance));
  REQUIRE(r);
  auto id = test::str(test::json(r->body), "id");
  auto g = c.get("/20160918/images/" + id);
  REQUIRE(g);
  CHECK(g->status == 200);
  CHECK(test::str(test::json(g->body), "id") == id);
  CHECK(g->get_header_value("etag").size() == 64);
  auto missing = c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaamissing");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(test::str(test::json(missing->body), "code") == "NotAuthorizedOrNotFound");
}

TEST_CASE_METHOD(fixture, "GetImage and GetWorkRequest follow a create to AVAILABLE and SUCCEEDED", "[http][get]") {
  auto r = c.post("/20160918/images", test::create_body(instance));
  REQUIRE(r);
  auto id = test::str(test::json(r->body), "id");
  auto wr_id = r->get_header_value("opc-work-request-id");

  auto wr = test::json(c.get("/20160918/workRequests/" + wr_id)->body).as_object();
  CHECK(wr["status"] == "IN_PROGRESS");
  CHECK(wr["operationType"] == "Create Image");
  CHECK(wr["compartmentId"] == test::compartment.c_str());
  CHECK(wr["timeAccepted"].is_string());
  CHECK(wr["timeStarted"].is_string());
  CHECK(wr["timeFinished"].is_null());
  auto& res = wr["resources"].as_array().at(0).as_object();
  CHECK(res["entityType"] == "image");
  CHECK(res["actionType"] == "CREATED");
  CHECK(res["identifier"] == id.c_str());
  CHECK(res["entityUri"] == ("/20160918/images/" + id).c_str());

  auto img = test::json(c.get("/20160918/images/" + id)->body).as_object();
  CHECK(img["lifecycleState"] == "AVAILABLE");
  wr = test::json(c.get("/20160918/workRequests/" + wr_id)->body).as_object();
  CHECK(wr["status"] == "SUCCEEDED");
  CHECK(wr["percentComplete"].to_number<double>() == 100.0);
  CHECK(wr["timeFinished"].is_string());

  auto missing = c.get("/20160918/workRequests/ocid1.coreservicesworkrequest.oc1.phx.aaaaaaaanope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE_METHOD(fixture, "CreateImage: agentFeatures come from the instance's base image, else null",
                 "[http][create][values]") {
  // A base image that says it has agent features, and an instance launched from it.
  fake.apply(ocifake::scenario::parse(R"({"name": "agent", "images": [{"id": "ocid1.image.oc1.phx.aaaaaaaaagentbase",
      "compartmentId": ")" + test::compartment +
                                      R"(",
      "agentFeatures": {"isManagementSupported": true, "isMonitoringSupported": true}}]})"));
  auto launched =
      fake.add_instance({.compartment_id = test::compartment, .image_id = "ocid1.image.oc1.phx.aaaaaaaaagentbase"});
  auto from_agent_base = create(test::create_body(launched));
  REQUIRE(from_agent_base["agentFeatures"].is_object());
  CHECK(from_agent_base["agentFeatures"].as_object()["isManagementSupported"] == true);
  CHECK(from_agent_base["agentFeatures"].as_object()["isMonitoringSupported"] == true);

  // An instance whose base image has none, and an import: null, as the service answers custom images.
  auto plain = fake.add_instance({.compartment_id = test::compartment});
  CHECK(create(test::create_body(plain))["agentFeatures"].is_null());
  auto imported = create(test::import_body());
  CHECK(imported["agentFeatures"].is_null());
}

TEST_CASE_METHOD(fixture, "CreateImage: billableSizeInGBs is a tenth of the boot volume, rounded up to whole GB",
                 "[http][create][values]") {
  for (auto [mbs, gbs] :
       {std::pair<std::int64_t, std::int64_t>{47694, 5}, {10240, 1}, {10241, 2}, {1, 1}, {512000, 50}}) {
    INFO(mbs << " MB");
    auto id = fake.add_instance({.compartment_id = test::compartment, .boot_volume_size_in_mbs = mbs});
    auto img = create(test::create_body(id));
    CHECK(img["sizeInMBs"] == mbs);
    CHECK(img["billableSizeInGBs"] == gbs);
    CHECK(img["billableSizeInGBs"].to_number<std::int64_t>() * 1024 < mbs + 1024);  // below the volume's size
  }
  // An import has no size until it is AVAILABLE; then the default 47694 MB bills 5 GB.
  auto id = test::str(json::value(create(test::import_body())), "id");
  CHECK(create(test::import_body())["billableSizeInGBs"].is_null());
  for (int i = 0; i < 3; ++i) c.get("/20160918/images/" + id);
  auto got = test::json(c.get("/20160918/images/" + id)->body);
  CHECK(test::str(got, "lifecycleState") == "AVAILABLE");
  CHECK(got.at("sizeInMBs") == 47694);
  CHECK(got.at("billableSizeInGBs") == 5);
}

namespace {

// Every Image JSON docs/api.md shows: the bodies of its ```http blocks (after the blank line that
// ends the head) that are an image, or a list of them.
std::vector<json::object> documented_images() {
  std::ifstream doc(OCIFAKE_SOURCE_DIR "/docs/api.md");
  std::stringstream text;
  text << doc.rdbuf();
  const std::string page = text.str();
  std::vector<json::object> out;
  auto keep = [&](const json::value& v) {
    if (const auto* o = v.if_object(); o && o->contains("sizeInMBs") && o->contains("lifecycleState"))
      out.push_back(*o);
  };
  const std::string fence = "```http\n";
  for (auto at = page.find(fence); at != std::string::npos; at = page.find(fence, at + 1)) {
    auto end = page.find("```", at + fence.size());
    auto block = page.substr(at + fence.size(), end - at - fence.size());
    auto blank = block.find("\n\n");
    if (blank == std::string::npos) continue;
    boost::system::error_code ec;
    auto body = json::parse(block.substr(blank + 2), ec);
    if (ec) continue;
    keep(body);
    if (const auto* a = body.if_array())
      for (const auto& v : *a) keep(v);
  }
  return out;
}

}  // namespace

TEST_CASE_METHOD(fixture, "docs/api.md shows agentFeatures and billableSizeInGBs as the server writes them",
                 "[http][create][values][docs]") {
  auto images = documented_images();
  CHECK(images.size() >= 8);
  for (const auto& img : images) {
    INFO(json::serialize(img));
    CHECK(img.at("agentFeatures").is_null());
    if (img.at("compartmentId").is_null()) continue;  // a platform image: the catalogue's own values
    if (img.at("sizeInMBs").is_null())
      CHECK(img.at("billableSizeInGBs").is_null());
    else
      CHECK(img.at("billableSizeInGBs") == (img.at("sizeInMBs").to_number<std::int64_t>() + 10239) / 10240);
  }
  // The first example is a CreateImage from an instance with the default 47694 MB boot volume: the
  // answer of a server of the page's dialect (the default) has the same members and values for these two.
  ocifake::server oci({.clock = ocifake::clock_mode::manual, .seed = 42});
  test::client oci_client(oci);
  auto id = oci.add_instance({.compartment_id = test::compartment});
  auto r = oci_client.post("/20160918/images",
                           test::create_body(id, R"("displayName":"golden","freeformTags":{"env":"test"})"));
  REQUIRE(r);
  REQUIRE(r->status == 200);
  auto answer = test::json(r->body).as_object();
  REQUIRE(!images.empty());
  std::set<std::string> documented, answered;
  for (const auto& m : images.front()) documented.insert(std::string(m.key()));
  for (const auto& m : answer) answered.insert(std::string(m.key()));
  CHECK(documented == answered);
  CHECK(answer.at("agentFeatures") == images.front().at("agentFeatures"));
  CHECK(answer.at("billableSizeInGBs") == images.front().at("billableSizeInGBs"));
  CHECK(answer.at("sizeInMBs") == images.front().at("sizeInMBs"));
}
