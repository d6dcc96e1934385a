#pragma once
// Everything a server is but its transport: resources, retry tokens, fault rules, clock, request
// ids, journal and start-up scenarios. The http layer serves it; scenarios and the admin API work
// on it without knowing about HTTP.

#include <cstdint>
#include <memory>
#include <vector>

#include <ocifake/clock.hpp>
#include <ocifake/faults.hpp>
#include <ocifake/lifecycle.hpp>
#include <ocifake/options.hpp>
#include <ocifake/scenario.hpp>

#include "api/retry.hpp"
#include "faults/engine.hpp"
#include "journal/journal_book.hpp"
#include "model/guarded.hpp"
#include "model/ids.hpp"
#include "store/store.hpp"

namespace ocifake::detail {

struct core {
  explicit core(server_options o);
  core(const core&) = delete;
  core& operator=(const core&) = delete;

  server_options options;
  std::uint64_t seed;
  std::unique_ptr<ocifake::clock> clock;
  detail::store store;
  detail::retry_store retries;
  detail::fault_engine engine;
  ocifake::fault_list faults;
  ocifake::lifecycle_control lifecycle;
  id_generator request_ids;
  journal_book journal;
  guarded<std::vector<scenario>> startup_scenarios;  // what reset returns to (scenario/apply.cpp)

  // Empty resources, no retry tokens, no rules, no journal, default lifecycle.
  void clear();
  // The seed for everything generated from now on: OCIDs, etags, request ids, rules' draws.
  void reseed_ids(std::uint64_t s);
};

}  // namespace ocifake::detail
