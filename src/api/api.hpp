#pragma once
// The OCI operations, transport-free: each is one function, in the file of its resource, that
// runs under the store's lock and gets the locked resources. registry.cpp lists them; dispatch()
// runs one, with opc-retry-token idempotency.

#include <string>

#include "api/registry.hpp"
#include "api/retry.hpp"
#include "api/types.hpp"
#include "store/store.hpp"

namespace ocifake::detail {

// Runs `op` for `req` under the store's lock (and, for a request with a retry token, the retry
// cache's, taken first); every api_error becomes an OCI error answer here. Fills req.parsed_body
// first, outside the locks.
api_response dispatch(store& s, retry_store& retries, const operation& op, api_request& req);

// images.cpp
api_response create_image(resources&, const api_request&);
api_response get_image(resources&, const api_request&);
api_response list_images(resources&, const api_request&);
api_response update_image(resources&, const api_request&);
api_response delete_image(resources&, const api_request&);
api_response export_image(resources&, const api_request&);
api_response change_image_compartment(resources&, const api_request&);
// shapes.cpp
api_response list_image_shape_compatibility_entries(resources&, const api_request&);
api_response get_image_shape_compatibility_entry(resources&, const api_request&);
api_response add_image_shape_compatibility_entry(resources&, const api_request&);
api_response remove_image_shape_compatibility_entry(resources&, const api_request&);
// capability_schemas.cpp
api_response create_compute_image_capability_schema(resources&, const api_request&);
api_response get_compute_image_capability_schema(resources&, const api_request&);
api_response list_compute_image_capability_schemas(resources&, const api_request&);
api_response update_compute_image_capability_schema(resources&, const api_request&);
api_response delete_compute_image_capability_schema(resources&, const api_request&);
api_response change_compute_image_capability_schema_compartment(resources&, const api_request&);
api_response get_compute_global_image_capability_schema(resources&, const api_request&);
api_response list_compute_global_image_capability_schemas(resources&, const api_request&);
api_response get_compute_global_image_capability_schema_version(resources&, const api_request&);
api_response list_compute_global_image_capability_schema_versions(resources&, const api_request&);
// instances.cpp
api_response get_instance(resources&, const api_request&);
api_response list_instances(resources&, const api_request&);
api_response instance_action(resources&, const api_request&);
api_response terminate_instance(resources&, const api_request&);
// work_requests.cpp
api_response get_work_request(resources&, const api_request&);
api_response list_work_requests(resources&, const api_request&);
api_response list_work_request_errors(resources&, const api_request&);
api_response list_work_request_logs(resources&, const api_request&);

// An instance as GetInstance answers it.
boost::json::object instance_api_json(const resources& s, const instance_record& inst);

// Shared by the operation files.
api_response json_answer(const boost::json::value& v, int status = 200);
image_record& require_image(resources& r, const std::string& id);  // 404 NotAuthorizedOrNotFound
// The image an operation that changes it names: 404 when unknown, when it is a platform image, and
// when DELETED (a deleted image
// still answers GetImage, but nothing changes it any more). Its progression is brought up to date
// first, uncounted, so that an `immediate` or elapsed phase has ended before the operation looks.
image_record& require_live_image(resources& r, const std::string& id);
// 404 NotAuthorizedOrNotFound naming `field` when compartments are strict and this one is unknown.
void require_compartment(const resources& r, const std::string& field, const std::string& id);
// if-match: 412 NoEtagMatch when present and different from the image's etag.
void check_if_match(const api_request& req, const image_record& img);

}  // namespace ocifake::detail
