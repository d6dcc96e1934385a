// Fault-space exploration of the example uploader (uploader.hpp): every (request, fault) pair,
// each on a fresh server. Compiled and run by the build (ctest: example.explore); docs/exploration.md
// quotes it.
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain

#include <ocifake/catch2.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "uploader.hpp"

namespace {

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaaexample";
const std::string instance = "ocid1.instance.oc1.phx.aaaaaaaaexample";

}  // namespace

// [explore-body]
// The code under test, and what must hold after it, whatever happened on the wire: one image.
void upload_golden_image(ocifake::server& fake) {
  example::upload_image(fake.endpoint(), compartment, instance, "upload-1");
  if (fake.images().size() != 1)
    throw std::runtime_error("expected one image, found " + std::to_string(fake.images().size()));
}
// [explore-body]

// [explore-options]
// Every run starts from the same state: a manual clock, one seed, the instance to capture.
ocifake::explore_options options() {
  auto start = ocifake::scenario::parse(R"({"name": "one instance", "instances": [{"id": ")" + instance +
                                        R"(", "compartmentId": ")" + compartment + R"("}]})");
  return {.server = {.clock = ocifake::clock_mode::manual, .seed = 7}, .scenarios = {start}};
}
// [explore-options]

// [explore-catch2]
TEST_CASE("the uploader survives a reset, lost or timed-out CreateImage") {
  auto opts = options();
  opts.faults = {ocifake::fault_kind::reset, ocifake::fault_kind::lost, ocifake::fault_kind::timeout};
  opts.timeout = std::chrono::milliseconds(200);             // shorter than the uploader's read timeout
  ocifake::catch2::explore_each(opts, upload_golden_image);  // one failure per failing pair
}
// [explore-catch2]

// [explore-result]
TEST_CASE("the uploader gives up on the first error answer") {
  auto result = ocifake::explore(options(), upload_golden_image);
  std::cout << result;  // the table, then each failing run's journal

  CHECK(result.requests.size() == 1);  // the reference run made one request: CreateImage
  CHECK(result.runs.size() == 5);      // reset, lost, 500, 429, 409 on it
  REQUIRE(result.failed() == 3);       // it does not retry 500, 429 or 409
  const auto& failed = *result.failures().front();
  CHECK(ocifake::to_string(failed.faults) == "#1 CreateImage 500");
  CHECK(failed.message == "CreateImage answered 500");
  std::cout << ocifake::to_mermaid(failed.journal);  // its journal as a sequence diagram
}
// [explore-result]

// [explore-html]
TEST_CASE("the exploration report as one HTML page") {
  auto opts = options();
  opts.faults = {ocifake::fault_kind::reset, ocifake::fault_kind::lost, ocifake::fault_kind::error_500};
  opts.depth = 2;  // and a second fault after each first one: the retries are explored too
  auto result = ocifake::explore(opts, upload_golden_image);
  std::ofstream("uploader-exploration.html") << result.to_html();  // open it in any browser

  CHECK(result.failed() == 1 + 2);  // a 500; and a 500 on the retry after a reset or a lost answer
}
// [explore-html]

// What docs/exploration.md shows of the first failing run, kept true here.
TEST_CASE("the first failing run of the uploader, as a sequence diagram") {
  auto result = ocifake::explore(options(), upload_golden_image);
  REQUIRE(result.failed() == 3);
  CHECK(ocifake::to_mermaid(result.failures().front()->journal) == R"(sequenceDiagram
    participant Client
    participant Fake as Fake (ocifake)
    Client->>Fake: POST /20160918/images (CreateImage)
    Note over Fake: fault explore-1 error before
    Fake-->>Client: 500 InternalServerError
)");
}
