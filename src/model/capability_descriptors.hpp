#pragma once
// Image capability descriptors: the built-in global image capability schema (its versions and the
// descriptors each one has, in the values of the server's dialect), how an image capability
// schema's `schemaData` is checked against a version, and the merge GetComputeImageCapabilitySchema
// answers with isMergeEnabled=true. Descriptors are JSON objects as the wire has them:
// {"descriptorType": "boolean" | "enumstring" | "enuminteger", "source": "GLOBAL" | "IMAGE",
//  "values": [...] (enumerations), "defaultValue": ...}.

#include <span>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "model/launch_options.hpp"

namespace ocifake::detail {

// The one global image capability schema (compartmentId null).
struct global_schema_info {
  std::string_view id;
  std::string_view display_name;
  std::string_view current_version;
  std::string_view time_created;  // RFC 3339
  std::string_view etag;
};
const global_schema_info& global_schema() noexcept;

struct global_schema_version {
  std::string_view name;
  std::string_view display_name;
  std::string_view time_created;  // RFC 3339
  std::string_view etag;
};
// Oldest first.
std::span<const global_schema_version> global_schema_versions() noexcept;
// Null for a name no version has.
const global_schema_version* find_global_schema_version(std::string_view name) noexcept;
// "2020-04-01, 2023-11-07"
std::string global_schema_version_names();

// The descriptors of version `v` (source GLOBAL), with the enumerations of dialect `d`.
boost::json::object global_descriptors(const global_schema_version& v, const dialect_rules& d);

// A schemaData object checked against the descriptors `global` of `version`: every key must name one
// of them; every value must be a descriptor of the same type whose enumeration values are among
// the global descriptor's and whose defaultValue is among its own values. Answers the descriptors
// as the wire writes them (unknown members dropped). input_error at `path` ("$.schemaData") or
// below it otherwise, naming the key and the value refused and listing what is accepted.
boost::json::object read_schema_data(const boost::json::value& v, const std::string& path,
                                     const boost::json::object& global, std::string_view version);

// The schema's descriptors over the version's: every descriptor of `global`, replaced by the
// schema's where it sets one; a schema descriptor without a defaultValue takes the global one when
// that is among its values.
boost::json::object merge_schema_data(const boost::json::object& schema, const boost::json::object& global);

}  // namespace ocifake::detail
