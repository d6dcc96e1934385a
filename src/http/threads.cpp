#include "http/threads.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <thread>
#include <unordered_map>
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
    // Started under the lock, so that its handle is filed before it can look for it.
    std::thread t([this, fn = std::move(fn), job]() mutable { loop(std::move(fn), std::move(job)); });
    auto id = t.get_id();
    threads_.emplace(id, std::move(t));
    return job;
  }

  // At exit: parked threads end and are joined, so the process ends with no thread of ours waiting
  // (ThreadSanitizer, for one, sleeps a second at exit while other threads live). Busy ones, of a
  // server still running, end when their job does.
  void close() {
    std::vector<std::thread> ended;
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      for (auto* p : parked_) {
        p->cv.notify_one();
        if (auto it = threads_.find(p->id); it != threads_.end()) {
          ended.push_back(std::move(it->second));
          threads_.erase(it);
        }
      }
      parked_.clear();
      for (auto& [id, t] : threads_) t.detach();
      threads_.clear();
    }
    for (auto& t : ended) t.join();
  }

private:
  // A thread waiting for its next job; lives on that thread's stack.
  struct parked_thread {
    std::thread::id id = std::this_thread::get_id();
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
      const bool park = !closing_ && parked_.size() < max_parked;
      if (park) parked_.push_back(&self);
      // Told once parked: a server started after another stopped finds its threads free, so
      // servers used one after another keep using the same few threads.
      job->finish();
      job.reset();
      if (!park) {
        // Ends: nobody will join it.
        if (auto it = threads_.find(self.id); it != threads_.end()) {
          it->second.detach();
          threads_.erase(it);
        }
        return;
      }
      self.cv.wait(lock, [&] { return self.job != nullptr || closing_; });
      if (!self.job) return;  // closing: close() joins it
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
  std::unordered_map<std::thread::id, std::thread> threads_;  // every thread alive, by id
  bool closing_ = false;
};

std::shared_ptr<shared_job> run_shared(std::function<void()> fn) {
  // Never destroyed: a thread still busy at exit uses it until the process ends.
  static thread_cache* cache = [] {
    auto* c = new thread_cache;
    std::atexit([] { cache->close(); });
    return c;
  }();
  return cache->run(std::move(fn));
}

}  // namespace ocifake::detail
