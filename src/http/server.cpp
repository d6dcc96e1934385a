// ocifake::server: listening on a loopback port, stopping, and the public accessors. Each request
// goes through the pipeline (pipeline.cpp), fault actions (fault_actions.cpp) and the worker pool
// (pool.cpp); everything but the transport is detail::core.
#include <algorithm>
#include <future>

#include <ocifake/server.hpp>

#include "api/render.hpp"
#include "http/server_impl.hpp"
#include "http/sockets.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/suggest.hpp"
#include "scenario/apply.hpp"
#include "store/platform.hpp"

namespace ocifake {

// ---------------------------------------------------------------- server::impl

server::impl::impl(server_options o) : core(std::move(o)), options(core.options) {
  if (options.max_workers == 0)
    throw usage_error("ocifake::server: max_workers must be at least 1 (a server without workers never answers)");
  if (!options.allow_remote && !detail::is_loopback(options.host))
    throw bind_error("ocifake::server: host " + options.host +
                     " is not a loopback address; set allow_remote to listen beyond this machine");
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
  if (accept_loop) accept_loop->wait();
}

namespace {

// Answers httplib makes itself (oversized body, malformed request line) get OCI's body too.
httplib::Server::HandlerResponse answer_httplib_error(detail::core& core, httplib::Response& res) {
  // An answer of the handler's own (a body, or a fault's truncated or slow one) stays as it is.
  if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
  if (!res.has_header("opc-request-id")) res.set_header("opc-request-id", core.request_ids.request_id());
  if (!res.has_header("Date")) res.set_header("Date", detail::http_date(core.clock->now()));
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
}

}  // namespace

void server::impl::start() {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  // httplib matches the decoded path, and ".*" stops at a decoded line break (%0A, %0D): every
  // path, whatever it holds, comes to the one pipeline.
  const std::string any_path = R"([\s\S]*)";
  http.Get(any_path, handler);
  http.Post(any_path, handler);
  http.Put(any_path, handler);
  http.Delete(any_path, handler);
  http.Patch(any_path, handler);
  http.Options(any_path, handler);
  // HTTP/1.1 gives a request with neither Content-Length nor Transfer-Encoding an empty body;
  // httplib would read one until the connection ends and answer 400 instead (`curl -X POST` sends
  // such a request to /_ocifake/reset). Handled here, before httplib reads a body.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    bool takes_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
    if (!takes_body || req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
      return httplib::Server::HandlerResponse::Unhandled;
    handle(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request&, httplib::Response& res) { return answer_httplib_error(core, res); }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    auto r = detail::error_response(500, "InternalServerError", "the fake failed to handle the request");
    res.status = 500;
    res.set_content(r.body, "application/json");
  });
  // httplib's default adds SO_REUSEPORT, which would let a second server bind a port in use and
  // steal its connections.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_tcp_nodelay(true);
  http.set_keep_alive_timeout(5);
  http.set_payload_max_length(1024 * 1024);
  http.set_read_timeout(5, 0);

  std::promise<void> running;
  auto running_future = running.get_future();
  bool signalled = false;
  http.new_task_queue = [this, &running, &signalled] {
    // Called by the accept loop once it is running: from here on stop() is not lost.
    if (!signalled) {
      signalled = true;
      running.set_value();
    }
    return new elastic_pool(options.max_workers, [this] {
      for (int fd : detail::accepted_sockets(port)) detail::shutdown_socket(fd);
    });
  };

  int bound = options.port == 0 ? http.bind_to_any_port(options.host)
                                : (http.bind_to_port(options.host, options.port) ? options.port : -1);
  if (bound <= 0)
    throw bind_error("ocifake::server: cannot listen on " + options.host + ":" + std::to_string(options.port) + " (" +
                     std::strerror(errno) + ")");
  port = bound;
  http.widen_backlog();
  accept_loop = detail::run_shared([this] { http.listen_after_bind(); });
  running_future.wait();
}

// ---------------------------------------------------------------- server

server::server(server_options options) : impl_(std::make_unique<impl>(std::move(options))) { impl_->start(); }

server::~server() { impl_->stop(); }

std::string server::endpoint() const {
  auto host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->port);
}

std::uint16_t server::port() const { return static_cast<std::uint16_t>(impl_->port); }

void server::stop() { impl_->stop(); }

ocifake::clock& server::clock() { return *impl_->core.clock; }
lifecycle_control& server::lifecycle() { return impl_->core.lifecycle; }
fault_list& server::faults() { return impl_->core.faults; }

std::string server::add_instance(const instance_spec& spec) {
  if (spec.compartment_id.empty()) throw usage_error("add_instance: compartment_id is required");
  if (!detail::is_ocid(spec.compartment_id))
    throw usage_error("add_instance: compartment_id '" + spec.compartment_id + "' is not a valid OCID");
  if (!spec.id.empty() && !detail::is_ocid(spec.id))
    throw usage_error("add_instance: id '" + spec.id + "' is not a valid OCID");
  if (spec.availability_domain.size() > 255)
    throw usage_error("add_instance: availability_domain must be at most 255 characters long (got " +
                      std::to_string(spec.availability_domain.size()) + ")");
  auto r = impl_->core.store.lock();
  const auto& rules = detail::rules_of(r->dialect());
  if (auto f = detail::foreign_value(spec.launch_mode, nullptr, rules)) {
    auto note = f->note(rules);
    throw usage_error("add_instance: launch_mode '" + spec.launch_mode + "' is not " + f->expected(rules) +
                      (note.empty() ? "" : " (" + note + ")"));
  }
  if (auto expected = detail::instance_seed_refusal(spec.lifecycle_state); !expected.empty())
    throw usage_error("add_instance: lifecycle_state '" + spec.lifecycle_state + "' is not " + expected +
                      detail::did_you_mean(spec.lifecycle_state, detail::instance_seed_states));
  return detail::seed_instance(*r, spec).id;
}

void server::add_compartment(const std::string& compartment_id) {
  if (!detail::is_ocid(compartment_id))
    throw usage_error("add_compartment: '" + compartment_id + "' is not a valid OCID");
  impl_->core.store.lock()->add_compartment(compartment_id);
}

void server::add_object(const std::string& namespace_name, const std::string& bucket, const std::string& object) {
  if (namespace_name.empty() || bucket.empty() || object.empty())
    throw usage_error("add_object: namespace, bucket and object must not be empty");
  impl_->core.store.lock()->register_object({namespace_name, bucket, object});
}

std::vector<image> server::images() const {
  auto r = impl_->core.store.lock();
  detail::catch_up_all(*r);
  std::vector<image> out;
  out.reserve(r->image_count());
  for (const auto& [time, seq] : r->by_time())
    out.push_back(detail::snapshot(*r->image_at(seq), detail::rules_of(r->dialect())));
  return out;
}

std::vector<image> server::platform_images() const {
  auto r = impl_->core.store.lock();
  std::vector<image> out;
  for (const auto& [time, seq] : r->platform_by_time())
    out.push_back(detail::snapshot(*r->image_at(seq), detail::rules_of(r->dialect())));
  return out;
}

std::string server::add_platform_image(const platform_image_spec& spec) {
  if (spec.display_name.empty()) throw usage_error("add_platform_image: display_name is required");
  if (!spec.id.empty() && !detail::is_ocid(spec.id))
    throw usage_error("add_platform_image: id '" + spec.id + "' is not a valid OCID");
  auto r = impl_->core.store.lock();
  std::vector<detail::shape_entry> shapes;
  for (const auto& name : spec.shapes) detail::add_shape(shapes, detail::shape_for(name));
  auto img = detail::platform_image(r->dialect(), r->region(),
                                    {.display_name = spec.display_name,
                                     .operating_system = spec.operating_system,
                                     .operating_system_version = spec.operating_system_version,
                                     .time_created = spec.time_created.value_or(r->now()),
                                     .size_in_mbs = spec.size_in_mbs,
                                     .shapes = std::move(shapes),
                                     .id = spec.id});
  if (r->has_image(img.id)) throw usage_error("add_platform_image: the server has an image " + img.id + " already");
  return r->add_platform_image(std::move(img)).id;
}

std::optional<image> server::find_image(const std::string& id) const {
  auto r = impl_->core.store.lock();
  auto* img = r->find_image(id);
  if (!img) return std::nullopt;
  detail::catch_up(*r, *img, false);
  return detail::snapshot(*img, detail::rules_of(r->dialect()));
}

std::vector<instance> server::instances() const {
  auto r = impl_->core.store.lock();
  detail::catch_up_all(*r);
  std::vector<instance> out;
  for (const auto* i : r->instances_in_order()) out.push_back(detail::snapshot(*r, *i));
  return out;
}

std::optional<instance> server::find_instance(const std::string& id) const {
  auto r = impl_->core.store.lock();
  auto* inst = r->find_instance(id);
  if (!inst) return std::nullopt;
  detail::catch_up(*r, *inst, false);
  return detail::snapshot(*r, *inst);
}

std::vector<work_request> server::work_requests() const {
  auto r = impl_->core.store.lock();
  detail::catch_up_all(*r);
  std::vector<work_request> out;
  for (const auto* w : r->work_requests_in_order()) out.push_back(detail::snapshot(*w));
  return out;
}

void server::reset() { detail::reset(impl_->core); }

void server::load_scenario(const std::filesystem::path& file) { apply(scenario::load(file)); }

void server::apply(const scenario& s) { detail::apply_scenario(impl_->core, s); }

void server::add_startup_scenario(const scenario& s) { detail::add_startup_scenario(impl_->core, s); }

void server::add_startup_scenario(const std::filesystem::path& file) { add_startup_scenario(scenario::load(file)); }

std::string server::state_json() const { return detail::state_document(impl_->core); }

std::vector<journal_entry> server::journal() const { return impl_->core.journal.entries(); }

std::vector<journal_entry> server::journal(const std::string& operation) const {
  return impl_->core.journal.entries([&](const journal_entry& e) { return e.operation == operation; });
}

void server::clear_journal() { impl_->core.journal.clear(); }

void server::settle() { impl_->settle(std::nullopt); }

bool server::settle(std::chrono::milliseconds limit) { return impl_->settle(limit); }

void server::on_request(std::function<void(const journal_entry&)> listener) {
  impl_->core.journal.on_request(std::move(listener));
}

}  // namespace ocifake
