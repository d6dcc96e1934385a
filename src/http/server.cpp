// ocifake::server: listening on a loopback port, stopping, and the public accessors. Each request
// goes through the pipeline (pipeline.cpp), fault actions (fault_actions.cpp) and the worker pool
// (pool.cpp).
#include <future>
#include <random>

#include <ocifake/server.hpp>

#include "http/server_impl.hpp"
#include "http/sockets.hpp"
#include "model/fields.hpp"

namespace ocifake {

// ---------------------------------------------------------------- helpers

namespace {

std::uint64_t draw_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

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
  if (!s.options.allow_remote && !detail::is_loopback(s.options.host))
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
  // HTTP/1.1 gives a request with neither Content-Length nor Transfer-Encoding an empty body;
  // httplib would read one until the connection ends and answer 400 instead (`curl -X POST` sends
  // such a request to /_ocifake/reset). Handled here, before httplib reads a body.
  s.http.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) {
    bool takes_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
    if (!takes_body || req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
      return httplib::Server::HandlerResponse::Unhandled;
    s.handle(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  // Answers httplib makes itself (oversized body, malformed request line) get OCI's body too.
  s.http.set_error_handler(httplib::Server::HandlerWithResponse([&s](const httplib::Request&, httplib::Response& res) {
    // An answer of the handler's own (a body, or a fault's truncated or slow one) stays as it is.
    if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
    if (!res.has_header("opc-request-id")) res.set_header("opc-request-id", s.request_ids.request_id());
    std::string code = "InvalidParameter",
                message = "the request is not well-formed HTTP/1.1 (its request line, a header line, Content-Length "
                          "or chunked encoding); a body must be as long as its Content-Length header says, or be "
                          "sent with Transfer-Encoding: chunked";
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

void server::settle() { impl_->settle(std::nullopt); }

bool server::settle(std::chrono::milliseconds limit) { return impl_->settle(limit); }

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
