// Every file in scenarios/ loads into a default server (C++ and admin API alike), is listed in
// scenarios/README.md, and has its demo in tests/scenarios/ and the demo's diagram in
// docs/scenarios.md.
#include "catch_compat.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <httplib.h>

#include <ocifake/ocifake.hpp>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> bundled() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(OCIFAKE_SOURCE_DIR) / "scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("bundled scenarios: at least the ten documented failure modes are there", "[scenarios]") {
  std::set<std::string> names;
  for (const auto& f : bundled()) names.insert(f.stem().string());
  for (const char* expected :
       {"lost-create-response", "throttling-storm", "transient-incorrect-state", "slow-import", "failed-import",
        "stuck-export", "conflicting-update", "service-outage-window", "hung-get-image", "image-while-imaging"})
    CHECK(names.count(expected));
}

TEST_CASE("bundled scenarios: each loads, is named after its file, applies, and is documented", "[scenarios]") {
  auto readme = read(fs::path(OCIFAKE_SOURCE_DIR) / "scenarios" / "README.md");
  auto guide = read(fs::path(OCIFAKE_SOURCE_DIR) / "docs" / "scenarios.md");
  for (const auto& file : bundled()) {
    INFO(file.string());
    auto s = ocifake::scenario::load(file);
    CHECK(s.name() == file.stem().string());
    CHECK(!s.description().empty());

    ocifake::server fake({.seed = s.seed()});
    REQUIRE_NOTHROW(fake.apply(s));
    CHECK(fake.clock().mode() == s.clock().value_or(ocifake::clock_mode::real));
    CHECK(readme.find("`" + s.name() + "`") != std::string::npos);

    auto demo = s.name();
    std::replace(demo.begin(), demo.end(), '-', '_');
    CHECK(fs::exists(fs::path(OCIFAKE_SOURCE_DIR) / "tests" / "scenarios" / (demo + "_test.cpp")));
    // Its demo's sequence diagram is committed, and quoted whole in docs/scenarios.md: the block
    // holds the file and nothing else.
    auto diagram = fs::path(OCIFAKE_SOURCE_DIR) / "tests" / "scenarios" / (s.name() + ".mmd");
    CHECK(fs::exists(diagram));
    auto quote = "```mermaid\n%% quoted from tests/scenarios/" + s.name() + ".mmd\n" + read(diagram) + "```\n";
    CHECK(guide.find(quote) != std::string::npos);

    // The state it sets up survives a round trip through state_json.
    ocifake::server copy;
    REQUIRE_NOTHROW(copy.apply(ocifake::scenario::parse(fake.state_json(), "state of " + s.name())));
    CHECK(copy.images().size() == fake.images().size());
    CHECK(copy.faults().list().size() == fake.faults().list().size());
  }
}

TEST_CASE("bundled scenarios: each loads into a default-constructed server, which takes the scenario's clock",
          "[scenarios]") {
  for (const auto& file : bundled()) {
    INFO(file.string());
    ocifake::server fake;
    REQUIRE_NOTHROW(fake.load_scenario(file));
    auto s = ocifake::scenario::load(file);
    CHECK(fake.clock().mode() == s.clock().value_or(ocifake::clock_mode::real));
  }
}

TEST_CASE("bundled scenarios: each loads over the admin API of a plain server, and reset returns to empty",
          "[scenarios][admin]") {
  ocifake::server fake;
  httplib::Client admin(fake.endpoint());
  admin.set_read_timeout(5, 0);
  for (const auto& file : bundled()) {
    INFO(file.string());
    auto s = ocifake::scenario::load(file);
    auto r = admin.Post("/_ocifake/scenario", read(file), "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.find("\"name\":\"" + s.name() + "\"") != std::string::npos);
    CHECK(fake.clock().mode() == s.clock().value_or(ocifake::clock_mode::real));
    r = admin.Post("/_ocifake/reset", "", "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(fake.clock().mode() == ocifake::clock_mode::real);
    CHECK(fake.faults().list().empty());
  }
}
