#pragma once
// Raw-socket access to a fake, for the fault tests that must see exactly what arrives on the wire
// (how many body bytes, a FIN or a RST), and a bounded wait for things the server does on its own
// threads.

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "raw_http.hpp"

namespace test {

// Everything one request got back over a fresh connection.
struct wire_reply {
  std::string bytes;       // every byte that arrived, headers included
  bool eof = false;        // the server closed its side (FIN)
  int error = 0;           // errno of the read that failed (ECONNRESET for a RST); 0 otherwise
  bool timed_out = false;  // neither data nor end within the timeout

  std::string head() const { return bytes.substr(0, bytes.find("\r\n\r\n")); }
  std::string body() const {
    auto at = bytes.find("\r\n\r\n");
    return at == std::string::npos ? std::string() : bytes.substr(at + 4);
  }
  // The status of the status line; 0 when none arrived.
  int status() const {
    if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) return 0;
    return std::stoi(bytes.substr(9, 3));
  }
  // A header of the answer, by case-insensitive name; empty optional when absent.
  std::optional<std::string> header(std::string name) const {
    auto lower = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      return s;
    };
    name = lower(name);
    auto h = head();
    std::size_t start = h.find("\r\n");
    while (start != std::string::npos) {
      start += 2;
      auto end = h.find("\r\n", start);
      auto line = h.substr(start, end == std::string::npos ? std::string::npos : end - start);
      auto colon = line.find(':');
      if (colon != std::string::npos && lower(line.substr(0, colon)) == name) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        return value;
      }
      start = end;
    }
    return std::nullopt;
  }
};

// Sends `request` verbatim to 127.0.0.1:port on a new connection and reads until the server ends
// the connection or `timeout` passes without a byte.
inline wire_reply exchange(std::uint16_t port, const std::string& request,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  wire_reply out;
  raw::connection c(port);
  if (!c.ok()) {
    out.error = c.error();
    return out;
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    auto n = ::send(c.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      out.error = errno;
      return out;
    }
    sent += static_cast<std::size_t>(n);
  }
  for (;;) {
    pollfd p{c.fd(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready == 0) {
      out.timed_out = true;
      break;
    }
    char buf[4096];
    auto n = ::recv(c.fd(), buf, sizeof buf, 0);
    if (n > 0) {
      out.bytes.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0)
      out.eof = true;
    else
      out.error = errno;
    break;
  }
  return out;
}

// A GET with nothing but the headers HTTP/1.1 needs; the connection is left for the server to end.
inline std::string raw_get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"; }

inline std::string raw_post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Polls `done` until it holds or `limit` passes; true when it held. For state the server changes
// on its own threads, which offer no event to wait on (a request that is hanging, say).
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace test
