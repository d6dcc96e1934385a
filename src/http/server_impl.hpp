#pragma once
// The server's transport, shared by the http layer's files (server, pipeline, fault actions, pool);
// everything else it is lives in detail::core.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <httplib.h>

#include "http/httplib_compat.hpp"

#include <ocifake/server.hpp>

#include "api/types.hpp"
#include "core/core.hpp"
#include "faults/engine.hpp"
#include "http/signature.hpp"
#include "http/threads.hpp"

namespace ocifake {

// Workers for httplib, started on demand up to a limit, so that a server costs no worker until it
// is used and hung requests do not starve the rest. They run on the process's shared threads
// (http/threads.hpp), which block SIGPIPE among others.
class elastic_pool : public httplib::TaskQueue {
public:
  elastic_pool(std::size_t max_threads, std::function<void()> before_join)
      : max_(max_threads), before_join_(std::move(before_join)) {}
  detail::httplib_compat::enqueue_result enqueue(std::function<void()> fn) override;
  void shutdown() override;

private:
  void work();
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::shared_ptr<detail::shared_job>> workers_;
  std::size_t idle_ = 0;
  std::size_t max_;
  bool shutting_down_ = false;
  std::function<void()> before_join_;
};

// httplib::Server with access to its listening socket, whose backlog httplib fixes at 5: too few
// for a burst of concurrent clients (connections beyond it wait for SYN-ACK retransmits).
class http_server : public httplib::Server {
public:
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

struct server::impl {
  explicit impl(server_options o);

  detail::core core;
  const server_options& options;                       // core's
  std::optional<detail::signature_verifier> verifier;  // when options.verify_signatures

  http_server http;
  std::shared_ptr<detail::shared_job> accept_loop;  // on a shared thread
  int port = 0;
  std::atomic<bool> stopped{false};
  std::mutex stop_mutex;  // serialises stop()

  // Wakes requests that wait in a delay or hang when the server stops.
  std::mutex wait_mutex;
  std::condition_variable wait_cv;
  bool stopping = false;

  // Requests being handled, by journal seq, for settle(). A request takes its seq and enters the
  // set under flight_mutex, so that settle() never reads a seq whose request is not counted yet.
  std::mutex flight_mutex;
  std::condition_variable flight_cv;
  std::set<std::uint64_t> in_flight;

  // The server whose request this thread is handling, if any: settle() on it from here (an
  // on_request listener) would wait for itself.
  static thread_local const impl* handling;
  class flight_guard;  // marks a request in flight while its handler runs (pipeline.cpp)
  class fault_run;     // one fault carried out on one request (fault_actions.cpp)

  void start();  // binds, listens, and returns once the accept loop runs
  void handle(const httplib::Request& req, httplib::Response& res);
  void carry_out(const detail::fault_decision& fault, const httplib::Request& hreq, httplib::Response& res,
                 const detail::api_response* answer, journal_entry& entry);
  void record(journal_entry e) { core.journal.record(std::move(e)); }
  // A request's seq, counted as in flight until end_request(seq).
  std::uint64_t begin_request();
  void end_request(std::uint64_t seq);
  // Waits until no request that began before the call is in flight; `limit` empty: no limit.
  bool settle(std::optional<std::chrono::milliseconds> limit);
  // Waits up to `d` (real time); false when the server began stopping meanwhile.
  bool wait_for(std::chrono::milliseconds d);
  void stop();
};

void write_answer(httplib::Response& res, const detail::api_response& r);
void write_answer(httplib::Response& res, detail::api_response&& r);  // moves the body

}  // namespace ocifake
