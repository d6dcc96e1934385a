#pragma once
// Shared by the libFuzzer targets in tests/fuzz: a check that aborts (libFuzzer then keeps the
// input as a crasher), and a server's core seeded with an instance and images, as the api layer sees it.
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

#include <memory>

#include <ocifake/clock.hpp>

#include "api/api.hpp"
#include "core/core.hpp"
#include "lifecycle/clock_access.hpp"
#include "lifecycle/progression.hpp"

#define OCIFAKE_FUZZ_CHECK(cond, detail)                                                                               \
  do {                                                                                                                 \
    if (!(cond)) ::ocifake_fuzz::fail(#cond, __FILE__, __LINE__, (detail));                                            \
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

inline constexpr auto new_year_2026 = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};

// One manual clock for every fault engine of the process, fixed at 2026-01-01T00:00:00Z.
inline const ocifake::clock& fixed_clock() {
  static const auto c = ocifake::detail::clock_access::make(ocifake::clock_mode::manual, new_year_2026);
  return *c;
}

// A server without its transport: resources, retry tokens and a manual clock at 2026-01-01.
inline std::unique_ptr<ocifake::detail::core> make_core(std::uint64_t seed) {
  auto c = std::make_unique<ocifake::detail::core>(
      ocifake::server_options{.clock = ocifake::clock_mode::manual, .seed = seed, .region = "phx"});
  c->clock->set(new_year_2026);
  return c;
}

inline ocifake::detail::api_request request(std::string operation, std::string method, std::string path) {
  ocifake::detail::api_request r;
  r.operation = std::move(operation);
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

// The api layer's answer to `req`, as the server's pipeline asks for it.
inline ocifake::detail::api_response run(ocifake::detail::core& c, ocifake::detail::api_request req) {
  const auto* op = ocifake::detail::find_operation(req.operation);
  OCIFAKE_FUZZ_CHECK(op, "no operation " + req.operation);
  return ocifake::detail::dispatch(c.store, c.retries, *op, req);
}

// Every answer the api layer gives is a status OCI uses with, for errors, a {code, message} body.
inline void check_answer(const ocifake::detail::api_response& r, std::string_view input) {
  std::string where = "status " + std::to_string(r.status) + " for input " + std::string(input.substr(0, 200));
  OCIFAKE_FUZZ_CHECK(
      r.status == 200 || r.status == 204 || r.status == 400 || r.status == 404 || r.status == 409 || r.status == 412,
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
inline void seed_store(ocifake::detail::core& c, int images, bool step = false) {
  using namespace ocifake;
  for (auto p : detail::all_phases) c.lifecycle.set(p, progress::immediate());
  instance_spec inst;
  inst.id = instance_id;
  inst.compartment_id = compartment;
  inst.display_name = "fuzz-1";
  inst.operating_system = "Oracle Linux";
  inst.operating_system_version = "8";
  inst.launch_mode = "PARAVIRTUALIZED";
  c.store.lock()->add_instance(inst);
  for (int i = 0; i < images; ++i) {
    auto req = request("CreateImage", "POST", "/20160918/images");
    req.body = R"({"compartmentId":")" + compartment + R"(","instanceId":")" + instance_id +
               R"(","displayName":"image-)" + std::to_string(i % 3) + R"("})";
    auto r = run(c, req);
    OCIFAKE_FUZZ_CHECK(r.status == 200, r.body);
    if (step) c.clock->advance(std::chrono::seconds(1));
  }
  detail::catch_up_all(*c.store.lock());
}

}  // namespace ocifake_fuzz
