#include "api/registry.hpp"

#include <string>
#include <vector>

#include <ocifake/faults.hpp>

#include "api/api.hpp"

namespace ocifake {

namespace detail {

namespace {

constexpr auto image = path_resource::image;
constexpr auto work_request = path_resource::work_request;
constexpr auto none = path_resource::none;
constexpr auto schema = path_resource::capability_schema;
constexpr auto global = path_resource::global_capability_schema;
constexpr auto instance = path_resource::instance;

// clang-format off
//  name                                  method    path                                       handler                                  changes retry  resource
const operation table[] = {
    {"CreateImage",                        "POST",   "/images",                                 create_image,                            true,  true,  none},
    {"GetImage",                           "GET",    "/images/{imageId}",                       get_image,                               false, false, image},
    {"ListImages",                         "GET",    "/images",                                 list_images,                             false, false, none},
    {"UpdateImage",                        "PUT",    "/images/{imageId}",                       update_image,                            true,  true,  image},
    {"DeleteImage",                        "DELETE", "/images/{imageId}",                       delete_image,                            true,  false, image},
    {"ExportImage",                        "POST",   "/images/{imageId}/actions/export",        export_image,                            true,  true,  image},
    {"ChangeImageCompartment",             "POST",   "/images/{imageId}/actions/changeCompartment", change_image_compartment,          true,  true,  image},
    {"ListImageShapeCompatibilityEntries", "GET",    "/images/{imageId}/shapes",                list_image_shape_compatibility_entries,  false, false, image},
    {"GetImageShapeCompatibilityEntry",    "GET",    "/images/{imageId}/shapes/{shapeName}",    get_image_shape_compatibility_entry,     false, false, image},
    {"AddImageShapeCompatibilityEntry",    "PUT",    "/images/{imageId}/shapes/{shapeName}",    add_image_shape_compatibility_entry,     true,  false, image},
    {"RemoveImageShapeCompatibilityEntry", "DELETE", "/images/{imageId}/shapes/{shapeName}",    remove_image_shape_compatibility_entry,  true,  false, image},
    {"GetInstance",                        "GET",    "/instances/{instanceId}",                 get_instance,                            false, false, instance},
    {"ListInstances",                      "GET",    "/instances",                              list_instances,                          false, false, none},
    {"InstanceAction",                     "POST",   "/instances/{instanceId}",                 instance_action,                         true,  true,  instance},
    {"TerminateInstance",                  "DELETE", "/instances/{instanceId}",                 terminate_instance,                      true,  false, instance},
    {"GetWorkRequest",                     "GET",    "/workRequests/{workRequestId}",           get_work_request,                        false, false, work_request},
    {"ListWorkRequests",                   "GET",    "/workRequests",                           list_work_requests,                      false, false, none},
    {"ListWorkRequestErrors",              "GET",    "/workRequests/{workRequestId}/errors",    list_work_request_errors,                false, false, work_request},
    {"ListWorkRequestLogs",                "GET",    "/workRequests/{workRequestId}/logs",      list_work_request_logs,                  false, false, work_request},
    // The image capability schemas (capability_schemas.cpp).
    {"CreateComputeImageCapabilitySchema",            "POST",   "/computeImageCapabilitySchemas",                                                        create_compute_image_capability_schema,              true,  true,  none},
    {"GetComputeImageCapabilitySchema",               "GET",    "/computeImageCapabilitySchemas/{computeImageCapabilitySchemaId}",                       get_compute_image_capability_schema,                 false, false, schema},
    {"ListComputeImageCapabilitySchemas",             "GET",    "/computeImageCapabilitySchemas",                                                        list_compute_image_capability_schemas,               false, false, none},
    {"UpdateComputeImageCapabilitySchema",            "PUT",    "/computeImageCapabilitySchemas/{computeImageCapabilitySchemaId}",                       update_compute_image_capability_schema,              true,  false, schema},
    {"DeleteComputeImageCapabilitySchema",            "DELETE", "/computeImageCapabilitySchemas/{computeImageCapabilitySchemaId}",                       delete_compute_image_capability_schema,              true,  false, schema},
    {"ChangeComputeImageCapabilitySchemaCompartment", "POST",   "/computeImageCapabilitySchemas/{computeImageCapabilitySchemaId}/actions/changeCompartment", change_compute_image_capability_schema_compartment, true, true, schema},
    {"GetComputeGlobalImageCapabilitySchema",         "GET",    "/computeGlobalImageCapabilitySchemas/{computeGlobalImageCapabilitySchemaId}",           get_compute_global_image_capability_schema,          false, false, global},
    {"ListComputeGlobalImageCapabilitySchemas",       "GET",    "/computeGlobalImageCapabilitySchemas",                                                  list_compute_global_image_capability_schemas,        false, false, none},
    {"GetComputeGlobalImageCapabilitySchemaVersion",  "GET",    "/computeGlobalImageCapabilitySchemas/{computeGlobalImageCapabilitySchemaId}/versions/{computeGlobalImageCapabilitySchemaVersionName}", get_compute_global_image_capability_schema_version, false, false, global},
    {"ListComputeGlobalImageCapabilitySchemaVersions", "GET",   "/computeGlobalImageCapabilitySchemas/{computeGlobalImageCapabilitySchemaId}/versions",  list_compute_global_image_capability_schema_versions, false, false, global},
};
// clang-format on

}  // namespace

std::span<const operation> operations() { return table; }

const operation* find_operation(std::string_view name) {
  for (const auto& op : table)
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace detail

const std::vector<std::string>& operation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& op : detail::operations()) out.emplace_back(op.name);
    return out;
  }();
  return names;
}

}  // namespace ocifake
