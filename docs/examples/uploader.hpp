// The "code under test" of the framework examples: a small uploader that creates an image from an
// instance and, as a careful OCI client does, retries a request that got no answer with the same
// opc-retry-token, so the service applies it once.
#pragma once

#include <stdexcept>
#include <string>

#include <httplib.h>

namespace example {

/// Creates an image of `instance` through the OCI endpoint; returns the new image's OCID.
inline std::string upload_image(const std::string& endpoint, const std::string& compartment,
                                const std::string& instance, const std::string& retry_token) {
  httplib::Client oci(endpoint);
  oci.set_tcp_nodelay(true);
  oci.set_read_timeout(5, 0);
  const httplib::Headers headers{{"opc-retry-token", retry_token}};
  const std::string body =
      R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance + R"(", "displayName": "golden"})";
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto answer = oci.Post("/20160918/images", headers, body, "application/json");
    if (!answer) continue;  // no answer: the same request again, same token
    if (answer->status != 200) throw std::runtime_error("CreateImage answered " + std::to_string(answer->status));
    auto at = answer->body.find(R"("id":")");
    if (at == std::string::npos) throw std::runtime_error("CreateImage answered no id");
    at += 6;
    return answer->body.substr(at, answer->body.find('"', at) - at);
  }
  throw std::runtime_error("CreateImage: no answer after 3 attempts");
}

}  // namespace example
