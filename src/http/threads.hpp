#pragma once
// Threads shared by every server of the process. A server's accept loop and its workers run as
// jobs: on a parked thread when one is free, on a new thread otherwise. A thread whose job returned
// parks for the next one, up to a few per process, and ends beyond that. So starting, using and
// stopping a server costs no thread creation once the process has run a server or two, and a
// process that stops its servers keeps no more threads than the few parked ones.
//
// Job threads block every signal a process sends on purpose (SIGINT, SIGTERM, SIGPIPE, ...): they
// reach the application's own threads, or its sigwait, and a write to a connection the client
// reset fails with EPIPE instead of killing the process. Faults (SIGSEGV, SIGABRT, ...) are not
// blocked.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace ocifake::detail {

class shared_job {
public:
  // Until the job's function has returned and what it captured is destroyed.
  void wait();

private:
  friend class thread_cache;
  void finish();
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

// Runs `fn` on a shared thread; the handle tells when it has returned.
std::shared_ptr<shared_job> run_shared(std::function<void()> fn);

}  // namespace ocifake::detail
