// The journal's readable forms: one line per request (to_string, operator<<) and the Mermaid
// sequence diagram (to_mermaid), checked to the character.
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "catch_compat.hpp"
#include <httplib.h>

#include <ocifake/ocifake.hpp>

namespace {

using namespace std::chrono_literals;

const auto noon = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 12h;

// A CreateImage applied, then its answer lost to a reset; then the retry, replayed.
std::vector<ocifake::journal_entry> lost_answer_then_replay() {
  ocifake::journal_entry lost;
  lost.seq = 3;
  lost.time = noon + 1250ms;
  lost.operation = "CreateImage";
  lost.method = "POST";
  lost.path = "/20160918/images";
  lost.status = 0;
  lost.retry_token = "tok-1";
  lost.fault = ocifake::fired_fault{"r1", ocifake::fault_action::reset, ocifake::fault_timing::after_commit};
  lost.changes = {"image ocid1.image.oc1.phx.aaaa created (PROVISIONING)",
                  "work request ocid1.coreservicesworkrequest.oc1.phx.bbbb accepted (Create Image)"};

  ocifake::journal_entry replay;
  replay.seq = 4;
  replay.time = noon + 2000ms;
  replay.operation = "CreateImage";
  replay.method = "POST";
  replay.path = "/20160918/images";
  replay.status = 200;
  replay.retry_token = "tok-1";
  replay.replayed = true;

  ocifake::journal_entry read;
  read.seq = 5;
  read.time = noon + 2500ms;
  read.operation = "GetImage";
  read.method = "GET";
  read.path = "/20160918/images/ocid1.image.oc1.phx.aaaa";
  read.status = 200;
  read.changes = {"image ocid1.image.oc1.phx.aaaa PROVISIONING -> AVAILABLE"};
  return {lost, replay, read};
}

}  // namespace

TEST_CASE("journal: to_string writes one line per request with the rule that fired", "[journal]") {
  auto entries = lost_answer_then_replay();
  CHECK(ocifake::to_string(entries[0]) ==
        "#3 12:00:01.250 POST /20160918/images CreateImage -> no answer token=tok-1 [fault r1 reset afterCommit]; "
        "image ocid1.image.oc1.phx.aaaa created (PROVISIONING); "
        "work request ocid1.coreservicesworkrequest.oc1.phx.bbbb accepted (Create Image)");
  CHECK(ocifake::to_string(entries[1]) == "#4 12:00:02.000 POST /20160918/images CreateImage -> 200 (replayed) token=tok-1");

  std::ostringstream os;
  os << entries[2];
  CHECK(os.str() == "#5 12:00:02.500 GET /20160918/images/ocid1.image.oc1.phx.aaaa GetImage -> 200; "
                    "image ocid1.image.oc1.phx.aaaa PROVISIONING -> AVAILABLE");

  auto all = ocifake::to_string(entries);
  CHECK(all == ocifake::to_string(entries[0]) + "\n" + ocifake::to_string(entries[1]) + "\n" +
                   ocifake::to_string(entries[2]) + "\n");
}

TEST_CASE("journal: to_mermaid draws requests, answers, faults and lifecycle changes", "[journal]") {
  CHECK(ocifake::to_mermaid(lost_answer_then_replay()) ==
        "sequenceDiagram\n"
        "    participant Client\n"
        "    participant Fake as Fake (ocifake)\n"
        "    Client->>Fake: POST /20160918/images (CreateImage)\n"
        "    Note right of Fake: image ocid1.image.oc1.phx.aaaa created (PROVISIONING)\n"
        "    Note right of Fake: work request ocid1.coreservicesworkrequest.oc1.phx.bbbb accepted (Create Image)\n"
        "    Note over Fake: fault r1 reset afterCommit\n"
        "    Fake--xClient: no answer (reset)\n"
        "    Client->>Fake: POST /20160918/images (CreateImage)\n"
        "    Fake-->>Client: 200 (replayed)\n"
        "    Client->>Fake: GET /20160918/images/ocid1.image.oc1.phx.aaaa (GetImage)\n"
        "    Note right of Fake: image ocid1.image.oc1.phx.aaaa PROVISIONING -> AVAILABLE\n"
        "    Fake-->>Client: 200\n");
}

TEST_CASE("journal: to_mermaid of no entries is a diagram with the two lifelines only", "[journal]") {
  CHECK(ocifake::to_mermaid({}) == "sequenceDiagram\n    participant Client\n    participant Fake as Fake (ocifake)\n");
}

TEST_CASE("journal: to_mermaid marks a fault that acts before the request ahead of its changes", "[journal]") {
  ocifake::journal_entry e;
  e.operation = "GetImage";
  e.method = "GET";
  e.path = "/20160918/images/x";
  e.status = 200;
  e.fault = ocifake::fired_fault{"slow", ocifake::fault_action::delay, ocifake::fault_timing::before};
  e.changes = {"image x IMPORTING -> AVAILABLE"};
  ocifake::journal_entry hung = e;
  hung.status = 0;
  hung.changes.clear();
  hung.fault = ocifake::fired_fault{"h", ocifake::fault_action::hang, ocifake::fault_timing::before};
  ocifake::journal_entry throttled = hung;
  throttled.status = 429;
  throttled.fault = ocifake::fired_fault{"t", ocifake::fault_action::error, ocifake::fault_timing::before};
  CHECK(ocifake::to_mermaid({e, hung, throttled}) ==
        "sequenceDiagram\n"
        "    participant Client\n"
        "    participant Fake as Fake (ocifake)\n"
        "    Client->>Fake: GET /20160918/images/x (GetImage)\n"
        "    Note over Fake: fault slow delay before\n"
        "    Note right of Fake: image x IMPORTING -> AVAILABLE\n"
        "    Fake-->>Client: 200\n"
        "    Client->>Fake: GET /20160918/images/x (GetImage)\n"
        "    Note over Fake: fault h hang before\n"
        "    Fake--xClient: no answer (hang)\n"
        "    Client->>Fake: GET /20160918/images/x (GetImage)\n"
        "    Note over Fake: fault t error before\n"
        "    Fake-->>Client: 429\n");
}

TEST_CASE("journal: to_mermaid escapes the characters Mermaid reads as syntax", "[journal]") {
  ocifake::journal_entry e;
  e.operation = "Unknown";
  e.method = "GET";
  e.path = "/a;b#c";
  e.status = 404;
  e.fault = ocifake::fired_fault{"rule;#1", ocifake::fault_action::close, ocifake::fault_timing::after_commit};
  e.changes = {"line one\nline two\r\nline three; done #7"};
  CHECK(ocifake::to_mermaid({e}) ==
        "sequenceDiagram\n"
        "    participant Client\n"
        "    participant Fake as Fake (ocifake)\n"
        "    Client->>Fake: GET /a#59;b#35;c (Unknown)\n"
        "    Note right of Fake: line one<br/>line two<br/>line three#59; done #35;7\n"
        "    Note over Fake: fault rule#59;#35;1 close afterCommit\n"
        "    Fake-->>Client: 404\n");
}

TEST_CASE("journal: to_mermaid of a live server's journal shows the lost answer and the retry", "[journal][http]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 1});
  auto instance = fake.add_instance({.compartment_id = "ocid1.compartment.oc1..aaaaaaaamermaid"});
  fake.faults().add(ocifake::fault::on("CreateImage").id("lost").times(1).after_commit().reset_connection());

  httplib::Client client(fake.endpoint());
  client.set_read_timeout(5, 0);
  const std::string body =
      R"({"compartmentId": "ocid1.compartment.oc1..aaaaaaaamermaid", "instanceId": ")" + instance + R"("})";
  httplib::Headers token{{"opc-retry-token", "mermaid-1"}};
  auto first = client.Post("/20160918/images", token, body, "application/json");
  CHECK_FALSE(first);
  auto second = client.Post("/20160918/images", token, body, "application/json");
  REQUIRE(second);
  REQUIRE(second->status == 200);

  fake.stop();  // the request whose answer was cut off reaches the journal as its handler ends
  auto image = fake.images().at(0).id;
  auto diagram = ocifake::to_mermaid(fake.journal());
  INFO(diagram);
  CHECK(diagram.find("    Client->>Fake: POST /20160918/images (CreateImage)\n"
                     "    Note right of Fake: image " + image + " created (PROVISIONING)\n") != std::string::npos);
  CHECK(diagram.find("    Note over Fake: fault lost reset afterCommit\n"
                     "    Fake--xClient: no answer (reset)\n"
                     "    Client->>Fake: POST /20160918/images (CreateImage)\n"
                     "    Fake-->>Client: 200 (replayed)\n") != std::string::npos);
}

TEST_CASE("journal: GET /_ocifake/journal?format=mermaid answers the diagram", "[journal][http][admin]") {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = 1});
  fake.faults().add(ocifake::fault::on("GetImage").id("busy").times(1).error(409, "IncorrectState"));
  httplib::Client client(fake.endpoint());
  client.set_read_timeout(5, 0);
  const std::string path = "/20160918/images/ocid1.image.oc1.phx.aaaaaaaamissing";
  REQUIRE(client.Get(path)->status == 409);
  REQUIRE(client.Get(path)->status == 404);

  auto all = client.Get("/_ocifake/journal?format=mermaid");
  REQUIRE(all);
  CHECK(all->status == 200);
  CHECK(all->get_header_value("Content-Type") == "text/plain; charset=utf-8");
  CHECK(all->body == "sequenceDiagram\n"
                     "    participant Client\n"
                     "    participant Fake as Fake (ocifake)\n"
                     "    Client->>Fake: GET " + path + " (GetImage)\n"
                     "    Note over Fake: fault busy error before\n"
                     "    Fake-->>Client: 409\n"
                     "    Client->>Fake: GET " + path + " (GetImage)\n"
                     "    Fake-->>Client: 404\n");

  // The operation filter applies, and the admin call itself is in the journal afterwards.
  auto admin = client.Get("/_ocifake/journal?format=mermaid&operation=Admin");
  REQUIRE(admin);
  CHECK(admin->body == "sequenceDiagram\n"
                       "    participant Client\n"
                       "    participant Fake as Fake (ocifake)\n"
                       "    Client->>Fake: GET /_ocifake/journal (Admin)\n"
                       "    Fake-->>Client: 200\n");

  auto json = client.Get("/_ocifake/journal?format=json");
  REQUIRE(json);
  CHECK(json->status == 200);
  CHECK(json->body.front() == '[');

  auto bad = client.Get("/_ocifake/journal?format=xml");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.find("format must be json or mermaid") != std::string::npos);
}
