#pragma once
// The OCI operations, transport-free. dispatch() runs one under the store's lock, with
// opc-retry-token idempotency; each operation is one function in the file of its resource.

#include <string_view>
#include <vector>

#include "api/types.hpp"
#include "store/store.hpp"

namespace ocifake::detail {

// Runs req.operation; every api_error becomes an OCI error answer here.
api_response dispatch(store& s, const api_request& req);
// Whether the operation honours opc-retry-token.
bool takes_retry_token(std::string_view operation);

using operation_fn = api_response (*)(store&, const api_request&);
struct operation_entry {
  std::string_view name;
  operation_fn fn;
  bool retry_token;
};
const std::vector<operation_entry>& operations();

// images.cpp
api_response create_image(store&, const api_request&);
api_response get_image(store&, const api_request&);
api_response list_images(store&, const api_request&);
api_response update_image(store&, const api_request&);
api_response delete_image(store&, const api_request&);
api_response export_image(store&, const api_request&);
api_response change_image_compartment(store&, const api_request&);
// shapes.cpp
api_response list_image_shape_compatibility_entries(store&, const api_request&);
api_response get_image_shape_compatibility_entry(store&, const api_request&);
api_response add_image_shape_compatibility_entry(store&, const api_request&);
api_response remove_image_shape_compatibility_entry(store&, const api_request&);
// work_requests.cpp
api_response get_work_request(store&, const api_request&);
api_response list_work_requests(store&, const api_request&);
api_response list_work_request_errors(store&, const api_request&);
api_response list_work_request_logs(store&, const api_request&);

// Shared helpers for the operation files.
api_response json_answer(const boost::json::value& v, int status = 200);
image_record& require_image(store& s, const std::string& id);  // 404 NotAuthorizedOrNotFound
// if-match: 412 NoEtagMatch when present and different from the image's etag.
void check_if_match(const api_request& req, const image_record& img);

}  // namespace ocifake::detail
