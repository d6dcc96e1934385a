// Lifecycle progression over HTTP: polls, after, never, fail, immediate; per image and next
// image; the manual clock.
#include "catch_compat.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support.hpp"

using namespace std::chrono_literals;
using ocifake::phase;
using ocifake::progress;

namespace {

struct fixture {
  ocifake::server fake{{.clock = ocifake::clock_mode::manual, .seed = 3}};
  test::client c{fake};
  std::string instance = fake.add_instance({.compartment_id = test::compartment});

  // Creates an image; returns {image id, work request id}.
  std::pair<std::string, std::string> create(const std::string& body) {
    auto r = c.post("/20160918/images", body);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return {test::str(test::json(r->body), "id"), r->get_header_value("opc-work-request-id")};
  }
  std::string state(const std::string& image) {
    return test::str(test::json(c.get("/20160918/images/" + image)->body), "lifecycleState");
  }
  boost::json::object work_request(const std::string& id) {
    auto r = c.get("/20160918/workRequests/" + id);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return test::json(r->body).as_object();
  }
};

// Every value of percentComplete, spelled as it stands in `text` (a body or a page of the docs).
std::set<std::string> percent_spellings(const std::string& text) {
  static const std::regex member(R"re("percentComplete": ?([^,}\s]+))re");
  std::set<std::string> out;
  for (std::sregex_iterator i(text.begin(), text.end(), member), end; i != end; ++i) out.insert((*i)[1].str());
  return out;
}

}  // namespace

TEST_CASE_METHOD(fixture, "lifecycle: by default PROVISIONING is shown to one read, then AVAILABLE",
                 "[http][lifecycle]") {
  auto [id, wr] = create(test::create_body(instance));
  CHECK(state(id) == "PROVISIONING");
  CHECK(state(id) == "AVAILABLE");
  CHECK(state(id) == "AVAILABLE");
  auto w = work_request(wr);
  CHECK(w["status"] == "SUCCEEDED");
  CHECK(w["percentComplete"].to_number<double>() == 100.0);
}

TEST_CASE_METHOD(fixture, "lifecycle: polls(n) shows the transitional state to n reads", "[http][lifecycle]") {
  fake.lifecycle().set(phase::provision, progress::polls(3));
  auto [id, wr] = create(test::create_body(instance));
  for (int i = 0; i < 3; ++i) CHECK(state(id) == "PROVISIONING");
  CHECK(state(id) == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "lifecycle: GetWorkRequest of the tracking work request counts as a read",
                 "[http][lifecycle]") {
  fake.lifecycle().set(phase::provision, progress::polls(2));
  auto [id, wr] = create(test::create_body(instance));
  auto w = work_request(wr);
  CHECK(w["status"] == "IN_PROGRESS");
  CHECK(w["timeStarted"].is_string());
  CHECK(w["percentComplete"].to_number<double>() > 0);
  CHECK(w["percentComplete"].to_number<double>() < 100);
  CHECK(work_request(wr)["status"] == "IN_PROGRESS");
  w = work_request(wr);
  CHECK(w["status"] == "SUCCEEDED");
  CHECK(w["timeFinished"].is_string());
  CHECK(fake.find_image(id)->lifecycle_state == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "lifecycle: lists and snapshots do not count as reads", "[http][lifecycle]") {
  auto [id, wr] = create(test::create_body(instance));
  for (int i = 0; i < 5; ++i) {
    c.get("/20160918/images?compartmentId=" + test::compartment);
    fake.images();
  }
  CHECK(state(id) == "PROVISIONING");
}

TEST_CASE_METHOD(fixture, "lifecycle: immediate makes every later read see the end state", "[http][lifecycle]") {
  fake.lifecycle().set(phase::import, progress::immediate());
  auto r = c.post("/20160918/images", test::import_body());
  REQUIRE(r);
  CHECK(test::str(test::json(r->body), "lifecycleState") == "IMPORTING");  // the answer itself shows the start
  auto id = test::str(test::json(r->body), "id");
  CHECK(state(id) == "AVAILABLE");
  auto w = work_request(r->get_header_value("opc-work-request-id"));
  CHECK(w["status"] == "SUCCEEDED");
  CHECK(w["operationType"] == "Import Image");
}

TEST_CASE_METHOD(fixture, "lifecycle: after(10min) on a manual clock walks percentComplete from 0 to 100",
                 "[http][lifecycle]") {
  fake.lifecycle().set(phase::import, progress::after(10min));
  auto [id, wr] = create(test::import_body());
  CHECK(fake.work_requests().at(0).status == "ACCEPTED");
  CHECK(fake.work_requests().at(0).percent_complete == 0);
  for (int i = 0; i < 20; ++i) CHECK(state(id) == "IMPORTING");  // any number of reads

  double last = -1;
  for (int minute = 1; minute <= 9; ++minute) {
    fake.clock().advance(1min);
    auto w = work_request(wr);
    CHECK(w["status"] == "IN_PROGRESS");
    double pct = w["percentComplete"].to_number<double>();
    CHECK(pct == catch_compat::Approx(minute * 10.0));
    CHECK(pct > last);
    last = pct;
    CHECK(state(id) == "IMPORTING");
  }
  fake.clock().advance(1min);
  auto w = work_request(wr);
  CHECK(w["status"] == "SUCCEEDED");
  CHECK(w["percentComplete"].to_number<double>() == 100.0);
  CHECK(state(id) == "AVAILABLE");
  CHECK(w["timeFinished"].is_string());
}

TEST_CASE_METHOD(fixture, "lifecycle: the clock advancing completes phases without any read", "[http][lifecycle]") {
  fake.lifecycle().set(phase::import, progress::after(1min));
  auto [id, wr] = create(test::import_body());
  fake.clock().advance(2min);
  CHECK(fake.work_requests().at(0).status == "SUCCEEDED");
  CHECK(fake.find_image(id)->lifecycle_state == "AVAILABLE");
}

TEST_CASE("lifecycle: after() on a real clock finishes by itself", "[http][lifecycle]") {
  ocifake::server fake;
  fake.lifecycle().set(phase::import, progress::after(50ms));
  test::client c(fake);
  auto r = c.post("/20160918/images", test::import_body());
  REQUIRE(r);
  auto id = test::str(test::json(r->body), "id");
  auto deadline = std::chrono::steady_clock::now() + 5s;
  std::string s;
  do {
    s = test::str(test::json(c.get("/20160918/images/" + id)->body), "lifecycleState");
  } while (s == "IMPORTING" && std::chrono::steady_clock::now() < deadline);
  CHECK(s == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "lifecycle: never keeps an import stuck", "[http][lifecycle]") {
  fake.lifecycle().set(phase::import, progress::never());
  auto [id, wr] = create(test::import_body());
  for (int i = 0; i < 10; ++i) CHECK(state(id) == "IMPORTING");
  fake.clock().advance(std::chrono::hours(48));
  CHECK(state(id) == "IMPORTING");
  CHECK(work_request(wr)["status"] == "IN_PROGRESS");
  CHECK(work_request(wr)["timeFinished"].is_null());
}

TEST_CASE_METHOD(fixture, "lifecycle: fail ends the work request FAILED with a readable error and the image DELETED",
                 "[http][lifecycle]") {
  fake.lifecycle().set(phase::import, progress::fail("not a valid QCOW2 image"));
  auto [id, wr] = create(test::import_body());
  CHECK(state(id) == "DELETED");
  auto w = work_request(wr);
  CHECK(w["status"] == "FAILED");
  CHECK(w["timeFinished"].is_string());
  auto errors = test::json(c.get("/20160918/workRequests/" + wr + "/errors")->body);
  REQUIRE(errors.is_array());
  REQUIRE(errors.as_array().size() == 1);
  CHECK(test::str(errors.as_array()[0], "message") == "not a valid QCOW2 image");
  CHECK(test::str(errors.as_array()[0], "code") == "ImageImportFailed");
  auto logs = test::json(c.get("/20160918/workRequests/" + wr + "/logs")->body);
  REQUIRE(logs.is_array());
  bool logged = false;
  for (const auto& l : logs.as_array())
    if (test::str(l, "message").find("not a valid QCOW2 image") != std::string::npos) logged = true;
  CHECK(logged);
}

TEST_CASE_METHOD(fixture, "lifecycle: a work request's log starts with its acceptance, in a round trip too",
                 "[http][lifecycle]") {
  auto [id, wr] = create(test::import_body());
  auto first_log = [&](ocifake::server& s, const std::string& path) {
    test::client to(s);
    auto logs = test::json(to.get(path)->body);
    REQUIRE(logs.is_array());
    REQUIRE_FALSE(logs.as_array().empty());
    return test::str(logs.as_array()[0], "message");
  };
  const auto expected = "Import Image accepted for image " + id;
  CHECK(first_log(fake, "/20160918/workRequests/" + wr + "/logs") == expected);
  // The state document writes the line out, and a server loading it answers the same.
  ocifake::server copy({.clock = ocifake::clock_mode::manual});
  copy.apply(ocifake::scenario::parse(fake.state_json()));
  CHECK(first_log(copy, "/20160918/workRequests/" + wr + "/logs") == expected);
}

TEST_CASE("lifecycle: an import of an object the fake was told does not exist fails", "[http][lifecycle]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual});
  fake.add_object("ns", "images", "other.qcow2");
  test::client c(fake);
  auto r = c.post("/20160918/images", test::import_body());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  auto id = test::str(test::json(r->body), "id");
  auto wr = r->get_header_value("opc-work-request-id");
  c.get("/20160918/images/" + id);
  CHECK(test::str(test::json(c.get("/20160918/images/" + id)->body), "lifecycleState") == "DELETED");
  auto errors = test::json(c.get("/20160918/workRequests/" + wr + "/errors")->body);
  REQUIRE(errors.as_array().size() == 1);
  CHECK(test::str(errors.as_array()[0], "message").find("not found") != std::string::npos);
  // A known object imports.
  fake.add_object("ns", "images", "disk.qcow2");
  r = c.post("/20160918/images", test::import_body());
  id = test::str(test::json(r->body), "id");
  c.get("/20160918/images/" + id);
  CHECK(test::str(test::json(c.get("/20160918/images/" + id)->body), "lifecycleState") == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "lifecycle: set_next applies to the next image only", "[http][lifecycle]") {
  fake.lifecycle().set_next(phase::provision, progress::never());
  auto [stuck, w1] = create(test::create_body(instance));
  auto [normal, w2] = create(test::create_body(fake.add_instance({.compartment_id = test::compartment})));
  for (int i = 0; i < 3; ++i) state(stuck), state(normal);
  CHECK(state(stuck) == "PROVISIONING");
  CHECK(state(normal) == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "lifecycle: set_for overrides one image, including its current phase", "[http][lifecycle]") {
  fake.lifecycle().set(phase::provision, progress::never());
  auto [a, w1] = create(test::create_body(instance));
  auto [b, w2] = create(test::create_body(fake.add_instance({.compartment_id = test::compartment})));
  fake.lifecycle().set_for(a, phase::provision, progress::immediate());
  CHECK(state(a) == "AVAILABLE");
  CHECK(state(b) == "PROVISIONING");
  CHECK_THROWS_AS(fake.lifecycle().set_for("ocid1.image.oc1.phx.aaaaaaaanope", phase::provision, progress::immediate()),
                  ocifake::usage_error);
}

TEST_CASE_METHOD(fixture, "lifecycle: export walks AVAILABLE -> EXPORTING -> AVAILABLE with its own work request",
                 "[http][lifecycle]") {
  fake.lifecycle().set(phase::provision, progress::immediate());
  fake.lifecycle().set(phase::export_, progress::polls(1));
  auto [id, wr] = create(test::create_body(instance));
  REQUIRE(state(id) == "AVAILABLE");
  auto r = c.post(
      "/20160918/images/" + id + "/actions/export",
      R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"exports","objectName":"out.oci"})");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(test::str(test::json(r->body), "lifecycleState") == "EXPORTING");
  auto ewr = r->get_header_value("opc-work-request-id");
  auto w = work_request(ewr);
  CHECK(w["operationType"] == "Export Image");
  CHECK(w["resources"].as_array()[0].as_object()["actionType"] == "RELATED");
  CHECK(work_request(ewr)["status"] == "SUCCEEDED");
  CHECK(state(id) == "AVAILABLE");
}

TEST_CASE_METHOD(fixture, "lifecycle: a slow delete shows DISABLED until it completes", "[http][lifecycle]") {
  fake.lifecycle().set(phase::provision, progress::immediate());
  fake.lifecycle().set(phase::delete_, progress::polls(2));
  auto [id, wr] = create(test::create_body(instance));
  REQUIRE(state(id) == "AVAILABLE");
  auto d = c.del("/20160918/images/" + id);
  REQUIRE(d);
  CHECK(d->status == 204);
  CHECK(state(id) == "DISABLED");
  CHECK(state(id) == "DISABLED");
  CHECK(state(id) == "DELETED");
}

TEST_CASE_METHOD(fixture, "lifecycle: timeCreated and work-request times follow the manual clock",
                 "[http][lifecycle]") {
  using namespace std::chrono;
  fake.clock().set(sys_days{year{2026} / 1 / 1});
  fake.lifecycle().set(phase::import, progress::after(10min));
  auto [id, wr] = create(test::import_body());
  CHECK(test::str(test::json(c.get("/20160918/images/" + id)->body), "timeCreated") == "2026-01-01T00:00:00.000Z");
  fake.clock().advance(90s);
  auto w = work_request(wr);
  CHECK(w["timeAccepted"] == "2026-01-01T00:00:00.000Z");
  CHECK(w["timeStarted"] == "2026-01-01T00:00:00.000Z");  // the first read after acceptance
  fake.clock().advance(1h);
  w = work_request(wr);
  CHECK(w["timeFinished"] == "2026-01-01T00:10:00.000Z");  // when the 10 minutes were up, not when it was read
}

TEST_CASE_METHOD(fixture, "lifecycle: percentComplete is written as an integer, as docs/api.md shows it",
                 "[http][lifecycle]") {
  auto [id, wr] = create(test::create_body(instance));
  std::set<std::string> served;
  auto serve = [&](const std::string& path) {
    auto r = c.get(path);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto spellings = percent_spellings(r->body);
    served.insert(spellings.begin(), spellings.end());
  };
  serve("/20160918/workRequests?compartmentId=" + test::compartment);  // not a counted read: 0
  serve("/20160918/workRequests/" + wr);                               // the first read of polls(1): 50
  serve("/20160918/workRequests/" + wr);                               // done: 100
  CHECK(served == std::set<std::string>{"0", "50", "100"});
  // The API page's examples were captured from the server: each of their values is one it writes.
  std::ifstream doc(OCIFAKE_SOURCE_DIR "/docs/api.md");
  std::stringstream text;
  text << doc.rdbuf();
  auto documented = percent_spellings(text.str());
  CHECK_FALSE(documented.empty());
  for (const auto& value : documented) {
    INFO("docs/api.md shows \"percentComplete\": " << value);
    CHECK(served.count(value) == 1);
  }
}

namespace {

const std::string export_body =
    R"({"destinationType":"objectStorageTuple","namespaceName":"ns","bucketName":"exports","objectName":"out.oci"})";

// How many GetImage and GetWorkRequest calls the journal holds.
std::size_t reads_in(const ocifake::server& fake) {
  std::size_t n = 0;
  for (const auto& e : fake.journal())
    if (e.operation == "GetImage" || e.operation == "GetWorkRequest") ++n;
  return n;
}

}  // namespace

TEST_CASE_METHOD(fixture, "lifecycle: a change refused while the image is in a phase counts as a read",
                 "[http][lifecycle][looks]") {
  fake.lifecycle().set(phase::provision, progress::polls(2));
  auto [id, wr] = create(test::create_body(instance));
  const std::string target = "/20160918/images/" + id + "/actions/export";

  // polls(2): the first two looks see PROVISIONING, so the first two exports are refused...
  for (int i = 0; i < 2; ++i) {
    INFO("attempt " << i + 1);
    auto r = c.post(target, export_body);
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(test::str(test::json(r->body), "code") == "IncorrectState");
    CHECK(test::str(test::json(r->body), "message").find("PROVISIONING") != std::string::npos);
    CHECK(fake.find_image(id)->lifecycle_state == "PROVISIONING");
  }
  // ...and the third look ends the phase: the same request goes through, with no GetImage at all.
  auto r = c.post(target, export_body);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(test::str(test::json(r->body), "lifecycleState") == "EXPORTING");
  CHECK(reads_in(fake) == 0);
  CHECK(work_request(wr)["status"] == "SUCCEEDED");

  // The journal says what the look changed, before what the export did.
  auto journal = fake.journal();
  auto exported = std::find_if(journal.rbegin(), journal.rend(),
                               [](const auto& e) { return e.status == 200 && e.operation == "ExportImage"; });
  REQUIRE(exported != journal.rend());
  const auto& last = *exported;
  REQUIRE(last.changes.size() >= 3);
  CHECK(last.changes[0] == "image " + id + " PROVISIONING -> AVAILABLE");
  CHECK(last.changes[1].find("CREATING_IMAGE -> RUNNING") != std::string::npos);  // its instance, released
  CHECK(last.changes[2].find("AVAILABLE -> EXPORTING") != std::string::npos);
}

TEST_CASE_METHOD(fixture, "lifecycle: refused looks and reads add up to the same polls(n)",
                 "[http][lifecycle][looks]") {
  fake.lifecycle().set(phase::provision, progress::polls(2));
  auto [id, wr] = create(test::create_body(instance));
  auto refused = c.post("/20160918/images/" + id + "/actions/export", export_body);
  REQUIRE(refused);
  CHECK(refused->status == 409);
  CHECK(work_request(wr)["status"] == "IN_PROGRESS");  // the second look
  CHECK(state(id) == "AVAILABLE");                     // the third
}

TEST_CASE_METHOD(fixture, "lifecycle: ChangeImageCompartment and DeleteImage refused in a phase count as reads",
                 "[http][lifecycle][looks]") {
  const std::string other = "ocid1.compartment.oc1..aaaaaaaaothercompartment";
  const std::string move = R"({"compartmentId":")" + other + "\"}";

  SECTION("ChangeImageCompartment while PROVISIONING") {
    auto [id, wr] = create(test::create_body(instance));  // the default polls(1)
    auto first = c.post("/20160918/images/" + id + "/actions/changeCompartment", move);
    REQUIRE(first);
    CHECK(first->status == 409);
    auto second = c.post("/20160918/images/" + id + "/actions/changeCompartment", move);
    REQUIRE(second);
    CHECK(second->status == 204);
    CHECK(fake.find_image(id)->compartment_id == other);
  }
  SECTION("DeleteImage while IMPORTING") {
    fake.lifecycle().set(phase::import, progress::polls(1));
    auto r = c.post("/20160918/images", test::import_body());
    REQUIRE(r);
    auto id = test::str(test::json(r->body), "id");
    auto first = c.del("/20160918/images/" + id);
    REQUIRE(first);
    CHECK(first->status == 409);
    CHECK(test::str(test::json(first->body), "message").find("IMPORTING") != std::string::npos);
    auto second = c.del("/20160918/images/" + id);
    REQUIRE(second);
    CHECK(second->status == 204);
    CHECK(fake.find_image(id)->lifecycle_state == "DELETED");
  }
  SECTION("ExportImage while EXPORTING") {
    fake.lifecycle().set(phase::provision, progress::immediate());
    fake.lifecycle().set(phase::export_, progress::polls(1));
    auto [id, wr] = create(test::create_body(instance));
    auto target = "/20160918/images/" + id + "/actions/export";
    REQUIRE(c.post(target, export_body)->status == 200);
    CHECK(c.post(target, export_body)->status == 409);
    CHECK(c.post(target, export_body)->status == 200);  // the first export ended; a second one starts
    CHECK(fake.work_requests().size() == 3);
  }
}

TEST_CASE_METHOD(fixture, "lifecycle: refusals that are not about a phase do not count", "[http][lifecycle][looks]") {
  fake.lifecycle().set(phase::provision, progress::polls(1));
  auto [id, wr] = create(test::create_body(instance));
  const std::string target = "/20160918/images/" + id + "/actions/export";
  // A body the operation refuses and a stale if-match are answered before the state is looked at.
  CHECK(c.post(target, R"({"destinationType":"nowhere"})")->status == 400);
  CHECK(c.post(target, export_body, {{"if-match", std::string(64, '0')}})->status == 412);
  // A change every state accepts is no refusal either.
  CHECK(c.put("/20160918/images/" + id, R"({"displayName":"renamed"})")->status == 200);
  CHECK(state(id) == "PROVISIONING");
  // A never-ending phase stays, however often a change is refused.
  fake.lifecycle().set_for(id, phase::provision, progress::never());
  for (int i = 0; i < 3; ++i) CHECK(c.post(target, export_body)->status == 409);
  CHECK(state(id) == "PROVISIONING");
}
