// What a server remembers of its faults: each rule's counters, each request's journal entry (the
// fault that acted, the status sent, the changes made), the admin API's view of both, and the
// counters staying exact under many concurrent clients.
#include "catch_compat.hpp"

#include <algorithm>
#include <atomic>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "http/api_support.hpp"
#include "http/wire.hpp"

using namespace std::chrono_literals;
using ocifake::fault;
using ocifake::fault_action;
using ocifake::fault_timing;

namespace {

const ocifake::fault_status& rule_status(const std::vector<ocifake::fault_status>& all, const std::string& id) {
  for (const auto& s : all)
    if (s.id == id) return s;
  FAIL("no rule " << id);
  return all.front();
}

// A manual-clock server with three rules, and a short story told against it: throttled twice,
// a create whose answer is lost, its retry replayed, and a wait for the image with one busy read.
struct story {
  ocifake::server fake{{.clock = ocifake::clock_mode::manual, .seed = 5}};
  test::client c{fake};
  std::string instance = fake.add_instance({.compartment_id = test::compartment});
  std::string token = "build-7-create";
  std::string image_id;
  std::vector<int> statuses;  // one per request, 0 for no answer

  story() {
    fake.faults().add(fault::on("*").id("throttle").times(2).error(429, "TooManyRequests", "", 1));
    fake.faults().add(fault::on("CreateImage").id("lost").times(1).after_commit().reset_connection());
    fake.faults().add(fault::on("GetImage").id("busy").skip(1).times(1).error(409, "IncorrectState"));

    auto status = [](const httplib::Result& r) { return r ? r->status : 0; };
    httplib::Headers h{{"opc-retry-token", token}};
    statuses.push_back(status(c.get("/20160918/images?compartmentId=" + test::compartment)));  // 429
    statuses.push_back(status(c.post("/20160918/images", test::create_body(instance), h)));    // 429
    fake.clock().advance(1s);
    statuses.push_back(status(c.post("/20160918/images", test::create_body(instance), h)));  // lost
    fake.clock().advance(2s);
    auto replay = c.post("/20160918/images", test::create_body(instance), h);  // replayed
    statuses.push_back(status(replay));
    image_id = replay ? test::str(test::json(replay->body), "id") : "";
    for (int i = 0; i < 3; ++i) statuses.push_back(status(c.get("/20160918/images/" + image_id)));  // 200, 409, 200
    statuses.push_back(status(c.get("/_ocifake/health")));
  }
};

}  // namespace

TEST_CASE_METHOD(story, "Faults: every rule counts the requests it matched and the ones it fired on",
                 "[http][faults]") {
  CHECK(statuses == std::vector<int>{429, 429, 0, 200, 200, 409, 200, 200});
  auto all = fake.faults().list();
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == "throttle");  // in the order added
  CHECK(all[1].id == "lost");
  CHECK(all[2].id == "busy");
  // throttle sees every OCI request (not the admin call); a rule that fires hides the request
  // from the rules after it.
  CHECK(rule_status(all, "throttle").matched == 7);
  CHECK(rule_status(all, "throttle").fired == 2);
  CHECK(rule_status(all, "lost").matched == 2);
  CHECK(rule_status(all, "lost").fired == 1);
  CHECK(rule_status(all, "busy").matched == 3);
  CHECK(rule_status(all, "busy").fired == 1);
  // The rule as added comes back with its counters.
  CHECK(rule_status(all, "lost").rule.to_json() ==
        fault::on("CreateImage").id("lost").times(1).after_commit().reset_connection().to_json());
}

TEST_CASE_METHOD(story, "Faults: the journal records each request's fault, status, token, replay and changes",
                 "[http][faults]") {
  REQUIRE(test::eventually([&] { return fake.journal().size() == 8; }));
  auto j = fake.journal();
  for (std::size_t i = 0; i < j.size(); ++i) CHECK(j[i].seq == i + 1);

  const auto& throttled = j[0];
  CHECK(throttled.operation == "ListImages");
  CHECK(throttled.method == "GET");
  CHECK(throttled.path == "/20160918/images");
  CHECK(throttled.status == 429);
  REQUIRE(throttled.fault);
  CHECK(throttled.fault->rule_id == "throttle");
  CHECK(throttled.fault->action == fault_action::error);
  CHECK(throttled.fault->timing == fault_timing::before);
  CHECK(throttled.changes.empty());

  CHECK(j[1].operation == "CreateImage");
  CHECK(j[1].status == 429);
  CHECK(j[1].retry_token == token);
  CHECK(j[1].changes.empty());  // refused before it was applied

  const auto& lost = j[2];
  CHECK(lost.operation == "CreateImage");
  CHECK(lost.status == 0);  // no answer was sent
  CHECK(lost.retry_token == token);
  CHECK_FALSE(lost.replayed);
  REQUIRE(lost.fault);
  CHECK(lost.fault->rule_id == "lost");
  CHECK(lost.fault->action == fault_action::reset);
  CHECK(lost.fault->timing == fault_timing::after_commit);
  REQUIRE(lost.changes.size() == 3);  // applied all the same
  CHECK(lost.changes[0] == "image " + image_id + " created (PROVISIONING)");
  CHECK(lost.changes[1].rfind("work request ", 0) == 0);
  CHECK(lost.changes[2] == "instance " + instance + " RUNNING -> CREATING_IMAGE (image " + image_id + ")");
  CHECK(lost.time == j[1].time + 1s);  // arrival, on the server's clock

  const auto& replay = j[3];
  CHECK(replay.status == 200);
  CHECK(replay.replayed);
  CHECK(replay.retry_token == token);
  CHECK_FALSE(replay.fault);
  CHECK(replay.changes.empty());
  CHECK(replay.request_id != lost.request_id);

  CHECK(j[7].operation == "Admin");
  CHECK_FALSE(j[7].fault);

  SECTION("journal(operation) keeps that operation's entries, in order") {
    auto reads = fake.journal("GetImage");
    REQUIRE(reads.size() == 3);
    CHECK(reads[0].status == 200);
    CHECK(reads[1].status == 409);
    REQUIRE(reads[1].fault);
    CHECK(reads[1].fault->rule_id == "busy");
    CHECK(reads[2].status == 200);
    CHECK(reads[0].retry_token.empty());  // GetImage takes no retry token
    CHECK(fake.journal("CreateImage").size() == 3);
    CHECK(fake.journal("DeleteImage").empty());
  }
  SECTION("to_string reads as one line per request") {
    auto line = ocifake::to_string(lost);
    INFO(line);
    CHECK(std::regex_search(line, std::regex(R"(^#3 \d\d:\d\d:\d\d\.\d{3} POST /20160918/images CreateImage -> )")));
    CHECK(line.find("-> no answer") != std::string::npos);
    CHECK(line.find("token=" + token) != std::string::npos);
    CHECK(line.find("[fault lost reset afterCommit]") != std::string::npos);
    // OCIDs shortened to their type and last four characters; in full when asked.
    CHECK(line.find("image ocid1.image\u2026" + image_id.substr(image_id.size() - 4) + " created (PROVISIONING)") !=
          std::string::npos);
    CHECK(ocifake::to_string(lost, {.full_ocids = true}).find("image " + image_id + " created (PROVISIONING)") !=
          std::string::npos);
    CHECK(line.find('\n') == std::string::npos);

    auto replayed = ocifake::to_string(replay);
    CHECK(replayed.find("-> 200 (replayed)") != std::string::npos);
    CHECK(replayed.find("[fault") == std::string::npos);
    CHECK(ocifake::to_string(throttled).find("-> 429 TooManyRequests [fault throttle error before]") !=
          std::string::npos);

    std::ostringstream os;
    os << lost;
    CHECK(os.str() == line);
    auto all = ocifake::to_string(j);
    CHECK(all.find(line + "\n") != std::string::npos);
    CHECK(std::count(all.begin(), all.end(), '\n') == 8);
  }
}

TEST_CASE_METHOD(story, "Faults: the admin API lists the rules with their counters and journals the faults",
                 "[http][faults]") {
  auto rules = test::json(c.get("/_ocifake/faults")->body);
  REQUIRE(rules.is_array());
  REQUIRE(rules.as_array().size() == 3);
  const auto& lost = rules.as_array()[1].as_object();
  CHECK(lost.at("id") == "lost");
  CHECK(lost.at("matched") == 2);
  CHECK(lost.at("fired") == 1);
  CHECK(lost.at("rule").at("timing") == "afterCommit");
  CHECK(lost.at("rule").at("action").at("type") == "reset");

  REQUIRE(test::eventually([&] { return fake.journal("CreateImage").size() == 3; }));
  auto creates = test::json(c.get("/_ocifake/journal?operation=CreateImage")->body);
  REQUIRE(creates.is_array());
  REQUIRE(creates.as_array().size() == 3);
  const auto& e = creates.as_array()[1].as_object();
  CHECK(e.at("status") == 0);
  CHECK(e.at("retryToken") == token.c_str());
  CHECK(e.at("replayed") == false);
  CHECK(e.at("fault") == boost::json::value{{"rule", "lost"}, {"action", "reset"}, {"timing", "afterCommit"}});
  CHECK(e.at("changes").as_array().size() == 3);
  CHECK(creates.as_array()[2].at("replayed") == true);
  CHECK(creates.as_array()[2].at("fault").is_null());
}

TEST_CASE("Faults: rules added through the admin API act on the wire, and their counts come back", "[http][faults]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 9});
  test::client c(fake);
  auto added = c.post("/_ocifake/faults", R"([
      {"id": "busy", "operation": "GetImage", "times": 2,
       "action": {"type": "error", "status": 409, "code": "IncorrectState", "message": "try later"}},
      {"id": "cut", "operation": ["ListImages"], "action": {"type": "close"}}])");
  REQUIRE(added);
  REQUIRE(added->status == 200);
  auto body = test::json(added->body);
  REQUIRE(body.is_array());
  CHECK(body.as_array()[0].at("id") == "busy");
  CHECK(body.as_array()[1].at("id") == "cut");

  auto path = std::string("/20160918/images/ocid1.image.oc1.phx.aaaaaaaanone");
  auto first = c.get(path);
  REQUIRE(first);
  CHECK(first->status == 409);
  CHECK(test::str(test::json(first->body), "message") == "try later");
  CHECK(c.get(path)->status == 409);
  CHECK(c.get(path)->status == 404);
  auto w = test::exchange(fake.port(), test::raw_get("/20160918/images?compartmentId=" + test::compartment));
  CHECK(w.bytes.empty());
  CHECK(w.eof);

  auto listed = test::json(c.get("/_ocifake/faults")->body).as_array();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].at("matched") == 3);
  CHECK(listed[0].at("fired") == 2);
  CHECK(listed[1].at("matched") == 1);
  CHECK(listed[1].at("fired") == 1);
  // The C++ side sees the same rules and counters.
  CHECK(fake.faults().list().at(0).fired == 2);

  SECTION("a bad rule is refused with the JSON path of the mistake, and nothing is added") {
    auto refused = c.post("/_ocifake/faults", R"([{"operation": "GetImage", "action": {"type": "reset"}},
                                                   {"operation": "GetImage", "action": {"type": "explode"}}])");
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(refused->body.find("$[1].action.type") != std::string::npos);
    CHECK(fake.faults().list().size() == 2);
  }
}

TEST_CASE("Faults: many concurrent clients under probability faults; every request is counted once", "[http][faults]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 21});
  // An instance for each create: one with an image in progress refuses another.
  std::vector<std::string> insts;
  for (int i = 0; i < 8 * 15; ++i) insts.push_back(fake.add_instance({.compartment_id = test::compartment}));
  fake.faults().add(fault::on("*").id("all").probability(0.2).error(503, "ServiceUnavailable"));
  fake.faults().add(fault::on("GetImage").id("drop").probability(0.25).reset_connection());
  fake.faults().add(fault::on("ListImages").id("slow").probability(0.2).delay(5ms));
  fake.faults().add(fault::on("CreateImage").id("lost").probability(0.2).after_commit().close_connection());

  constexpr int threads = 8;
  constexpr int rounds = 15;  // three requests each
  struct tally {
    int requests = 0, unavailable = 0, get_unavailable = 0, get_lost = 0, create_lost = 0, create_ok = 0, list_ok = 0;
  };
  std::vector<tally> tallies(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      test::client c(fake);
      auto& n = tallies[t];
      for (int i = 0; i < rounds; ++i) {
        auto g = c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaa" + std::to_string(t * 100 + i));
        auto l = c.get("/20160918/images?compartmentId=" + test::compartment + "&limit=5");
        auto p = c.post("/20160918/images", test::create_body(insts[t * rounds + i]));
        n.requests += 3;
        n.unavailable += (g && g->status == 503) + (l && l->status == 503) + (p && p->status == 503);
        n.get_unavailable += g && g->status == 503;
        n.get_lost += !g;
        n.create_lost += !p;
        n.create_ok += p && p->status == 200;
        n.list_ok += l && l->status == 200;
      }
    });
  for (auto& w : workers) w.join();

  tally sum;
  for (const auto& n : tallies) {
    sum.requests += n.requests;
    sum.unavailable += n.unavailable;
    sum.get_unavailable += n.get_unavailable;
    sum.get_lost += n.get_lost;
    sum.create_lost += n.create_lost;
    sum.create_ok += n.create_ok;
    sum.list_ok += n.list_ok;
  }
  REQUIRE(sum.requests == threads * rounds * 3);
  auto all = fake.faults().list();
  const ocifake::fault_status star = rule_status(all, "all");  // a copy: GCC 14 warns of a dangling reference otherwise
  CHECK(star.matched == static_cast<std::uint64_t>(sum.requests));
  CHECK(star.fired == static_cast<std::uint64_t>(sum.unavailable));
  CHECK(rule_status(all, "drop").matched == static_cast<std::uint64_t>(threads * rounds - sum.get_unavailable));
  CHECK(rule_status(all, "drop").fired == static_cast<std::uint64_t>(sum.get_lost));
  CHECK(rule_status(all, "lost").fired == static_cast<std::uint64_t>(sum.create_lost));
  CHECK(rule_status(all, "slow").matched == static_cast<std::uint64_t>(sum.list_ok));
  // Every create that was applied made one image: those answered and those whose answer was lost.
  CHECK(fake.images().size() == static_cast<std::size_t>(sum.create_ok + sum.create_lost));
  // Each fault fired at least once, so all of them ran concurrently.
  for (const auto& s : all) CHECK(s.fired > 0);

  REQUIRE(test::eventually([&] { return fake.journal().size() == static_cast<std::size_t>(sum.requests); }));
  auto j = fake.journal();
  std::size_t unanswered = 0;
  for (std::size_t i = 0; i < j.size(); ++i) {
    CHECK(j[i].seq == i + 1);
    unanswered += j[i].status == 0;
  }
  CHECK(unanswered == static_cast<std::size_t>(sum.get_lost + sum.create_lost));
}
