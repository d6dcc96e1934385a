#pragma once
// Every OCI operation the fake serves, one row each: the router, dispatch, fault rules
// (operation_names()) and the journal all read this table. Adding an operation is a handler and
// a row (registry.cpp).

#include <span>
#include <string_view>

#include "api/types.hpp"

namespace ocifake::detail {

class resources;

using operation_fn = api_response (*)(resources&, const api_request&);

// What a path's first parameter names: the resource a fault rule's `resource` matches.
enum class path_resource { none, image, work_request, instance, capability_schema, global_capability_schema };

struct operation {
  std::string_view name;    // "GetImage", as OCI's API reference spells it
  std::string_view method;  // GET, POST, PUT or DELETE
  std::string_view path;    // below /20160918: "/images/{imageId}"; "{...}" is a path parameter
  operation_fn handler;
  bool changes_state;  // changes resources when it succeeds
  bool retry_token;    // honours opc-retry-token
  path_resource resource;
};

std::span<const operation> operations();
// Null for a name no row has.
const operation* find_operation(std::string_view name);

}  // namespace ocifake::detail
