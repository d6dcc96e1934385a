#include <ocifake/clock.hpp>
#include <ocifake/error.hpp>

#include "model/fields.hpp"

namespace ocifake {

namespace {
clock::time_point to_ms(clock::time_point t) { return std::chrono::time_point_cast<std::chrono::milliseconds>(t); }
}  // namespace

clock::clock(clock_mode mode, time_point start) : mode_(mode), manual_now_(to_ms(start)) {}

clock::time_point clock::now() const {
  std::lock_guard lock(mutex_);
  if (mode_ == clock_mode::manual) return manual_now_;
  return to_ms(std::chrono::system_clock::now() + offset_);
}

void clock::advance(std::chrono::milliseconds d) {
  if (d.count() < 0) throw usage_error("clock::advance: the clock only moves forward (got a negative duration)");
  std::function<void()> listener;
  {
    std::lock_guard lock(mutex_);
    // Beyond 2262 a system_clock time (64-bit nanoseconds) overflows; the clock stops well short,
    // where the times a scenario may name end.
    constexpr auto latest = std::chrono::sys_days{std::chrono::year{detail::last_year + 1} / 1 / 1};
    auto at = mode_ == clock_mode::manual ? manual_now_ : std::chrono::system_clock::now() + offset_;
    if (at >= latest || d > std::chrono::duration_cast<std::chrono::milliseconds>(latest - at))
      throw usage_error("clock::advance: the clock cannot go past " + std::to_string(detail::last_year + 1) +
                        "-01-01T00:00:00Z");
    if (mode_ == clock_mode::manual)
      manual_now_ += d;
    else
      offset_ += d;
    listener = listener_;
  }
  if (listener) listener();
}

void clock::on_advance(std::function<void()> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void clock::set_mode(clock_mode m) {
  std::lock_guard lock(mutex_);
  if (mode_ == m) return;
  if (m == clock_mode::manual) {
    manual_now_ = to_ms(std::chrono::system_clock::now() + offset_);
  } else {
    offset_ = std::chrono::milliseconds(0);
  }
  mode_ = m;
}

void clock::set(time_point t) {
  std::lock_guard lock(mutex_);
  if (mode_ == clock_mode::manual)
    manual_now_ = to_ms(t);
  else
    offset_ = std::chrono::duration_cast<std::chrono::milliseconds>(t - std::chrono::system_clock::now());
}

}  // namespace ocifake
