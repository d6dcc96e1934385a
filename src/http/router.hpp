#pragma once
// From method and path to an OCI operation name and its path parameters.

#include <string>
#include <string_view>
#include <vector>

#include "model/fields.hpp"  // percent_decode

namespace ocifake::detail {

struct route_result {
  enum class kind { operation, admin, not_found, method_not_allowed } what = kind::not_found;
  std::string operation;            // "GetImage"; for admin, the path below /_ocifake/
  std::vector<std::string> params;  // decoded {imageId}, {shapeName}, {workRequestId}
  std::string allowed;              // for 405: the methods the path takes
};

route_result route(std::string_view method, std::string_view path);


}  // namespace ocifake::detail
