// Scenario documents: every mistake named by source, JSON path and expectation; applying all or
// nothing; the server-wide settings; state_json round trips.
#include "catch_compat.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

#include <boost/json.hpp>
#include <httplib.h>

#include <ocifake/ocifake.hpp>

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaatest";
const std::string instance = "ocid1.instance.oc1.phx.aaaaaaaatest";

struct mistake {
  std::string path, expected, what;
};

// The mistake a document makes, as scenario::parse reports it.
mistake mistake_in(const std::string& text) {
  try {
    ocifake::scenario::parse(text, "test.json");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.source() == "test.json");
    return {e.path(), e.expected(), e.what()};
  }
  return {"<none>", "<parsed without error>", ""};
}

// A document with `name` and the given members.
std::string doc(const std::string& members) {
  return R"({"name": "t")" + (members.empty() ? "" : ", " + members) + "}";
}

std::string image_doc(const std::string& extra = "") {
  return R"({"id": "ocid1.image.oc1.phx.aaaaaaaaone", "compartmentId": ")" + compartment + "\"" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace

TEST_CASE("scenario: a minimal document is just a name", "[unit][scenario]") {
  auto s = ocifake::scenario::parse(R"({"name": "empty"})");
  CHECK(s.name() == "empty");
  CHECK(s.description().empty());
  CHECK_FALSE(s.clock());
  CHECK_FALSE(s.seed());
  auto full = ocifake::scenario::parse(doc(R"("description": "d", "clock": "manual", "seed": 42)"));
  CHECK(full.description() == "d");
  CHECK(full.clock() == ocifake::clock_mode::manual);
  CHECK(full.seed() == 42u);
}

TEST_CASE("scenario: mistakes in the document itself", "[unit][scenario]") {
  auto m = mistake_in("{\"name\": ");
  CHECK(m.path == "$");
  CHECK_THAT(m.expected, catch_compat::StartsWith("JSON text"));

  m = mistake_in("[]");
  CHECK(m.path == "$");
  CHECK_THAT(m.expected, catch_compat::Contains("a scenario object"));

  m = mistake_in("{}");
  CHECK(m.path == "$.name");
  CHECK_THAT(m.expected, catch_compat::Contains("(required)"));
  CHECK(m.what == "test.json: $.name: " + m.expected);

  CHECK(mistake_in(R"({"name": ""})").path == "$.name");
  CHECK(mistake_in(R"({"name": 7})").path == "$.name");

  m = mistake_in(doc(R"("fault": [])"));
  CHECK(m.path == "$.fault");
  CHECK_THAT(m.expected,
             catch_compat::Contains("did you mean \"faults\"?") && catch_compat::Contains("the keys here are name,"));

  m = mistake_in(doc(R"("clock": "fast")"));
  CHECK(m.path == "$.clock");
  CHECK(m.expected == R"(one of real, manual; got "fast")");

  m = mistake_in(doc(R"("clockStart": "yesterday")"));
  CHECK(m.path == "$.clockStart");
  CHECK_THAT(m.expected, catch_compat::Contains("RFC 3339"));

  CHECK(mistake_in(doc(R"("seed": -1)")).path == "$.seed");
  CHECK(mistake_in(doc(R"("seed": "7")")).path == "$.seed");
  CHECK(mistake_in(doc(R"("compartments": "ocid1.compartment.oc1..aaaa")")).path == "$.compartments");
  m = mistake_in(doc(R"("compartments": ["ocid1.compartment.oc1..aaaa", "not-an-ocid"])"));
  CHECK(m.path == "$.compartments[1]");
  CHECK_THAT(m.expected, catch_compat::Contains("compartment OCID"));
}

TEST_CASE("scenario: a file edited by hand is told the line and column of a syntax error", "[unit][scenario]") {
  auto m = mistake_in("{\n  \"name\": \"t\",\n  \"seed\": 7,\n}");
  CHECK(m.path == "$");
  CHECK(m.what == "test.json: $: JSON text (syntax error at line 4, column 1)");
}

TEST_CASE("scenario: a key given twice is refused, wherever it is", "[unit][scenario]") {
  auto m = mistake_in(R"({"name": "t", "clock": "manual", "clock": "real"})");
  CHECK(m.path == "$.clock");
  CHECK(m.expected == "a key that appears once in its object (it appears again at line 1, column 34)");
  m = mistake_in(doc(R"("images": [)" + image_doc(R"("displayName": "a", "displayName": "b")") + "]"));
  CHECK(m.path == "$.images[0].displayName");
  m = mistake_in(doc(R"("faults": [{"operation": "GetImage", "action": {"type": "reset", "type": "close"}}])"));
  CHECK(m.path == "$.faults[0].action.type");
}

TEST_CASE("scenario: did you mean, for keys and for values of a closed set", "[unit][scenario]") {
  auto m = mistake_in(doc(R"("instances": [{"compartmentId": ")" + compartment + R"(", "launchMode": "NATIV"}])"));
  CHECK(m.path == "$.instances[0].launchMode");
  CHECK(
      m.expected ==
      R"(one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, VDPA, CUSTOM; got "NATIV" (did you mean "NATIVE"?))");
  m = mistake_in(doc(R"("images": [)" + image_doc(R"("lifecycleState": "AVAILABEL")") + "]"));
  CHECK_THAT(m.expected, catch_compat::EndsWith(R"(; got "AVAILABEL" (did you mean "AVAILABLE"?))"));
  m = mistake_in(doc(R"("clock": "Manuel")"));
  CHECK(m.expected == R"(one of real, manual; got "Manuel" (did you mean "manual"?))");
  m = mistake_in(doc(R"("lifecycle": {"imports": {"polls": 1}})"));
  CHECK(m.path == "$.lifecycle.imports");
  CHECK_THAT(m.expected, catch_compat::Contains(R"(did you mean "import"?)"));
  m = mistake_in(doc(R"("faults": [{"operation": "CreateImag", "action": {"type": "reset"}}])"));
  CHECK(m.path == "$.faults[0].operation");
  CHECK_THAT(m.expected, catch_compat::Contains(R"(got "CreateImag" (did you mean "CreateImage"?))"));
  m = mistake_in(doc(R"("faults": [{"operation": "GetImage", "action": {"type": "rest"}}])"));
  CHECK(m.path == "$.faults[0].action.type");
  CHECK_THAT(m.expected, catch_compat::Contains(R"(did you mean "reset"?)"));
}

TEST_CASE("scenario: mistakes in instances and objects", "[unit][scenario]") {
  auto m = mistake_in(doc(R"("instances": [{"compartmentId": ")" + compartment + R"("}, {"displayName": "x"}])"));
  CHECK(m.path == "$.instances[1].compartmentId");
  CHECK_THAT(m.expected, catch_compat::Contains("an OCID") && catch_compat::Contains("(required)"));

  m = mistake_in(doc(R"("instances": [{"compartmentid": ")" + compartment + R"("}])"));
  CHECK(m.path == "$.instances[0].compartmentid");
  CHECK_THAT(m.expected, catch_compat::Contains("did you mean \"compartmentId\"?"));

  m = mistake_in(doc(R"("instances": [{"compartmentId": ")" + compartment + R"(", "launchMode": "FAST"}])"));
  CHECK(m.path == "$.instances[0].launchMode");
  CHECK(m.expected == R"(one of NATIVE, EMULATED, PARAVIRTUALIZED, ACCELERATEDPV, VDPA, CUSTOM; got "FAST")");

  m = mistake_in(doc(R"("instances": [{"compartmentId": ")" + compartment +
                     R"(", "dataVolumes": [{"displayName": "d", "sizeInMBs": "big"}]}])"));
  CHECK(m.path == "$.instances[0].dataVolumes[0].sizeInMBs");
  CHECK_THAT(m.expected, catch_compat::StartsWith("an integer from 1"));

  m = mistake_in(doc(R"("instances": [{"id": ")" + instance + R"(", "compartmentId": ")" + compartment +
                     R"("}, {"id": ")" + instance + R"(", "compartmentId": ")" + compartment + R"("}])"));
  CHECK(m.path == "$.instances[1].id");

  m = mistake_in(doc(R"("objects": [{"namespace": "ns", "object": "o"}])"));
  CHECK(m.path == "$.objects[0].bucket");
  CHECK_THAT(m.expected, catch_compat::Contains("(required)"));
  CHECK(mistake_in(doc(R"("objects": [{"namespace": "ns", "bucket": "b", "object": "o", "size": 1}])")).path ==
        "$.objects[0].size");
}

TEST_CASE("scenario: an instance's lifecycleState is a seed, its availabilityDomain a string", "[unit][scenario]") {
  auto with = [](const std::string& member) {
    return doc(R"("instances": [{"compartmentId": ")" + compartment + R"("}, {"compartmentId": ")" + compartment +
               "\", " + member + "}]");
  };
  auto m = mistake_in(with(R"("lifecycleState": "CREATING_IMAGE")"));
  CHECK(m.path == "$.instances[1].lifecycleState");
  CHECK(m.expected == "one of RUNNING, STOPPED, STOPPING, STARTING, TERMINATING, TERMINATED (CREATING_IMAGE is "
                      "reached by CreateImage of the instance, not seeded); got \"CREATING_IMAGE\"");
  m = mistake_in(with(R"("lifecycleState": "STARTNG")"));
  CHECK(m.path == "$.instances[1].lifecycleState");
  CHECK_THAT(m.expected, catch_compat::Contains(R"(got "STARTNG" (did you mean "STARTING"?))"));
  m = mistake_in(with(R"("lifecycleState": 3)"));
  CHECK(m.path == "$.instances[1].lifecycleState");
  CHECK_THAT(m.expected, catch_compat::StartsWith("one of RUNNING"));
  m = mistake_in(with(R"("availabilityDomain": ["AD-1"])"));
  CHECK(m.path == "$.instances[1].availabilityDomain");
  m = mistake_in(with(R"("availabilityDomain": "")"));
  CHECK(m.path == "$.instances[1].availabilityDomain");
  m = mistake_in(with(R"("lifecycleStat": "RUNNING")"));
  CHECK_THAT(m.expected, catch_compat::Contains("did you mean \"lifecycleState\"?"));
  CHECK(mistake_in(with(R"("lifecycleState": "TERMINATED", "availabilityDomain": "Uocm:PHX-AD-2")")).path == "<none>");
}

TEST_CASE("scenario: mistakes in image capability schemas", "[unit][scenario]") {
  const std::string image = "ocid1.image.oc1.phx.aaaaaaaaone";
  auto schema = [&](const std::string& extra, const std::string& data = "{}") {
    return doc(R"("images": [)" + image_doc() + R"(], "computeImageCapabilitySchemas": [{"compartmentId": ")" +
               compartment + R"(", "imageId": ")" + image +
               R"(", "computeGlobalImageCapabilitySchemaVersionName": "2023-11-07", "schemaData": )" + data +
               (extra.empty() ? "" : ", " + extra) + "}]");
  };
  CHECK(mistake_in(schema("")).path == "<none>");
  auto m = mistake_in(schema(R"("lifecycleState": "GONE")"));
  CHECK(m.path == "$.computeImageCapabilitySchemas[0].lifecycleState");
  CHECK_THAT(m.expected, catch_compat::StartsWith("one of CREATING, ACTIVE, DELETED"));
  m = mistake_in(schema(R"("etag": "x")"));
  CHECK(m.path == "$.computeImageCapabilitySchemas[0].etag");
  m = mistake_in(schema(R"("computeGlobalImageCapabilitySchemaId": "ocid1.computeglobalimgcapschema.oc1..other")"));
  CHECK(m.path == "$.computeImageCapabilitySchemas[0].computeGlobalImageCapabilitySchemaId");
  m = mistake_in(doc(R"("computeImageCapabilitySchemas": [{"compartmentId": ")" + compartment + R"(", "imageId": ")" +
                     image +
                     R"(", "computeGlobalImageCapabilitySchemaVersionName": "2023-11-08", "schemaData": {}}])"));
  CHECK(m.path == "$.computeImageCapabilitySchemas[0].computeGlobalImageCapabilitySchemaVersionName");
  CHECK_THAT(m.expected, catch_compat::Contains(R"(did you mean "2023-11-07"?)"));
  m = mistake_in(doc(R"("computeImageCapabilitySchemas": [{"compartmentId": ")" + compartment + R"(", "imageId": ")" +
                     image + R"(", "computeGlobalImageCapabilitySchemaVersionName": "2023-11-07"}])"));
  CHECK(m.path == "$.computeImageCapabilitySchemas[0].schemaData");
  CHECK_THAT(m.expected, catch_compat::Contains("(required)"));
  m = mistake_in(schema("", R"({"Compute.Firmwar": {"descriptorType": "enumstring", "source": "IMAGE"}})"));
  CHECK_THAT(m.path, catch_compat::StartsWith("$.computeImageCapabilitySchemas[0].schemaData"));
  CHECK_THAT(m.expected, catch_compat::Contains(R"(did you mean "Compute.Firmware"?)"));

  // Checked when applied: the image must be the document's or the server's, the id new to the server.
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  auto refusal = [&](const std::string& text) {
    try {
      fake.apply(ocifake::scenario::parse(text, "t.json"));
    } catch (const ocifake::invalid_input& e) {
      return std::pair<std::string, std::string>{e.path(), e.expected()};
    }
    return std::pair<std::string, std::string>{"<applied>", ""};
  };
  const std::string id = R"("id": "ocid1.computeimgcapschema.oc1.phx.aaaaaaaaone")";
  auto lone = doc(R"("computeImageCapabilitySchemas": [{)" + id + R"(, "compartmentId": ")" + compartment +
                  R"(", "imageId": ")" + image +
                  R"(", "computeGlobalImageCapabilitySchemaVersionName": "2023-11-07", "schemaData": {}}])");
  auto [path, expected] = refusal(lone);
  CHECK(path == "$.computeImageCapabilitySchemas[0].imageId");
  CHECK_THAT(expected, catch_compat::Contains(image + " is neither"));
  CHECK(refusal(schema("")).first == "<applied>");
  CHECK(refusal(lone).first == "<applied>");  // the image is the server's now
  std::tie(path, expected) = refusal(lone);
  CHECK(path == "$.computeImageCapabilitySchemas[0].id");
  CHECK_THAT(expected, catch_compat::Contains("is there already"));
  // A document without a dialect may use either cloud's values; applied, they must be the server's (oci).
  std::tie(path, expected) = refusal(
      schema("", R"({"Compute.LaunchMode": {"descriptorType": "enumstring", "source": "IMAGE", "values": ["VDPA"]}})"));
  CHECK_THAT(path, catch_compat::StartsWith("$.computeImageCapabilitySchemas[0].schemaData"));
  CHECK_THAT(expected, catch_compat::Contains("VDPA"));
}

TEST_CASE("scenario: mistakes in images", "[unit][scenario]") {
  auto m = mistake_in(doc(R"("images": [)" + image_doc(R"("lifecycleState": "READY")") + "]"));
  CHECK(m.path == "$.images[0].lifecycleState");
  CHECK(m.expected == R"(one of PROVISIONING, IMPORTING, AVAILABLE, EXPORTING, DISABLED, DELETED; got "READY")");

  CHECK(mistake_in(doc(R"("images": [{"id": "ocid1.image.oc1.phx.aaaa"}])")).path == "$.images[0].compartmentId");
  CHECK(mistake_in(doc(R"("images": [)" + image_doc(R"("timeCreated": "2026-13-01")") + "]")).path ==
        "$.images[0].timeCreated");
  CHECK(mistake_in(doc(R"("images": [)" + image_doc(R"("freeformTags": {"team": 1})") + "]")).path ==
        "$.images[0].freeformTags.team");
  CHECK(mistake_in(doc(R"("images": [)" + image_doc(R"("freeformTags": {"a.b": 1})") + "]")).path ==
        R"($.images[0].freeformTags["a.b"])");
  CHECK(mistake_in(doc(R"("images": [)" + image_doc(R"("launchOptions": {"firmware": "UEFI"})") + "]")).path ==
        "$.images[0].launchOptions.firmware");
  CHECK(mistake_in(doc(R"("images": [)" + image_doc(R"("shapes": [{"memoryConstraints": {}}])") + "]")).path ==
        "$.images[0].shapes[0].shape");
  CHECK(mistake_in(doc(R"("images": [)" + image_doc(R"("etag": "abc")") + "]")).path == "$.images[0].etag");

  m = mistake_in(doc(R"("images": [)" + image_doc(R"("progress": {"polls": 2})") + "]"));
  CHECK(m.path == "$.images[0].progress");
  CHECK_THAT(m.expected, catch_compat::Contains("this one is AVAILABLE"));

  m = mistake_in(doc(R"("images": [)" + image_doc() + ", " + image_doc() + "]"));
  CHECK(m.path == "$.images[1].id");
  CHECK_THAT(m.expected, catch_compat::Contains("is repeated"));
}

TEST_CASE("scenario: mistakes in work requests", "[unit][scenario]") {
  auto wr = [](const std::string& fields) {
    return R"("workRequests": [{"operationType": "Create Image", "status": "SUCCEEDED", "resources": [{"entityType": "image", "identifier": "ocid1.image.oc1.phx.aaaaaaaaone"}])" +
           (fields.empty() ? "" : ", " + fields) + "}]";
  };
  auto images = R"("images": [)" + image_doc() + "], ";
  CHECK(mistake_in(doc(images + wr(""))).path == "<none>");

  auto m = mistake_in(doc(wr("")));
  CHECK(m.path == "$.workRequests[0].resources[0].identifier");
  CHECK_THAT(m.expected, catch_compat::Contains("an image in this scenario's images"));

  m = mistake_in(
      doc(images + R"("workRequests": [{"operationType": "Delete Image", "status": "SUCCEEDED", "resources": []}])"));
  CHECK(m.path == "$.workRequests[0].operationType");
  CHECK(m.expected == R"(one of Create Image, Import Image, Export Image; got "Delete Image")");

  m = mistake_in(
      doc(images + R"("workRequests": [{"operationType": "Create Image", "status": "SUCCEEDED", "resources": []}])"));
  CHECK(m.path == "$.workRequests[0].resources");

  m = mistake_in(doc(
      images +
      R"("workRequests": [{"operationType": "Create Image", "status": "IN_PROGRESS", "resources": [{"identifier": "ocid1.image.oc1.phx.aaaaaaaaone"}]}])"));
  CHECK(m.path == "$.workRequests[0].status");
  CHECK_THAT(m.expected, catch_compat::Contains("is AVAILABLE"));

  CHECK(mistake_in(doc(images + wr(R"("percentComplete": 101)"))).path == "$.workRequests[0].percentComplete");
  CHECK(mistake_in(doc(images + wr(R"("errors": [{"message": "m"}])"))).path == "$.workRequests[0].errors[0].code");
  m = mistake_in(
      doc(images + R"("workRequests": [{"operationType": "Create Image", "status": "SUCCEEDED", )"
                   R"("resources": [{"identifier": "ocid1.image.oc1.phx.aaaaaaaaone", "entityType": "instance"}]}])"));
  CHECK(m.path == "$.workRequests[0].resources[0].entityType");
  CHECK(m.expected == R"(one of image; got "instance")");
  // The same resources given a second time are refused, whichever would have won.
  CHECK(mistake_in(doc(images + wr(R"("resources": [{"identifier": "ocid1.image.oc1.phx.aaaaaaaaone"}])"))).path ==
        "$.workRequests[0].resources");
}

TEST_CASE("scenario: mistakes in lifecycle values and fault rules", "[unit][scenario]") {
  auto m = mistake_in(doc(R"("lifecycle": {"import": {"minutes": 5}})"));
  CHECK(m.path == "$.lifecycle.import.minutes");
  m = mistake_in(doc(R"("lifecycle": {"import": {"polls": 1, "seconds": 5}})"));
  CHECK(m.path == "$.lifecycle.import");
  CHECK_THAT(m.expected, catch_compat::Contains(R"({"polls": n})") && catch_compat::Contains(R"({"fail": "message"})"));
  CHECK(mistake_in(doc(R"("lifecycle": {"import": {"polls": -1}})")).path == "$.lifecycle.import.polls");
  CHECK(mistake_in(doc(R"("lifecycle": {"import": {"seconds": "600"}})")).path == "$.lifecycle.import.seconds");
  CHECK(mistake_in(doc(R"("lifecycle": {"import": {"immediate": false}})")).path == "$.lifecycle.import.immediate");
  CHECK(mistake_in(doc(R"("lifecycle": {"import": {"fail": ""}})")).path == "$.lifecycle.import.fail");
  CHECK(mistake_in(doc(R"("lifecycle": {"teardown": {"immediate": true}})")).path == "$.lifecycle.teardown");

  m = mistake_in(doc(
      R"("faults": [{"operation": "GetImage", "action": {"type": "reset"}}, {"operation": "GetImage", "action": {"type": "explode"}}])"));
  CHECK(m.path == "$.faults[1].action.type");
  CHECK_THAT(m.expected, catch_compat::Contains("error") && catch_compat::Contains("slowBody"));
  m = mistake_in(doc(R"("faults": [{"operation": "GetImages", "action": {"type": "reset"}}])"));
  CHECK(m.path == "$.faults[0].operation");
  m = mistake_in(doc(
      R"("faults": [{"id": "a", "operation": "GetImage", "action": {"type": "reset"}}, {"id": "a", "operation": "GetImage", "action": {"type": "close"}}])"));
  CHECK(m.path == "$.faults[1].id");
  CHECK(mistake_in(doc(R"("faults": {"operation": "GetImage"})")).path == "$.faults");
}

TEST_CASE("scenario: load names the file in every message", "[unit][scenario]") {
  auto dir = std::filesystem::temp_directory_path() / ("ocifake-scenario-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto file = dir / "typo.json";
  std::ofstream(file) << R"({"name": "typo", "instances": [{"compartmentID": "x"}]})";
  try {
    ocifake::scenario::load(file);
    FAIL("no error");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.source() == file.string());
    CHECK(e.path() == "$.instances[0].compartmentID");
    CHECK_THAT(std::string(e.what()), catch_compat::StartsWith(file.string() + ": $.instances[0].compartmentID: "));
  }
  try {
    ocifake::scenario::load(dir / "missing.json");
    FAIL("no error");
  } catch (const ocifake::invalid_input& e) {
    CHECK(e.source() == (dir / "missing.json").string());
    CHECK(e.path() == "$");
    CHECK_THAT(e.expected(), catch_compat::Contains("cannot open"));
  }
  ocifake::server fake;
  CHECK_THROWS_AS(fake.load_scenario(file), ocifake::invalid_input);
  std::filesystem::remove_all(dir);
}

TEST_CASE("scenario: applies compartments, instances, objects, images and lifecycle", "[unit][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.apply(ocifake::scenario::parse(doc(R"("compartments": [")" + compartment + R"("],
         "instances": [{"id": ")" + instance +
                                          R"(", "compartmentId": ")" + compartment + R"(", "displayName": "web-1"}],
         "objects": [{"namespace": "ns", "bucket": "b", "object": "o"}],
         "images": [)" + image_doc(R"("displayName": "golden", "freeformTags": {"team": "x"})") +
                                          R"(],
         "lifecycle": {"import": {"seconds": 600}, "provision": {"never": true}})")));

  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id == "ocid1.image.oc1.phx.aaaaaaaaone");
  CHECK(images[0].display_name == "golden");
  CHECK(images[0].lifecycle_state == "AVAILABLE");
  CHECK(images[0].freeform_tags.at("team") == "x");
  CHECK(images[0].time_created == fake.clock().now());
  CHECK(fake.lifecycle().get(ocifake::phase::import) == ocifake::progress::after(600s));
  CHECK(fake.lifecycle().get(ocifake::phase::provision) == ocifake::progress::never());

  // The instance is there to capture, and compartments are strict.
  httplib::Client c(fake.endpoint());
  auto r =
      c.Post("/20160918/images", R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance + R"("})",
             "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  r = c.Post("/20160918/images",
             R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaaother", "instanceId": ")" + instance + R"("})",
             "application/json");
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE("scenario: a clock other than the server's switches it, both ways; clockStart sets it", "[unit][scenario]") {
  ocifake::server real;
  const auto system_before = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  real.apply(ocifake::scenario::parse(doc(R"("clock": "manual", "images": [)" + image_doc() + "]"), "m.json"));
  CHECK(real.clock().mode() == ocifake::clock_mode::manual);
  CHECK(real.images().size() == 1);
  // Frozen at the time it read then: it stands still from here.
  auto frozen = real.clock().now();
  CHECK(frozen >= system_before);
  CHECK(real.clock().now() == frozen);
  real.clock().advance(1h);
  CHECK(real.clock().now() == frozen + 1h);

  // Back to real: the system clock again, whatever the manual clock had reached.
  real.apply(ocifake::scenario::parse(doc(R"("clock": "real")")));
  CHECK(real.clock().mode() == ocifake::clock_mode::real);
  CHECK(real.clock().now() >= system_before);
  CHECK(real.clock().now() < frozen + 1h);

  // To manual with a clockStart: frozen there.
  real.apply(ocifake::scenario::parse(doc(R"("clock": "manual", "clockStart": "2026-03-01T08:00:00.000Z")")));
  CHECK(real.clock().now() == std::chrono::sys_days{std::chrono::year{2026} / 3 / 1} + 8h);

  // A scenario refused for another reason leaves the clock as it was: all or nothing.
  ocifake::server plain;
  auto taken = ocifake::scenario::parse(doc(R"("images": [)" + image_doc() + "]"));
  plain.apply(taken);
  auto clash = ocifake::scenario::parse(doc(R"("clock": "manual", "images": [)" + image_doc() + "]"));
  CHECK_THROWS_AS(plain.apply(clash), ocifake::invalid_input);
  CHECK(plain.clock().mode() == ocifake::clock_mode::real);

  ocifake::server manual({.clock = ocifake::clock_mode::manual});
  manual.apply(ocifake::scenario::parse(doc(R"("clockStart": "2026-01-01T00:00:00.000Z")")));
  CHECK(ocifake::scenario::parse(manual.state_json()).name() == "state");
  CHECK_THAT(manual.state_json(), catch_compat::Contains(R"("clockStart": "2026-01-01T00:00:00.000Z")"));

  // On a real clock, clockStart shifts the clock, which runs on from there.
  real.apply(ocifake::scenario::parse(doc(R"("clockStart": "2020-06-01T12:00:00.000Z")")));
  auto now = real.clock().now();
  CHECK(now >= std::chrono::sys_days{std::chrono::year{2020} / 6 / 1} + 12h);
  CHECK(now < std::chrono::sys_days{std::chrono::year{2020} / 6 / 1} + 13h);
}

TEST_CASE("scenario: a seed makes the ids that follow the same on any server", "[unit][scenario]") {
  auto s = ocifake::scenario::parse(doc(R"("seed": 99, "instances": [{"compartmentId": ")" + compartment +
                                        R"("}], "images": [{"compartmentId": ")" + compartment + R"("}])"));
  ocifake::server a({.seed = 1}), b({.seed = 2});
  a.add_instance({.compartment_id = compartment});  // a has drawn ids already; b has not
  a.apply(s);
  b.apply(s);
  auto ids = [](const ocifake::server& fake) {
    auto state = json::parse(fake.state_json());
    std::vector<std::string> out;
    for (const auto& i : state.at("images").as_array()) out.emplace_back(i.at("id").as_string());
    return out;
  };
  CHECK(ids(a) == ids(b));
}

TEST_CASE("scenario: applying is all or nothing", "[unit][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.faults().add(ocifake::fault::on("GetImage").id("taken").reset_connection());
  fake.apply(ocifake::scenario::parse(doc(R"("images": [)" + image_doc() + "]")));
  auto before = fake.state_json();
  auto clock_before = fake.clock().now();

  SECTION("a rule id the server has") {
    try {
      fake.apply(ocifake::scenario::parse(
          doc(R"("clockStart": "2030-01-01T00:00:00.000Z", "instances": [{"compartmentId": ")" + compartment +
              R"("}], "faults": [{"operation": "GetImage", "action": {"type": "close"}}, {"id": "taken", "operation": "GetImage", "action": {"type": "close"}}])"),
          "f.json"));
      FAIL("no error");
    } catch (const ocifake::invalid_input& e) {
      CHECK(e.path() == "$.faults[1].id");
      CHECK_THAT(e.expected(), catch_compat::Contains("taken"));
    }
  }
  SECTION("an image id the server has") {
    try {
      fake.apply(ocifake::scenario::parse(
          doc(R"("instances": [{"compartmentId": ")" + compartment + R"("}], "images": [{"compartmentId": ")" +
              compartment + R"("}, )" + image_doc() +
              R"(], "faults": [{"operation": "GetImage", "action": {"type": "close"}}])")));
      FAIL("no error");
    } catch (const ocifake::invalid_input& e) {
      CHECK(e.path() == "$.images[1].id");
      CHECK_THAT(e.expected(), catch_compat::Contains("is there already"));
    }
  }
  CHECK(fake.state_json() == before);
  CHECK(fake.clock().now() == clock_before);
  CHECK(fake.faults().list().size() == 1);
}

TEST_CASE("scenario: an image seeded in progress carries on, with its work request or a new one", "[unit][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.apply(ocifake::scenario::parse(doc(R"(
      "lifecycle": {"provision": {"polls": 1}},
      "images": [
        {"id": "ocid1.image.oc1.phx.aaaaaaaaone", "compartmentId": ")" +
                                          compartment + R"(", "lifecycleState": "PROVISIONING"},
        {"id": "ocid1.image.oc1.phx.aaaaaaaatwo", "compartmentId": ")" +
                                          compartment + R"(", "lifecycleState": "IMPORTING",
         "progress": {"seconds": 600}},
        {"id": "ocid1.image.oc1.phx.aaaaaaaathree", "compartmentId": ")" +
                                          compartment + R"(", "lifecycleState": "DISABLED",
         "progress": {"polls": 0}}],
      "workRequests": [
        {"id": "ocid1.coreservicesworkrequest.oc1.phx.aaaaaaaatwo", "operationType": "Import Image", "status": "IN_PROGRESS",
         "resources": [{"identifier": "ocid1.image.oc1.phx.aaaaaaaatwo"}], "percentComplete": 50}])")));

  auto wrs = fake.work_requests();
  REQUIRE(wrs.size() == 2);
  CHECK(wrs[0].id == "ocid1.coreservicesworkrequest.oc1.phx.aaaaaaaatwo");
  CHECK(wrs[1].image_id == "ocid1.image.oc1.phx.aaaaaaaaone");  // made for the image that had none
  CHECK(wrs[1].operation_type == "Create Image");
  CHECK(wrs[1].status == "ACCEPTED");

  httplib::Client c(fake.endpoint());
  auto state = [&](const std::string& id) {
    auto r = c.Get("/20160918/images/" + id);
    return r ? std::string(json::parse(r->body).at("lifecycleState").as_string()) : "no answer";
  };
  CHECK(state("ocid1.image.oc1.phx.aaaaaaaaone") == "PROVISIONING");
  CHECK(state("ocid1.image.oc1.phx.aaaaaaaaone") == "AVAILABLE");
  CHECK(state("ocid1.image.oc1.phx.aaaaaaaathree") == "DELETED");  // a pending deletion, completed
  CHECK(state("ocid1.image.oc1.phx.aaaaaaaatwo") == "IMPORTING");
  fake.clock().advance(600s);
  CHECK(state("ocid1.image.oc1.phx.aaaaaaaatwo") == "AVAILABLE");
  CHECK(fake.work_requests()[0].status == "SUCCEEDED");
}

TEST_CASE("scenario: state_json recreates the state on a fresh server", "[unit][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 5});
  fake.add_compartment(compartment);
  fake.add_object("ns", "images", "disk.qcow2");
  fake.add_instance(
      {.compartment_id = compartment, .display_name = "web-1", .data_volumes = {{"data", 1024}}, .id = instance});
  fake.lifecycle().set(ocifake::phase::provision, ocifake::progress::polls(3));
  fake.lifecycle().set(ocifake::phase::import, ocifake::progress::after(600s));
  fake.faults().add(ocifake::fault::on("ListImages").times(3).error(503, "ServiceUnavailable"));
  fake.faults().add(ocifake::fault::on("GetImage").times(1).skip(5).error(409, "IncorrectState"));

  httplib::Client c(fake.endpoint());
  auto post = [&](const std::string& body) {
    auto r = c.Post("/20160918/images", body, "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return std::string(json::parse(r->body).at("id").as_string());
  };
  auto provisioning = post(R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance + R"("})");
  auto importing = post(
      R"({"compartmentId": ")" + compartment +
      R"(", "imageSourceDetails": {"sourceType": "objectStorageTuple", "namespaceName": "ns", "bucketName": "images", "objectName": "disk.qcow2"}})");
  fake.lifecycle().set_next(ocifake::phase::import, ocifake::progress::fail("bad disk"));
  auto failed = post(
      R"({"compartmentId": ")" + compartment +
      R"(", "imageSourceDetails": {"sourceType": "objectStorageTuple", "namespaceName": "ns", "bucketName": "images", "objectName": "disk.qcow2"}})");
  c.Get("/20160918/images/" + provisioning);  // one of three polls seen
  c.Get("/20160918/images/" + failed);
  c.Get("/20160918/images");  // one of three 503s fired
  fake.clock().advance(100s);

  auto text = fake.state_json();
  ocifake::server copy({.clock = ocifake::clock_mode::manual});
  copy.apply(ocifake::scenario::parse(text, "state.json"));

  auto a = fake.images(), b = copy.images();
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == 3);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].lifecycle_state == b[i].lifecycle_state);
    CHECK(a[i].json == b[i].json);
  }
  auto wa = fake.work_requests(), wb = copy.work_requests();
  REQUIRE(wa.size() == wb.size());
  for (std::size_t i = 0; i < wa.size(); ++i) CHECK(wa[i].json == wb[i].json);
  CHECK(copy.clock().now() == fake.clock().now());
  CHECK(copy.state_json() == text);

  // Both go on the same way: two more polls for the first image, 500 s for the import.
  httplib::Client cc(copy.endpoint());
  for (auto* client : {&c, &cc}) {
    client->Get("/20160918/images/" + provisioning);
    auto r = client->Get("/20160918/images/" + provisioning);
    CHECK(json::parse(r->body).at("lifecycleState") == "PROVISIONING");
    r = client->Get("/20160918/images/" + provisioning);
    CHECK(json::parse(r->body).at("lifecycleState") == "AVAILABLE");
  }
  fake.clock().advance(500s);
  copy.clock().advance(500s);
  CHECK(fake.find_image(importing)->lifecycle_state == "AVAILABLE");
  CHECK(copy.find_image(importing)->lifecycle_state == "AVAILABLE");
  // The failed import's reason is kept.
  auto errors = cc.Get("/20160918/workRequests/" + wb[2].id + "/errors");
  REQUIRE(errors);
  CHECK_THAT(errors->body, catch_compat::Contains("bad disk"));
  // Rules carry on with what is left of them.
  auto rules = copy.faults().list();
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].rule.times_count() == 2u);
  CHECK(rules[1].rule.skip_count() == 3u);  // five to skip, two GetImage already seen
}

TEST_CASE("scenario: reset returns to the start-up scenarios", "[unit][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.add_startup_scenario(ocifake::scenario::parse(doc(R"("images": [)" + image_doc() + R"(],
      "faults": [{"id": "r", "operation": "GetImage", "times": 1, "action": {"type": "close"}}])")));
  fake.apply(ocifake::scenario::parse(doc(R"("images": [{"compartmentId": ")" + compartment + R"("}])")));
  fake.faults().clear();
  CHECK(fake.images().size() == 2);

  fake.reset();

  auto images = fake.images();
  REQUIRE(images.size() == 1);
  CHECK(images[0].id == "ocid1.image.oc1.phx.aaaaaaaaone");
  REQUIRE(fake.faults().list().size() == 1);
  CHECK(fake.faults().list()[0].id == "r");
  CHECK(fake.journal().empty());
}

TEST_CASE("scenario: reset after a start-up scenario file returns to it, its clock included", "[unit][scenario]") {
  ocifake::server fake;  // a real clock
  fake.add_startup_scenario(std::filesystem::path(OCIFAKE_SOURCE_DIR) / "scenarios" / "slow-import.json");
  CHECK(fake.clock().mode() == ocifake::clock_mode::manual);
  auto startup_state = fake.state_json();
  auto frozen = fake.clock().now();

  fake.apply(
      ocifake::scenario::parse(doc(R"("clock": "real", "images": [{"compartmentId": ")" + compartment + R"("}])")));
  CHECK(fake.clock().mode() == ocifake::clock_mode::real);

  fake.reset();
  CHECK(fake.clock().mode() == ocifake::clock_mode::manual);
  CHECK(fake.images().empty());
  CHECK(fake.clock().now() == frozen);  // the scenario's clockStart again
  // The same state as at start-up, but for the time it was taken at.
  auto without_times = [](std::string text) {
    std::regex time(R"("\d{4}-\d\d-\d\dT[0-9:.]+Z")");
    return std::regex_replace(text, time, "TIME");
  };
  CHECK(without_times(fake.state_json()) == without_times(startup_state));
}

TEST_CASE("scenario: reset after a plain scenario load returns to the start-up state and clock", "[unit][scenario]") {
  ocifake::server fake;
  fake.load_scenario(ocifake::bundled_scenario("lost-create-response"));
  CHECK(fake.clock().mode() == ocifake::clock_mode::manual);
  CHECK_FALSE(fake.faults().list().empty());

  fake.reset();
  CHECK(fake.clock().mode() == ocifake::clock_mode::real);
  CHECK(fake.faults().list().empty());
  CHECK(fake.images().empty());
}
