#pragma once
// Resources as the wire shows them (JSON with OCI's field names) and as the C++ surface does.

#include <boost/json.hpp>

#include <ocifake/model.hpp>

#include "store/store.hpp"

namespace ocifake::detail {

// As dialect `d` shows it. `sp`: where the JSON lives; an answer that is serialised at once passes
// a monotonic arena.
boost::json::object image_json(const image_record& r, const dialect_rules& d, boost::json::storage_ptr sp = {});
// {imageId, shape, memoryConstraints?, ocpuConstraints?}
boost::json::object shape_json(const image_record& r, const shape_entry& e);
// `summary`: as ListWorkRequests gives it, without resources.
boost::json::object work_request_json(const work_request_record& w, bool summary = false);
boost::json::object work_request_error_json(const work_request_record::error_entry& e);
boost::json::object work_request_log_json(const work_request_record::log_entry& e);

ocifake::image snapshot(const image_record& r, const dialect_rules& d);
ocifake::work_request snapshot(const work_request_record& w);

}  // namespace ocifake::detail
