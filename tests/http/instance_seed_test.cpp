// Instances as seeds (C++, the admin API, scenarios) in each state they may start in, the refusals
// of the others, the C++ snapshots, the state document's round trip, the journal's change lines and
// InstanceAction's optional body.
#include "catch_compat.hpp"

#include "api_support.hpp"

namespace json = boost::json;

namespace {
using fixture = test::api_fixture;
using test::compartment;
using test::str;

std::string path(const std::string& id) { return "/20160918/instances/" + id; }
std::string action(const std::string& id, const std::string& a) { return path(id) + "?action=" + a; }

// Where a seeded state is after one counted read and after a second one (polls(1)).
struct seeded {
  const char* state;
  const char* first_read;
  const char* then;
};
constexpr seeded seeds[] = {
    {"RUNNING", "RUNNING", "RUNNING"},
    {"STOPPED", "STOPPED", "STOPPED"},
    {"STOPPING", "STOPPING", "STOPPED"},
    {"STARTING", "STARTING", "RUNNING"},
    {"TERMINATING", "TERMINATING", "TERMINATED"},
    {"TERMINATED", "TERMINATED", "TERMINATED"},
};

std::string scenario_with(const std::string& instances) {
  return R"({"name": "seeds", "instances": [)" + instances + "]}";
}

}  // namespace

TEST_CASE_METHOD(fixture, "add_instance seeds each state; a transitional one carries on as if just asked",
                 "[http][instances][seed]") {
  for (const auto& s : seeds) {
    INFO(s.state);
    auto id = fake.add_instance({.compartment_id = compartment, .lifecycle_state = s.state});
    CHECK(fake.find_instance(id)->lifecycle_state == s.state);
    CHECK(str(get(path(id)).json(), "lifecycleState") == s.first_read);
    CHECK(str(get(path(id)).json(), "lifecycleState") == s.then);
  }
  auto az = fake.add_instance({.compartment_id = compartment, .availability_domain = "Uocm:PHX-AD-2"});
  CHECK(str(get(path(az)).json(), "availabilityDomain") == "Uocm:PHX-AD-2");
  CHECK(fake.find_instance(instance)->availability_domain == "Uocm:PHX-AD-1");  // the region's, as before
  auto listed = get("/20160918/instances?compartmentId=" + compartment + "&availabilityDomain=Uocm:PHX-AD-2");
  REQUIRE(listed.array().size() == 1);
  CHECK(str(listed.array()[0], "id") == az);
}

TEST_CASE_METHOD(fixture, "add_instance refuses CREATING_IMAGE and states that are no seed",
                 "[http][instances][seed]") {
  auto refusal = [&](const std::string& state) {
    try {
      fake.add_instance({.compartment_id = compartment, .lifecycle_state = state});
    } catch (const ocifake::usage_error& e) {
      return std::string(e.what());
    }
    return std::string("<accepted>");
  };
  auto m = refusal("CREATING_IMAGE");
  CHECK_THAT(m, catch_compat::Contains("lifecycle_state 'CREATING_IMAGE'"));
  CHECK_THAT(m, catch_compat::Contains("CreateImage"));
  CHECK_THAT(m, catch_compat::Contains("RUNNING, STOPPED, STOPPING, STARTING, TERMINATING, TERMINATED"));
  m = refusal("RUNING");
  CHECK_THAT(m, catch_compat::Contains("'RUNING' is not one of RUNNING"));
  CHECK_THAT(m, catch_compat::Contains("did you mean \"RUNNING\"?"));
  CHECK_THAT(refusal("running"), catch_compat::Contains("'running'"));  // seeds are spelled as OCI spells them
  try {
    fake.add_instance({.compartment_id = compartment, .availability_domain = std::string(256, 'a')});
    FAIL("a 256-character availability domain was accepted");
  } catch (const ocifake::usage_error& e) {
    CHECK_THAT(std::string(e.what()), catch_compat::Contains("availability_domain"));
  }
  CHECK(fake.instances().size() == 1);
}

TEST_CASE_METHOD(fixture, "POST /_ocifake/instances seeds a state and an availability domain, and refuses others",
                 "[http][instances][seed][admin]") {
  auto r =
      post("/_ocifake/instances", R"({"compartmentId": ")" + compartment +
                                      R"(", "lifecycleState": "STOPPING", "availabilityDomain": "Uocm:PHX-AD-3"})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(str(r.json(), "lifecycleState") == "STOPPING");
  CHECK(str(r.json(), "availabilityDomain") == "Uocm:PHX-AD-3");
  auto id = str(r.json(), "id");
  get(path(id));
  CHECK(str(get(path(id)).json(), "lifecycleState") == "STOPPED");

  r = post("/_ocifake/instances", R"({"compartmentId": ")" + compartment + R"(", "lifecycleState": "CREATING_IMAGE"})");
  CHECK(r.status == 400);
  CHECK(r.code() == "InvalidParameter");
  CHECK_THAT(r.message(), catch_compat::Contains("$.lifecycleState"));
  CHECK_THAT(r.message(), catch_compat::Contains("CreateImage"));
  r = post("/_ocifake/instances", R"({"compartmentId": ")" + compartment + R"(", "lifecycleState": "STOPED"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::Contains("did you mean \"STOPPED\"?"));
  r = post("/_ocifake/instances", R"({"compartmentId": ")" + compartment + R"(", "availabilityDomain": 2})");
  CHECK(r.status == 400);
  CHECK(r.code() == "InvalidParameter");
  CHECK_THAT(r.message(), catch_compat::Contains("$.availabilityDomain"));
  CHECK(fake.instances().size() == 2);
}

TEST_CASE_METHOD(fixture, "Scenario instances start in their lifecycleState, in their availabilityDomain",
                 "[http][instances][seed][scenario]") {
  std::string list;
  for (std::size_t i = 0; i < std::size(seeds); ++i)
    list += std::string(i ? ", " : "") + R"({"id": "ocid1.instance.oc1.phx.aaaaaaaaseed)" + std::to_string(i) +
            R"(", "compartmentId": ")" + compartment + R"(", "lifecycleState": ")" + seeds[i].state +
            R"(", "availabilityDomain": "Uocm:PHX-AD-2"})";
  fake.apply(ocifake::scenario::parse(scenario_with(list)));
  for (std::size_t i = 0; i < std::size(seeds); ++i) {
    INFO(seeds[i].state);
    auto id = "ocid1.instance.oc1.phx.aaaaaaaaseed" + std::to_string(i);
    auto first = get(path(id)).json();
    CHECK(str(first, "lifecycleState") == seeds[i].first_read);
    CHECK(str(first, "availabilityDomain") == "Uocm:PHX-AD-2");
    CHECK(str(get(path(id)).json(), "lifecycleState") == seeds[i].then);
  }
}

TEST_CASE_METHOD(fixture, "instances() and find_instance() are snapshots that do not count as reads",
                 "[http][instances][seed][snapshot]") {
  auto stopping = fake.add_instance({.compartment_id = compartment,
                                     .display_name = "db-1",
                                     .shape = "VM.Standard.A1.Flex",
                                     .id = "ocid1.instance.oc1.phx.0first",
                                     .availability_domain = "Uocm:PHX-AD-2",
                                     .lifecycle_state = "STOPPING"});
  auto all = fake.instances();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == stopping);  // by OCID
  CHECK(all[1].id == instance);
  for (int i = 0; i < 3; ++i) CHECK(fake.find_instance(stopping)->lifecycle_state == "STOPPING");
  fake.instances();
  auto snap = *fake.find_instance(stopping);
  CHECK(snap.compartment_id == compartment);
  CHECK(snap.display_name == "db-1");
  CHECK(snap.shape == "VM.Standard.A1.Flex");
  CHECK(snap.availability_domain == "Uocm:PHX-AD-2");
  CHECK(snap.time_created == fake.clock().now());
  auto first = get(path(stopping));
  CHECK(first.body == snap.json);  // exactly what GetInstance answers
  CHECK(str(get(path(stopping)).json(), "lifecycleState") == "STOPPED");
  CHECK(fake.find_instance(stopping)->lifecycle_state == "STOPPED");
  CHECK_FALSE(fake.find_instance("ocid1.instance.oc1.phx.aaaaaaaanotthere"));
}

TEST_CASE_METHOD(fixture, "state_json keeps instance states and capability schemas, and applying it restores them",
                 "[http][instances][seed][scenario]") {
  auto stopping = fake.add_instance({.compartment_id = compartment, .lifecycle_state = "STOPPING"});
  auto terminated = fake.add_instance({.compartment_id = compartment, .lifecycle_state = "TERMINATED"});
  auto stopped = fake.add_instance(
      {.compartment_id = compartment, .availability_domain = "Uocm:PHX-AD-2", .lifecycle_state = "STOPPED"});
  auto image = available();
  auto made = post("/20160918/computeImageCapabilitySchemas",
                   R"({"compartmentId": ")" + compartment + R"(", "imageId": ")" + image +
                       R"(", "computeGlobalImageCapabilitySchemaVersionName": "2023-11-07", "displayName": "caps",
                       "freeformTags": {"team": "x"}, "schemaData": {"Compute.Firmware": {"descriptorType": "enumstring",
                       "source": "IMAGE", "values": ["UEFI_64"], "defaultValue": "UEFI_64"}}})");
  REQUIRE(made.status == 200);
  auto schema = str(made.json(), "id");
  auto gone = post("/20160918/computeImageCapabilitySchemas",
                   R"({"compartmentId": ")" + compartment + R"(", "imageId": ")" + image +
                       R"(", "computeGlobalImageCapabilitySchemaVersionName": "2020-04-01", "schemaData": {}})");
  REQUIRE(gone.status == 200);
  REQUIRE(del("/20160918/computeImageCapabilitySchemas/" + str(gone.json(), "id")).status == 204);

  auto text = fake.state_json();
  auto doc = test::json(text).as_object();
  REQUIRE(doc["computeImageCapabilitySchemas"].as_array().size() == 2);
  ocifake::server copy({.clock = ocifake::clock_mode::manual, .seed = 11});
  copy.apply(ocifake::scenario::parse(text, "state.json"));
  CHECK(copy.state_json() == text);

  auto a = fake.instances(), b = copy.instances();
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].lifecycle_state == b[i].lifecycle_state);
    CHECK(a[i].availability_domain == b[i].availability_domain);
  }
  CHECK(copy.find_instance(terminated)->lifecycle_state == "TERMINATED");
  CHECK(copy.find_instance(stopped)->availability_domain == "Uocm:PHX-AD-2");
  test::client cc(copy);
  auto read = [&](const std::string& p) { return test::take(cc.get(p)); };
  CHECK(str(read(path(stopping)).json(), "lifecycleState") == "STOPPING");  // carries on stopping
  CHECK(str(read(path(stopping)).json(), "lifecycleState") == "STOPPED");

  for (const auto& id : {schema, str(gone.json(), "id")}) {
    INFO(id);
    auto there = get("/20160918/computeImageCapabilitySchemas/" + id);
    auto here = read("/20160918/computeImageCapabilitySchemas/" + id);
    REQUIRE(here.status == 200);
    CHECK(here.body == there.body);  // id, compartment, schema data, state, tags, time
    CHECK_FALSE(here.header("etag").empty());
  }
  auto listed = read("/20160918/computeImageCapabilitySchemas?compartmentId=" + compartment);
  REQUIRE(listed.array().size() == 1);  // the deleted one is not listed
}

TEST_CASE_METHOD(fixture, "Every instance change is a line in the journal", "[http][instances][seed][journal]") {
  auto lines = [&](const std::string& operation) {
    fake.settle();
    std::vector<std::string> out;
    for (const auto& e : fake.journal(operation))
      for (const auto& c : e.changes) out.push_back(c);
    return out;
  };
  REQUIRE(post(action(instance, "STOP"), "").status == 200);
  CHECK(lines("InstanceAction") == std::vector<std::string>{"instance " + instance + " RUNNING -> STOPPING (STOP)"});
  fake.clear_journal();
  CHECK(post(action(instance, "RESET"), "").status == 409);  // the first look
  auto r = post(action(instance, "RESET"), "");              // the second ends the stop: still refused
  CHECK(r.status == 409);
  CHECK(lines("InstanceAction") == std::vector<std::string>{"instance " + instance + " STOPPING -> STOPPED"});
  fake.clear_journal();
  REQUIRE(post(action(instance, "START"), "").status == 200);
  get(path(instance));
  get(path(instance));
  CHECK(lines("InstanceAction") == std::vector<std::string>{"instance " + instance + " STOPPED -> STARTING (START)"});
  CHECK(lines("GetInstance") == std::vector<std::string>{"instance " + instance + " STARTING -> RUNNING"});
  fake.clear_journal();
  REQUIRE(del(path(instance)).status == 204);
  get(path(instance));
  get(path(instance));
  CHECK(lines("TerminateInstance") ==
        std::vector<std::string>{"instance " + instance + " RUNNING -> TERMINATING (termination requested)"});
  CHECK(lines("GetInstance") == std::vector<std::string>{"instance " + instance + " TERMINATING -> TERMINATED"});
  fake.clear_journal();
  REQUIRE(post("/_ocifake/instances", R"({"compartmentId": ")" + compartment + R"(", "lifecycleState": "STOPPED"})")
              .status == 200);
  auto admin = lines("Admin");
  REQUIRE(admin.size() == 1);
  CHECK_THAT(admin[0], catch_compat::EndsWith(" registered"));
}

TEST_CASE_METHOD(fixture, "InstanceAction takes an optional body of action details", "[http][instances][seed]") {
  auto r = post(action(instance, "RESET"), R"({"actionType": "reset", "allowDenseRebootMigration": true})");
  INFO(r.body);
  CHECK(r.status == 200);
  get(path(instance));
  get(path(instance));
  r = post(action(instance, "STOP"), "{}");  // what the TypeScript SDK sends without details
  CHECK(r.status == 200);
  get(path(instance));
  get(path(instance));
  REQUIRE(post(action(instance, "START"), "").status == 200);
  get(path(instance));
  get(path(instance));
  r = post(action(instance, "SOFTRESET"), "null");  // null counts as absent
  CHECK(r.status == 200);
  get(path(instance));
  get(path(instance));

  r = post(action(instance, "STOP"), "{");
  CHECK(r.status == 400);
  CHECK(r.code() == "CannotParseRequest");
  r = post(action(instance, "STOP"), R"({"actionType": "reset"})");
  CHECK(r.status == 400);
  CHECK(r.code() == "InvalidParameter");
  CHECK_THAT(r.message(), catch_compat::Contains("actionType"));
  CHECK_THAT(r.message(), catch_compat::Contains("action=STOP"));
  r = post(action(instance, "SOFTRESET"), R"({"actionType": "softrest"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::Contains("did you mean \"softreset\"?"));
  r = post(action(instance, "RESET"), R"({"actionType": "rebootMigrate"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::Contains("action=REBOOTMIGRATE, not action=RESET"));
  r = post(action(instance, "RESET"), R"({"allowDenseRebootMigration": "yes"})");
  CHECK(r.status == 400);
  CHECK_THAT(r.message(), catch_compat::Contains("allowDenseRebootMigration"));
  r = post(action(instance, "RESET"), "[]");
  CHECK(r.status == 400);
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "RUNNING");  // nothing refused changed it
}
