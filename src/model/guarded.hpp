#pragma once
// A value reachable only under its own lock: `auto r = g.lock(); r->member();`. The lock is the
// guarded value's and nobody else's, so every caller asks it to be taken rather than taking it.

#include <mutex>
#include <utility>

namespace ocifake::detail {

template <class T>
class guarded {
public:
  template <class... Args>
  explicit guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}
  guarded(const guarded&) = delete;
  guarded& operator=(const guarded&) = delete;

  // The value with its lock held for as long as this lives.
  class locked {
  public:
    T* operator->() const noexcept { return value_; }
    T& operator*() const noexcept { return *value_; }

  private:
    friend class guarded;
    locked(std::mutex& m, T& v) : lock_(m), value_(&v) {}
    std::unique_lock<std::mutex> lock_;
    T* value_;
  };

  locked lock() { return locked(mutex_, value_); }

private:
  std::mutex mutex_;
  T value_;
};

}  // namespace ocifake::detail
