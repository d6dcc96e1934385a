#pragma once
// Helpers for the HTTP tests of the image, shape and work-request operations: answers with their
// status, code and headers, and a fixture that makes images in the states a test needs.

#include "catch_compat.hpp"

#include <string>

#include "support.hpp"

namespace test {

// An answer that arrived (the REQUIRE fails the test otherwise).
struct answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;

  boost::json::value json() const { return test::json(body); }
  boost::json::object object() const {
    auto v = json();
    return v.is_object() ? v.as_object() : boost::json::object{};
  }
  boost::json::array array() const {
    auto v = json();
    return v.is_array() ? v.as_array() : boost::json::array{};
  }
  std::string code() const { return str(json(), "code"); }
  std::string message() const { return str(json(), "message"); }
  bool has(const std::string& name) const { return headers.find(name) != headers.end(); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline answer take(const httplib::Result& r) {
  REQUIRE(r);
  return {r->status, r->body, r->headers};
}

// The ids of the images a list answered, in order.
inline std::vector<std::string> ids_of(const boost::json::array& a) {
  std::vector<std::string> out;
  for (const auto& v : a) out.push_back(str(v, "id"));
  return out;
}

// The ids of the custom images a list answered, in order: ListImages lists the platform images (with
// compartmentId null) in every compartment too.
inline std::vector<std::string> custom_ids_of(const boost::json::array& a) {
  std::vector<std::string> out;
  for (const auto& v : a)
    if (!v.as_object().at("compartmentId").is_null()) out.push_back(str(v, "id"));
  return out;
}

struct api_fixture {
  // A manual clock and a fixed seed; a test about custom images only may leave out the catalogue
  // of platform images (`api_fixture(without_platform_images())`).
  static ocifake::server_options without_platform_images() {
    return {.clock = ocifake::clock_mode::manual, .platform_images = false, .seed = 11};
  }

  ocifake::server fake;
  client c{fake};
  std::string instance = fake.add_instance({.compartment_id = compartment,
                                            .display_name = "web-1",
                                            .operating_system = "Oracle Linux",
                                            .operating_system_version = "8"});

  // Without TCP_NODELAY a POST's body waits for the delayed ACK of its headers (~40 ms a request).
  explicit api_fixture(ocifake::server_options options = {.clock = ocifake::clock_mode::manual, .seed = 11})
      : fake(std::move(options)) {
    c.http.set_tcp_nodelay(true);
  }

  answer get(const std::string& path, const httplib::Headers& h = {}) { return take(c.get(path, h)); }
  answer post(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return take(c.post(path, body, h));
  }
  answer put(const std::string& path, const std::string& body, const httplib::Headers& h = {}) {
    return take(c.put(path, body, h));
  }
  answer del(const std::string& path, const httplib::Headers& h = {}) { return take(c.del(path, h)); }

  // An instance no image is being made of: `instance` the first time, then a copy of it a call, under an
  // id of its own (so the OCIDs the server draws for images stay as they were). An instance is
  // CREATING_IMAGE while an image of it provisions, and refuses a second one meanwhile.
  std::string free_instance() {
    if (instances_used_++ == 0) return instance;
    return fake.add_instance({.compartment_id = compartment,
                              .display_name = "web-1",
                              .operating_system = "Oracle Linux",
                              .operating_system_version = "8",
                              .id = instance + "n" + std::to_string(instances_used_)});
  }

  // A new image from an instance (PROVISIONING); `extra` is appended to the CreateImage body.
  answer create(const std::string& extra = "") {
    auto a = post("/20160918/images", create_body(free_instance(), extra));
    INFO(a.body);
    REQUIRE(a.status == 200);
    return a;
  }
  // A new image, read until it is AVAILABLE; answers its id.
  std::string available(const std::string& extra = "") {
    auto id = str(create(extra).json(), "id");
    for (int i = 0; i < 10; ++i)
      if (str(get("/20160918/images/" + id).json(), "lifecycleState") == "AVAILABLE") return id;
    FAIL("image " << id << " never became AVAILABLE");
    return id;
  }
  std::string etag_of(const std::string& id) { return get("/20160918/images/" + id).header("etag"); }
  std::string state_of(const std::string& id) { return str(get("/20160918/images/" + id).json(), "lifecycleState"); }
  // ListImages in test::compartment with `query` appended ("&sortBy=DISPLAYNAME").
  answer list(const std::string& query = "") { return get("/20160918/images?compartmentId=" + compartment + query); }

private:
  int instances_used_ = 0;
};

}  // namespace test
