#pragma once
/// \file clock.hpp
/// The one clock that drives everything time-dependent in a server: lifecycle durations,
/// `timeCreated`, work-request times, retry-token expiry and fault windows.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace ocifake {

namespace detail {
struct clock_access;
}

/// How a server's clock moves.
enum class clock_mode {
  real,    ///< follows the system clock (plus whatever `advance()` added)
  manual,  ///< stands still until `advance()`: `fake.clock().advance(std::chrono::minutes(10));`
};

/// A server's clock. Obtain it with `server::clock()`; it lives as long as the server.
class clock {
public:
  using time_point = std::chrono::system_clock::time_point;

  /// The current time of this server, with millisecond precision.
  time_point now() const;
  /// Moves the clock forward by `d` (both modes; on a real clock the offset adds up), then lets
  /// every in-flight image and work request catch up. Negative durations, and moves past
  /// 2200-01-01T00:00:00Z, are refused with `usage_error`.
  void advance(std::chrono::milliseconds d);
  /// Which way the clock moves.
  clock_mode mode() const noexcept { return mode_.load(); }
  /// Switches how the clock moves. To `manual`: it stands at the time it reads now. To `real`: it
  /// follows the system clock again (what `advance()` and `set()` added is dropped). Switching to
  /// the mode it already has changes nothing. Loading a scenario whose `clock` differs does this.
  ///     fake.clock().set_mode(ocifake::clock_mode::manual);  // time stands still from here
  void set_mode(clock_mode m);

  clock(const clock&) = delete;
  clock& operator=(const clock&) = delete;
  /// Sets the time: a manual clock stands at `t`; a real clock runs on from `t`. Unlike `advance`
  /// it may go backwards, and it does not complete phases by itself.
  ///     fake.clock().set(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  void set(time_point t);

private:
  friend struct detail::clock_access;  // the server makes its clock and listens to it
  clock(clock_mode mode, time_point start);
  // Called after every advance, outside the clock's lock.
  void on_advance(std::function<void()> listener);

  std::atomic<clock_mode> mode_;  // changed under mutex_; read without it by mode()
  mutable std::mutex mutex_;
  std::chrono::milliseconds offset_{0};  // real: added to the system clock
  time_point manual_now_;                // manual: the current time
  std::function<void()> listener_;
};

}  // namespace ocifake
