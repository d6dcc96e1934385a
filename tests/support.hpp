#pragma once
// Helpers for the HTTP tests: a client for one fake, JSON access, common fixtures.

#include <string>

#include <boost/json.hpp>
#include <httplib.h>

#include <ocifake/ocifake.hpp>

namespace test {

inline const std::string compartment = "ocid1.compartment.oc1..aaaaaaaatestcompartment";

inline boost::json::value json(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return boost::json::value("<not json: " + text + ">");
  return v;
}

inline std::string str(const boost::json::value& v, const char* key) {
  if (auto* o = v.if_object())
    if (auto* f = o->if_contains(key))
      if (auto* s = f->if_string()) return std::string(*s);
  return {};
}

// A client with short timeouts and keep-alive, as OCI SDKs use.
struct client {
  explicit client(const ocifake::server& s) : http(s.endpoint()) {
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true);  // without it every POST waits ~40 ms for a delayed ACK
    http.set_read_timeout(5, 0);
    http.set_connection_timeout(2, 0);
  }
  httplib::Result get(const std::string& path, const httplib::Headers& h = {}) { return http.Get(path, h); }
  httplib::Result post(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return http.Post(path, h, body, "application/json");
  }
  httplib::Result put(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return http.Put(path, h, body, "application/json");
  }
  httplib::Result del(const std::string& path, const httplib::Headers& h = {}) { return http.Delete(path, h); }
  httplib::Client http;
};

// A create-from-instance body for `instance` in test::compartment, with extra fields appended.
inline std::string create_body(const std::string& instance, const std::string& extra = "") {
  return R"({"compartmentId":")" + compartment + R"(","instanceId":")" + instance + "\"" +
         (extra.empty() ? "" : "," + extra) + "}";
}

inline std::string import_body(const std::string& extra_source = "", const std::string& extra = "") {
  return R"({"compartmentId":")" + compartment +
         R"(","imageSourceDetails":{"sourceType":"objectStorageTuple","namespaceName":"ns","bucketName":"images","objectName":"disk.qcow2","sourceImageType":"QCOW2")" +
         (extra_source.empty() ? "" : "," + extra_source) + "}" + (extra.empty() ? "" : "," + extra) + "}";
}

}  // namespace test
