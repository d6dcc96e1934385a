// Answers written as text (append_image_json) are byte for byte what serialising the JSON objects
// gives (image_json), whatever the record holds.
#include "api/render.hpp"

#include "catch_compat.hpp"

#include <chrono>

#include "store/platform.hpp"

using namespace ocifake;
using namespace ocifake::detail;
namespace json = boost::json;

namespace {

image_record bare_image() {
  image_record r;
  r.id = "ocid1.image.oc1.phx.aaaaaaaarender";
  r.compartment_id = "ocid1.compartment.oc1..aaaaaaaarender";
  r.display_name = "image-20260101-0000";
  r.launch_mode = "PARAVIRTUALIZED";
  r.launch_options = default_launch_options("PARAVIRTUALIZED");
  r.time_created = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + std::chrono::milliseconds(1234);
  return r;
}

void require_same(const image_record& r) {
  for (auto d : {ocifake::dialect::oci, ocifake::dialect::pca}) {
    const auto& rules = rules_of(d);
    INFO("dialect " << (d == ocifake::dialect::oci ? "oci" : "pca"));
    CHECK(image_json_text(r, rules) == json::serialize(image_json(r, rules)));
  }
}

}  // namespace

TEST_CASE("render: an image as text is its JSON object serialised", "[render]") {
  SECTION("a new import, nulls where it has nothing") { require_same(bare_image()); }

  SECTION("every optional member set") {
    auto r = bare_image();
    r.base_image_id = "ocid1.image.oc1.phx.aaaaaaaabase";
    r.billable_size_in_gbs = 3;
    r.size_in_mbs = -47694;  // a negative number is written as one, whatever a request would allow
    r.agent_features = agent_features{.is_management_supported = true, .is_monitoring_supported = false};
    r.data_volumes = json::array{json::object{{"lun", 1}, {"sizeInMBs", 1024}}};
    r.freeform_tags = json::object{{"team", "images"}, {"empty", ""}};
    r.defined_tags = json::object{{"ns", json::object{{"key", "value"}, {"n", 1.5}}}};
    r.operating_system = "Oracle Linux";
    r.operating_system_version = "9";
    r.launch_options.firmware = {};  // an option without a value is an empty string, not null
    r.machine = image_machine(image_state::available);
    require_same(r);
  }

  SECTION("a platform image: no compartment, no listing type") {
    auto r = bare_image();
    r.platform = true;
    r.listing_type.clear();
    require_same(r);
  }

  SECTION("strings that need escapes") {
    auto r = bare_image();
    std::string every_control;
    for (char c = 1; c < 0x20; ++c) every_control += c;
    r.display_name = "quote \" backslash \\ slash / tab \t line\n" + every_control + "\x7f end";
    r.operating_system = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";  // UTF-8 goes out as it is
    r.operating_system_version = std::string("nul \0 inside", 12);
    r.freeform_tags = json::object{{"k\"ey", "v\\al\nue"}};
    require_same(r);
  }
}
