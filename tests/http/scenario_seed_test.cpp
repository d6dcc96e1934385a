#include "catch_compat.hpp"

#include "support.hpp"

TEST_CASE("scenario: its seed makes probabilistic rules fire the same way on any server", "[scenario][faults]") {
  const std::string text = R"({"name": "flaky", "seed": 11,
    "faults": [{"operation": "GetImage", "probability": 0.5, "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}}]})";
  auto firings = [&](std::uint64_t server_seed) {
    ocifake::server fake({.seed = server_seed});
    fake.apply(ocifake::scenario::parse(text));
    test::client c(fake);
    std::string pattern;
    for (int i = 0; i < 40; ++i)
      pattern += c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaax")->status == 503 ? 'F' : '.';
    return pattern;
  };
  auto a = firings(1);
  CHECK(a == firings(2));
  CHECK(a.find('F') != std::string::npos);
  CHECK(a.find('.') != std::string::npos);
}
