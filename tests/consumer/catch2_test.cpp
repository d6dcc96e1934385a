// The consumer projects' Catch2 test: ocifake/catch2.hpp with whichever Catch2 the system has
// (v2 on Debian 12, v3 on Debian 13), a fixture that starts from a bundled scenario, and the
// scenario found where the package put it.
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3 the project links Catch2::Catch2WithMain

#include <string>

#include <ocifake/catch2.hpp>
#include <ocifake/ocifake.hpp>

struct lost_answer : ocifake::catch2::fixture {
  lost_answer() : fixture(ocifake::bundled_scenario("lost-create-response")) {}
};

TEST_CASE_METHOD(lost_answer, "a consumer's Catch2 fixture starts from a bundled scenario") {
  REQUIRE(fake.faults().list().size() == 1);
  CHECK(fake.faults().list()[0].rule.operations() == std::vector<std::string>{"CreateImage"});
}

TEST_CASE("bundled scenarios are found in the package's own folder") {
  const std::string path = ocifake::bundled_scenario("lost-create-response").string();
  CHECK(path.rfind(OCIFAKE_EXPECTED_SCENARIOS_DIR, 0) == 0);
  std::string message;
  try {
    ocifake::bundled_scenario("lost-create-respons");
  } catch (const ocifake::usage_error& e) {
    message = e.what();
  }
  CHECK(message.find("did you mean \"lost-create-response\"") != std::string::npos);
}
