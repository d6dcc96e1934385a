#pragma once
/// \file scenario.hpp
/// Scenario documents: state, timing and faults for one failure mode (format: docs/scenarios.md).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ocifake {

namespace detail {
struct scenario_data;
}

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

  scenario(const scenario&);
  scenario& operator=(const scenario&);
  scenario(scenario&&) noexcept;
  scenario& operator=(scenario&&) noexcept;
  ~scenario();

  /// Internal: the parsed content.
  const detail::scenario_data& data() const { return *data_; }
  explicit scenario(std::shared_ptr<const detail::scenario_data> d);

private:
  std::shared_ptr<const detail::scenario_data> data_;
};

}  // namespace ocifake
