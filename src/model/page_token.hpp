#pragma once
// Page tokens. A token is opaque to clients: the cursor of a list (`scope` says which list, and of
// what) sealed with a key derived from the server's seed, so that a forged token, or one another
// list gave, is told apart from a real one.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocifake::detail {

class page_sealer {
public:
  explicit page_sealer(std::uint64_t seed);
  std::string seal(std::string_view scope, std::string_view cursor) const;
  // The cursor `token` seals for `scope`; nothing when it was not made by seal() for that scope.
  std::optional<std::string> open(std::string_view scope, std::string_view token) const;

private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace ocifake::detail
