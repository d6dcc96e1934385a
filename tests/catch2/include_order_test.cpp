// ocifake/catch2.hpp included after Catch2's own header, as an include sorter orders them. With
// Catch2 v2 the target defines CATCH_CONFIG_EXTERNAL_INTERFACES (tests/CMakeLists.txt), as the
// docs tell users to; with v3 the order never matters. Compiling this file is the test.
#include <ocifake/detail/catch2_version.hpp>
#if OCIFAKE_CATCH2_VERSION == 3
#include <catch2/catch_test_macros.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <ocifake/catch2.hpp>

TEST_CASE_METHOD(ocifake::catch2::fixture, "ocifake/catch2.hpp after Catch2's own header compiles and works",
                 "[.][fails-on-purpose]") {
  CHECK(!fake.endpoint().empty());
}
