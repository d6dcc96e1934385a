#pragma once
// Signs requests the way the OCI TypeScript SDK does (oci-common's DefaultRequestSigner over
// http-signature: draft-cavage-http-signatures-08, RSA-SHA256): x-date, (request-target) and host
// always; Content-Type, Content-Length and x-content-sha256 added for POST, PUT and PATCH, header
// names spelled as the SDK spells them. Used by the verifier's unit tests and by the HTTP tests of a
// server that checks signatures.

#include <cctype>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "http/signature.hpp"

namespace test::signing {

/// The keyId the SDK would send for a tenancy, a user and a key fingerprint.
inline const std::string sdk_key_id =
    "ocid1.tenancy.oc1..aaaaaaaatenancy/ocid1.user.oc1..aaaaaaaauser/06:70:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:fb";

struct test_key {
  std::shared_ptr<EVP_PKEY> pkey;
  std::string public_pem;  // SubjectPublicKeyInfo
};

/// The public half in PEM: "SubjectPublicKeyInfo" (BEGIN PUBLIC KEY) or "type-specific" (PKCS#1).
inline std::string encode_public(EVP_PKEY* pkey, const char* structure) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_PUBLIC_KEY, "PEM", structure, nullptr);
  unsigned char* data = nullptr;
  std::size_t len = 0;
  if (ctx == nullptr || OSSL_ENCODER_to_data(ctx, &data, &len) != 1) {
    OSSL_ENCODER_CTX_free(ctx);
    throw std::runtime_error("encoding a public key failed");
  }
  OSSL_ENCODER_CTX_free(ctx);
  std::string pem(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  return pem;
}

inline test_key make_key() {
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  if (pkey == nullptr) throw std::runtime_error("RSA key generation failed");
  test_key k{std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free), {}};
  k.public_pem = encode_public(pkey, "SubjectPublicKeyInfo");
  return k;
}

// Key generation takes a noticeable moment: two keys for the whole test program.
inline const test_key& key_a() {
  static const test_key k = make_key();
  return k;
}
inline const test_key& key_b() {
  static const test_key k = make_key();
  return k;
}

inline std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

inline std::string rsa_sha256_sign(EVP_PKEY* pkey, const std::string& message) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, message.size()) != 1)
    throw std::runtime_error("RSA-SHA256 signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, message.size()) != 1)
    throw std::runtime_error("RSA-SHA256 signing failed");
  sig.resize(len);
  return sig;
}

/// "Thu, 26 Nov 2026 23:20:25 GMT", as the SDK writes x-date: the server's own formatter.
using ocifake::detail::http_date;

inline std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A request as it goes on the wire; header names are kept lowercased.
struct wire_request {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;

  /// The verifier's view of it, checked at `now`.
  ocifake::detail::signature_request view(std::chrono::system_clock::time_point now) const {
    return {method, target,
            [this](std::string_view name) -> std::optional<std::string> {
              auto it = headers.find(lowercase(std::string(name)));
              if (it == headers.end()) return std::nullopt;
              return it->second;
            },
            body, now};
  }
};

struct sign_options {
  std::chrono::system_clock::time_point date = std::chrono::system_clock::now();
  std::string signed_target;                 // what the SDK puts in (request-target); empty: the wire target
  std::vector<std::string> headers_to_sign;  // empty: the SDK's list for the method
  std::string key_id = sdk_key_id;
  std::string host_header = "127.0.0.1:43429";

  // Chained setters rather than designated initializers: GCC 12 warns about the members left out.
  sign_options& at(std::chrono::system_clock::time_point t) {
    date = t;
    return *this;
  }
  sign_options& target(std::string t) {
    signed_target = std::move(t);
    return *this;
  }
  sign_options& signing(std::vector<std::string> names) {
    headers_to_sign = std::move(names);
    return *this;
  }
  sign_options& key(std::string id) {
    key_id = std::move(id);
    return *this;
  }
  sign_options& host(std::string h) {
    host_header = std::move(h);
    return *this;
  }
};

/// Signs as oci-common's DefaultRequestSigner does. Sets host, x-date, date, authorization and, for
/// POST, PUT and PATCH, content-type (application/json), content-length and x-content-sha256.
inline wire_request sdk_sign(const test_key& key, std::string method, std::string target, std::string body = {},
                             sign_options opt = {}) {
  wire_request r{method, target, body, {}};
  r.headers["host"] = opt.host_header;
  r.headers["x-date"] = http_date(opt.date);
  r.headers["date"] = http_date(opt.date);
  const bool has_body = method == "POST" || method == "PUT" || method == "PATCH";
  std::vector<std::string> names = opt.headers_to_sign;
  if (names.empty()) {
    names = {"x-date", "(request-target)", "host"};
    if (has_body) names.insert(names.end(), {"Content-Type", "Content-Length", "x-content-sha256"});
  }
  if (has_body) {
    r.headers["content-type"] = "application/json";
    r.headers["content-length"] = std::to_string(body.size());
    r.headers["x-content-sha256"] = ocifake::detail::content_sha256(body);
  }
  const std::string lower_method = lowercase(method);
  std::string signing_string, header_list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string h = lowercase(names[i]);
    if (i > 0) {
      signing_string += "\n";
      header_list += " ";
    }
    header_list += names[i];
    if (h == "(request-target)")
      signing_string += h + ": " + lower_method + " " + (opt.signed_target.empty() ? target : opt.signed_target);
    else
      signing_string += h + ": " + r.headers.at(h);
  }
  r.headers["authorization"] = "Signature version=\"1\",keyId=\"" + opt.key_id +
                               "\",algorithm=\"rsa-sha256\",headers=\"" + header_list + "\",signature=\"" +
                               base64(rsa_sha256_sign(key.pkey.get(), signing_string)) + "\"";
  return r;
}

}  // namespace test::signing
