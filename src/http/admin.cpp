// The admin API under /_ocifake/ (docs/admin-api.md).
#include "api/api.hpp"
#include "http/server_impl.hpp"

namespace ocifake::detail {

api_response handle_admin(server::impl&, const std::string& method, const std::string& sub, const api_request&) {
  if (sub == "health" && method == "GET") return json_answer(boost::json::object{{"status", "ok"}});
  return error_response(404, "NotFound", "no such admin path: " + method + " /_ocifake/" + sub);
}

}  // namespace ocifake::detail
