// A scenario-driven test: the bundled scenario scenarios/lost-create-response.json sets up the
// fake (an instance, a manual clock, a seed, and a fault that loses CreateImage's answer), and the
// test checks that the uploader ends with exactly one image. It also renders the journal as a
// Mermaid sequence diagram and compares it with lost-create-response.mmd, which the docs quote.
// Compiled and run by the build (ctest: example.scenario).
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain

#include <fstream>
#include <sstream>

#include <ocifake/catch2.hpp>

#include "uploader.hpp"

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

// [scenario-test]
TEST_CASE("lost-create-response: the uploader ends with exactly one image") {
  const std::string file = OCIFAKE_SOURCE_DIR "/scenarios/lost-create-response.json";
  auto scenario = ocifake::scenario::load(file);
  ocifake::server fake({.clock = scenario.clock().value(), .seed = scenario.seed()});  // as the scenario asks
  ocifake::catch2::watch watching(fake);  // its journal is printed if the test fails
  fake.load_scenario(file);

  example::upload_image(fake.endpoint(), "ocid1.compartment.oc1..aaaaaaaademo", "ocid1.instance.oc1.phx.aaaaaaaademo",
                        "upload-1");

  fake.stop();  // the journal is complete once the server has stopped
  REQUIRE(fake.images().size() == 1);
  auto creates = fake.journal("CreateImage");
  REQUIRE(creates.size() == 2);
  REQUIRE(creates[0].fault);
  CHECK(creates[0].fault->rule_id == "lost-answer");
  CHECK(creates[1].replayed);
  CHECK(ocifake::to_mermaid(fake.journal()) == read_file(OCIFAKE_SOURCE_DIR "/docs/examples/lost-create-response.mmd"));
}
// [scenario-test]
