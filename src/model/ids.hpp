#pragma once
// OCIDs, etags and request ids that look like OCI's, deterministic for a given seed.

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace ocifake::detail {

class id_generator {
public:
  explicit id_generator(std::uint64_t seed) : rng_(seed) {}
  void reseed(std::uint64_t seed) {
    std::lock_guard lock(mutex_);
    rng_.seed(seed);
  }
  // ocid1.<type>.oc1.<region>.aaaaaaaa<52 base32 characters>
  std::string ocid(const std::string& type, const std::string& region);
  // 64 lowercase hex characters, like OCI's etags.
  std::string etag();
  // 32 uppercase hex characters.
  std::string request_id();
  std::uint64_t next();

private:
  std::mutex mutex_;
  std::mt19937_64 rng_;
};

}  // namespace ocifake::detail
