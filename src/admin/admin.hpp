#pragma once
// The admin API under /_ocifake/ (docs/admin-api.md), transport-free like the OCI operations.

#include <string>

#include "api/types.hpp"
#include "core/core.hpp"

namespace ocifake::detail {

// `sub` is the path below /_ocifake/.
api_response handle_admin(core& c, const std::string& method, const std::string& sub, const api_request& req);

}  // namespace ocifake::detail
