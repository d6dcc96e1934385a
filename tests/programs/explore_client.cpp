// A small OCI client for the tests of `ocifake-server explore` (tests/tools): it creates an image
// from an instance through the fake at OCIFAKE_ENDPOINT, then lists the compartment's images and
// fails (exit 1) unless there is exactly one.
//
//   explore_client naive|right|fail|hang COMPARTMENT INSTANCE
//
// naive retries a request that got no answer or an error answer, without an opc-retry-token (so a
// lost CreateImage answer makes a second image); right retries with one; fail makes one request
// and exits 1; hang makes one request and sleeps for a minute (first writing its pid to the file
// EXPLORE_CLIENT_PID_FILE names, when set).
#include <chrono>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include <boost/json.hpp>
#include <httplib.h>

namespace {

bool worth_retrying(const httplib::Result& answer) {
  return !answer || answer->status >= 500 || answer->status == 429 || answer->status == 409;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: explore_client naive|right|fail|hang COMPARTMENT INSTANCE\n";
    return 2;
  }
  const std::string_view mode = argv[1];
  const std::string compartment = argv[2], instance = argv[3];
  const char* endpoint = std::getenv("OCIFAKE_ENDPOINT");
  if (!endpoint) {
    std::cerr << "OCIFAKE_ENDPOINT is not set\n";
    return 2;
  }
  httplib::Client oci(endpoint);
  oci.set_tcp_nodelay(true);
  oci.set_connection_timeout(2, 0);
  oci.set_read_timeout(5, 0);

  httplib::Headers headers;
  if (mode == "right") headers.emplace("opc-retry-token", "golden-1");
  const std::string body =
      R"({"compartmentId": ")" + compartment + R"(", "instanceId": ")" + instance + R"(", "displayName": "golden"})";
  for (int attempt = 1;; ++attempt) {
    auto answer = oci.Post("/20160918/images", headers, body, "application/json");
    std::cout << "CreateImage: " << (answer ? std::to_string(answer->status) : "no answer") << std::endl;
    if (mode == "fail") {
      std::cout << "failing on purpose" << std::endl;
      return 1;
    }
    if (mode == "hang") {
      if (const char* pid_file = std::getenv("EXPLORE_CLIENT_PID_FILE")) std::ofstream(pid_file) << ::getpid();
      std::this_thread::sleep_for(std::chrono::minutes(1));
    }
    if (!worth_retrying(answer)) break;
    if (attempt == 5) return 1;
  }

  for (int attempt = 1;; ++attempt) {
    auto answer = oci.Get("/20160918/images?compartmentId=" + compartment);
    std::cout << "ListImages: " << (answer ? std::to_string(answer->status) : "no answer") << std::endl;
    if (answer && answer->status == 200) {
      auto images = boost::json::parse(answer->body).as_array().size();
      if (images != 1) {
        std::cout << "expected one image, found " << images << std::endl;
        return 1;
      }
      return 0;
    }
    if (!worth_retrying(answer) || attempt == 5) return 1;
  }
}
