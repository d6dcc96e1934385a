#pragma once
/// \file server.hpp
/// The fake itself: `ocifake::server fake;` is listening on 127.0.0.1 when the constructor returns.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ocifake/clock.hpp>
#include <ocifake/error.hpp>
#include <ocifake/faults.hpp>
#include <ocifake/journal.hpp>
#include <ocifake/lifecycle.hpp>
#include <ocifake/model.hpp>
#include <ocifake/options.hpp>
#include <ocifake/scenario.hpp>

namespace ocifake {

/// An in-process fake of the OCI Compute Images and Work Requests APIs, serving HTTP on its own
/// port until it is destroyed or stopped. Every member is safe to call from any thread.
///
///     ocifake::server fake;
///     auto inst = fake.add_instance({.compartment_id = "ocid1.compartment.oc1..aaaa"});
///     // point the client under test at fake.endpoint()
class server {
public:
  /// Binds and starts serving; throws `bind_error` saying why when it cannot.
  explicit server(server_options options = {});
  /// Stops (see `stop()`).
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// `http://127.0.0.1:PORT`, without a trailing slash: what an OCI client's endpoint is set to.
  std::string endpoint() const;
  /// The bound port.
  std::uint16_t port() const;
  /// Stops serving and returns promptly, even with idle keep-alive connections or hung requests
  /// open. Idempotent; the state stays readable.
  void stop();

  /// Registers an instance CreateImage can capture; returns its OCID. Registering a known id
  /// replaces it. Throws `usage_error` for a missing or malformed compartment or id, a launch mode
  /// the dialect does not know, or a `lifecycle_state` that is no seed (CREATING_IMAGE included).
  std::string add_instance(const instance_spec& spec);
  /// Every instance, by OCID, as GetInstance would answer it now (without counting as a read, so
  /// a stop or start in progress under `polls(n)` does not move on).
  std::vector<instance> instances() const;
  /// One instance; empty when there is no such OCID. Not a read either.
  std::optional<instance> find_instance(const std::string& id) const;
  /// Registers a compartment. Once any is registered, compartments are strict: an unknown one is
  /// 404 NotAuthorizedOrNotFound.
  void add_compartment(const std::string& compartment_id);
  /// Registers an Object Storage object an import may read. Once any is registered, objects are
  /// strict: an import of an unknown object fails (its work request ends FAILED).
  void add_object(const std::string& namespace_name, const std::string& bucket, const std::string& object);

  /// Every custom image (the ones CreateImage, imports and scenarios made), oldest first, as
  /// GetImage would answer it now (without counting as a read). Platform images are not among them.
  std::vector<image> images() const;
  /// The catalogue of platform images, oldest first (see `server_options::platform_images`).
  std::vector<image> platform_images() const;
  /// Adds a platform image to the catalogue; returns its OCID. Throws `usage_error` when the name
  /// is empty, or the id is not an OCID or is one the server has already.
  std::string add_platform_image(const platform_image_spec& spec);
  /// One image, custom or platform; empty when there is no such OCID.
  std::optional<image> find_image(const std::string& id) const;
  /// Every work request, oldest first.
  std::vector<work_request> work_requests() const;

  /// Back to the state the server started with (its start-up scenarios, or empty), same port.
  /// Rules, journal, lifecycle settings and retry tokens are cleared too.
  void reset();
  /// Loads a scenario file on top of the current state; all or nothing. A scenario's `clock`
  /// switches the server's clock to that mode (see `apply`).
  void load_scenario(const std::filesystem::path& file);
  /// Applies a parsed scenario on top of the current state; all or nothing. Throws
  /// `invalid_input` when the scenario does not fit this server (an image id the server already
  /// has); docs/scenarios.md says how each key applies. A `clock` other than the server's switches
  /// it: to manual, standing at the scenario's `clockStart` or at the time it reads now; to real,
  /// following the system clock again.
  void apply(const scenario& s);
  /// Applies `s` and remembers it as part of the start-up state, so that `reset()` (and
  /// `POST /_ocifake/reset`) returns to it, clock mode included. ocifake-server loads its
  /// `--scenario` files this way.
  void add_startup_scenario(const scenario& s);
  /// Loads a scenario file as part of the start-up state: `add_startup_scenario(scenario::load(file))`.
  void add_startup_scenario(const std::filesystem::path& file);
  /// A scenario document (JSON) that recreates the current state.
  std::string state_json() const;

  /// The server's clock.
  ocifake::clock& clock();
  /// Lifecycle settings.
  lifecycle_control& lifecycle();
  /// Fault rules.
  fault_list& faults();
  /// Every request so far, in arrival order.
  std::vector<journal_entry> journal() const;
  /// Only the requests for one operation ("CreateImage").
  std::vector<journal_entry> journal(const std::string& operation) const;
  /// Forgets the journal.
  void clear_journal();
  /// Waits until every request the server has begun handling so far is answered, or cut by a
  /// fault, and journalled; then `journal()` holds them all, without stopping the server. A
  /// request a fault holds (`delay`, `hang` with a time) is waited for until the fault ends; a
  /// `hang` without a time ends when its client goes away (or the server stops), so settle waits
  /// for the client too. Requests that arrive while it waits are not waited for. Returns at once
  /// on a stopped server. Throws `usage_error` when called from the server's own threads (an
  /// `on_request` listener), which it would wait for forever.
  ///
  ///     client.get_image(id);   // its first attempt timed out on a hang; the retry succeeded
  ///     fake.settle();          // the hung attempt is in the journal now
  void settle();
  /// As `settle()`, but gives up after `limit` (real time): true when everything was settled,
  /// false when some request was still being handled (a `hang` whose client is still waiting).
  bool settle(std::chrono::milliseconds limit);
  /// Calls `listener` with each request's journal entry once the request is handled (an empty
  /// function removes it). Calls come from the server's threads, one at a time:
  ///
  ///     fake.on_request([](const ocifake::journal_entry& e) { std::clog << e << '\n'; });
  void on_request(std::function<void(const journal_entry&)> listener);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ocifake
