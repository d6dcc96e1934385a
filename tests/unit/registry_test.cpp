// The operation registry: one row per OCI operation, read by the router, dispatch and fault rules.
#include "api/registry.hpp"

#include "catch_compat.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <httplib.h>

#include <ocifake/faults.hpp>
#include <ocifake/server.hpp>

#include "http/router.hpp"

using namespace ocifake::detail;

namespace {

constexpr std::string_view all_methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};

// The row's path with a value in each parameter.
std::string sample_path(const operation& op, std::vector<std::string>& params) {
  std::string out = "/20160918";
  std::string_view path = op.path;
  std::size_t i = 0;
  while (i < path.size()) {
    auto open = path.find('{', i);
    if (open == std::string_view::npos) {
      out += path.substr(i);
      break;
    }
    out += path.substr(i, open - i);
    auto close = path.find('}', open);
    auto name = std::string(path.substr(open + 1, close - open - 1));
    params.push_back(name == "shapeName" ? "VM.Standard.E4.Flex" : "ocid1.x.oc1.phx.aaaa" + name);
    out += params.back();
    i = close + 1;
  }
  return out;
}

std::set<std::string_view> methods_of(std::string_view path) {
  std::set<std::string_view> out;
  for (const auto& op : operations())
    if (op.path == path) out.insert(op.method);
  return out;
}

}  // namespace

TEST_CASE("registry: every row routes to itself, with its path parameters", "[registry]") {
  for (const auto& op : operations()) {
    INFO(op.name);
    std::vector<std::string> params;
    auto path = sample_path(op, params);
    auto r = route(op.method, path);
    REQUIRE(r.what == route_result::kind::operation);
    CHECK(r.op == &op);
    CHECK(r.params == params);
    CHECK(find_operation(op.name) == &op);
  }
  CHECK(find_operation("NoSuchOperation") == nullptr);
}

TEST_CASE("registry: names are unique, and so are method and path together", "[registry]") {
  std::set<std::string_view> names;
  std::set<std::pair<std::string_view, std::string_view>> routes;
  for (const auto& op : operations()) {
    INFO(op.name);
    CHECK(names.insert(op.name).second);
    CHECK(routes.insert({op.method, op.path}).second);
    CHECK(op.path.starts_with("/"));
    CHECK(op.handler != nullptr);
    // A read never changes state, and only POST and PUT carry a retry token.
    if (op.method == "GET") CHECK_FALSE(op.changes_state);
    if (op.retry_token) CHECK((op.method == "POST" || op.method == "PUT"));
    // The resource a fault rule matches is the path's first parameter.
    bool names_image = op.path.starts_with("/images/{");
    bool names_work_request = op.path.starts_with("/workRequests/{");
    CHECK((op.resource == path_resource::image) == names_image);
    CHECK((op.resource == path_resource::work_request) == names_work_request);
    CHECK((op.resource == path_resource::instance) == op.path.starts_with("/instances/{"));
  }
}

TEST_CASE("registry: every name is an operation_names() entry that a fault rule accepts", "[registry][faults]") {
  std::vector<std::string> from_registry;
  for (const auto& op : operations()) from_registry.emplace_back(op.name);
  CHECK(ocifake::operation_names() == from_registry);
  ocifake::server fake;
  for (const auto& name : from_registry) {
    INFO(name);
    CHECK_NOTHROW(fake.faults().add(ocifake::fault::on(name).reset_connection()));
    CHECK_NOTHROW(fake.faults().add_json(R"({"operation": ")" + name + R"(", "action": {"type": "close"}})"));
  }
  CHECK_THROWS_AS(fake.faults().add(ocifake::fault::on("GetImages").reset_connection()), ocifake::invalid_input);
}

TEST_CASE("registry: a method a path does not take is 405 with the methods it takes", "[registry][http]") {
  ocifake::server fake;
  httplib::Client client(fake.endpoint());
  for (const auto& op : operations()) {
    std::vector<std::string> params;
    auto path = sample_path(op, params);
    auto taken = methods_of(op.path);
    std::string allowed;
    for (std::string_view m : {"GET", "POST", "PUT", "DELETE"})
      if (taken.count(m)) allowed += (allowed.empty() ? "" : ", ") + std::string(m);
    for (auto method : all_methods) {
      if (taken.count(method)) continue;
      INFO(std::string(method) + " " + path);
      auto r = route(method, path);
      CHECK(r.what == route_result::kind::method_not_allowed);
      CHECK(r.allowed == allowed);
      httplib::Request req;
      req.method = std::string(method);
      req.path = path;
      httplib::Response res;
      httplib::Error error = httplib::Error::Success;
      REQUIRE(client.send(req, res, error));
      CHECK(res.status == 405);
      CHECK(res.get_header_value("Allow") == allowed);
      CHECK_THAT(res.body, catch_compat::Contains("MethodNotAllowed"));
    }
  }
}
