// Fault rules as JSON: ocifake::fault::from_json, and fault_list::add_json (one rule or an array,
// all or nothing) on a rule engine.
//
// Checked: nothing but ocifake::invalid_input escapes; a rule that parses writes canonical JSON
// (to_json) that parses back to the same canonical JSON; add_json adds every rule or none.
#include <ocifake/error.hpp>
#include <ocifake/faults.hpp>

#include "faults/engine.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = ocifake_fuzz::text(data, size);

  try {
    auto rule = ocifake::fault::from_json(input);
    auto canonical = rule.to_json();
    std::string again;
    try {
      again = ocifake::fault::from_json(canonical).to_json();
    } catch (const ocifake::invalid_input& e) {
      OCIFAKE_FUZZ_CHECK(false, std::string(e.what()) + "\n  canonical JSON: " + canonical);
    }
    OCIFAKE_FUZZ_CHECK(again == canonical, "to_json does not round-trip: " + canonical + " then " + again);
  } catch (const ocifake::invalid_input& e) {
    OCIFAKE_FUZZ_CHECK(e.source() == "<rule>" && e.path().rfind("$", 0) == 0, e.what());
  }

  static ocifake::detail::fault_engine engine(1, ocifake_fuzz::fixed_clock());
  engine.clear();
  engine.add(ocifake::fault::on("GetImage").id("existing").error(503, "ServiceUnavailable"));
  try {
    auto ids = engine.add_json(input);
    OCIFAKE_FUZZ_CHECK(engine.list().size() == 1 + ids.size(), "add_json answered ids for rules it did not add");
    ocifake::detail::fault_request req;
    req.operation = "CreateImage";
    req.resource = "ocid1.image.oc1.phx.aaaaaaaafuzz";
    req.header = [](std::string_view) { return std::optional<std::string>("x"); };
    for (int i = 0; i < 3; ++i) engine.decide(req);
  } catch (const ocifake::invalid_input& e) {
    OCIFAKE_FUZZ_CHECK(engine.list().size() == 1, std::string("a refused batch left rules behind: ") + e.what());
  }
  return 0;
}
