#pragma once
// cpp-httplib 0.11.4 gives handlers no socket. Connection-level behaviour (fault actions, prompt
// shutdown) finds the accepted socket by its addresses among the process's descriptors. These
// functions never close a descriptor: httplib owns them and closes them itself.

#include <string>
#include <vector>

namespace ocifake::detail {

// Accepted TCP sockets whose local port is `local_port` (the listening socket excluded).
std::vector<int> accepted_sockets(int local_port);
// The accepted socket of one connection, or -1.
int find_socket(int local_port, const std::string& remote_addr, int remote_port);
// FIN: the peer sees the connection closed with no (more) bytes.
void shutdown_socket(int fd);
// RST: the peer sees "connection reset by peer".
void reset_socket(int fd);
// Writes all of `bytes` (best effort: stops at the first error; never raises SIGPIPE).
void send_all(int fd, const std::string& bytes);
// True when the peer has closed or reset its side.
bool peer_gone(int fd);

// True for "localhost" and the loopback addresses (127.0.0.0/8, ::1): the hosts a server may listen
// on without allow_remote.
bool is_loopback(const std::string& host);

}  // namespace ocifake::detail
