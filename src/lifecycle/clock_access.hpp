#pragma once
// Making a clock and listening to it: what a server does with its own (and tests with theirs).

#include <functional>
#include <memory>

#include <ocifake/clock.hpp>

namespace ocifake::detail {

struct clock_access {
  static std::unique_ptr<ocifake::clock> make(clock_mode mode, ocifake::clock::time_point start) {
    return std::unique_ptr<ocifake::clock>(new ocifake::clock(mode, start));
  }
  static void on_advance(ocifake::clock& c, std::function<void()> listener) { c.on_advance(std::move(listener)); }
};

}  // namespace ocifake::detail
