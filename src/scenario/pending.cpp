// Scenario loading is served by scenario.cpp once it exists; until then these refuse clearly.
#include <ocifake/server.hpp>

namespace ocifake {

namespace detail {
struct scenario_data {
  std::string name, description;
};
}  // namespace detail

scenario::scenario(std::shared_ptr<const detail::scenario_data> d) : data_(std::move(d)) {}
scenario::scenario(const scenario&) = default;
scenario& scenario::operator=(const scenario&) = default;
scenario::scenario(scenario&&) noexcept = default;
scenario& scenario::operator=(scenario&&) noexcept = default;
scenario::~scenario() = default;
const std::string& scenario::name() const { return data_->name; }
const std::string& scenario::description() const { return data_->description; }
scenario scenario::parse(std::string_view, std::string source) {
  throw invalid_input(std::move(source), "$", "scenario files are not supported yet");
}
scenario scenario::load(const std::filesystem::path& file) {
  throw invalid_input(file.string(), "$", "scenario files are not supported yet");
}
void server::load_scenario(const std::filesystem::path& file) { apply(scenario::load(file)); }
void server::apply(const scenario&) { throw usage_error("scenarios are not supported yet"); }
std::string server::state_json() const { throw usage_error("state export is not supported yet"); }

}  // namespace ocifake
