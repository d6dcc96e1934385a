// Every file in scenarios/ loads, applies to a server with the clock it asks for, is listed in
// scenarios/README.md, and has its demo in tests/scenarios/ and the demo's diagram in
// docs/scenarios.md.
#include "catch_compat.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

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

TEST_CASE("bundled scenarios: at least the nine documented failure modes are there", "[scenarios]") {
  std::set<std::string> names;
  for (const auto& f : bundled()) names.insert(f.stem().string());
  for (const char* expected : {"lost-create-response", "throttling-storm", "transient-incorrect-state", "slow-import",
                               "failed-import", "stuck-export", "conflicting-update", "service-outage-window",
                               "hung-get-image"})
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

    ocifake::server fake({.clock = s.clock().value_or(ocifake::clock_mode::real), .seed = s.seed()});
    REQUIRE_NOTHROW(fake.apply(s));
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
    ocifake::server copy({.clock = s.clock().value_or(ocifake::clock_mode::real)});
    REQUIRE_NOTHROW(copy.apply(ocifake::scenario::parse(fake.state_json(), "state of " + s.name())));
    CHECK(copy.images().size() == fake.images().size());
    CHECK(copy.faults().list().size() == fake.faults().list().size());
  }
}
