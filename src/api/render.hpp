#pragma once
// Resources as the wire shows them (JSON with OCI's field names) and as the C++ surface does.

#include <chrono>
#include <string>

#include <boost/json.hpp>

#include <ocifake/model.hpp>

#include "store/store.hpp"

namespace ocifake::detail {

// As dialect `d` shows it. `sp`: where the JSON lives; an answer that is serialised at once passes
// a monotonic arena.
boost::json::object image_json(const image_record& r, const dialect_rules& d, boost::json::storage_ptr sp = {});
// The same as JSON text, byte for byte what serialising image_json gives, written straight into
// `out` (appended): what answers send, without building the object first.
void append_image_json(std::string& out, const image_record& r, const dialect_rules& d);
std::string image_json_text(const image_record& r, const dialect_rules& d);
// {imageId, shape, memoryConstraints?, ocpuConstraints?}
boost::json::object shape_json(const image_record& r, const shape_entry& e);
// `summary`: as ListWorkRequests gives it, without resources.
boost::json::object work_request_json(const work_request_record& w, bool summary = false);
boost::json::object work_request_error_json(const work_request_record::error_entry& e);
boost::json::object work_request_log_json(const work_request_record& w, const work_request_record::log_entry& e);

ocifake::image snapshot(const image_record& r, const dialect_rules& d);
ocifake::work_request snapshot(const work_request_record& w);
// As GetComputeImageCapabilitySchema answers it (api/capability_schemas.cpp).
boost::json::object capability_schema_json(const capability_schema_record& r);
// The displayName a schema created without one gets: computeimagecapabilityschema-20260101-0000.
std::string default_schema_name(std::chrono::system_clock::time_point t);
// As GetInstance answers it (api/instances.cpp, beside instance_api_json).
ocifake::instance snapshot(const resources& s, const instance_record& inst);

}  // namespace ocifake::detail
