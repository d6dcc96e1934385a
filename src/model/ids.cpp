#include "model/ids.hpp"

namespace ocifake::detail {

std::uint64_t id_generator::next() {
  std::lock_guard lock(mutex_);
  return rng_();
}

std::string id_generator::ocid(const std::string& type, const std::string& region) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id;
  id.reserve(6 + type.size() + 5 + region.size() + 1 + 60);
  id.append("ocid1.").append(type).append(".oc1.").append(region).append(".aaaaaaaa");
  const auto end = id.size() + 52;
  std::lock_guard lock(mutex_);
  while (id.size() < end) {
    auto r = rng_();
    for (int i = 0; i < 12 && id.size() < end; ++i, r >>= 5) id += alphabet[r & 31];
  }
  return id;
}

namespace {
std::string hex(std::mt19937_64& rng, std::size_t n, const char* digits) {
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    auto r = rng();
    for (int i = 0; i < 16 && s.size() < n; ++i, r >>= 4) s += digits[r & 15];
  }
  return s;
}
}  // namespace

std::string id_generator::etag() {
  std::lock_guard lock(mutex_);
  return hex(rng_, 64, "0123456789abcdef");
}

std::string id_generator::request_id() {
  std::lock_guard lock(mutex_);
  return hex(rng_, 32, "0123456789ABCDEF");
}

}  // namespace ocifake::detail
