#pragma once
// Shared by the libFuzzer targets in tests/fuzz: a check that aborts (libFuzzer then keeps the
// input as a crasher), and a store seeded with an instance and images, as the api layer sees it.
//
// Each target defines LLVMFuzzerTestOneInput. Built with clang and OCIFAKE_FUZZ=ON they are
// libFuzzer programs (tests/fuzz/run.sh); in every other build replay_main.cpp drives them over
// their corpus, so ctest replays every seed and every past crasher with any compiler.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include <ocifake/clock.hpp>

#include "api/api.hpp"
#include "store/store.hpp"

#define OCIFAKE_FUZZ_CHECK(cond, detail)                                                       \
  do {                                                                                          \
    if (!(cond)) ::ocifake_fuzz::fail(#cond, __FILE__, __LINE__, (detail));                    \
  } while (0)

namespace ocifake_fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line, std::string_view detail) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n  %.*s\n", file, line, what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline const std::string compartment = "ocid1.compartment.oc1..aaaaaaaafuzzcompartment";
inline const std::string instance_id = "ocid1.instance.oc1.phx.aaaaaaaafuzzinstance";

// One manual clock for every store of the process, fixed at 2026-01-01T00:00:00Z.
inline const ocifake::clock& fixed_clock() {
  static const ocifake::clock c(ocifake::clock_mode::manual,
                                std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  return c;
}

inline ocifake::detail::api_request request(std::string operation, std::string method, std::string path) {
  ocifake::detail::api_request r;
  r.operation = std::move(operation);
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

// Every answer the api layer gives is a status OCI uses with, for errors, a {code, message} body.
inline void check_answer(const ocifake::detail::api_response& r, std::string_view input) {
  std::string where = "status " + std::to_string(r.status) + " for input " + std::string(input.substr(0, 200));
  OCIFAKE_FUZZ_CHECK(r.status == 200 || r.status == 204 || r.status == 400 || r.status == 404 || r.status == 409 ||
                         r.status == 412,
                     where + "\n  body: " + r.body);
  if (r.status == 204) return;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  OCIFAKE_FUZZ_CHECK(!ec, "answer body is not JSON: " + r.body);
  if (r.status >= 400) {
    auto* o = v.if_object();
    OCIFAKE_FUZZ_CHECK(o && o->if_contains("code") && o->at("code").is_string() && o->if_contains("message") &&
                           o->at("message").is_string(),
                       "error body without code and message: " + r.body);
  }
}

// A store with the instance `instance_id`, every phase immediate, and `images` AVAILABLE images in
// `compartment` named image-0, image-1, image-2, image-0 ... (so names tie). With `step`, that
// clock moves a second after each image, so creation times differ too.
inline void seed_store(ocifake::detail::store& s, int images, ocifake::clock* step = nullptr) {
  using namespace ocifake;
  for (auto& p : s.default_progress) p = progress::immediate();
  detail::instance_record inst;
  inst.id = instance_id;
  inst.compartment_id = compartment;
  inst.display_name = "fuzz-1";
  inst.operating_system = "Oracle Linux";
  inst.operating_system_version = "8";
  inst.launch_mode = "PARAVIRTUALIZED";
  s.instances.emplace(inst.id, inst);
  for (int i = 0; i < images; ++i) {
    auto req = request("CreateImage", "POST", "/20160918/images");
    req.body = R"({"compartmentId":")" + compartment + R"(","instanceId":")" + instance_id +
               R"(","displayName":"image-)" + std::to_string(i % 3) + R"("})";
    auto r = detail::dispatch(s, req);
    OCIFAKE_FUZZ_CHECK(r.status == 200, r.body);
    if (step) step->advance(std::chrono::seconds(1));
  }
  s.evaluate_all();
}

}  // namespace ocifake_fuzz
