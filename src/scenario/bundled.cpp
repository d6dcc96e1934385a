// Finding the scenarios that come with ocifake, in a source tree or an installed package.
#include <algorithm>
#include <cstdlib>
#include <set>
#include <system_error>
#include <vector>

#include <ocifake/error.hpp>
#include <ocifake/scenario.hpp>

#include "model/suggest.hpp"

namespace ocifake::detail {

namespace {

namespace fs = std::filesystem;

// Where to look, most specific first; a folder that does not exist is passed over.
std::vector<fs::path> scenario_dirs(const char* package_dir) {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("OCIFAKE_SCENARIO_DIR"); env && *env) dirs.emplace_back(env);
  if (package_dir && *package_dir) dirs.emplace_back(package_dir);
  dirs.emplace_back(OCIFAKE_INSTALLED_SCENARIOS_DIR);
  dirs.emplace_back(OCIFAKE_SOURCE_SCENARIOS_DIR);
  return dirs;
}

}  // namespace

fs::path find_bundled_scenario(std::string_view name, const char* package_dir) {
  std::string file(name);
  if (file.size() < 5 || file.compare(file.size() - 5, 5, ".json") != 0) file += ".json";
  const bool plain = !file.empty() && file.find('/') == std::string::npos && file[0] != '.';
  std::set<std::string> known;
  std::vector<std::string> searched;
  for (const auto& dir : scenario_dirs(package_dir)) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    searched.push_back(dir.string());
    if (plain && fs::is_regular_file(dir / file, ec)) return dir / file;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".json") known.insert(entry.path().stem().string());
  }
  std::string message = "ocifake::bundled_scenario: no bundled scenario is named \"" + std::string(name) + "\"";
  if (searched.empty()) {
    message += "; no scenario folder was found (set OCIFAKE_SCENARIO_DIR to the folder of the scenario files)";
    throw usage_error(message);
  }
  std::vector<std::string_view> names(known.begin(), known.end());
  message += did_you_mean(name, names) + "; the bundled scenarios are ";
  for (std::size_t i = 0; i < names.size(); ++i) message += (i ? ", " : "") + std::string(names[i]);
  message += " (looked in ";
  for (std::size_t i = 0; i < searched.size(); ++i) message += (i ? ", " : "") + searched[i];
  throw usage_error(message + ")");
}

}  // namespace ocifake::detail
