// ocifake::server: cpp-httplib on an ephemeral loopback port, one pipeline for every request:
// route -> (signature) -> fault before -> api -> fault after commit -> answer, journalled.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>

#include <future>
#include <random>

#include <ocifake/server.hpp>

#include "api/api.hpp"
#include "http/router.hpp"
#include "http/server_impl.hpp"
#include "http/sockets.hpp"
#include "model/fields.hpp"

namespace ocifake {

namespace json = boost::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------- worker pool

void elastic_pool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && threads_.size() < max_) threads_.emplace_back([this] { work(); });
  }
  // After unlocking: a worker woken under the lock would block on it at once, and the unlock
  // would have to wake it a second time.
  cv_.notify_one();
}

void elastic_pool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
  }
  if (before_join_) before_join_();
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void elastic_pool::work() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ++idle_;
      cv_.wait(lock, [&] { return shutting_down_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

// ---------------------------------------------------------------- helpers

namespace {

std::uint64_t draw_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 98) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/')) return false;
  return true;
}

}  // namespace

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

// ---------------------------------------------------------------- server::impl

server::impl::impl(server_options o)
    : options(std::move(o)),
      seed(options.seed ? *options.seed : draw_seed()),
      clock(options.clock, std::chrono::system_clock::now()),
      store(clock, seed, options.region),
      engine(seed, clock),
      faults(engine),
      lifecycle(store),
      request_ids(seed ^ 0x9e3779b97f4a7c15ULL) {
  if (options.verify_signatures) {
    if (options.public_keys.empty())
      throw invalid_input("server_options", "$.public_keys", "at least one public key when verify_signatures is set");
    verifier.emplace(options.public_keys);
  }
}

bool server::impl::wait_for(std::chrono::milliseconds d) {
  std::unique_lock lock(wait_mutex);
  return !wait_cv.wait_for(lock, d, [&] { return stopping; });
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

  journal_entry entry;
  entry.seq = ++journal_seq;
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
  // Query: %XX escapes only; '+' is a literal plus, as the OCI SDKs send it.
  std::size_t start = 0;
  while (start < raw_query.size()) {
    auto amp = raw_query.find('&', start);
    if (amp == std::string::npos) amp = raw_query.size();
    auto pair = std::string_view(raw_query).substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    bool ok_key = true, ok_value = true;
    auto key = detail::percent_decode(pair.substr(0, eq), ok_key);
    auto value = eq == std::string_view::npos ? std::string() : detail::percent_decode(pair.substr(eq + 1), ok_value);
    if (!ok_key || !ok_value) {
      finish(detail::error_response(400, "InvalidParameter", key + ": invalid percent-escape in the query string"));
      return;
    }
    req.query.emplace(std::move(key), std::move(value));
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

void server::impl::carry_out(const detail::fault_decision& fault, const httplib::Request& hreq, httplib::Response& res,
                             const detail::api_response* answer, journal_entry& entry) {
  const auto& rule = fault.rule;
  if (answer) {
    entry.changes = answer->changes;
    entry.replayed = answer->replayed;
  }
  auto socket = [&] { return detail::find_socket(port, hreq.remote_addr, hreq.remote_port); };
  // The entry of an answer that never comes is written before the connection goes: a client that
  // sees the reset and reads the journal at once finds it there.
  auto no_answer = [&] {
    // httplib writes whatever the handler leaves into a socket that is already shut down.
    res.status = 500;
    entry.status = 0;
    record(std::move(entry));
  };
  switch (*rule.action()) {
    case fault_action::error: {
      auto r = detail::error_response(rule.status(), rule.code(),
                                      rule.message().empty() ? "injected fault: " + rule.code() : rule.message());
      if (rule.retry_after()) r.headers.emplace_back("retry-after", std::to_string(*rule.retry_after()));
      write_answer(res, r);
      entry.status = r.status;
      record(std::move(entry));
      return;
    }
    case fault_action::delay:
      wait_for(*rule.duration());
      write_answer(res, *answer);
      entry.status = answer->status;
      record(std::move(entry));
      return;
    case fault_action::hang: {
      int fd = socket();
      auto deadline = rule.duration() ? std::optional(std::chrono::steady_clock::now() + *rule.duration()) : std::nullopt;
      // Until the time passes, the client goes away or the server stops; the client's side is
      // checked every few milliseconds since a blocked worker cannot wait on its socket and the
      // stop signal at once.
      while (wait_for(20ms)) {
        if (deadline && std::chrono::steady_clock::now() >= *deadline) break;
        if (detail::peer_gone(fd)) break;
      }
      no_answer();
      detail::shutdown_socket(fd);
      return;
    }
    case fault_action::reset: {
      int fd = socket();
      no_answer();
      detail::reset_socket(fd);
      return;
    }
    case fault_action::close: {
      int fd = socket();
      no_answer();
      detail::shutdown_socket(fd);
      return;
    }
    case fault_action::malformed:
      res.status = 200;
      res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "application/json");
      entry.status = 200;
      record(std::move(entry));
      return;
    case fault_action::truncate:
    case fault_action::slow_body: {
      detail::api_response r = answer ? *answer : detail::error_response(500, "InternalServerError", "no answer");
      entry.status = r.status;
      if (r.body.empty()) {
        // A 204 has no body to dribble or cut (and httplib streams no empty body: a provider of
        // length 0 would be called forever). slowBody holds the whole answer back for its time;
        // truncate cuts the head instead: status line and headers, then the connection closes
        // before the blank line that would end them.
        if (*rule.action() == fault_action::slow_body) {
          wait_for(*rule.duration());
          write_answer(res, r);
          record(std::move(entry));
          return;
        }
        std::string head = "HTTP/1.1 " + std::to_string(r.status) + (r.status == 204 ? " No Content" : "") + "\r\n";
        head += "opc-request-id: " + res.get_header_value("opc-request-id") + "\r\n";
        for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
        int fd = socket();
        res.status = 500;  // written into the closed connection, and lost
        record(std::move(entry));
        detail::send_all(fd, head);
        detail::shutdown_socket(fd);
        return;
      }
      res.status = r.status;
      for (const auto& [k, v] : r.headers) res.set_header(k, v);
      auto body = std::make_shared<std::string>(r.body);
      if (*rule.action() == fault_action::truncate) {
        std::size_t n = std::min(rule.bytes().value_or(body->size() / 2), body->size());
        // Content-Length promises the whole body; the provider gives up after n bytes and
        // httplib closes the connection.
        res.set_content_provider(body->size(), "application/json",
                                 [body, n](std::size_t, std::size_t, httplib::DataSink& sink) {
                                   if (n) sink.write(body->data(), n);
                                   return false;
                                 });
      } else {
        // About ten pieces, each sent when its share of the time has passed since the first, so
        // the last byte leaves no sooner than `total` after the headers whatever the body's size.
        auto total = *rule.duration();
        auto started = std::make_shared<std::chrono::steady_clock::time_point>();
        res.set_content_provider(
            body->size(), "application/json",
            [this, body, total, started](std::size_t offset, std::size_t, httplib::DataSink& sink) {
              if (offset == 0) *started = std::chrono::steady_clock::now();
              std::size_t chunk = std::max<std::size_t>(1, (body->size() + 9) / 10);
              std::size_t n = std::min(chunk, body->size() - offset);
              auto due = *started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        total * static_cast<double>(offset + n) / static_cast<double>(body->size()));
              auto now = std::chrono::steady_clock::now();
              if (due > now && !wait_for(std::chrono::ceil<std::chrono::milliseconds>(due - now))) return false;
              return sink.write(body->data() + offset, n);
            });
      }
      record(std::move(entry));
      return;
    }
  }
}

void server::impl::stop() {
  std::lock_guard lock(stop_mutex);
  if (stopped.exchange(true)) return;
  {
    std::lock_guard wl(wait_mutex);
    stopping = true;
  }
  wait_cv.notify_all();
  http.stop();
  if (accept_thread.joinable()) accept_thread.join();
}

// ---------------------------------------------------------------- server

server::server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) {
  auto& s = *impl_;
  if (s.options.max_workers == 0)
    throw usage_error("ocifake::server: max_workers must be at least 1 (a server without workers never answers)");
  if (!s.options.allow_remote && !is_loopback(s.options.host))
    throw bind_error("ocifake::server: host " + s.options.host +
                     " is not a loopback address; set allow_remote to listen beyond this machine");
  auto handler = [&s](const httplib::Request& req, httplib::Response& res) { s.handle(req, res); };
  // httplib matches the decoded path, and ".*" stops at a decoded line break (%0A, %0D): every
  // path, whatever it holds, comes to the one pipeline.
  const std::string any_path = R"([\s\S]*)";
  s.http.Get(any_path, handler);
  s.http.Post(any_path, handler);
  s.http.Put(any_path, handler);
  s.http.Delete(any_path, handler);
  s.http.Patch(any_path, handler);
  s.http.Options(any_path, handler);
  // Answers httplib makes itself (oversized body, malformed request line) get OCI's body too.
  s.http.set_error_handler(httplib::Server::HandlerWithResponse([&s](const httplib::Request&, httplib::Response& res) {
    // An answer of the handler's own (a body, or a fault's truncated or slow one) stays as it is.
    if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
    if (!res.has_header("opc-request-id")) res.set_header("opc-request-id", s.request_ids.request_id());
    std::string code = "InvalidParameter", message = "the request could not be read";
    if (res.status == 413) code = "PayloadTooLarge", message = "the request body exceeds 1 MiB";
    if (res.status == 414) code = "InvalidParameter", message = "the request URI is too long";
    if (res.status == 404) code = "NotFound", message = "no such path";
    auto r = detail::error_response(res.status, code, message);
    res.set_content(r.body, "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    auto r = detail::error_response(500, "InternalServerError", "the fake failed to handle the request");
    res.status = 500;
    res.set_content(r.body, "application/json");
  });
  // httplib's default adds SO_REUSEPORT, which would let a second server bind a port in use and
  // steal its connections.
  s.http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.http.set_tcp_nodelay(true);
  s.http.set_keep_alive_timeout(5);
  s.http.set_payload_max_length(1024 * 1024);
  s.http.set_read_timeout(5, 0);

  std::promise<void> running;
  auto running_future = running.get_future();
  bool signalled = false;
  s.http.new_task_queue = [&s, &running, &signalled] {
    // Called by the accept loop once it is running: from here on stop() is not lost.
    if (!signalled) {
      signalled = true;
      running.set_value();
    }
    return new elastic_pool(s.options.max_workers, [&s] {
      for (int fd : detail::accepted_sockets(s.port)) detail::shutdown_socket(fd);
    });
  };

  int port = 0;
  if (s.options.port == 0) {
    port = s.http.bind_to_any_port(s.options.host);
  } else {
    port = s.http.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (port <= 0)
    throw bind_error("ocifake::server: cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                     " (" + std::strerror(errno) + ")");
  s.port = port;
  s.http.widen_backlog();
  s.accept_thread = std::thread([&s] { s.http.listen_after_bind(); });
  running_future.wait();
  s.clock.on_advance([&s] {
    std::lock_guard lock(s.store.mutex);
    s.store.evaluate_all();
  });
}

server::~server() { impl_->stop(); }

std::string server::endpoint() const {
  auto host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->port);
}

std::uint16_t server::port() const { return static_cast<std::uint16_t>(impl_->port); }

void server::stop() { impl_->stop(); }

ocifake::clock& server::clock() { return impl_->clock; }
lifecycle_control& server::lifecycle() { return impl_->lifecycle; }
fault_list& server::faults() { return impl_->faults; }

std::string server::add_instance(const instance_spec& spec) {
  auto& st = impl_->store;
  std::lock_guard lock(st.mutex);
  if (spec.compartment_id.empty()) throw usage_error("add_instance: compartment_id is required");
  if (!detail::is_ocid(spec.compartment_id))
    throw usage_error("add_instance: compartment_id '" + spec.compartment_id + "' is not a valid OCID");
  if (!spec.id.empty() && !detail::is_ocid(spec.id))
    throw usage_error("add_instance: id '" + spec.id + "' is not a valid OCID");
  return st.add_instance(spec).id;
}

void server::add_compartment(const std::string& compartment_id) {
  if (!detail::is_ocid(compartment_id))
    throw usage_error("add_compartment: '" + compartment_id + "' is not a valid OCID");
  std::lock_guard lock(impl_->store.mutex);
  impl_->store.compartments.insert(compartment_id);
}

void server::add_object(const std::string& namespace_name, const std::string& bucket, const std::string& object) {
  if (namespace_name.empty() || bucket.empty() || object.empty())
    throw usage_error("add_object: namespace, bucket and object must not be empty");
  std::lock_guard lock(impl_->store.mutex);
  impl_->store.objects.insert({namespace_name, bucket, object});
}

std::vector<image> server::images() const {
  auto& st = impl_->store;
  std::lock_guard lock(st.mutex);
  st.evaluate_all();
  std::vector<image> out;
  out.reserve(st.images.size());
  for (const auto& [time, seq] : st.by_time) out.push_back(st.snapshot(*st.image_at(seq)));
  return out;
}

std::optional<image> server::find_image(const std::string& id) const {
  auto& st = impl_->store;
  std::lock_guard lock(st.mutex);
  auto* img = st.find_image(id);
  if (!img) return std::nullopt;
  st.evaluate(*img, false);
  return st.snapshot(*img);
}

std::vector<work_request> server::work_requests() const {
  auto& st = impl_->store;
  std::lock_guard lock(st.mutex);
  st.evaluate_all();
  std::vector<const detail::work_request_record*> all;
  for (const auto& [id, w] : st.work_requests) all.push_back(&w);
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  std::vector<work_request> out;
  for (auto* w : all) out.push_back(st.snapshot(*w));
  return out;
}

void server::reset() { impl_->reset(); }

std::vector<journal_entry> server::journal() const {
  std::lock_guard lock(impl_->journal_mutex);
  return {impl_->journal.begin(), impl_->journal.end()};
}

std::vector<journal_entry> server::journal(const std::string& operation) const {
  std::lock_guard lock(impl_->journal_mutex);
  std::vector<journal_entry> out;
  for (const auto& e : impl_->journal)
    if (e.operation == operation) out.push_back(e);
  return out;
}

void server::clear_journal() {
  std::lock_guard lock(impl_->journal_mutex);
  impl_->journal.clear();
}

void server::on_request(std::function<void(const journal_entry&)> listener) {
  std::shared_ptr<const std::function<void(const journal_entry&)>> l;
  if (listener) l = std::make_shared<const std::function<void(const journal_entry&)>>(std::move(listener));
  std::lock_guard lock(impl_->request_listener_mutex);
  impl_->request_listener = std::move(l);
}

// ---------------------------------------------------------------- lifecycle_control

void lifecycle_control::set(phase p, progress how) {
  std::lock_guard lock(store_->mutex);
  store_->default_progress[static_cast<int>(p)] = std::move(how);
}

progress lifecycle_control::get(phase p) const {
  std::lock_guard lock(store_->mutex);
  return store_->default_progress[static_cast<int>(p)];
}

void lifecycle_control::set_for(const std::string& image_id, phase p, progress how) {
  std::lock_guard lock(store_->mutex);
  auto* img = store_->find_image(image_id);
  if (!img) throw usage_error("lifecycle().set_for: no image " + image_id);
  store_->per_image_progress.insert_or_assign({image_id, static_cast<int>(p)}, how);
  if (img->running && img->running->which == p) {
    img->running->how = how;
    store_->evaluate(*img, false);
  }
}

void lifecycle_control::set_next(phase p, progress how) {
  std::lock_guard lock(store_->mutex);
  store_->next_progress.insert_or_assign(static_cast<int>(p), std::move(how));
}

}  // namespace ocifake
