#pragma once
/// \file scenario.hpp
/// Scenario documents: state, timing and faults for one failure mode (format: docs/scenarios.md).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <ocifake/clock.hpp>
#include <ocifake/options.hpp>

namespace ocifake {

namespace detail {
struct scenario_data;
struct scenario_access;
}  // namespace detail

/// A parsed, validated scenario. Load it into a server with `server::apply` or
/// `server::load_scenario`; nothing is applied unless the whole document is valid.
class scenario {
public:
  /// Parses a scenario document; throws `invalid_input` naming `source`, the JSON path of the
  /// mistake and what was expected.
  static scenario parse(std::string_view text, std::string source = "<string>");
  /// Reads and parses a file.
  static scenario load(const std::filesystem::path& file);

  /// The scenario's `name`.
  const std::string& name() const;
  /// The scenario's `description` (may be empty).
  const std::string& description() const;
  /// The scenario's `clock`, when it names one: applying the scenario switches the server's clock
  /// to that mode.
  std::optional<clock_mode> clock() const;
  /// The scenario's `dialect`, when it names one: applying the scenario makes the server fake that
  /// cloud.
  std::optional<ocifake::dialect> dialect() const;
  /// The scenario's `seed`, when it gives one (applying the scenario reseeds the server's OCIDs).
  std::optional<std::uint64_t> seed() const;

  scenario(const scenario&);
  scenario& operator=(const scenario&);
  scenario(scenario&&) noexcept;
  scenario& operator=(scenario&&) noexcept;
  ~scenario();

private:
  friend struct detail::scenario_access;  // the parsed content, for applying it
  explicit scenario(std::shared_ptr<const detail::scenario_data> d);
  std::shared_ptr<const detail::scenario_data> data_;
};

namespace detail {
std::filesystem::path find_bundled_scenario(std::string_view name, const char* package_dir);
}

/// The file of a scenario that comes with ocifake (`scenarios/` in the source tree,
/// `share/ocifake/scenarios` where the package is installed), by name:
///
///     fake.load_scenario(ocifake::bundled_scenario("lost-create-response"));
///
/// Looks in `$OCIFAKE_SCENARIO_DIR` when set, then in the folder of the CMake package the program
/// was built against, then where the library was installed to, then in the source tree it was
/// built from. Throws `usage_error` listing the bundled names when none has that name.
inline std::filesystem::path bundled_scenario(std::string_view name) {
#ifdef OCIFAKE_SCENARIOS_DIR
  return detail::find_bundled_scenario(name, OCIFAKE_SCENARIOS_DIR);
#else
  return detail::find_bundled_scenario(name, nullptr);
#endif
}

}  // namespace ocifake
