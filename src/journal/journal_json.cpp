#include "journal/journal_json.hpp"

#include "model/fields.hpp"
#include "model/utf8.hpp"

namespace ocifake {

namespace json = boost::json;

json::object detail::journal_json(const journal_entry& e) {
  json::object o;
  o["seq"] = e.seq;
  o["time"] = detail::rfc3339(e.time);
  o["operation"] = e.operation;
  o["method"] = e.method;
  o["path"] = detail::valid_utf8(e.path);  // as the client sent it, escapes decoded
  o["status"] = e.status;
  o["requestId"] = e.request_id;
  o["retryToken"] = e.retry_token.empty() ? json::value(nullptr) : json::value(detail::valid_utf8(e.retry_token));
  o["replayed"] = e.replayed;
  if (e.fault)
    o["fault"] = json::object{
        {"rule", e.fault->rule_id}, {"action", to_string(e.fault->action)}, {"timing", to_string(e.fault->timing)}};
  else
    o["fault"] = nullptr;
  json::array changes;
  for (const auto& c : e.changes) changes.push_back(json::string(c));
  o["changes"] = std::move(changes);
  return o;
}

std::string to_json(const journal_entry& e) { return json::serialize(detail::journal_json(e)); }

}  // namespace ocifake
