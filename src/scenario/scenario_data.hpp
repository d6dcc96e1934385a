#pragma once
// A parsed scenario document (docs/scenarios.md), validated as far as it can be without a server.
// Paths are kept beside the parts that can still be refused when applied (an image id the server
// already has, a rule id already taken), so those messages name the place in the document too.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include <ocifake/clock.hpp>
#include <ocifake/lifecycle.hpp>
#include <ocifake/model.hpp>
#include <ocifake/scenario.hpp>

#include "faults/engine.hpp"
#include "store/store.hpp"

namespace ocifake::detail {

struct scenario_image {
  std::string path;     // "$.images[3]"
  image_record record;  // id empty: generated when applied
  bool time_created_given = false;
  bool shapes_given = false;    // "shapes" present: a platform image without it gets its architecture's
  std::optional<progress> how;  // "progress": how the phase in flight continues
};

struct scenario_work_request {
  std::string path;            // "$.workRequests[0]"
  work_request_record record;  // id empty: generated when applied
  bool time_accepted_given = false;
};

struct scenario_schema {
  std::string path;                 // "$.computeImageCapabilitySchemas[0]"
  capability_schema_record record;  // id empty: generated when applied; etag: drawn when applied
  bool time_created_given = false;
};

struct scenario_data {
  std::string source;  // file name or "<string>"
  std::string name;
  std::string description;
  std::optional<ocifake::dialect> dialect;
  std::optional<clock_mode> clock;
  std::optional<time_point> clock_start;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> compartments;
  std::vector<instance_spec> instances;
  std::vector<std::string> instance_images;  // by instance: "creatingImageId", the image being made of it
  std::vector<object_key> objects;
  std::vector<scenario_image> images;
  // "platformImages": absent keeps the server's catalogue; false empties it, true makes it the
  // dialect's default; a list replaces it.
  std::optional<bool> platform_default;
  std::optional<std::vector<scenario_image>> platform_images;
  std::vector<scenario_work_request> work_requests;
  std::vector<scenario_schema> capability_schemas;                   // "computeImageCapabilitySchemas"
  std::array<std::optional<progress>, all_phases.size()> lifecycle;  // by phase
  std::vector<parsed_rule> faults;                   // validated, each with its path ("$.faults[2]")
};

// The pieces the admin API reads with the same rules as a scenario document. Each throws
// invalid_input(source, path, expected).
// An instance's values are those of dialect `d`.
instance_spec parse_instance(const boost::json::value& v, const std::string& path, const std::string& source,
                             const dialect_rules& d);
object_key parse_object(const boost::json::value& v, const std::string& path, const std::string& source);
// One image of a scenario's platformImages list (the Image JSON with compartmentId null, plus shapes).
scenario_image parse_platform_image(const boost::json::value& v, const std::string& path, const std::string& source,
                                    const dialect_rules& d);
// JSON text to a value; invalid_input at "$" when it is not JSON.
boost::json::value parse_json_text(std::string_view text, const std::string& source);

// Lifecycle values both ways: {"polls": 3} <-> progress::polls(3).
progress parse_progress(const boost::json::value& v, const std::string& path, const std::string& source);
boost::json::object progress_json(const progress& p);

// Instances and objects as scenario documents (and the admin API) write them.
boost::json::object instance_json(const instance_record& r);
boost::json::object object_json(const object_key& k);

const char* phase_key(phase p);

// The parsed content behind a scenario.
struct scenario_access {
  static const scenario_data& data(const scenario& s) { return *s.data_; }
  static scenario make(std::shared_ptr<const scenario_data> d) { return scenario(std::move(d)); }
};

}  // namespace ocifake::detail
