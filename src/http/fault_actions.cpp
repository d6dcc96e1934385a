// What an injected fault does to a request and its connection: an error answer, a delay, a hang,
// a reset or closed connection, a malformed, truncated or slow answer.
#include "http/server_impl.hpp"
#include "http/sockets.hpp"

namespace ocifake {

using namespace std::chrono_literals;

bool server::impl::wait_for(std::chrono::milliseconds d) {
  std::unique_lock lock(wait_mutex);
  return !wait_cv.wait_for(lock, d, [&] { return stopping; });
}

void server::impl::carry_out(const detail::fault_decision& fault, const httplib::Request& hreq, httplib::Response& res,
                             const detail::api_response* answer, journal_entry& entry) {
  const auto& rule = fault.rule;
  if (answer) {
    entry.changes = answer->changes;
    entry.replayed = answer->replayed;
  }
  auto socket = [&] { return detail::find_socket(port, hreq.remote_addr, hreq.remote_port); };
  // The entry of an answer that never comes is written before the connection goes: a client that
  // sees the reset and reads the journal at once finds it there.
  auto no_answer = [&] {
    // httplib writes whatever the handler leaves into a socket that is already shut down.
    res.status = 500;
    entry.status = 0;
    record(std::move(entry));
  };
  switch (*rule.action()) {
    case fault_action::error: {
      auto r = detail::error_response(rule.status(), rule.code(),
                                      rule.message().empty() ? "injected fault: " + rule.code() : rule.message());
      if (rule.retry_after()) r.headers.emplace_back("retry-after", std::to_string(*rule.retry_after()));
      write_answer(res, r);
      entry.status = r.status;
      entry.error_code = r.error_code;
      record(std::move(entry));
      return;
    }
    case fault_action::delay:
      wait_for(*rule.duration());
      write_answer(res, *answer);
      entry.status = answer->status;
      entry.error_code = answer->error_code;
      record(std::move(entry));
      return;
    case fault_action::hang: {
      int fd = socket();
      auto deadline = rule.duration() ? std::optional(std::chrono::steady_clock::now() + *rule.duration()) : std::nullopt;
      // Until the time passes, the client goes away or the server stops; the client's side is
      // checked every few milliseconds since a blocked worker cannot wait on its socket and the
      // stop signal at once.
      while (wait_for(20ms)) {
        if (deadline && std::chrono::steady_clock::now() >= *deadline) break;
        if (detail::peer_gone(fd)) break;
      }
      no_answer();
      detail::shutdown_socket(fd);
      return;
    }
    case fault_action::reset: {
      int fd = socket();
      no_answer();
      detail::reset_socket(fd);
      return;
    }
    case fault_action::close: {
      int fd = socket();
      no_answer();
      detail::shutdown_socket(fd);
      return;
    }
    case fault_action::malformed:
      res.status = 200;
      res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "application/json");
      entry.status = 200;
      record(std::move(entry));
      return;
    case fault_action::truncate:
    case fault_action::slow_body: {
      detail::api_response r = answer ? *answer : detail::error_response(500, "InternalServerError", "no answer");
      entry.status = r.status;
      entry.error_code = r.error_code;
      if (r.body.empty()) {
        // A 204 has no body to dribble or cut (and httplib streams no empty body: a provider of
        // length 0 would be called forever). slowBody holds the whole answer back for its time;
        // truncate cuts the head instead: status line and headers, then the connection closes
        // before the blank line that would end them.
        if (*rule.action() == fault_action::slow_body) {
          wait_for(*rule.duration());
          write_answer(res, r);
          record(std::move(entry));
          return;
        }
        std::string head = "HTTP/1.1 " + std::to_string(r.status) + (r.status == 204 ? " No Content" : "") + "\r\n";
        head += "opc-request-id: " + res.get_header_value("opc-request-id") + "\r\n";
        for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
        int fd = socket();
        res.status = 500;  // written into the closed connection, and lost
        record(std::move(entry));
        detail::send_all(fd, head);
        detail::shutdown_socket(fd);
        return;
      }
      res.status = r.status;
      for (const auto& [k, v] : r.headers) res.set_header(k, v);
      auto body = std::make_shared<std::string>(r.body);
      if (*rule.action() == fault_action::truncate) {
        std::size_t n = std::min(rule.bytes().value_or(body->size() / 2), body->size());
        // Content-Length promises the whole body; the provider gives up after n bytes and
        // httplib closes the connection.
        res.set_content_provider(body->size(), "application/json",
                                 [body, n](std::size_t, std::size_t, httplib::DataSink& sink) {
                                   if (n) sink.write(body->data(), n);
                                   return false;
                                 });
      } else {
        // About ten pieces, each sent when its share of the time has passed since the first, so
        // the last byte leaves no sooner than `total` after the headers whatever the body's size.
        auto total = *rule.duration();
        auto started = std::make_shared<std::chrono::steady_clock::time_point>();
        res.set_content_provider(
            body->size(), "application/json",
            [this, body, total, started](std::size_t offset, std::size_t, httplib::DataSink& sink) {
              if (offset == 0) *started = std::chrono::steady_clock::now();
              std::size_t chunk = std::max<std::size_t>(1, (body->size() + 9) / 10);
              std::size_t n = std::min(chunk, body->size() - offset);
              auto due = *started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        total * static_cast<double>(offset + n) / static_cast<double>(body->size()));
              auto now = std::chrono::steady_clock::now();
              if (due > now && !wait_for(std::chrono::ceil<std::chrono::milliseconds>(due - now))) return false;
              return sink.write(body->data() + offset, n);
            });
      }
      record(std::move(entry));
      return;
    }
  }
}

}  // namespace ocifake
