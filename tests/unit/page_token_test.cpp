// Page tokens: a cursor sealed for one list of one server.
#include "model/page_token.hpp"

#include "catch_compat.hpp"

#include <string>
#include <vector>

using ocifake::detail::page_sealer;

TEST_CASE("page tokens: a sealed cursor opens for its own list only", "[paging]") {
  page_sealer pages(42);
  auto token = pages.seal("ListImages\nocid1.compartment.oc1..a", "TD17:1700000000000");
  CHECK(pages.open("ListImages\nocid1.compartment.oc1..a", token) == std::optional<std::string>("TD17:1700000000000"));
  CHECK_FALSE(pages.open("ListImages\nocid1.compartment.oc1..b", token));
  CHECK_FALSE(pages.open("ListWorkRequests\nocid1.compartment.oc1..a", token));
  // Another seed is another server: its tokens are not this one's.
  CHECK_FALSE(page_sealer(43).open("ListImages\nocid1.compartment.oc1..a", token));
  // The same seed seals the same way (a scenario's seed makes runs repeat).
  CHECK(page_sealer(42).seal("ListImages\nocid1.compartment.oc1..a", "TD17:1700000000000") == token);
}

TEST_CASE("page tokens: forged, altered and malformed tokens are refused", "[paging]") {
  page_sealer pages(7);
  const std::string scope = "ListImages\nc";
  auto token = pages.seal(scope, "cursor");
  auto dot = token.find('.');
  REQUIRE(dot != std::string::npos);
  // Another cursor under the same seal.
  auto other = pages.seal(scope, "other");
  CHECK_FALSE(pages.open(scope, other.substr(0, other.find('.')) + token.substr(dot)));
  // One character of the seal changed.
  auto altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(pages.open(scope, altered));
  for (std::string bad :
       std::vector<std::string>{"", ".", "abc", "abc.", ".abc", "a*b.c", std::string(5000, 'A') + ".AAAA"})
    CHECK_FALSE(pages.open(scope, bad));
  // An empty cursor is a cursor like any other.
  CHECK(pages.open(scope, pages.seal(scope, "")) == std::optional<std::string>(""));
}
