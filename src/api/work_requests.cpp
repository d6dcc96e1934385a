// The Work Requests API: GetWorkRequest, ListWorkRequests, ListWorkRequestErrors, ListWorkRequestLogs.
// Only GetWorkRequest counts as a read of the phase it tracks; the lists bring progress up to date
// uncounted, so that `immediate` and elapsed phases show their end.
#include <algorithm>
#include <tuple>

#include "api/api.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/utf8.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

// "<digits>" then ":" then the rest, as the list cursors here are made.
std::optional<std::pair<std::uint64_t, std::string>> split_cursor(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 20) return std::nullopt;
  std::uint64_t n = 0;
  for (char d : text.substr(0, colon)) {
    if (d < '0' || d > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(d - '0');
  }
  return std::pair{n, std::string(text.substr(colon + 1))};
}

api_error not_this_list(const api_request& req) {
  return invalid_parameter("page",
                           quoted_value(req.query_value("page").value_or("")) + " is not a page token this list gave");
}

// Errors and logs are kept in the order they were written, which is also their time order; the
// cursor is the sort order and the position of the last entry of the page. Entries are only ever
// appended, so a position stays put, and a walk sees every entry that was there when it began.
template <class Entry, class ToJson>
api_response list_entries(resources& s, const api_request& req, const char* list,
                          std::vector<Entry> work_request_record::*member, ToJson to_json) {
  auto* wr = s.find_work_request(req.params.at(0));
  if (!wr) throw not_found("work request", req.params.at(0));
  bool descending = false;
  if (auto v = req.query_value("sortOrder")) {
    if (*v != "ASC" && *v != "DESC") throw invalid_parameter("sortOrder", "'" + *v + "' is not one of ASC, DESC");
    descending = *v == "DESC";
  }
  auto limit = page_limit(req, 1000, 100);
  const std::string scope = std::string(list) + "\n" + wr->id;
  std::optional<std::uint64_t> after;
  if (auto text = page_cursor(s, req, scope)) {
    if (text->empty() || (text->front() != 'A' && text->front() != 'D')) throw not_this_list(req);
    auto c = split_cursor(std::string_view(*text).substr(1));
    if (!c || !c->second.empty()) throw not_this_list(req);
    if ((text->front() == 'D') != descending)
      throw invalid_parameter("page", std::string("the token continues a list in ") + (descending ? "ASC" : "DESC") +
                                          " order; ask for the next page with the same sortOrder");
    after = c->first;
  }
  catch_up(s, *wr, false);

  const auto& entries = wr->*member;
  const std::uint64_t size = entries.size();
  json::array page;
  std::uint64_t last = 0;
  bool more = false;
  if (!descending) {
    for (std::uint64_t i = after ? *after + 1 : 0; i < size; ++i) {
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.push_back(to_json(*wr, entries[i]));
      last = i;
    }
  } else {
    std::uint64_t end = after ? std::min(*after, size) : size;  // exclusive
    for (std::uint64_t i = end; i-- > 0;) {
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.push_back(to_json(*wr, entries[i]));
      last = i;
    }
  }
  api_response r = json_answer(page);
  if (more) {
    std::string cursor(1, descending ? 'D' : 'A');
    cursor += std::to_string(last);
    cursor += ':';
    r.headers.emplace_back("opc-next-page", page_token(s, scope, cursor));
  }
  return r;
}

}  // namespace

api_response get_work_request(resources& s, const api_request& req) {
  auto* wr = s.find_work_request(req.params.at(0));
  if (!wr) throw not_found("work request", req.params.at(0));
  auto before = wr->machine.state();
  catch_up(s, *wr, true);
  api_response r = json_answer(work_request_json(*wr));
  if (wr->machine.state() != before)
    r.changes.push_back("work request " + wr->id + " " + to_string(before) + " -> " + to_string(wr->machine.state()));
  return r;
}

// Newest first (by acceptance), keyed by (creation sequence, id): work requests accepted between
// pages come before the cursor and so never shift a walk.
api_response list_work_requests(resources& s, const api_request& req) {
  auto compartment = *query_ocid(req, "compartmentId", true);
  auto resource = query_ocid(req, "resourceId", false);
  auto limit = page_limit(req, 1000, 100);
  const std::string scope = "ListWorkRequests\n" + compartment;
  std::optional<std::pair<std::uint64_t, std::string>> after;
  if (auto text = page_cursor(s, req, scope)) {
    after = split_cursor(*text);
    if (!after || after->second.empty()) throw not_this_list(req);
  }
  require_compartment(s, "compartmentId", compartment);

  auto key = [](const work_request_record* w) { return std::tie(w->seq, w->id); };
  std::vector<work_request_record*> hits;
  s.for_each_work_request([&](work_request_record& w) {
    if (w.compartment_id != compartment || (resource && w.image_id != *resource)) return;
    if (after && !(key(&w) < std::tie(after->first, after->second))) return;
    hits.push_back(&w);
  });
  auto newer = [&](const work_request_record* a, const work_request_record* b) { return key(a) > key(b); };
  if (hits.size() > limit + 1) {
    std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(limit), hits.end(), newer);
    hits.resize(limit + 1);
  }
  std::sort(hits.begin(), hits.end(), newer);

  json::array page;
  std::vector<std::string> changes;
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) {
    auto& w = *hits[i];
    auto before = w.machine.state();
    catch_up(s, w, false);
    if (w.machine.state() != before)
      changes.push_back("work request " + w.id + " " + to_string(before) + " -> " + to_string(w.machine.state()));
    page.push_back(work_request_json(w, true));
  }
  api_response r = json_answer(page);
  r.changes = std::move(changes);
  if (hits.size() > limit)
    r.headers.emplace_back("opc-next-page",
                           page_token(s, scope, std::to_string(hits[limit - 1]->seq) + ":" + hits[limit - 1]->id));
  return r;
}

api_response list_work_request_errors(resources& s, const api_request& req) {
  return list_entries(s, req, "ListWorkRequestErrors", &work_request_record::errors,
                      [](const work_request_record&, const auto& e) { return work_request_error_json(e); });
}

api_response list_work_request_logs(resources& s, const api_request& req) {
  return list_entries(s, req, "ListWorkRequestLogs", &work_request_record::logs, work_request_log_json);
}

}  // namespace ocifake::detail
