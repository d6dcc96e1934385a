// What an injected fault does to a request and its connection: an error answer, a delay, a hang,
// a reset or closed connection, a malformed, truncated or slow answer. One function per action,
// each writing the request's journal entry once.
#include "http/server_impl.hpp"
#include "http/sockets.hpp"

namespace ocifake {

using namespace std::chrono_literals;

bool server::impl::wait_for(std::chrono::milliseconds d) {
  std::unique_lock lock(wait_mutex);
  return !wait_cv.wait_for(lock, d, [&] { return stopping; });
}

// One fault carried out on one request.
class server::impl::fault_run {
public:
  fault_run(server::impl& s, const fault& rule, const httplib::Request& hreq, httplib::Response& res,
            const detail::api_response* answer, journal_entry& entry)
      : s_(s), rule_(rule), hreq_(hreq), res_(res), answer_(answer), entry_(entry) {}

  void error() {
    auto r = detail::error_response(rule_.status(), rule_.code(),
                                    rule_.message().empty() ? "injected fault: " + rule_.code() : rule_.message());
    if (rule_.retry_after()) r.headers.emplace_back("retry-after", std::to_string(*rule_.retry_after()));
    write_answer(res_, r);
    answered(r);
  }

  void delay() {
    s_.wait_for(*rule_.duration());
    write_answer(res_, *answer_);
    answered(*answer_);
  }

  // Until the time passes, the client goes away or the server stops; the client's side is checked
  // every few milliseconds since a blocked worker cannot wait on its socket and the stop signal at once.
  void hang() {
    int fd = socket();
    auto deadline =
        rule_.duration() ? std::optional(std::chrono::steady_clock::now() + *rule_.duration()) : std::nullopt;
    while (s_.wait_for(20ms)) {
      if (deadline && std::chrono::steady_clock::now() >= *deadline) break;
      if (detail::peer_gone(fd)) break;
    }
    no_answer();
    detail::shutdown_socket(fd);
  }

  void reset() {
    int fd = socket();
    no_answer();
    detail::reset_socket(fd);
  }

  void close() {
    int fd = socket();
    no_answer();
    detail::shutdown_socket(fd);
  }

  void malformed() {
    res_.status = 200;
    res_.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "application/json");
    entry_.status = 200;
    s_.record(std::move(entry_));
  }

  // truncate and slowBody: the answer's head as it is, its body cut or dribbled.
  void damage_body() {
    detail::api_response r = answer_ ? *answer_ : detail::error_response(500, "InternalServerError", "no answer");
    entry_.status = r.status;
    entry_.error_code = r.error_code;
    if (r.body.empty()) return damage_empty_body(r);
    res_.status = r.status;
    for (const auto& [k, v] : r.headers) res_.set_header(k, v);
    auto body = std::make_shared<std::string>(r.body);
    if (*rule_.action() == fault_action::truncate)
      cut(body);
    else
      dribble(body);
    s_.record(std::move(entry_));
  }

private:
  int socket() const { return detail::find_socket(s_.port, hreq_.remote_addr, hreq_.remote_port); }

  void answered(const detail::api_response& r) {
    entry_.status = r.status;
    entry_.error_code = r.error_code;
    s_.record(std::move(entry_));
  }

  // The entry of an answer that never comes is written before the connection goes: a client that
  // sees the reset and reads the journal at once finds it there.
  void no_answer() {
    // httplib writes whatever the handler leaves into a socket that is already shut down.
    res_.status = 500;
    entry_.status = 0;
    s_.record(std::move(entry_));
  }

  // A 204 has no body to dribble or cut (and httplib streams no empty body: a provider of length 0
  // would be called forever). slowBody holds the whole answer back for its time; truncate cuts the
  // head instead: status line and headers, then the connection closes before the blank line that
  // would end them.
  void damage_empty_body(const detail::api_response& r) {
    if (*rule_.action() == fault_action::slow_body) {
      s_.wait_for(*rule_.duration());
      write_answer(res_, r);
      s_.record(std::move(entry_));
      return;
    }
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + (r.status == 204 ? " No Content" : "") + "\r\n";
    for (const char* name : {"Date", "opc-request-id"}) head += name + (": " + res_.get_header_value(name)) + "\r\n";
    for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
    int fd = socket();
    res_.status = 500;  // written into the closed connection, and lost
    s_.record(std::move(entry_));
    detail::send_all(fd, head);
    detail::shutdown_socket(fd);
  }

  // Content-Length promises the whole body; the provider gives up after n bytes and httplib
  // closes the connection.
  void cut(const std::shared_ptr<std::string>& body) {
    std::size_t n = std::min(rule_.bytes().value_or(body->size() / 2), body->size());
    res_.set_content_provider(body->size(), "application/json",
                              [body, n](std::size_t, std::size_t, httplib::DataSink& sink) {
                                if (n) sink.write(body->data(), n);
                                return false;
                              });
  }

  // About ten pieces, each sent when its share of the time has passed since the first, so the last
  // byte leaves no sooner than `total` after the headers whatever the body's size.
  void dribble(const std::shared_ptr<std::string>& body) {
    auto total = *rule_.duration();
    auto started = std::make_shared<std::chrono::steady_clock::time_point>();
    server::impl* s = &s_;
    res_.set_content_provider(
        body->size(), "application/json",
        [s, body, total, started](std::size_t offset, std::size_t, httplib::DataSink& sink) {
          if (offset == 0) *started = std::chrono::steady_clock::now();
          std::size_t chunk = std::max<std::size_t>(1, (body->size() + 9) / 10);
          std::size_t n = std::min(chunk, body->size() - offset);
          auto due = *started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    total * static_cast<double>(offset + n) / static_cast<double>(body->size()));
          auto now = std::chrono::steady_clock::now();
          if (due > now && !s->wait_for(std::chrono::ceil<std::chrono::milliseconds>(due - now))) return false;
          return sink.write(body->data() + offset, n);
        });
  }

  server::impl& s_;
  const fault& rule_;
  const httplib::Request& hreq_;
  httplib::Response& res_;
  const detail::api_response* answer_;
  journal_entry& entry_;
};

void server::impl::carry_out(const detail::fault_decision& fault, const httplib::Request& hreq, httplib::Response& res,
                             const detail::api_response* answer, journal_entry& entry) {
  if (answer) {
    entry.changes = answer->changes;
    entry.replayed = answer->replayed;
  }
  fault_run run(*this, fault.rule, hreq, res, answer, entry);
  switch (*fault.rule.action()) {
    case fault_action::error: return run.error();
    case fault_action::delay: return run.delay();
    case fault_action::hang: return run.hang();
    case fault_action::reset: return run.reset();
    case fault_action::close: return run.close();
    case fault_action::malformed: return run.malformed();
    case fault_action::truncate:
    case fault_action::slow_body: return run.damage_body();
  }
}

}  // namespace ocifake
