#include "core/core.hpp"

#include <random>

#include "lifecycle/clock_access.hpp"
#include "lifecycle/progression.hpp"
#include "store/platform.hpp"

namespace ocifake::detail {

namespace {

std::uint64_t draw_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

constexpr std::uint64_t request_id_salt = 0x9e3779b97f4a7c15ULL;

}  // namespace

core::core(server_options o)
    : options(std::move(o)),
      seed(options.seed ? *options.seed : draw_seed()),
      clock(clock_access::make(options.clock, std::chrono::system_clock::now())),
      store(*clock, seed, options.region),
      engine(seed, *clock),
      faults(engine),
      lifecycle(store),
      request_ids(seed ^ request_id_salt),
      journal(options.journal_limit) {
  {
    auto r = store.lock();
    r->set_dialect(options.dialect);
    start_platform_images(*r, options.platform_images);
  }
  clock_access::on_advance(*clock, [this] { catch_up_all(*store.lock()); });
}

void core::clear() {
  {
    auto r = store.lock();
    r->clear();
    r->set_dialect(options.dialect);
    start_platform_images(*r, options.platform_images);
  }
  retries.lock()->clear();
  engine.clear();
  journal.clear();
}

void core::reseed_ids(std::uint64_t s) {
  store.lock()->ids().reseed(s);
  request_ids.reseed(s ^ request_id_salt);
}

}  // namespace ocifake::detail
