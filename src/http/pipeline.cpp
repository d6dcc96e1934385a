// The pipeline every request goes through: opc-request-id, route, signature, query, fault before,
// api, fault after commit, answer, journal.
#include <cctype>

#include "api/api.hpp"
#include "http/router.hpp"
#include "http/server_impl.hpp"
#include "model/fields.hpp"

namespace ocifake {

namespace {

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 98) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/')) return false;
  return true;
}

// The server whose request this thread is handling, if any: settle() on it from here (an
// on_request listener) would wait for itself.
thread_local const server::impl* handling = nullptr;

// Marks a request in flight for as long as its handler runs.
class in_flight_guard {
public:
  explicit in_flight_guard(server::impl& s) : s_(s), seq_(s.begin_request()), outer_(handling) { handling = &s; }
  ~in_flight_guard() {
    handling = outer_;
    s_.end_request(seq_);
  }
  in_flight_guard(const in_flight_guard&) = delete;
  in_flight_guard& operator=(const in_flight_guard&) = delete;
  std::uint64_t seq() const { return seq_; }

private:
  server::impl& s_;
  std::uint64_t seq_;
  const server::impl* outer_;
};

}  // namespace

std::uint64_t server::impl::begin_request() {
  std::lock_guard lock(flight_mutex);
  auto seq = ++journal_seq;
  in_flight.insert(seq);
  return seq;
}

void server::impl::end_request(std::uint64_t seq) {
  {
    std::lock_guard lock(flight_mutex);
    in_flight.erase(seq);
  }
  flight_cv.notify_all();
}

bool server::impl::settle(std::optional<std::chrono::milliseconds> limit) {
  if (handling == this)
    throw usage_error("server::settle: called from the server's own thread (an on_request listener), where it "
                      "would wait for the very request it is handling");
  std::unique_lock lock(flight_mutex);
  const auto last = journal_seq.load();
  auto settled = [&] { return in_flight.empty() || *in_flight.begin() > last; };
  if (!limit) {
    flight_cv.wait(lock, settled);
    return true;
  }
  return flight_cv.wait_for(lock, *limit, settled);
}

void write_answer(httplib::Response& res, const detail::api_response& r) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  if (!r.body.empty() || r.status != 204) res.set_content(r.body, r.content_type.c_str());
}

void write_answer(httplib::Response& res, detail::api_response&& r) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  if (r.body.empty() && r.status == 204) return;
  res.set_header("Content-Type", r.content_type);  // what set_content does, without copying the body
  res.body = std::move(r.body);
}

void server::impl::record(journal_entry e) {
  std::shared_ptr<const std::function<void(const journal_entry&)>> l;
  {
    std::lock_guard lock(request_listener_mutex);
    l = request_listener;
  }
  std::optional<journal_entry> dropped;  // freed after the lock is released
  {
    std::lock_guard lock(journal_mutex);
    if (e.seq == 0) e.seq = ++journal_seq;
    // Entries are numbered when their request arrives and written when it ends; a request that
    // hung or lost its answer ends after later ones, so it goes back to its place.
    auto pos = journal.end();
    while (pos != journal.begin() && std::prev(pos)->seq > e.seq) --pos;
    if (l)
      journal.insert(pos, e);
    else
      journal.insert(pos, std::move(e));  // nobody else reads it
    if (journal.size() > options.journal_limit) {
      dropped.emplace(std::move(journal.front()));
      journal.pop_front();
    }
    while (journal.size() > options.journal_limit) journal.pop_front();
  }
  if (l) {
    std::lock_guard lock(request_listener_call_mutex);
    (*l)(e);
  }
}

void server::impl::handle(const httplib::Request& hreq, httplib::Response& res) {
  // opc-request-id on every answer: the client's, extended as OCI does, or a new one.
  detail::api_request req;
  for (const auto& [k, v] : hreq.headers) req.headers.emplace(k, v);
  std::string request_id = request_ids.request_id();
  bool bad_request_id = false;
  if (const auto* client_id = req.headers.find("opc-request-id")) {
    if (valid_request_id(*client_id))
      request_id = *client_id + "/" + request_id + "/" + request_ids.request_id();
    else
      bad_request_id = true;
  }
  res.set_header("opc-request-id", request_id);

  std::string target = hreq.target;
  std::string raw_path = target.substr(0, target.find('?'));
  std::string raw_query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  bool path_ok = true;
  std::string path = detail::percent_decode(raw_path, path_ok);

  in_flight_guard flight(*this);
  journal_entry entry;
  entry.seq = flight.seq();
  entry.time = clock.now();
  entry.method = hreq.method;
  entry.path = path;
  entry.request_id = request_id;
  if (const auto* token = req.headers.find("opc-retry-token")) entry.retry_token = *token;

  req.method = hreq.method;
  req.path = path;
  req.body = hreq.body;

  auto finish = [&](detail::api_response r) {
    entry.status = r.status;
    entry.error_code = r.error_code;
    entry.replayed = r.replayed;
    entry.changes = std::move(r.changes);
    write_answer(res, std::move(r));
    record(std::move(entry));
  };

  auto route = detail::route(hreq.method, raw_path);
  if (route.what == detail::route_result::kind::admin) {
    entry.operation = "Admin";
    for (const auto& [k, v] : hreq.params) req.query.emplace(k, v);
    finish(detail::handle_admin(*this, hreq.method, route.operation, req));
    return;
  }
  if (route.what == detail::route_result::kind::not_found) {
    entry.operation = "Unknown";
    finish(detail::error_response(404, "NotFound", "no such path: " + hreq.method + " " + path));
    return;
  }
  if (route.what == detail::route_result::kind::method_not_allowed) {
    entry.operation = "Unknown";
    auto r = detail::error_response(405, "MethodNotAllowed",
                                    hreq.method + " is not allowed on " + path + " (allowed: " + route.allowed + ")");
    r.headers.emplace_back("allow", route.allowed);
    finish(r);
    return;
  }
  entry.operation = route.operation;
  req.operation = route.operation;
  req.params = route.params;
  if (!detail::takes_retry_token(req.operation)) entry.retry_token.clear();

  if (bad_request_id) {
    finish(detail::error_response(400, "InvalidParameter",
                                  "opc-request-id: must be 1 to 98 characters of letters, digits, '-', '_' and '.'"));
    return;
  }
  if (!path_ok) {
    finish(detail::error_response(400, "InvalidParameter", "path: invalid percent-escape in " + raw_path));
    return;
  }
  if (verifier) {
    detail::signature_request sr;
    sr.method = hreq.method;
    sr.target = hreq.target;
    sr.header = [&req](std::string_view name) { return req.header(name); };
    sr.body = hreq.body;
    sr.now = std::chrono::system_clock::now();  // the real clock: a manual one must not make requests stale
    auto verdict = verifier->verify(sr);
    if (!verdict.ok) {
      finish(detail::error_response(401, "NotAuthenticated", "the request signature is invalid: " + verdict.message));
      return;
    }
  }
  // Query: form-decoded, as every OCI SDK encodes it ('+' and %20 are spaces, %2B a plus).
  if (std::string bad_key; !detail::parse_query(raw_query, req.query, bad_key)) {
    finish(detail::error_response(400, "InvalidParameter", bad_key + ": invalid percent-escape in the query string"));
    return;
  }

  detail::fault_request fr;
  fr.operation = req.operation;
  fr.resource = req.params.empty() ? std::string_view() : std::string_view(req.params[0]);
  fr.header = [&req](std::string_view name) { return req.header(name); };
  auto fault = engine.decide(fr);
  if (!fault) {
    finish(detail::dispatch(store, req));
    return;
  }

  auto action = *fault->rule.action();
  auto timing = fault->rule.timing().value_or(
      action == fault_action::truncate || action == fault_action::slow_body ? fault_timing::after_commit
                                                                            : fault_timing::before);
  entry.fault = fired_fault{fault->rule_id, action, timing};
  detail::api_response answer;
  if (timing == fault_timing::before) {
    if (action == fault_action::delay) wait_for(*fault->rule.duration());
    if (action != fault_action::delay) {
      carry_out(*fault, hreq, res, nullptr, entry);
      return;
    }
    finish(detail::dispatch(store, req));
    return;
  }
  answer = detail::dispatch(store, req);
  carry_out(*fault, hreq, res, &answer, entry);
}

}  // namespace ocifake
