#pragma once
// opc-retry-token: the answers of requests that carried one, for 24 hours of the server's clock,
// so that a retry gets the first answer back rather than doing the work twice.

#include <optional>
#include <string>
#include <unordered_map>

#include <boost/json/value.hpp>

#include "api/types.hpp"
#include "model/guarded.hpp"
#include "store/store.hpp"

namespace ocifake::detail {

struct retry_entry {
  std::string operation;
  std::string target;                      // path the request named
  std::optional<boost::json::value> body;  // parsed, so key order and spacing do not matter
  std::string raw_body;                    // as sent
  api_response response;
  time_point at;
};

class retry_cache {
public:
  // The entry for `token`, forgetting it first when it expired by `now`.
  const retry_entry* find(const std::string& token, time_point now);
  void remember(const std::string& token, retry_entry e) { entries_.insert_or_assign(token, std::move(e)); }
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

private:
  std::unordered_map<std::string, retry_entry> entries_;
};

// Taken before the store's lock when both are needed.
using retry_store = guarded<retry_cache>;

}  // namespace ocifake::detail
