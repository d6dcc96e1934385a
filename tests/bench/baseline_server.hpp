#pragma once
// The baseline every ocifake figure is compared with: a bare cpp-httplib server whose handlers do
// the least a real stub must do. POST parses the JSON body with Boost.JSON and checks it names a
// compartment; both POST and GET answer a canned body (the same bytes ocifake answers, so that
// both send as much). TCP_NODELAY is on; everything else is httplib's default.

#include <cstdint>
#include <memory>
#include <string>

namespace bench {

class baseline_server {
public:
  explicit baseline_server(std::string canned_body);
  // Stops and joins. Call it only after one answer has been received: cpp-httplib loses a stop()
  // that comes before its accept loop runs.
  ~baseline_server();
  baseline_server(const baseline_server&) = delete;
  baseline_server& operator=(const baseline_server&) = delete;

  std::string endpoint() const;
  std::uint16_t port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bench
