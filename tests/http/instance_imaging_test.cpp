// An image of an instance holds it CREATING_IMAGE while the image provisions; the instance's stop,
// start and terminate follow the lifecycle phases of the same names.
#include "catch_compat.hpp"

#include "api_support.hpp"

namespace {
using fixture = test::api_fixture;
using ocifake::phase;
using ocifake::progress;
using test::compartment;
using test::str;

std::string path(const std::string& id) { return "/20160918/instances/" + id; }
std::string action(const std::string& id, const std::string& a) { return path(id) + "?action=" + a; }
}  // namespace

TEST_CASE_METHOD(fixture, "CreateImage holds its instance CREATING_IMAGE and refuses a second image meanwhile",
                 "[http][instances][imaging]") {
  fake.lifecycle().set(phase::provision, progress::polls(3));
  auto created = post("/20160918/images", test::create_body(instance));
  REQUIRE(created.status == 200);
  auto image = str(created.json(), "id");
  CHECK(fake.find_instance(instance)->lifecycle_state == "CREATING_IMAGE");

  auto second = post("/20160918/images", test::create_body(instance, R"("displayName":"again")"));
  CHECK(second.status == 409);
  CHECK(second.code() == "IncorrectState");
  CHECK(second.message() == "instanceId: instance " + instance + " is CREATING_IMAGE; image " + image +
                                " of it is being created; wait until that image is AVAILABLE");
  CHECK(post(action(instance, "STOP"), "").status == 409);  // an action, and a termination, wait too
  CHECK(del(path(instance)).status == 409);
  CHECK(fake.images().size() == 1);

  // Three refusals were three looks at the provision phase: the next read ends it.
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "RUNNING");
  CHECK(fake.find_image(image)->lifecycle_state == "AVAILABLE");
  CHECK(post("/20160918/images", test::create_body(instance, R"("displayName":"again")")).status == 200);
}

TEST_CASE_METHOD(fixture, "A STOPPED instance returns to STOPPED after its image, failed or not",
                 "[http][instances][imaging]") {
  REQUIRE(post(action(instance, "STOP"), "").status == 200);
  REQUIRE(str(get(path(instance)).json(), "lifecycleState") == "STOPPING");
  REQUIRE(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");

  auto image = str(post("/20160918/images", test::create_body(instance)).json(), "id");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "CREATING_IMAGE");  // a look at the image's phase
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");         // the second ends it
  CHECK(fake.find_image(image)->lifecycle_state == "AVAILABLE");

  fake.lifecycle().set_next(phase::provision, progress::fail("disk snapshot failed"));
  auto failed = str(post("/20160918/images", test::create_body(instance)).json(), "id");
  CHECK(str(get("/20160918/images/" + failed).json(), "lifecycleState") == "DELETED");
  CHECK(fake.find_instance(instance)->lifecycle_state == "STOPPED");
}

TEST_CASE_METHOD(fixture, "The journal says when an image holds and releases its instance",
                 "[http][instances][imaging][journal]") {
  auto image = str(post("/20160918/images", test::create_body(instance)).json(), "id");
  get("/20160918/images/" + image);
  get("/20160918/images/" + image);  // AVAILABLE
  fake.settle();
  auto create = fake.journal("CreateImage").at(0);
  REQUIRE(create.changes.size() == 3);
  CHECK(create.changes[2] == "instance " + instance + " RUNNING -> CREATING_IMAGE (image " + image + ")");
  auto done = fake.journal("GetImage").at(1);
  REQUIRE(done.changes.size() == 2);
  CHECK(done.changes[0] == "image " + image + " PROVISIONING -> AVAILABLE");
  CHECK(done.changes[1] == "instance " + instance + " CREATING_IMAGE -> RUNNING (image " + image + " AVAILABLE)");
}

TEST_CASE_METHOD(fixture, "A bad CreateImage body is 400 even while the instance is busy", "[http][instances][imaging]") {
  REQUIRE(post("/20160918/images", test::create_body(instance)).status == 200);
  auto bad = post("/20160918/images", test::create_body(instance, R"("launchMode":"TURBO")"));
  CHECK(bad.status == 400);
  CHECK(bad.code() == "InvalidParameter");
}

TEST_CASE_METHOD(fixture, "Stop, start and terminate follow the lifecycle phases of the same names",
                 "[http][instances][lifecycle]") {
  fake.lifecycle().set(phase::stop, progress::polls(2));
  CHECK(fake.lifecycle().get(phase::stop) == progress::polls(2));
  REQUIRE(post(action(instance, "STOP"), "").status == 200);
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPING");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPING");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");

  fake.lifecycle().set_next(phase::start, progress::fail("host capacity"));
  REQUIRE(post(action(instance, "START"), "").status == 200);
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");  // a failed start
  REQUIRE(post(action(instance, "START"), "").status == 200);              // the next one: polls(1)
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STARTING");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "RUNNING");

  fake.lifecycle().set_for(instance, phase::terminate, progress::after(std::chrono::minutes(5)));
  CHECK(del(path(instance)).status == 204);
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "TERMINATING");
  fake.clock().advance(std::chrono::minutes(5));
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "TERMINATED");

  CHECK_THROWS_AS(fake.lifecycle().set_for("ocid1.instance.oc1.phx.aaaaaaaanope", phase::stop, progress::immediate()),
                  ocifake::usage_error);
  CHECK_THROWS_AS(fake.lifecycle().set_for(instance, phase::provision, progress::immediate()), ocifake::usage_error);
}

TEST_CASE_METHOD(fixture, "set_for changes a stop in progress; RESET follows the stop phase",
                 "[http][instances][lifecycle]") {
  fake.lifecycle().set(phase::stop, progress::never());
  REQUIRE(post(action(instance, "RESET"), "").status == 200);
  for (int i = 0; i < 3; ++i) CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPING");
  fake.lifecycle().set_for(instance, phase::stop, progress::immediate());
  CHECK(fake.find_instance(instance)->lifecycle_state == "RUNNING");  // a reset ends RUNNING
}

TEST_CASE_METHOD(fixture, "A scenario's lifecycle sets the instance phases", "[http][instances][lifecycle][scenario]") {
  fake.apply(ocifake::scenario::parse(
      R"({"name": "slow-stops", "lifecycle": {"stop": {"polls": 3}, "start": {"immediate": true}, "terminate": {"never": true}}})"));
  CHECK(fake.lifecycle().get(phase::stop) == progress::polls(3));
  CHECK(fake.lifecycle().get(phase::start) == progress::immediate());
  CHECK(fake.lifecycle().get(phase::terminate) == progress::never());
  auto doc = boost::json::parse(fake.state_json()).as_object();
  CHECK(doc["lifecycle"].as_object()["stop"] == boost::json::parse(R"({"polls": 3})"));
  CHECK_THROWS_AS(ocifake::scenario::parse(R"({"name": "x", "lifecycle": {"reboot": {"polls": 1}}})"),
                  ocifake::invalid_input);
}

TEST_CASE_METHOD(fixture, "state_json keeps an instance CREATING_IMAGE with its image", "[http][instances][imaging][scenario]") {
  fake.lifecycle().set(phase::provision, progress::polls(2));
  auto image = str(post("/20160918/images", test::create_body(instance)).json(), "id");
  auto state = fake.state_json();
  auto doc = boost::json::parse(state).as_object();
  const auto& written = doc["instances"].as_array().at(0).as_object();
  CHECK(written.at("lifecycleState") == "RUNNING");  // the state it returns to
  CHECK(written.at("creatingImageId") == image.c_str());

  ocifake::server copy({.clock = ocifake::clock_mode::manual, .seed = 11});
  copy.apply(ocifake::scenario::parse(state));
  CHECK(copy.find_instance(instance)->lifecycle_state == "CREATING_IMAGE");
  test::client c{copy};
  auto refused = c.post("/20160918/images", test::create_body(instance));
  REQUIRE(refused);
  CHECK(refused->status == 409);
  for (int i = 0; i < 3; ++i) c.get("/20160918/images/" + image);
  CHECK(copy.find_image(image)->lifecycle_state == "AVAILABLE");
  CHECK(copy.find_instance(instance)->lifecycle_state == "RUNNING");
}

TEST_CASE("A scenario's creatingImageId names a PROVISIONING image", "[http][instances][imaging][scenario]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  const std::string doc = R"({"name": "busy", "instances": [{"id": "ocid1.instance.oc1.phx.aaaaaaaabusy",
      "compartmentId": ")" + compartment + R"(", "creatingImageId": "ocid1.image.oc1.phx.aaaaaaaanope"}]})";
  try {
    fake.apply(ocifake::scenario::parse(doc));
    FAIL("applied");
  } catch (const ocifake::invalid_input& e) {
    CHECK(std::string(e.what()).find("$.instances[0].creatingImageId") != std::string::npos);
    CHECK(std::string(e.what()).find("ocid1.image.oc1.phx.aaaaaaaanope") != std::string::npos);
  }
  CHECK(fake.instances().empty());  // nothing applied
  CHECK_THROWS_AS(ocifake::scenario::parse(R"({"name": "x", "instances": [{"compartmentId": ")" + compartment +
                                           R"(", "lifecycleState": "TERMINATED", "creatingImageId": "ocid1.image.oc1.phx.aaaaaaaax"}]})"),
                  ocifake::invalid_input);
}
