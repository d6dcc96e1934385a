// The fault kinds exploration tries, by name, and the rule that arms each on one request.
#include <array>
#include <string_view>

#include <ocifake/error.hpp>

#include "explore/explore.hpp"
#include "model/suggest.hpp"

namespace ocifake {

namespace {

struct kind_row {
  fault_kind kind;
  std::string_view name;
};

// The order of the enumeration; the names are the CLI's and the report's.
constexpr std::array<kind_row, 8> kinds{{{fault_kind::reset, "reset"},
                                         {fault_kind::lost, "lost"},
                                         {fault_kind::error_500, "500"},
                                         {fault_kind::error_503, "503"},
                                         {fault_kind::error_429, "429"},
                                         {fault_kind::error_409, "409"},
                                         {fault_kind::timeout, "timeout"},
                                         {fault_kind::malformed, "malformed"}}};

std::string accepted_names() {
  std::string out;
  for (const auto& k : kinds) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

}  // namespace

std::string to_string(fault_kind k) {
  for (const auto& row : kinds)
    if (row.kind == k) return std::string(row.name);
  return "unknown";
}

fault_kind parse_fault_kind(std::string_view name) {
  for (const auto& row : kinds)
    if (row.name == name) return row.kind;
  std::array<std::string_view, kinds.size()> names{};
  for (std::size_t i = 0; i < kinds.size(); ++i) names[i] = kinds[i].name;
  throw usage_error("fault kind \"" + std::string(name) + "\" is not one of " + accepted_names() +
                    detail::did_you_mean(name, names));
}

std::vector<fault_kind> default_fault_kinds() {
  return {fault_kind::reset, fault_kind::lost, fault_kind::error_500, fault_kind::error_429, fault_kind::error_409};
}

std::vector<fault_kind> all_fault_kinds() {
  std::vector<fault_kind> out;
  for (const auto& row : kinds) out.push_back(row.kind);
  return out;
}

fault detail::rule_for(const explored_fault& f, std::size_t index, const explore_options& options) {
  // Only the nth match of the operation fires, once; the id gives the rule a random stream of its
  // own, so no other rule (a scenario's, the other explored fault) shifts its draws.
  auto rule = fault::on(f.operation).skip(f.nth - 1).times(1).id("explore-" + std::to_string(index + 1));
  const std::string message = "fault explored on request #" + std::to_string(f.request) + " (" + f.operation + ")";
  switch (f.kind) {
    case fault_kind::reset: return std::move(rule).before().reset_connection();
    case fault_kind::lost: return std::move(rule).after_commit().reset_connection();
    case fault_kind::error_500: return std::move(rule).before().error(500, "InternalServerError", message);
    case fault_kind::error_503: return std::move(rule).before().error(503, "ServiceUnavailable", message);
    case fault_kind::error_429: return std::move(rule).before().error(429, "TooManyRequests", message);
    case fault_kind::error_409: return std::move(rule).before().error(409, "IncorrectState", message);
    case fault_kind::timeout: return std::move(rule).before().hang(options.timeout);
    case fault_kind::malformed: return std::move(rule).before().malformed();
  }
  return rule;
}

}  // namespace ocifake
