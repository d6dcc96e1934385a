// Probabilistic faults are reproducible: a seed and a request sequence decide exactly which
// requests a rule fires on, on any server, and other rules never shift a rule's draws.
#include "catch_compat.hpp"

#include <string>
#include <vector>

#include "http/wire.hpp"
#include "support.hpp"

using ocifake::fault;

namespace {

// What the journal says happened to one request: which rule fired on it, if any.
struct firing {
  std::string operation;
  std::string path;
  int status = 0;
  std::string rule;  // empty: no fault

  bool operator==(const firing&) const = default;
};

std::ostream& operator<<(std::ostream& os, const firing& f) {
  return os << f.operation << ' ' << f.path << " -> " << f.status << (f.rule.empty() ? "" : " [" + f.rule + "]");
}

std::vector<firing> firings(const std::vector<ocifake::journal_entry>& journal) {
  std::vector<firing> out;
  for (const auto& e : journal) out.push_back({e.operation, e.path, e.status, e.fault ? e.fault->rule_id : ""});
  return out;
}

std::vector<firing> only(const std::vector<firing>& all, const std::string& operation) {
  std::vector<firing> out;
  for (const auto& f : all)
    if (f.operation == operation) out.push_back(f);
  return out;
}

std::size_t fired(const std::vector<firing>& all, const std::string& rule) {
  std::size_t n = 0;
  for (const auto& f : all) n += f.rule == rule;
  return n;
}

const fault flaky = fault::on("GetImage").id("flaky").probability(0.3).error(503, "ServiceUnavailable");

// The same sequence of requests against a fresh server with `seed` and `rules`: GetImage of
// forty images, with a ListImages after every third and a connection-level fault in the mix.
std::vector<firing> run(std::uint64_t seed, const std::vector<fault>& rules) {
  ocifake::server fake({.clock = ocifake::clock_mode::manual, .seed = seed});
  for (const auto& r : rules) fake.faults().add(r);
  test::client c(fake);
  std::size_t sent = 0;
  for (int i = 0; i < 40; ++i) {
    c.get("/20160918/images/ocid1.image.oc1.phx.aaaaaaaa" + std::to_string(i));
    ++sent;
    if (i % 3 == 0) {
      c.get("/20160918/images?compartmentId=" + test::compartment);
      ++sent;
    }
  }
  // A request whose connection a fault ended is journalled as its handler finishes.
  REQUIRE(test::eventually([&] { return fake.journal().size() == sent; }));
  return firings(fake.journal());
}

}  // namespace

TEST_CASE("Determinism: the same seed and requests give the same firings on two fresh servers", "[http][faults]") {
  auto rules = std::vector<fault>{flaky, fault::on("ListImages").id("drop").probability(0.4).reset_connection()};
  auto first = run(42, rules);
  auto second = run(42, rules);
  CHECK(first == second);
  // Something fired, and not everything: the comparison means something.
  CHECK(fired(first, "flaky") > 0);
  CHECK(fired(first, "flaky") < 40);
  CHECK(fired(first, "drop") > 0);
  // Another seed draws otherwise (identical firings over 54 draws would be a 1 in 10^12 chance).
  CHECK(run(43, rules) != first);
}

TEST_CASE("Determinism: adding a rule with its own id does not change another rule's firings", "[http][faults]") {
  auto alone = only(run(42, {flaky}), "GetImage");
  REQUIRE(fired(alone, "flaky") > 0);

  SECTION("a rule for other operations, tried first") {
    auto other = fault::on("ListImages").id("other").probability(0.5).error(500, "InternalServerError");
    auto both = run(42, {other, flaky});
    CHECK(only(both, "GetImage") == alone);
    CHECK(fired(both, "other") > 0);
  }
  SECTION("a rule for the same operation, tried after it") {
    auto later = fault::on("GetImage").id("later").probability(0.5).error(500, "InternalServerError");
    auto both = run(42, {flaky, later});
    // `later` only sees the requests `flaky` let through; flaky's own firings are unchanged.
    auto flaky_only = only(both, "GetImage");
    for (std::size_t i = 0; i < alone.size(); ++i) CHECK((flaky_only[i].rule == "flaky") == (alone[i].rule == "flaky"));
    CHECK(fired(both, "later") > 0);
  }
  SECTION("a rule added from JSON with the same id is the same stream") {
    auto from_json = fault::from_json(
        R"({"id": "flaky", "operation": "GetImage", "probability": 0.3,
            "action": {"type": "error", "status": 503, "code": "ServiceUnavailable"}})");
    CHECK(only(run(42, {from_json}), "GetImage") == alone);
  }
}

TEST_CASE("Determinism: a rule without an id is seeded from its JSON, so other rules do not move it either",
          "[http][faults]") {
  auto anonymous = fault::on("GetImage").probability(0.3).error(503, "ServiceUnavailable");
  auto other = fault::on("ListImages").probability(0.5).error(500, "InternalServerError");
  auto alone = run(7, {anonymous});
  auto both = run(7, {other, anonymous});
  // Generated ids follow the order rules are added ("r1" alone, "r2" after `other`), so compare
  // where it fired, not what it was called.
  auto fired_on = [](const std::vector<firing>& all) {
    std::vector<bool> out;
    for (const auto& f : only(all, "GetImage")) out.push_back(!f.rule.empty());
    return out;
  };
  CHECK(fired_on(alone) == fired_on(both));
  CHECK(fired(alone, "r1") > 0);
}
