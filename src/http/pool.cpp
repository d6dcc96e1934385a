// The worker pool httplib runs connections on: workers started on demand up to a limit, each on a
// shared thread (http/threads.hpp).
#include "http/server_impl.hpp"

namespace ocifake {

detail::httplib_compat::enqueue_result elastic_pool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(fn));
    if (jobs_.size() > idle_ && workers_.size() < max_) workers_.push_back(detail::run_shared([this] { work(); }));
  }
  // After unlocking: a worker woken under the lock would block on it at once, and the unlock
  // would have to wake it a second time.
  cv_.notify_one();
  return detail::httplib_compat::job_accepted();
}

void elastic_pool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
  }
  if (before_join_) before_join_();
  cv_.notify_all();
  for (auto& w : workers_) w->wait();
}

void elastic_pool::work() {
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

}  // namespace ocifake
