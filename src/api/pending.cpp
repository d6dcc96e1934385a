// Operations routed but not served yet: each answers 501 until its own file defines it.
#include "api/api.hpp"

namespace ocifake::detail {

namespace {
api_response pending(std::string_view name) {
  return error_response(501, "NotImplemented", std::string(name) + " is not served by this version of ocifake");
}
}  // namespace

api_response list_image_shape_compatibility_entries(store&, const api_request&) {
  return pending("ListImageShapeCompatibilityEntries");
}
api_response get_image_shape_compatibility_entry(store&, const api_request&) {
  return pending("GetImageShapeCompatibilityEntry");
}
api_response add_image_shape_compatibility_entry(store&, const api_request&) {
  return pending("AddImageShapeCompatibilityEntry");
}
api_response remove_image_shape_compatibility_entry(store&, const api_request&) {
  return pending("RemoveImageShapeCompatibilityEntry");
}
api_response list_work_requests(store&, const api_request&) { return pending("ListWorkRequests"); }
api_response list_work_request_errors(store&, const api_request&) { return pending("ListWorkRequestErrors"); }
api_response list_work_request_logs(store&, const api_request&) { return pending("ListWorkRequestLogs"); }

}  // namespace ocifake::detail
