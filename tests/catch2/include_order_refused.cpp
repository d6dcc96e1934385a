// Catch2 v2: ocifake/catch2.hpp after <catch2/catch.hpp> without CATCH_CONFIG_EXTERNAL_INTERFACES
// cannot register its listener. The compiler must stop with the header's one error that says
// what to do, and nothing else (tests/catch2/include_order_refused.expected).
#include <catch2/catch.hpp>

#include <ocifake/catch2.hpp>
