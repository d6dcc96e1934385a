// The Work Requests API: GetWorkRequest, ListWorkRequests, ListWorkRequestErrors, ListWorkRequestLogs.
#include "api/api.hpp"

namespace ocifake::detail {

api_response get_work_request(store& s, const api_request& req) {
  auto* wr = s.find_work_request(req.params.at(0));
  if (!wr) throw not_found("work request", req.params.at(0));
  auto before = wr->machine.state();
  s.evaluate_work_request(*wr, true);
  api_response r = json_answer(s.work_request_json(*wr));
  if (wr->machine.state() != before)
    r.changes.push_back("work request " + wr->id + " " + to_string(before) + " -> " + to_string(wr->machine.state()));
  return r;
}

}  // namespace ocifake::detail
