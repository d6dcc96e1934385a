// ExportImage and ChangeImageCompartment over HTTP.
#include "catch_compat.hpp"

#include "api_support.hpp"

namespace json = boost::json;

namespace {

using fixture = test::api_fixture;

std::string path(const std::string& id) { return "/20160918/images/" + id; }
std::string export_path(const std::string& id) { return path(id) + "/actions/export"; }
std::string move_path(const std::string& id) { return path(id) + "/actions/changeCompartment"; }

const std::string tuple_body =
    R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"exports","objectName":"golden.qcow2","exportFormat":"QCOW2"})";
const std::string other_compartment = "ocid1.compartment.oc1..aaaaaaaaothercompartment";

}  // namespace

TEST_CASE_METHOD(fixture, "ExportImage answers the image EXPORTING with etag and opc-work-request-id",
                 "[http][export]") {
  auto id = available();
  auto etag = etag_of(id);
  auto r = post(export_path(id), tuple_body);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.object()["lifecycleState"] == "EXPORTING");
  CHECK(test::str(r.json(), "id") == id);
  CHECK(r.header("etag").size() == 64);
  CHECK(r.header("etag") != etag);
  auto wr_id = r.header("opc-work-request-id");
  REQUIRE(wr_id.rfind("ocid1.coreservicesworkrequest.", 0) == 0);

  auto wr = get("/20160918/workRequests/" + wr_id).object();
  CHECK(wr["operationType"] == "Export Image");
  auto& res = wr["resources"].as_array().at(0).as_object();
  CHECK(res["actionType"] == "RELATED");
  CHECK(test::str(res, "identifier") == id);
  CHECK(res["entityType"] == "image");
  // The default polls(1): the first counted read (the GetWorkRequest above) saw it in progress.
  CHECK(wr["status"] == "IN_PROGRESS");
  CHECK(state_of(id) == "AVAILABLE");
  wr = get("/20160918/workRequests/" + wr_id).object();
  CHECK(wr["status"] == "SUCCEEDED");
  CHECK(wr["timeFinished"].is_string());
}

TEST_CASE_METHOD(fixture, "ExportImage to an Object Storage URI, with the OCI format by default", "[http][export]") {
  auto id = available();
  auto r = post(
      export_path(id),
      R"({"destinationType":"objectStorageUri","destinationUri":"https://objectstorage.us-phoenix-1.oraclecloud.com/n/ns/b/exports/o/golden.oci"})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto logs = get("/20160918/workRequests/" + r.header("opc-work-request-id") + "/logs").array();
  bool mentions_format = false;
  for (const auto& l : logs)
    if (test::str(l, "message").find("as OCI") != std::string::npos) mentions_format = true;
  CHECK(mentions_format);
}

TEST_CASE_METHOD(fixture, "ExportImage accepts every export format", "[http][export]") {
  fake.lifecycle().set(ocifake::phase::export_, ocifake::progress::immediate());
  auto id = available();
  for (auto format : {"QCOW2", "VMDK", "OCI", "VHD", "VDI"}) {
    auto r = post(
        export_path(id),
        std::string(
            R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o","exportFormat":")") +
            format + "\"}");
    CHECK(r.status == 200);
    CHECK(state_of(id) == "AVAILABLE");
  }
}

TEST_CASE_METHOD(fixture, "ExportImage refuses each invalid body, naming the field, and starts nothing",
                 "[http][export]") {
  auto id = available();
  auto etag = etag_of(id);
  struct row {
    std::string body;
    std::string code;
    std::string field;
  };
  std::vector<row> rows = {
      {"", "CannotParseRequest", ""},
      {"{", "CannotParseRequest", ""},
      {"42", "InvalidParameter", "body"},
      {R"({"namespaceName":"ns","bucketName":"b","objectName":"o"})", "MissingParameter", "destinationType"},
      {R"({"destinationType":"bucket"})", "InvalidParameter", "destinationType"},
      {R"({"destinationType":"objectStorageTuple","bucketName":"b","objectName":"o"})", "MissingParameter",
       "namespaceName"},
      {R"({"destinationType":"objectStorageTuple","namespaceName":"ns","objectName":"o"})", "MissingParameter",
       "bucketName"},
      {R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b"})", "MissingParameter",
       "objectName"},
      {R"({"destinationType":"objectStorageTuple","namespaceName":"","bucketName":"b","objectName":"o"})",
       "InvalidParameter", "namespaceName"},
      {R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":7,"objectName":"o"})",
       "InvalidParameter", "bucketName"},
      {R"({"destinationType":"objectStorageUri"})", "MissingParameter", "destinationUri"},
      {R"({"destinationType":"objectStorageUri","destinationUri":"s3://bucket/o"})", "InvalidParameter",
       "destinationUri"},
      {R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o","exportFormat":"RAW"})",
       "InvalidParameter", "exportFormat"},
      {R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"b","objectName":"o","exportFormat":"qcow2"})",
       "InvalidParameter", "exportFormat"},
  };
  for (const auto& r : rows) {
    INFO("body: " << r.body);
    auto a = post(export_path(id), r.body);
    CHECK(a.status == 400);
    CHECK(a.code() == r.code);
    if (!r.field.empty()) CHECK(a.message().find(r.field) != std::string::npos);
  }
  CHECK(state_of(id) == "AVAILABLE");
  CHECK(etag_of(id) == etag);
  CHECK(fake.work_requests().size() == 1);  // the create's only
}

TEST_CASE_METHOD(fixture, "ExportImage is 409 IncorrectState unless the image is AVAILABLE", "[http][export]") {
  fake.lifecycle().set(ocifake::phase::export_, ocifake::progress::never());
  auto id = available();
  REQUIRE(post(export_path(id), tuple_body).status == 200);
  auto twice = post(export_path(id), tuple_body);
  CHECK(twice.status == 409);
  CHECK(twice.code() == "IncorrectState");
  CHECK(twice.message().find("EXPORTING") != std::string::npos);
  auto provisioning = test::str(create().json(), "id");
  auto early = post(export_path(provisioning), tuple_body);
  CHECK(early.status == 409);
  CHECK(early.code() == "IncorrectState");
}

TEST_CASE_METHOD(fixture, "ExportImage of a DELETED or unknown image is 404", "[http][export]") {
  auto id = available();
  REQUIRE(del(path(id)).status == 204);
  auto r = post(export_path(id), tuple_body);
  CHECK(r.status == 404);
  CHECK(r.code() == "NotAuthorizedOrNotFound");
  CHECK(post(export_path("ocid1.image.oc1.phx.aaaaaaaamissing"), tuple_body).status == 404);
}

TEST_CASE_METHOD(fixture, "ExportImage honours if-match", "[http][export]") {
  auto id = available();
  auto stale = post(export_path(id), tuple_body, {{"if-match", "0123"}});
  CHECK(stale.status == 412);
  CHECK(stale.code() == "NoEtagMatch");
  CHECK(state_of(id) == "AVAILABLE");
  CHECK(post(export_path(id), tuple_body, {{"if-match", etag_of(id)}}).status == 200);
}

TEST_CASE_METHOD(fixture,
                 "ExportImage that fails leaves the image AVAILABLE and the work request FAILED with the error",
                 "[http][export]") {
  auto id = available();
  fake.lifecycle().set(ocifake::phase::export_, ocifake::progress::fail("bucket is full"));
  auto r = post(export_path(id), tuple_body);
  REQUIRE(r.status == 200);
  auto wr_id = r.header("opc-work-request-id");
  auto wr = get("/20160918/workRequests/" + wr_id).object();
  CHECK(wr["status"] == "FAILED");
  CHECK(wr["timeFinished"].is_string());
  CHECK(state_of(id) == "AVAILABLE");
  auto errors = get("/20160918/workRequests/" + wr_id + "/errors").array();
  REQUIRE(errors.size() == 1);
  CHECK(test::str(errors[0], "code") == "ImageExportFailed");
  CHECK(test::str(errors[0], "message") == "bucket is full");
}

TEST_CASE_METHOD(fixture, "ExportImage: the same retry token replays without a second export",
                 "[http][export][retry]") {
  auto id = available();
  auto first = post(export_path(id), tuple_body, {{"opc-retry-token", "exp-1"}});
  REQUIRE(first.status == 200);
  auto replay = post(export_path(id), tuple_body, {{"opc-retry-token", "exp-1"}});
  CHECK(replay.status == 200);
  CHECK(replay.body == first.body);
  CHECK(replay.header("opc-work-request-id") == first.header("opc-work-request-id"));
  CHECK(fake.work_requests().size() == 2);  // create and one export
}

TEST_CASE("ExportImage: with strict objects, the exported object can be imported afterwards", "[http][export]") {
  ocifake::server fake{{.clock = ocifake::clock_mode::manual}};
  fake.add_object("ns", "images", "disk.qcow2");
  fake.lifecycle().set(ocifake::phase::export_, ocifake::progress::immediate());
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::immediate());
  test::client c(fake);
  auto imported = test::take(c.post("/20160918/images", test::import_body()));
  REQUIRE(imported.status == 200);
  auto id = test::str(imported.json(), "id");
  REQUIRE(test::str(test::take(c.get("/20160918/images/" + id)).json(), "lifecycleState") == "AVAILABLE");
  // Not there yet: importing it fails.
  auto body =
      R"({"compartmentId":")" + test::compartment +
      R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"ns","bucketName":"exports","objectName":"copy.oci"}})";
  auto early = test::take(c.post("/20160918/images", body));
  CHECK(test::str(test::take(c.get("/20160918/images/" + test::str(early.json(), "id"))).json(), "lifecycleState") ==
        "DELETED");
  REQUIRE(
      test::take(
          c.post(
              "/20160918/images/" + id + "/actions/export",
              R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"exports","objectName":"copy.oci"})"))
          .status == 200);
  REQUIRE(test::str(test::take(c.get("/20160918/images/" + id)).json(), "lifecycleState") == "AVAILABLE");
  auto later = test::take(c.post("/20160918/images", body));
  CHECK(test::str(test::take(c.get("/20160918/images/" + test::str(later.json(), "id"))).json(), "lifecycleState") ==
        "AVAILABLE");
}

// ---------------------------------------------------------------- ChangeImageCompartment

TEST_CASE_METHOD(fixture, "ChangeImageCompartment answers 204 with a new etag and moves the image",
                 "[http][compartment]") {
  auto id = available();
  auto etag = etag_of(id);
  auto r = post(move_path(id), R"({"compartmentId":")" + other_compartment + "\"}");
  INFO(r.body);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK(r.header("etag").size() == 64);
  CHECK(r.header("etag") != etag);
  auto img = get(path(id));
  CHECK(test::str(img.json(), "compartmentId") == other_compartment);
  CHECK(img.header("etag") == r.header("etag"));
  CHECK(test::custom_ids_of(list().array()).empty());
  CHECK(test::custom_ids_of(get("/20160918/images?compartmentId=" + other_compartment).array()) ==
        std::vector<std::string>{id});
}

TEST_CASE_METHOD(fixture, "ChangeImageCompartment refuses a missing or malformed compartmentId",
                 "[http][compartment]") {
  auto id = available();
  struct row {
    std::string body, code;
  };
  for (const auto& r :
       {row{"", "CannotParseRequest"}, row{"{}", "MissingParameter"},
        row{R"({"compartmentId":null})", "MissingParameter"}, row{R"({"compartmentId":""})", "InvalidParameter"},
        row{R"({"compartmentId":"c-1"})", "InvalidParameter"}, row{R"({"compartmentId":["x"]})", "InvalidParameter"}}) {
    INFO("body: " << r.body);
    auto a = post(move_path(id), r.body);
    CHECK(a.status == 400);
    CHECK(a.code() == r.code);
    if (r.code != "CannotParseRequest") CHECK(a.message().find("compartmentId") != std::string::npos);
  }
  CHECK(test::str(get(path(id)).json(), "compartmentId") == test::compartment);
}

TEST_CASE("ChangeImageCompartment to an unknown compartment is 404 when compartments are strict",
          "[http][compartment]") {
  ocifake::server fake{{.clock = ocifake::clock_mode::manual}};
  fake.add_compartment(test::compartment);
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::immediate());
  test::client c(fake);
  auto inst = fake.add_instance({.compartment_id = test::compartment});
  auto id = test::str(test::take(c.post("/20160918/images", test::create_body(inst))).json(), "id");
  auto r = test::take(c.post(move_path(id), R"({"compartmentId":")" + other_compartment + "\"}"));
  CHECK(r.status == 404);
  CHECK(r.code() == "NotAuthorizedOrNotFound");
  CHECK(r.message().find("compartmentId") != std::string::npos);
  fake.add_compartment(other_compartment);
  CHECK(test::take(c.post(move_path(id), R"({"compartmentId":")" + other_compartment + "\"}")).status == 204);
}

TEST_CASE_METHOD(fixture, "ChangeImageCompartment is 409 IncorrectState unless the image is AVAILABLE",
                 "[http][compartment]") {
  auto provisioning = test::str(create().json(), "id");
  auto r = post(move_path(provisioning), R"({"compartmentId":")" + other_compartment + "\"}");
  CHECK(r.status == 409);
  CHECK(r.code() == "IncorrectState");
  fake.lifecycle().set(ocifake::phase::export_, ocifake::progress::never());
  auto exporting = available();
  REQUIRE(post(export_path(exporting), tuple_body).status == 200);
  CHECK(post(move_path(exporting), R"({"compartmentId":")" + other_compartment + "\"}").status == 409);
  CHECK(test::str(get(path(exporting)).json(), "compartmentId") == test::compartment);
}

TEST_CASE_METHOD(fixture, "ChangeImageCompartment of a DELETED image is 404; a stale if-match is 412",
                 "[http][compartment]") {
  auto id = available();
  auto stale = post(move_path(id), R"({"compartmentId":")" + other_compartment + "\"}", {{"if-match", "stale"}});
  CHECK(stale.status == 412);
  CHECK(stale.code() == "NoEtagMatch");
  CHECK(post(move_path(id), R"({"compartmentId":")" + other_compartment + "\"}", {{"if-match", etag_of(id)}}).status ==
        204);
  REQUIRE(del(path(id)).status == 204);
  auto gone = post(move_path(id), R"({"compartmentId":")" + test::compartment + "\"}");
  CHECK(gone.status == 404);
  CHECK(gone.code() == "NotAuthorizedOrNotFound");
}

TEST_CASE_METHOD(fixture, "ChangeImageCompartment: the same retry token replays the first answer",
                 "[http][compartment][retry]") {
  auto id = available();
  auto body = R"({"compartmentId":")" + other_compartment + "\"}";
  auto first = post(move_path(id), body, {{"opc-retry-token", "mv-1"}});
  REQUIRE(first.status == 204);
  auto replay = post(move_path(id), body, {{"opc-retry-token", "mv-1"}});
  CHECK(replay.status == 204);
  CHECK(replay.header("etag") == first.header("etag"));
  auto j = fake.journal("ChangeImageCompartment");
  REQUIRE(j.size() == 2);
  CHECK(j[1].replayed);
}
