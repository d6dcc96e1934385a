#pragma once
// Catch2 for the test suite, v2 or v3 (whichever the build found: OCIFAKE_CATCH2_VERSION), with
// the few names that differ between them under one spelling:
//   catch_compat::Contains("..."), StartsWith, EndsWith   string matchers
//   catch_compat::Approx(x)                               floating-point comparison
// The test main is Catch2's: CATCH_CONFIG_MAIN in tests/main.cpp for v2, Catch2::Catch2WithMain
// for v3.

#include <ocifake/detail/catch2_version.hpp>

#include <string>

#if OCIFAKE_CATCH2_VERSION == 3
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

namespace catch_compat {
inline auto Contains(const std::string& s) { return Catch::Matchers::ContainsSubstring(s); }
using Catch::Approx;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
}  // namespace catch_compat
#else
#include <catch2/catch.hpp>

namespace catch_compat {
using Catch::Detail::Approx;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
}  // namespace catch_compat
#endif
