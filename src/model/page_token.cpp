#include "model/page_token.hpp"

#include <algorithm>
#include <random>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ocifake::detail {

namespace {

constexpr char base64url_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += base64url_digits[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += base64url_digits[(acc << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(base64url_digits, 64, c);
    if (!at) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(at - base64url_digits);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // A length no encoding produces, or stray bits: each cursor has exactly one spelling.
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

// HMAC-SHA256 of scope and cursor, shortened to 16 bytes: enough to tell a real token apart.
std::string page_mac(const std::array<unsigned char, 32>& key, std::string_view scope, std::string_view cursor) {
  std::string data;
  data.reserve(scope.size() + 1 + cursor.size());
  data.append(scope).push_back('\0');
  data.append(cursor);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), std::min<unsigned int>(len, 16));
}

}  // namespace

page_sealer::page_sealer(std::uint64_t seed) {
  // A generator of its own, so that the ids the seed gives are the same with or without paging.
  std::mt19937_64 g(seed ^ 0x70616765746f6b65ULL);
  for (std::size_t i = 0; i < key_.size(); i += 8) {
    auto r = g();
    for (std::size_t k = 0; k < 8; ++k, r >>= 8) key_[i + k] = static_cast<unsigned char>(r);
  }
}

std::string page_sealer::seal(std::string_view scope, std::string_view cursor) const {
  return base64url(cursor) + "." + base64url(page_mac(key_, scope, cursor));
}

std::optional<std::string> page_sealer::open(std::string_view scope, std::string_view token) const {
  if (token.empty() || token.size() > 4096) return std::nullopt;
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto cursor = from_base64url(token.substr(0, dot));
  auto mac = from_base64url(token.substr(dot + 1));
  if (!cursor || !mac) return std::nullopt;
  auto expected = page_mac(key_, scope, *cursor);
  if (mac->size() != expected.size() || CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0)
    return std::nullopt;
  return cursor;
}

}  // namespace ocifake::detail
