#include "http/threads.hpp"

#include <pthread.h>
#include <signal.h>

#include <thread>
#include <vector>

namespace ocifake::detail {

void shared_job::wait() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return done_; });
}

void shared_job::finish() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  cv_.notify_all();
}

class thread_cache {
public:
  std::shared_ptr<shared_job> run(std::function<void()> fn) {
    auto job = std::make_shared<shared_job>();
    {
      std::lock_guard lock(mutex_);
      if (!parked_.empty()) {
        // The thread parked last: its stack and caches are the warmest.
        auto* p = parked_.back();
        parked_.pop_back();
        p->fn = std::move(fn);
        p->job = job;
        p->cv.notify_one();
        return job;
      }
    }
    std::thread([this, fn = std::move(fn), job]() mutable { loop(std::move(fn), std::move(job)); }).detach();
    return job;
  }

private:
  // A thread waiting for its next job; lives on that thread's stack.
  struct parked_thread {
    std::condition_variable cv;
    std::function<void()> fn;
    std::shared_ptr<shared_job> job;
  };

  // At most this many threads wait for work; more would be threads a process no longer needs.
  static constexpr std::size_t max_parked = 4;

  void loop(std::function<void()> fn, std::shared_ptr<shared_job> job) {
    block_signals();
    parked_thread self;
    for (;;) {
      fn();
      fn = nullptr;  // what the job captured goes before anyone is told it has returned
      std::unique_lock lock(mutex_);
      const bool park = parked_.size() < max_parked;
      if (park) parked_.push_back(&self);
      // Told once parked: a server started after another stopped finds its threads free, so
      // servers used one after another keep using the same few threads.
      job->finish();
      job.reset();
      if (!park) return;
      self.cv.wait(lock, [&] { return self.job != nullptr; });
      fn = std::move(self.fn);
      job = std::move(self.job);
    }
  }

  static void block_signals() {
    sigset_t set;
    sigfillset(&set);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS}) sigdelset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }

  std::mutex mutex_;
  std::vector<parked_thread*> parked_;
};

std::shared_ptr<shared_job> run_shared(std::function<void()> fn) {
  // Never destroyed: parked threads wait on it until the process ends.
  static auto* cache = new thread_cache;
  return cache->run(std::move(fn));
}

}  // namespace ocifake::detail
