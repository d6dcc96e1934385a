// ocifake_micro: the api layer's share of a request, without sockets or threads (Google
// Benchmark). Single-threaded CPU time is steady on a busy machine, so these are the figures to
// compare before and after a change to the request path; ocifake_bench measures the whole server.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <ocifake/clock.hpp>

#include "api/api.hpp"
#include "api/render.hpp"
#include "core/core.hpp"

namespace {

namespace json = boost::json;
using namespace ocifake;

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaabenchmarkcompartment";

// The api layer's answer, as the server's pipeline asks for it.
detail::api_response run(detail::core& c, detail::api_request& req) {
  req.parsed_body.reset();  // every request is parsed, as a new one would be
  return detail::dispatch(c.store, c.retries, *detail::find_operation(req.operation), req);
}

struct fixture {
  detail::core core{server_options{.clock = clock_mode::manual, .seed = 42}};

  detail::api_request create_request() const {
    detail::api_request req;
    req.method = "POST";
    req.path = "/20160918/images";
    req.operation = "CreateImage";
    req.headers.emplace("content-type", "application/json");
    // An import from Object Storage, as ocifake_bench's create_body(): an instance cannot be
    // captured again while its last image provisions.
    req.body = R"({"compartmentId":")" + compartment +
               R"(","imageSourceDetails":{"sourceType":"objectStorageUri","sourceUri":)"
               R"("https://objectstorage.us-phoenix-1.oraclecloud.com/n/benchns/b/images/o/base.qcow2"}})";
    return req;
  }

  std::string create() {
    auto req = create_request();
    auto r = run(core, req);
    if (r.status != 200) throw std::runtime_error("CreateImage: " + r.body);
    return r.resource_id;
  }
};

void BM_create_image(benchmark::State& state) {
  fixture f;
  auto req = f.create_request();
  for (auto _ : state) {
    auto r = run(f.core, req);
    if (r.status != 200) state.SkipWithError("CreateImage failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_create_image);

void BM_get_image(benchmark::State& state) {
  fixture f;
  auto id = f.create();
  detail::api_request req;
  req.method = "GET";
  req.path = "/20160918/images/" + id;
  req.operation = "GetImage";
  req.params = {id};
  for (auto _ : state) benchmark::DoNotOptimize(run(f.core, req));
}
BENCHMARK(BM_get_image);

void BM_image_json(benchmark::State& state) {
  fixture f;
  auto id = f.create();
  auto store = f.core.store.lock();
  const auto& img = *store->find_image(id);
  const auto& rules = detail::rules_of(store->dialect());
  for (auto _ : state) benchmark::DoNotOptimize(detail::image_json_text(img, rules));  // as answers write it
}
BENCHMARK(BM_image_json);

// One page of 100 out of range(0) images: the first page, the middle one and the last one.
void BM_list_images_page(benchmark::State& state) {
  static fixture* f = nullptr;
  static std::vector<std::string> tokens;  // "" for the first page
  const auto count = static_cast<std::size_t>(state.range(0));
  if (!f || f->core.store.lock()->image_count() != count) {
    delete f;
    f = new fixture;
    for (std::size_t i = 0; i < count; ++i) f->create();
    tokens = {""};
    for (;;) {
      detail::api_request req;
      req.method = "GET";
      req.operation = "ListImages";
      req.query.emplace("compartmentId", compartment);
      if (!tokens.back().empty()) req.query.emplace("page", tokens.back());
      auto r = run(f->core, req);
      auto next = r.header("opc-next-page");
      if (!next) break;
      tokens.push_back(*next);
    }
  }
  const auto& token = state.range(1) == 0   ? tokens.front()
                      : state.range(1) == 1 ? tokens[tokens.size() / 2]
                                            : tokens.back();
  detail::api_request req;
  req.method = "GET";
  req.operation = "ListImages";
  req.query.emplace("compartmentId", compartment);
  if (!token.empty()) req.query.emplace("page", token);
  for (auto _ : state) {
    auto r = run(f->core, req);
    if (r.status != 200) state.SkipWithError("ListImages failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_list_images_page)->ArgsProduct({{100000}, {0, 1, 2}})->Unit(benchmark::kMicrosecond);

// What the baseline server's handler does for CreateImage: parse the body, check one field,
// copy the canned answer.
void BM_baseline_handler(benchmark::State& state) {
  fixture f;
  auto req = f.create_request();
  auto canned = run(f.core, req).body;
  for (auto _ : state) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    auto* c = v.as_object().if_contains("compartmentId");
    benchmark::DoNotOptimize(c);
    std::string body = canned;
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_baseline_handler);

}  // namespace

BENCHMARK_MAIN();
