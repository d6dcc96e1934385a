// Scenario documents: ocifake::scenario::parse, then applying what parses to a server and writing
// its state back as a scenario document.
//
// Checked: parse either succeeds or throws ocifake::invalid_input (nothing else escapes); a
// scenario that parses applies or is refused with invalid_input; the state document of the
// result parses, and applying it to an empty server gives the same document again.
#include <ocifake/server.hpp>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Each clock mode has its own server, started once: a server costs a thread and a port.
  static ocifake::server manual({.clock = ocifake::clock_mode::manual, .seed = 1});
  static ocifake::server real({.clock = ocifake::clock_mode::real, .seed = 1});
  const auto input = ocifake_fuzz::text(data, size);

  std::optional<ocifake::scenario> sc;
  try {
    sc = ocifake::scenario::parse(input, "<fuzz>");
  } catch (const ocifake::invalid_input& e) {
    OCIFAKE_FUZZ_CHECK(e.source() == "<fuzz>" && e.path().rfind("$", 0) == 0, e.what());
    return 0;
  }
  auto& fake = sc->clock() == ocifake::clock_mode::real ? real : manual;
  try {
    fake.apply(*sc);
  } catch (const ocifake::invalid_input& e) {
    fake.reset();
    return 0;
  }
  auto first = fake.state_json();
  fake.reset();
  std::optional<ocifake::scenario> again;
  try {
    again = ocifake::scenario::parse(first, "<state>");
    fake.apply(*again);
  } catch (const ocifake::invalid_input& e) {
    OCIFAKE_FUZZ_CHECK(false, std::string(e.what()) + "\n  state document:\n" + first);
  }
  auto second = fake.state_json();
  fake.reset();
  // A real clock moves on between the two documents.
  if (&fake == &manual)
    OCIFAKE_FUZZ_CHECK(first == second, "the state document does not round-trip:\n" + first + "\n  then:\n" + second);
  return 0;
}
