#pragma once
// From method and path to an OCI operation (a row of the registry) and its path parameters.

#include <string>
#include <string_view>
#include <vector>

#include "api/registry.hpp"

namespace ocifake::detail {

struct route_result {
  enum class kind { operation, admin, not_found, method_not_allowed } what = kind::not_found;
  const operation* op = nullptr;    // for an operation
  std::string admin_path;           // for admin: the path below /_ocifake/
  std::vector<std::string> params;  // decoded {imageId}, {shapeName}, {workRequestId}
  std::string allowed;              // for 405: the methods the path takes, "GET, PUT, DELETE"
};

// `path` as sent (escapes not yet decoded).
route_result route(std::string_view method, std::string_view path);

}  // namespace ocifake::detail
