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
        "image ocid1.image\u2026aaaa created (PROVISIONING); "
        "work request ocid1.coreservicesworkrequest\u2026bbbb accepted (Create Image)");
  CHECK(ocifake::to_string(entries[1]) ==
        "#4 12:00:02.000 POST /20160918/images CreateImage -> 200 (replayed) token=tok-1");

  std::ostringstream os;
  os << entries[2];
  CHECK(os.str() == "#5 12:00:02.500 GET /20160918/images/ocid1.image\u2026aaaa GetImage -> 200; "
                    "image ocid1.image\u2026aaaa PROVISIONING -> AVAILABLE");

  auto all = ocifake::to_string(entries);
  CHECK(all == ocifake::to_string(entries[0]) + "\n" + ocifake::to_string(entries[1]) + "\n" +
                   ocifake::to_string(entries[2]) + "\n");
}

TEST_CASE("journal: to_string shortens each OCID to its type and last four characters unless asked for them in full",
          "[journal]") {
  ocifake::journal_entry e;
  e.seq = 7;
  e.time = noon;
  e.operation = "ExportImage";
  e.method = "POST";
  e.path = "/20160918/images/ocid1.image.oc1.phx.aaaaaaaavwxyz5rkhlbgo6zsgqey4wd4wh767mtamdvi5x7gq/actions/export";
  e.status = 200;
  e.changes = {"image ocid1.image.oc1.phx.aaaaaaaavwxyz5rkhlbgo6zsgqey4wd4wh767mtamdvi5x7gq AVAILABLE -> EXPORTING",
               "compartment ocid1.compartment.oc1..aaaaaaaaexample.", "ocid1.x"};
  CHECK(ocifake::to_string(e) ==
        "#7 12:00:00.000 POST /20160918/images/ocid1.image\u2026x7gq/actions/export ExportImage -> 200; "
        "image ocid1.image\u2026x7gq AVAILABLE -> EXPORTING; compartment ocid1.compartment\u2026mple.; ocid1.x");

  auto full = ocifake::to_string(e, {.full_ocids = true});
  CHECK(full == "#7 12:00:00.000 " + e.method + " " + e.path + " ExportImage -> 200; " + e.changes[0] + "; " +
                    e.changes[1] + "; " + e.changes[2]);
  CHECK(ocifake::to_string(std::vector{e}, {.full_ocids = true}) == full + "\n");
}

TEST_CASE("journal: to_string and to_mermaid show an error answer's code with its status", "[journal]") {
  ocifake::journal_entry e;
  e.seq = 1;
  e.time = noon;
  e.operation = "DeleteImage";
  e.method = "DELETE";
  e.path = "/20160918/images/x";
  e.status = 409;
  e.error_code = "IncorrectState";
  CHECK(ocifake::to_string(e) == "#1 12:00:00.000 DELETE /20160918/images/x DeleteImage -> 409 IncorrectState");
  CHECK(ocifake::to_mermaid({e}) == "sequenceDiagram\n"
                                    "    participant Client\n"
                                    "    participant Fake as Fake (ocifake)\n"
                                    "    Client->>Fake: DELETE /20160918/images/x (DeleteImage)\n"
                                    "    Fake-->>Client: 409 IncorrectState\n");
}

TEST_CASE("journal: to_mermaid leaves admin calls out unless asked for them", "[journal]") {
  ocifake::journal_entry admin;
  admin.operation = "Admin";
  admin.method = "POST";
  admin.path = "/_ocifake/faults";
  admin.status = 200;
  ocifake::journal_entry get;
  get.operation = "GetImage";
  get.method = "GET";
  get.path = "/20160918/images/x";
  get.status = 404;
  get.error_code = "NotAuthorizedOrNotFound";
  const std::string head = "sequenceDiagram\n    participant Client\n    participant Fake as Fake (ocifake)\n";
  const std::string get_lines = "    Client->>Fake: GET /20160918/images/x (GetImage)\n"
                                "    Fake-->>Client: 404 NotAuthorizedOrNotFound\n";
  CHECK(ocifake::to_mermaid({admin, get}) == head + get_lines);
  CHECK(ocifake::to_mermaid({admin, get}, {.admin = true}) ==
        head + "    Client->>Fake: POST /_ocifake/faults (Admin)\n    Fake-->>Client: 200\n" + get_lines);
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
  CHECK(ocifake::to_mermaid({e, hung, throttled}) == "sequenceDiagram\n"
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
  CHECK(ocifake::to_mermaid({e}) == "sequenceDiagram\n"
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
                     "    Note right of Fake: image " +
                     image + " created (PROVISIONING)\n") != std::string::npos);
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
  const std::string oci_calls = "    Client->>Fake: GET " + path +
                                " (GetImage)\n"
                                "    Note over Fake: fault busy error before\n"
                                "    Fake-->>Client: 409 IncorrectState\n"
                                "    Client->>Fake: GET " +
                                path +
                                " (GetImage)\n"
                                "    Fake-->>Client: 404 NotAuthorizedOrNotFound\n";
  CHECK(all->body == "sequenceDiagram\n"
                     "    participant Client\n"
                     "    participant Fake as Fake (ocifake)\n" +
                         oci_calls);

  // The operation filter applies, and the admin call itself is in the journal afterwards.
  auto admin = client.Get("/_ocifake/journal?format=mermaid&operation=Admin");
  REQUIRE(admin);
  CHECK(admin->body == "sequenceDiagram\n"
                       "    participant Client\n"
                       "    participant Fake as Fake (ocifake)\n"
                       "    Client->>Fake: GET /_ocifake/journal (Admin)\n"
                       "    Fake-->>Client: 200\n");

  // OCI calls only, unless admin=true.
  auto with_admin = client.Get("/_ocifake/journal?format=mermaid&admin=true");
  REQUIRE(with_admin);
  CHECK(with_admin->body == "sequenceDiagram\n"
                            "    participant Client\n"
                            "    participant Fake as Fake (ocifake)\n" +
                                oci_calls +
                                "    Client->>Fake: GET /_ocifake/journal (Admin)\n"
                                "    Fake-->>Client: 200\n"
                                "    Client->>Fake: GET /_ocifake/journal (Admin)\n"
                                "    Fake-->>Client: 200\n");
  auto oci_only = client.Get("/_ocifake/journal?format=mermaid&admin=false");
  REQUIRE(oci_only);
  CHECK(oci_only->body == all->body);
  auto bad_flag = client.Get("/_ocifake/journal?format=mermaid&admin=yes");
  REQUIRE(bad_flag);
  CHECK(bad_flag->status == 400);
  CHECK(bad_flag->body.find("?admin: true or false, not 'yes'") != std::string::npos);

  auto json = client.Get("/_ocifake/journal?format=json");
  REQUIRE(json);
  CHECK(json->status == 200);
  CHECK(json->body.front() == '[');

  auto bad = client.Get("/_ocifake/journal?format=xml");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(bad->body.find("format must be json or mermaid") != std::string::npos);
}
