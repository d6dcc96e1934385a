// The pipeline every request goes through: opc-request-id, route, signature, query, fault before,
// api, fault after commit, answer, journal.
#include <cctype>

#include "admin/admin.hpp"
#include "api/api.hpp"
#include "http/router.hpp"
#include "http/server_impl.hpp"
#include "model/fields.hpp"
#include "model/utf8.hpp"

namespace ocifake {

namespace {

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 98) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/')) return false;
  return true;
}

}  // namespace

thread_local const server::impl* server::impl::handling = nullptr;

class server::impl::flight_guard {
public:
  explicit flight_guard(server::impl& s) : s_(s), seq_(s.begin_request()), outer_(handling) { handling = &s; }
  ~flight_guard() {
    handling = outer_;
    s_.end_request(seq_);
  }
  flight_guard(const flight_guard&) = delete;
  flight_guard& operator=(const flight_guard&) = delete;
  std::uint64_t seq() const { return seq_; }

private:
  server::impl& s_;
  std::uint64_t seq_;
  const server::impl* outer_;
};

std::uint64_t server::impl::begin_request() {
  std::lock_guard lock(flight_mutex);
  auto seq = core.journal.next_seq();
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
  const auto last = core.journal.last_seq();
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

namespace {

// One request on its way through the pipeline: the transport-free request, its journal entry,
// and how it is answered.
struct exchange {
  const httplib::Request& hreq;
  httplib::Response& res;
  detail::api_request req;
  journal_entry entry;
  std::string raw_path, raw_query;
  bool path_ok = true;
  bool bad_request_id = false;
};

// opc-request-id on every answer: the client's, extended as OCI does, or a new one; and `Date`,
// the time the request arrived on the server's clock (the one its timeCreated and journal read).
void take_request(exchange& x, detail::id_generator& ids, const ocifake::clock& clock) {
  x.entry.time = clock.now();
  x.res.set_header("Date", detail::http_date(x.entry.time));
  for (const auto& [k, v] : x.hreq.headers) x.req.headers.emplace(k, v);
  std::string request_id = ids.request_id();
  if (const auto* client_id = x.req.headers.find("opc-request-id")) {
    if (valid_request_id(*client_id))
      request_id = *client_id + "/" + request_id + "/" + ids.request_id();
    else
      x.bad_request_id = true;
  }
  x.res.set_header("opc-request-id", request_id);
  const auto& target = x.hreq.target;
  auto q = target.find('?');
  x.raw_path = target.substr(0, q);
  x.raw_query = q == std::string::npos ? "" : target.substr(q + 1);
  x.req.method = x.hreq.method;
  x.req.path = detail::percent_decode(x.raw_path, x.path_ok);
  x.req.body = x.hreq.body;
  x.entry.method = x.hreq.method;
  x.entry.path = x.req.path;
  x.entry.request_id = request_id;
  if (const auto* token = x.req.headers.find("opc-retry-token")) x.entry.retry_token = *token;
}

// The refusals that come before an operation runs: a path that is no operation's, a method the
// path does not take, a bad opc-request-id, a bad escape, a bad signature, a bad query.
std::optional<detail::api_response> refusal(exchange& x, const detail::route_result& route,
                                            const std::optional<detail::signature_verifier>& verifier) {
  using kind = detail::route_result::kind;
  const auto& method = x.hreq.method;
  if (route.what == kind::not_found)
    return detail::error_response(404, "NotFound", "no such path: " + method + " " + x.req.path);
  if (route.what == kind::method_not_allowed) return detail::method_not_allowed(method, x.req.path, route.allowed);
  if (x.bad_request_id)
    return detail::error_response(
        400, "InvalidParameter",
        "opc-request-id: " + detail::quoted_value(x.req.header("opc-request-id").value_or("")) +
            " is not 1 to 98 characters of letters, digits, '-', '_' and '.'");
  if (!x.path_ok)
    return detail::error_response(400, "InvalidParameter",
                                  "path: invalid percent-escape in " + detail::quoted_value(x.raw_path));
  if (verifier) {
    detail::signature_request sr;
    sr.method = method;
    sr.target = x.hreq.target;
    sr.header = [&x](std::string_view name) { return x.req.header(name); };
    sr.body = x.hreq.body;
    sr.now = std::chrono::system_clock::now();  // the real clock: a manual one must not make requests stale
    auto verdict = verifier->verify(sr);
    if (!verdict.ok)
      return detail::error_response(401, "NotAuthenticated", "the request signature is invalid: " + verdict.message);
  }
  // Query: form-decoded, as every OCI SDK encodes it ('+' and %20 are spaces, %2B a plus).
  if (std::string bad_key, bad_pair; !detail::parse_query(x.raw_query, x.req.query, bad_key, &bad_pair))
    return detail::error_response(
        400, "InvalidParameter",
        detail::valid_utf8(bad_key) + ": invalid percent-escape in " + detail::quoted_value(bad_pair));
  return std::nullopt;
}

}  // namespace

void server::impl::handle(const httplib::Request& hreq, httplib::Response& res) {
  exchange x{hreq, res, {}, {}, {}, {}};
  take_request(x, core.request_ids, *core.clock);
  flight_guard flight(*this);
  x.entry.seq = flight.seq();

  auto finish = [&](detail::api_response r) {
    x.entry.status = r.status;
    x.entry.error_code = r.error_code;
    x.entry.replayed = r.replayed;
    x.entry.changes = std::move(r.changes);
    write_answer(res, std::move(r));
    record(std::move(x.entry));
  };

  auto route = detail::route(hreq.method, x.raw_path);
  if (route.what == detail::route_result::kind::admin) {
    x.entry.operation = "Admin";
    for (const auto& [k, v] : hreq.params) x.req.query.emplace(k, v);
    return finish(detail::handle_admin(core, hreq.method, route.admin_path, x.req));
  }
  x.entry.operation = route.op ? std::string(route.op->name) : "Unknown";
  if (!route.op || !route.op->retry_token) x.entry.retry_token.clear();
  if (auto refused = refusal(x, route, verifier)) return finish(std::move(*refused));
  const auto& op = *route.op;
  x.req.operation = op.name;
  x.req.params = std::move(route.params);

  detail::fault_request fr;
  fr.operation = x.req.operation;
  fr.resource = x.req.params.empty() ? std::string_view() : std::string_view(x.req.params[0]);
  fr.header = [&x](std::string_view name) { return x.req.header(name); };
  auto fault = core.engine.decide(fr);
  if (!fault) return finish(detail::dispatch(core.store, core.retries, op, x.req));

  auto action = *fault->rule.action();
  auto timing = fault->timing;
  x.entry.fault = fired_fault{fault->rule_id, action, timing};
  if (timing == fault_timing::before && action != fault_action::delay)
    return carry_out(*fault, hreq, res, nullptr, x.entry);
  if (timing == fault_timing::before) {  // a delay before: the request then goes on as usual
    wait_for(*fault->rule.duration());
    return finish(detail::dispatch(core.store, core.retries, op, x.req));
  }
  auto answer = detail::dispatch(core.store, core.retries, op, x.req);
  carry_out(*fault, hreq, res, &answer, x.entry);
}

}  // namespace ocifake
