// The headline snippet of README.md, compiled and run as written: the build copies the first
// ```cpp block of README.md into readme_headline.inc (docs/examples/CMakeLists.txt) and adds one
// line after its "run the code under test" comment, a call to code_under_test() below. The block
// is a test body, so it is included into one; its #include line repeats one this file already
// made, and so adds nothing there. Run by ctest as example.readme.
#define CATCH_CONFIG_MAIN  // Catch2 v2's main in this file; with v3, link Catch2::Catch2WithMain

#include <string>

#include <ocifake/catch2.hpp>
#include <ocifake/ocifake.hpp>

#include "uploader.hpp"

namespace {

// What a reader of the README runs where the snippet says: a client that retries a request that
// got no answer with the same opc-retry-token. It throws when it gives up, so a fault that fires
// on every attempt fails the test.
void code_under_test(const std::string& endpoint, const std::string& instance) {
  example::upload_image(endpoint, "ocid1.compartment.oc1..aaaaaaaaexample", instance, "readme-1");
}

}  // namespace

TEST_CASE("README: the headline snippet compiles, and the lost CreateImage it scripts is retried to one image") {
#include "readme_headline.inc"
}
