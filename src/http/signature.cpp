#include "http/signature.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <utility>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <ocifake/error.hpp>

#include "model/fields.hpp"

namespace ocifake::detail {

namespace {

using pkey_ptr = std::shared_ptr<EVP_PKEY>;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The OpenSSL error queue is per thread; drain it so a failure here never surfaces in an
// unrelated OpenSSL call later on the same worker thread.
std::string take_openssl_error() {
  unsigned long code = ERR_get_error();
  std::string text;
  if (code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    text = buf.data();
  }
  ERR_clear_error();
  return text;
}

// Accepts SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") and PKCS#1 ("BEGIN RSA PUBLIC KEY") PEM.
pkey_ptr load_rsa_public_key(const std::string& pem) {
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* dctx =
      OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (dctx == nullptr) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t len = pem.size();
  int ok = OSSL_DECODER_from_data(dctx, &data, &len);
  OSSL_DECODER_CTX_free(dctx);
  if (ok != 1 || pkey == nullptr) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  return pkey_ptr(pkey, EVP_PKEY_free);
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty()) return std::string();
  std::string out((text.size() / 4 + 1) * 3, '\0');
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  EVP_DecodeInit(ctx);
  int written = 0;
  int final_len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  bool ok = EVP_DecodeUpdate(ctx, dst, &written, reinterpret_cast<const unsigned char*>(text.data()),
                             static_cast<int>(text.size())) >= 0 &&
            EVP_DecodeFinal(ctx, dst + written, &final_len) == 1;
  EVP_ENCODE_CTX_free(ctx);
  if (!ok) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(written) + static_cast<std::size_t>(final_len));
  return out;
}

bool rsa_sha256_verifies(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  // RSA keys default to PKCS#1 v1.5 padding.
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) ERR_clear_error();
  return ok;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The parameters after the scheme, read left to right: `name=token` or `name="quoted \" value"`,
// separated by commas and spaces.
class parameter_reader {
public:
  parameter_reader(std::string_view text, std::size_t from) : text_(text), i_(from) {}

  // Skips to the next parameter; false at the end of the header.
  bool next() {
    while (i_ < text_.size() && (is_space(text_[i_]) || text_[i_] == ',')) ++i_;
    return i_ < text_.size();
  }

  // Reads one parameter; on a mistake returns false and sets `error`.
  bool read(std::string_view& name, std::string& value, std::string& error) {
    std::size_t start = i_;
    while (i_ < text_.size() && text_[i_] != '=' && text_[i_] != ',' && !is_space(text_[i_])) ++i_;
    name = text_.substr(start, i_ - start);
    if (name.empty()) return refuse(error, "authorization header has a parameter without a name");
    skip_spaces();
    if (i_ == text_.size() || text_[i_] != '=') return refuse(error, parameter(name) + " has no value");
    ++i_;
    skip_spaces();
    if (i_ < text_.size() && text_[i_] == '"') {
      ++i_;
      if (!read_quoted(value)) return refuse(error, parameter(name) + " has an unterminated quoted value");
    } else {
      start = i_;
      while (i_ < text_.size() && text_[i_] != ',' && !is_space(text_[i_])) ++i_;
      value = text_.substr(start, i_ - start);
    }
    skip_spaces();
    if (i_ < text_.size() && text_[i_] != ',') return refuse(error, parameter(name) + " is not followed by a comma");
    return true;
  }

private:
  void skip_spaces() {
    while (i_ < text_.size() && is_space(text_[i_])) ++i_;
  }

  // From after the opening quote to after the closing one; false when there is none.
  bool read_quoted(std::string& value) {
    while (i_ < text_.size()) {
      char c = text_[i_++];
      if (c == '"') return true;
      if (c == '\\' && i_ < text_.size()) c = text_[i_++];
      value += c;
    }
    return false;
  }

  static std::string parameter(std::string_view name) { return "authorization header parameter " + std::string(name); }
  static bool refuse(std::string& error, std::string message) {
    error = std::move(message);
    return false;
  }

  std::string_view text_;
  std::size_t i_;
};

// The `headers` parameter's space-separated names, lowercased.
std::vector<std::string> split_header_names(std::string_view list) {
  std::vector<std::string> names;
  std::size_t j = 0;
  while (j < list.size()) {
    while (j < list.size() && is_space(list[j])) ++j;
    std::size_t start = j;
    while (j < list.size() && !is_space(list[j])) ++j;
    if (j > start) names.push_back(to_lower(list.substr(start, j - start)));
  }
  return names;
}

// The headers a signature must cover: (request-target), host, a date, and for a request with a body
// its length, type and digest. The first one missing, as a failure message; nothing when all are there.
std::optional<std::string> missing_signed_header(const std::vector<std::string>& names, const std::string& method) {
  for (const char* name : {"(request-target)", "host"}) {
    if (!contains(names, name)) return std::string("signed headers must include ") + name;
  }
  if (!contains(names, "x-date") && !contains(names, "date")) return "signed headers must include x-date or date";
  if (iequals(method, "POST") || iequals(method, "PUT") || iequals(method, "PATCH")) {
    for (const char* name : {"content-length", "content-type", "x-content-sha256"}) {
      if (!contains(names, name)) return std::string("signed headers must include ") + name + " for " + method;
    }
  }
  return std::nullopt;
}

// The signed headers in signing order and their values on the request ((request-target) has none).
struct signed_headers {
  const std::vector<std::string>& names;
  std::vector<std::string> values;

  const std::string* value_of(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return &values[i];
    }
    return nullptr;
  }
};

// The signed date within the allowed skew of the server's clock, and the signed digest and length
// true of the body: the first that is not, as a failure message.
std::optional<std::string> stale_or_altered(const signed_headers& h, const signature_request& r,
                                            std::chrono::minutes max_skew) {
  const char* date_name = h.value_of("x-date") ? "x-date" : "date";
  const std::string& date_text = *h.value_of(date_name);
  std::optional<std::chrono::system_clock::time_point> date = parse_http_date(date_text);
  if (!date)
    return std::string(date_name) + " " + quote(date_text) +
           " is not an HTTP date like \"Thu, 26 Nov 2026 23:20:25 GMT\"";
  auto skew = *date > r.now ? *date - r.now : r.now - *date;
  if (skew > max_skew) return "date is more than 5 minutes from the server clock";

  if (const std::string* digest = h.value_of("x-content-sha256"); digest && *digest != content_sha256(r.body))
    return "x-content-sha256 does not match the body";
  if (const std::string* length = h.value_of("content-length"); length && *length != std::to_string(r.body.size()))
    return "content-length does not match the body";
  return std::nullopt;
}

// What the client signed: one "name: value" line per signed header, (request-target) as
// "post /20160918/images?...".
std::string signing_string(const signed_headers& h, const std::string& method, const std::string& target) {
  std::string text;
  for (std::size_t i = 0; i < h.names.size(); ++i) {
    if (i > 0) text += '\n';
    text += h.names[i];
    text += ": ";
    if (h.names[i] == "(request-target)") {
      text += to_lower(method);
      text += ' ';
      text += target;
    } else {
      text += h.values[i];
    }
  }
  return text;
}

}  // namespace

std::optional<signature_parameters> parse_signature_header(std::string_view value, std::string& error) {
  std::size_t i = 0;
  while (i < value.size() && is_space(value[i])) ++i;
  std::size_t scheme_end = i;
  while (scheme_end < value.size() && !is_space(value[scheme_end])) ++scheme_end;
  if (!iequals(value.substr(i, scheme_end - i), "Signature")) {
    error = "authorization header must use the Signature scheme";
    return std::nullopt;
  }

  std::optional<std::string> key_id, algorithm, headers, signature;
  const std::pair<const char*, std::optional<std::string>*> slots[] = {
      {"keyId", &key_id}, {"algorithm", &algorithm}, {"headers", &headers}, {"signature", &signature}};
  parameter_reader reader(value, scheme_end);
  while (reader.next()) {
    std::string_view name;
    std::string text;
    if (!reader.read(name, text, error)) return std::nullopt;
    auto slot = std::find_if(std::begin(slots), std::end(slots), [&](const auto& s) { return iequals(name, s.first); });
    if (slot == std::end(slots)) continue;  // version and any future parameter
    if (slot->second->has_value()) {
      error = "authorization header has " + std::string(name) + " more than once";
      return std::nullopt;
    }
    *slot->second = std::move(text);
  }
  for (const auto& [name, slot] : slots) {
    if (!slot->has_value() || (*slot)->empty()) {
      error = std::string("authorization header has no ") + name;
      return std::nullopt;
    }
  }

  signature_parameters out;
  out.key_id = std::move(*key_id);
  out.algorithm = std::move(*algorithm);
  out.signature = std::move(*signature);
  out.headers = split_header_names(*headers);
  if (out.headers.empty()) {
    error = "authorization header has no headers";
    return std::nullopt;
  }
  return out;
}

namespace {

// The names an IMF-fixdate spells, Monday first as std::chrono::weekday::iso_encoding counts.
constexpr std::array<std::string_view, 7> days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string http_date(std::chrono::system_clock::time_point t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::seconds>(t - day));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                days[std::chrono::weekday(day).iso_encoding() - 1].data(), static_cast<unsigned>(ymd.day()),
                months[static_cast<unsigned>(ymd.month()) - 1].data(), static_cast<int>(ymd.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view t) {
  // "Thu, 26 Nov 2026 23:20:25 GMT": fixed width, 29 characters.
  if (t.size() != 29 || t.substr(3, 2) != ", " || t[7] != ' ' || t[11] != ' ' || t[16] != ' ' || t[19] != ':' ||
      t[22] != ':' || t.substr(25) != " GMT")
    return std::nullopt;
  if (std::find(days.begin(), days.end(), t.substr(0, 3)) == days.end()) return std::nullopt;
  auto month = std::find(months.begin(), months.end(), t.substr(8, 3));
  if (month == months.end()) return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> int {
    int n = 0;
    for (std::size_t k = pos; k < pos + len; ++k) {
      if (t[k] < '0' || t[k] > '9') return -1;
      n = n * 10 + (t[k] - '0');
    }
    return n;
  };
  int day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
  // Years as parse_rfc3339 takes them: beyond 2262 a system_clock time overflows.
  if (day < 0 || year < first_year || year > last_year || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(year),
                                  std::chrono::month(static_cast<unsigned>(month - months.begin() + 1)),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

std::string decode_non_ascii_escapes(std::string_view target) {
  std::string out;
  out.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%' && i + 2 < target.size()) {
      int hi = hex_value(target[i + 1]), lo = hex_value(target[i + 2]);
      if (hi >= 8 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += target[i];
  }
  return out;
}

std::string content_sha256(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(body.data(), body.size(), digest.data(), &digest_len, EVP_sha256(), nullptr) != 1) {
    ERR_clear_error();
    throw std::bad_alloc();  // only an allocation can fail for a built-in digest
  }
  std::string out(4 * ((digest_len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest.data(), static_cast<int>(digest_len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

struct signature_verifier::impl {
  struct key {
    std::string key_id;  // empty: any keyId
    pkey_ptr pkey;
  };
  std::vector<key> keys;

  signature_result verify(const signature_request& r) const;
};

signature_verifier::signature_verifier(const std::vector<ocifake::public_key>& keys) {
  auto state = std::make_shared<impl>();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    pkey_ptr pkey = load_rsa_public_key(keys[i].pem);
    if (!pkey) {
      std::string reason = take_openssl_error();
      throw ocifake::invalid_input(keys[i].key_id.empty() ? "<public key>" : "<public key " + keys[i].key_id + ">",
                                   "$.public_keys[" + std::to_string(i) + "].pem",
                                   "an RSA public key in PEM form (-----BEGIN PUBLIC KEY-----)" +
                                       (reason.empty() ? std::string() : " (OpenSSL: " + reason + ")"));
    }
    state->keys.push_back({keys[i].key_id, std::move(pkey)});
  }
  impl_ = std::move(state);
}

signature_result signature_verifier::verify(const signature_request& r) const {
  try {
    return impl_->verify(r);
  } catch (const std::exception& e) {
    ERR_clear_error();
    return {false, std::string("signature could not be checked: ") + e.what()};
  } catch (...) {
    ERR_clear_error();
    return {false, "signature could not be checked"};
  }
}

signature_result signature_verifier::impl::verify(const signature_request& r) const {
  auto fail = [](std::string message) { return signature_result{false, std::move(message)}; };
  auto header = [&](std::string_view name) -> std::optional<std::string> {
    if (!r.header) return std::nullopt;
    return r.header(name);
  };

  std::optional<std::string> authorization = header("authorization");
  if (!authorization) return fail("missing authorization header");
  std::string parse_error;
  std::optional<signature_parameters> params = parse_signature_header(*authorization, parse_error);
  if (!params) return fail(parse_error);
  if (!iequals(params->algorithm, "rsa-sha256"))
    return fail("algorithm " + quote(params->algorithm) + " is not supported; only rsa-sha256 is");
  const std::string method = std::string(r.method);
  if (auto missing = missing_signed_header(params->headers, method)) return fail(*missing);

  std::vector<const key*> candidates;
  for (const key& k : keys) {
    if (k.key_id.empty() || k.key_id == params->key_id) candidates.push_back(&k);
  }
  if (candidates.empty()) return fail("keyId " + quote(params->key_id) + " is not registered");

  // Values of the signed headers, fetched once; every one must be present.
  signed_headers covered{params->headers, std::vector<std::string>(params->headers.size())};
  for (std::size_t i = 0; i < covered.names.size(); ++i) {
    if (covered.names[i] == "(request-target)") continue;
    std::optional<std::string> v = header(covered.names[i]);
    if (!v) return fail("signed header " + covered.names[i] + " is missing from the request");
    covered.values[i] = std::move(*v);
  }
  if (auto refused = stale_or_altered(covered, r, max_clock_skew)) return fail(*refused);

  std::optional<std::string> signature = base64_decode(params->signature);
  if (!signature || signature->empty()) return fail("signature is not valid base64");

  std::vector<std::string> targets{std::string(r.target)};
  if (std::string decoded = decode_non_ascii_escapes(r.target); decoded != targets.front())
    targets.push_back(std::move(decoded));
  for (const std::string& target : targets) {
    std::string text = signing_string(covered, method, target);
    for (const key* k : candidates) {
      if (rsa_sha256_verifies(k->pkey.get(), text, *signature)) return {true, {}};
    }
  }
  return fail("signature does not verify with the key registered for keyId " + quote(params->key_id));
}

}  // namespace ocifake::detail
