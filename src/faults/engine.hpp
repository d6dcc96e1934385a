#pragma once
// The fault rules of one server: validation, matching, triggers, counters. Transport-free: the
// http layer asks decide() once per OCI request and carries out the action itself.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include <ocifake/clock.hpp>
#include <ocifake/faults.hpp>

namespace ocifake::detail {

struct fault_request {
  std::string_view operation;  // OCI operation name ("GetImage"); never an admin call
  std::string_view resource;   // OCID in the path, or empty
  // Header lookup, case-insensitive; empty optional when absent.
  std::function<std::optional<std::string>(std::string_view)> header;
};

struct fault_decision {
  std::string rule_id;
  fault rule;           // a copy of the rule that fired
  fault_timing timing;  // the rule's, or its action's default
};

// The rule JSON and the builder meet here (both in fault.cpp), each refused in its own terms.
// A rule built in C++ is refused as an invalid_input whose source is its fault::on(...) call and
// whose path is the builder call at fault (".times(0)", ".slow_body(90000000ms)").
void validate_rule(const fault& rule);
// fault::on("GetImage"): the source of a built rule's refusals.
std::string builder_source(const fault& rule);
// One rule object of the rule JSON at `path`; throws input_error (model/json_reader.hpp) naming
// the JSON path of a mistake below `path`, for a reader that places it in its own document.
fault read_rule(const boost::json::value& v, const std::string& path);
struct parsed_rule {
  fault rule;
  std::string path;  // "$" for a single rule object, "$[i]" for the i-th rule of an array
};
// One rule object or an array of rule objects, parsed and validated (ids are not checked for
// uniqueness here: that needs the engine's rules). Every mistake is an invalid_input with source
// "<rule>" and the JSON path of the mistake ("$[2].action.type" inside an array).
std::vector<parsed_rule> parse_rules(std::string_view json);

class fault_engine {
public:
  fault_engine(std::uint64_t seed, const ocifake::clock& clk);

  // Validates and appends; throws invalid_input naming the builder call at fault (".times(0)").
  std::string add(const fault& rule);
  // One rule object or an array of them, all or none.
  std::vector<std::string> add_json(std::string_view json);
  // Rules parsed already (a scenario's), all or none; a taken id is refused at the rule's path.
  std::vector<std::string> add_parsed(const std::vector<parsed_rule>& parsed);
  std::vector<fault_status> list() const;
  bool remove(const std::string& id);
  // Removes every rule; generated ids start again at "r1".
  void clear();
  // The seed for the random streams of rules added from now on; returns the previous one.
  std::uint64_t reseed(std::uint64_t seed);

  // Tries the rules in order; the first that matches and triggers fires. Counts matches and
  // firings. Thread-safe.
  std::optional<fault_decision> decide(const fault_request& req);

private:
  struct rule_state {
    std::string id;
    fault rule;
    std::uint64_t matched = 0;
    std::uint64_t fired = 0;
    ocifake::clock::time_point added_at;
    std::mt19937_64 stream;  // this rule's own draws, so other rules never shift them
    fault_timing timing;     // resolved when the rule is added
  };

  // id_taken and next_generated_id expect mutex_ held.
  bool id_taken(std::string_view id) const;
  rule_state make_state(const fault& rule, std::string id, ocifake::clock::time_point now) const;
  std::string next_generated_id(const std::vector<std::string>& also_taken);

  mutable std::mutex mutex_;
  std::uint64_t seed_;
  const ocifake::clock* clock_;
  std::vector<rule_state> rules_;
  std::uint64_t next_id_ = 1;
};

}  // namespace ocifake::detail
