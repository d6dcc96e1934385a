#pragma once
// A bare HTTP/1.1 client over a TCP socket, for requests no well-behaved client library sends:
// malformed request lines, NUL bytes, raw escapes, oversized headers, bodies that lie about their
// length, connections that go away mid-request. Test helper: blocking, one request at a time.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace test::raw {

// One TCP connection to 127.0.0.1:port; closed when destroyed.
class connection {
public:
  explicit connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error_ = errno;
      return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      error_ = errno;
      close();
    }
  }
  ~connection() { close(); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  connection(connection&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

  bool ok() const { return fd_ >= 0; }
  int error() const { return error_; }  // errno of a failed socket() or connect()
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes with a RST instead of a FIN.
  void reset() {
    if (fd_ < 0) return;
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
  }

  // Sends everything, unless the peer answers or goes away first (a server may answer 413 before
  // the body is in): false then.
  bool send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) return false;
      auto n = ::send(fd_, bytes.data(), std::min<std::size_t>(bytes.size(), 64 * 1024), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Whatever arrives until the peer closes, `deadline` passes, or (with `one_answer`) a complete
  // answer with a Content-Length has arrived.
  std::string receive(std::chrono::milliseconds deadline = std::chrono::seconds(5), bool one_answer = true) {
    std::string in;
    auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      if (one_answer && complete(in)) return in;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return in;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return in;
      char buf[16384];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return in;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }

  // True when the server closed the connection (EOF or RST) within `deadline`.
  bool closed_by_peer(std::chrono::milliseconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }

  static bool complete(const std::string& in) {
    auto end = in.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    auto head = in.substr(0, end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto cl = head.find("\r\ncontent-length:");
    if (cl == std::string::npos) return false;
    auto length = std::stoul(head.substr(cl + 17));
    return in.size() >= end + 4 + length;
  }

private:
  int fd_ = -1;
  int error_ = 0;
};

// A parsed answer: status 0 when none arrived.
struct answer {
  int status = 0;
  std::string head;
  std::string body;
};

inline answer parse(const std::string& in) {
  answer a;
  if (in.rfind("HTTP/1.1 ", 0) != 0 || in.size() < 12) return a;
  a.status = std::stoi(in.substr(9, 3));
  auto end = in.find("\r\n\r\n");
  a.head = in.substr(0, end);
  if (end != std::string::npos) a.body = in.substr(end + 4);
  return a;
}

// Sends `request` (bytes exactly as given) on a new connection and reads the answer.
inline answer exchange(std::uint16_t port, std::string_view request,
                       std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  connection c(port);
  if (!c.ok()) return {};
  c.send_all(request);
  return parse(c.receive(deadline));
}

}  // namespace test::raw
