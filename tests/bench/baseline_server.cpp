#include "baseline_server.hpp"

#include <thread>

#include <boost/json.hpp>
#include <httplib.h>

namespace bench {

struct baseline_server::impl {
  httplib::Server http;
  std::thread accept_thread;
  std::string body;
  int port = 0;
};

baseline_server::baseline_server(std::string canned_body) : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.body = std::move(canned_body);
  s.http.set_tcp_nodelay(true);
  s.http.Post("/20160918/images", [&s](const httplib::Request& req, httplib::Response& res) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::value* c = o ? o->if_contains("compartmentId") : nullptr;
    if (!c || !c->is_string()) {
      res.status = 400;
      res.set_content(R"({"code":"InvalidParameter","message":"compartmentId"})", "application/json");
      return;
    }
    res.set_content(s.body, "application/json");
  });
  s.http.Get(R"(/20160918/images/[^/]+)",
             [&s](const httplib::Request&, httplib::Response& res) { res.set_content(s.body, "application/json"); });
  s.port = s.http.bind_to_any_port("127.0.0.1");
  if (s.port <= 0) throw std::runtime_error("baseline_server: cannot bind 127.0.0.1");
  s.accept_thread = std::thread([&s] { s.http.listen_after_bind(); });
}

baseline_server::~baseline_server() {
  while (!impl_->http.is_running()) std::this_thread::yield();
  impl_->http.stop();
  impl_->accept_thread.join();
}

std::string baseline_server::endpoint() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }
std::uint16_t baseline_server::port() const { return static_cast<std::uint16_t>(impl_->port); }

}  // namespace bench
