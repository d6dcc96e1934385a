// GetInstance, ListInstances, InstanceAction and TerminateInstance over HTTP: the Instance JSON, the
// machine's progressions, refusals, etags, retry tokens and paging.
#include "catch_compat.hpp"

#include "api_support.hpp"

namespace json = boost::json;

namespace {
using fixture = test::api_fixture;
using test::compartment;
using test::str;

std::string path(const std::string& id) { return "/20160918/instances/" + id; }
std::string action(const std::string& id, const std::string& a) { return path(id) + "?action=" + a; }
}  // namespace

TEST_CASE_METHOD(fixture, "GetInstance answers the Instance JSON with an etag", "[http][instances]") {
  auto r = get(path(instance));
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto o = r.object();
  CHECK(o["id"] == instance.c_str());
  CHECK(o["compartmentId"] == compartment.c_str());
  CHECK(o["displayName"] == "web-1");
  CHECK(o["lifecycleState"] == "RUNNING");
  CHECK(o["shape"] == "VM.Standard.E4.Flex");
  CHECK(o["region"] == "phx");
  CHECK(o["availabilityDomain"] == "Uocm:PHX-AD-1");
  CHECK(o["faultDomain"] == "FAULT-DOMAIN-1");
  CHECK(o["launchMode"] == "PARAVIRTUALIZED");
  CHECK(o["launchOptions"].as_object()["bootVolumeType"] == "PARAVIRTUALIZED");
  CHECK(o["shapeConfig"].as_object()["ocpus"] == 1);
  CHECK(o["sourceDetails"].as_object()["sourceType"] == "image");
  CHECK(o["sourceDetails"].as_object()["imageId"] == o["imageId"]);
  CHECK(o["sourceDetails"].as_object()["bootVolumeSizeInGBs"] == 47);
  for (const char* k : {"timeCreated", "metadata", "extendedMetadata", "freeformTags", "definedTags", "systemTags",
                        "instanceOptions", "availabilityConfig"})
    CHECK(o.contains(k));
  CHECK(r.header("etag").size() == 64);
  CHECK(get(path(instance)).header("etag") == r.header("etag"));

  auto missing = get(path("ocid1.instance.oc1.phx.aaaaaaaanotthere"));
  CHECK(missing.status == 404);
  CHECK(missing.code() == "NotAuthorizedOrNotFound");
  CHECK(missing.message().find("ocid1.instance.oc1.phx.aaaaaaaanotthere") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "InstanceAction STOP and START move the instance through STOPPING and STARTING",
                 "[http][instances]") {
  auto etag = get(path(instance)).header("etag");
  auto r = post(action(instance, "STOP"), "");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.object()["lifecycleState"] == "STOPPING");
  CHECK(r.header("etag") != etag);
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPING");  // polls(1): one read sees it
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");

  r = post(action(instance, "START"), "");
  REQUIRE(r.status == 200);
  CHECK(r.object()["lifecycleState"] == "STARTING");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STARTING");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "RUNNING");

  r = post(action(instance, "SOFTRESET"), "");
  CHECK(r.object()["lifecycleState"] == "STOPPING");
  get(path(instance));
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "RUNNING");  // a reset ends RUNNING again
}

TEST_CASE_METHOD(fixture, "InstanceAction refuses what the machine does not accept, and bad actions",
                 "[http][instances]") {
  auto r = post(action(instance, "START"), "");  // already RUNNING: accepted, nothing changes
  CHECK(r.status == 200);
  CHECK(r.object()["lifecycleState"] == "RUNNING");

  REQUIRE(post(action(instance, "STOP"), "").status == 200);
  get(path(instance));
  REQUIRE(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");
  r = post(action(instance, "RESET"), "");
  CHECK(r.status == 409);
  CHECK(r.code() == "IncorrectState");
  CHECK(r.message().find("STOPPED") != std::string::npos);

  r = post(action(instance, "REBOOT"), "");
  CHECK(r.status == 400);
  CHECK(r.code() == "InvalidParameter");
  CHECK(r.message().find("action") != std::string::npos);
  CHECK(r.message().find("REBOOT") != std::string::npos);
  CHECK(r.message().find("SOFTSTOP") != std::string::npos);
  r = post(path(instance), "");
  CHECK(r.status == 400);
  CHECK(r.code() == "MissingParameter");
  CHECK(r.message().find("action") != std::string::npos);
  r = post(action("ocid1.instance.oc1.phx.aaaaaaaanotthere", "STOP"), "");
  CHECK(r.status == 404);
}

TEST_CASE_METHOD(fixture, "A refused instance change counts as a look at the phase in progress", "[http][instances]") {
  REQUIRE(post(action(instance, "STOP"), "").status == 200);
  CHECK(post(action(instance, "RESET"), "").status == 409);  // STOPPING: the first look
  auto r = post(action(instance, "RESET"), "");              // the second ends the phase
  CHECK(r.status == 409);                                     // and RESET of a STOPPED instance is refused too
  CHECK(r.message().find("is STOPPED") != std::string::npos);
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");
}

TEST_CASE_METHOD(fixture, "A change whose look ends the phase goes through in the new state", "[http][instances]") {
  REQUIRE(post(action(instance, "STOP"), "").status == 200);
  auto refused = post(action(instance, "START"), "");  // STOPPING: the first look
  CHECK(refused.status == 409);
  CHECK(refused.message().find("is STOPPING") != std::string::npos);
  auto started = post(action(instance, "START"), "");  // the second ends the stop: STOPPED, then STARTING
  CHECK(started.status == 200);
  CHECK(str(started.json(), "lifecycleState") == "STARTING");
  fake.settle();
  auto j = fake.journal("InstanceAction");
  REQUIRE(j.size() == 3);
  REQUIRE(j[2].changes.size() == 2);
  CHECK(j[2].changes[0] == "instance " + instance + " STOPPING -> STOPPED");
  CHECK(j[2].changes[1] == "instance " + instance + " STOPPED -> STARTING (START)");
}

TEST_CASE_METHOD(fixture, "InstanceAction honours if-match and opc-retry-token", "[http][instances]") {
  auto r = post(action(instance, "STOP"), "", {{"if-match", "not-the-etag"}});
  CHECK(r.status == 412);
  CHECK(r.code() == "NoEtagMatch");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "RUNNING");

  auto etag = get(path(instance)).header("etag");
  auto first = post(action(instance, "STOP"), "", {{"if-match", etag}, {"opc-retry-token", "stop-1"}});
  REQUIRE(first.status == 200);
  get(path(instance));
  REQUIRE(str(get(path(instance)).json(), "lifecycleState") == "STOPPED");
  auto again = post(action(instance, "STOP"), "", {{"if-match", etag}, {"opc-retry-token", "stop-1"}});
  CHECK(again.status == 200);
  CHECK(again.body == first.body);  // the first answer, literally
  auto other = post(action(instance, "START"), "", {{"opc-retry-token", "stop-1"}});
  CHECK(other.status == 409);
  CHECK(other.code() == "Conflict");
}

TEST_CASE_METHOD(fixture, "TerminateInstance: TERMINATING, then TERMINATED, after which nothing changes it",
                 "[http][instances]") {
  auto r = del(path(instance), {{"if-match", "stale"}});
  CHECK(r.status == 412);
  r = del(path(instance));
  CHECK(r.status == 204);
  CHECK(del(path(instance)).status == 204);  // TERMINATING already: accepted again
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "TERMINATING");
  CHECK(str(get(path(instance)).json(), "lifecycleState") == "TERMINATED");
  r = post(action(instance, "START"), "");
  CHECK(r.status == 404);
  CHECK(r.message().find("TERMINATED") != std::string::npos);
  CHECK(del(path(instance)).status == 404);
  CHECK(get(path(instance)).status == 200);
}

TEST_CASE_METHOD(fixture, "ListInstances filters, sorts and pages", "[http][instances]") {
  auto b = fake.add_instance({.compartment_id = compartment, .display_name = "b-db"});
  auto a = fake.add_instance({.compartment_id = compartment, .display_name = "a-app"});
  fake.add_instance({.compartment_id = "ocid1.compartment.oc1..aaaaaaaaother", .display_name = "elsewhere"});
  auto list = [&](const std::string& q) { return get("/20160918/instances?compartmentId=" + compartment + q); };

  auto r = list("&sortBy=DISPLAYNAME");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(test::ids_of(r.array()) == std::vector<std::string>{a, b, instance});
  CHECK(test::ids_of(list("&sortBy=DISPLAYNAME&sortOrder=DESC").array()) == std::vector<std::string>{instance, b, a});
  CHECK(test::ids_of(list("&displayName=b-db").array()) == std::vector<std::string>{b});
  CHECK(list("&availabilityDomain=Uocm:PHX-AD-1").array().size() == 3);
  CHECK(list("&availabilityDomain=Uocm:PHX-AD-2").array().empty());

  REQUIRE(post(action(b, "STOP"), "").status == 200);
  CHECK(test::ids_of(list("&lifecycleState=STOPPING").array()) == std::vector<std::string>{b});
  CHECK(list("&lifecycleState=stopping").array().size() == 1);

  std::vector<std::string> seen;
  std::string page;
  for (int i = 0; i < 5; ++i) {
    auto p = list("&sortBy=DISPLAYNAME&limit=1" + (page.empty() ? "" : "&page=" + page));
    REQUIRE(p.status == 200);
    for (auto& id : test::ids_of(p.array())) seen.push_back(id);
    page = p.header("opc-next-page");
    if (page.empty()) break;
  }
  CHECK(seen == std::vector<std::string>{a, b, instance});
  auto first = list("&sortBy=DISPLAYNAME&limit=1");
  auto mixed = list("&sortBy=TIMECREATED&limit=1&page=" + first.header("opc-next-page"));
  CHECK(mixed.status == 400);
  CHECK(mixed.message().find("page") != std::string::npos);

  auto bad = list("&lifecycleState=AVAILABLE");
  CHECK(bad.status == 400);
  CHECK(bad.message().find("lifecycleState") != std::string::npos);
  CHECK(bad.message().find("CREATING_IMAGE") != std::string::npos);
  CHECK(list("&sortBy=NAME").status == 400);
  auto none = get("/20160918/instances");
  CHECK(none.status == 400);
  CHECK(none.code() == "MissingParameter");
}
