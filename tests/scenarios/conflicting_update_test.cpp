// scenarios/conflicting-update.json: another client changes the image between this client's read
// and its write, so the first UpdateImage sent with if-match is answered 412 NoEtagMatch. The
// answer to a lost race is to read again and reapply the change to what is there now.
#include "catch_compat.hpp"

#include "scenarios/demo.hpp"
#include "scenarios/explored.hpp"

using namespace std::chrono_literals;

namespace {

const std::string image = "ocid1.image.oc1.phx.aaaaaaaagolden";

// The body that adds one freeform tag to the tags the image has.
std::string with_tag(const demo::answer& current, const std::string& key, const std::string& value) {
  auto tags = demo::json::parse(current.body).at("freeformTags").as_object();
  tags[key] = value;
  return demo::json::serialize(demo::json::object{{"freeformTags", tags}});
}

namespace naive {

// Read, change, write with if-match (so at least it never overwrites a change it did not see),
// and give up when the write loses the race.
void add_tag(demo::oci_client& oci, const std::string& key, const std::string& value) {
  auto current = oci.get("/20160918/images/" + image);
  if (!current.ok()) throw demo::gave_up("GetImage: " + current.describe());
  auto updated =
      oci.put("/20160918/images/" + image, with_tag(current, key, value), {{"if-match", current.header("etag")}});
  if (!updated.ok()) throw demo::gave_up("UpdateImage: " + updated.describe());
}

}  // namespace naive

namespace right {

// Read, change, write with if-match; on 412 the image changed underneath: read it again and
// reapply the change to the fresh copy, a few times at most.
template <class Client>
void add_tag(Client& oci, const std::string& key, const std::string& value) {
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto current = oci.get("/20160918/images/" + image);
    if (!current.ok()) throw demo::gave_up("GetImage: " + current.describe());
    auto updated =
        oci.put("/20160918/images/" + image, with_tag(current, key, value), {{"if-match", current.header("etag")}});
    if (updated.ok()) return;
    if (updated.status != 412) throw demo::gave_up("UpdateImage: " + updated.describe());
  }
  throw demo::gave_up("UpdateImage: still losing the race after 5 attempts");
}

}  // namespace right

}  // namespace

TEST_CASE("conflicting-update: a client that gives up on 412 leaves the image unchanged", "[scenarios]") {
  auto fake = demo::start("conflicting-update");
  demo::oci_client oci(fake->endpoint());

  REQUIRE_THROWS_WITH(naive::add_tag(oci, "release", "2026.01"),
                      catch_compat::Contains("UpdateImage: 412 NoEtagMatch"));
  auto tags = fake->find_image(image)->freeform_tags;
  CHECK(tags.count("release") == 0);
}

TEST_CASE("conflicting-update: a client that re-reads and retries with the new etag keeps both changes",
          "[scenarios]") {
  auto fake = demo::start("conflicting-update");
  demo::oci_client oci(fake->endpoint());

  right::add_tag(oci, "release", "2026.01");

  auto tags = fake->find_image(image)->freeform_tags;
  CHECK(tags.at("release") == "2026.01");
  CHECK(tags.at("team") == "platform");  // what was there before is kept
  CHECK(fake->journal("UpdateImage").size() == 2);
  demo::check_diagram(*fake, "conflicting-update");
}

TEST_CASE("conflicting-update explored: the naive client fails where its write is refused, the right one nowhere",
          "[scenarios][explore]") {
  auto options = demo::exploring("conflicting-update");
  auto tagged = [](ocifake::server& fake) {
    if (fake.find_image(image)->json.find("\"release\":\"2026.01\"") == std::string::npos)
      throw std::runtime_error("the release tag is missing");
  };

  auto naive_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::oci_client oci(fake.endpoint());
    naive::add_tag(oci, "release", "2026.01");
    tagged(fake);
  });
  INFO(naive_runs);
  REQUIRE(naive_runs.reference.passed);
  CHECK(demo::fails_at(naive_runs, "UpdateImage", ocifake::fault_kind::error_409));

  auto right_runs = ocifake::explore(options, [&](ocifake::server& fake) {
    demo::resilient_client oci(fake.endpoint(), demo::fake_time(fake));
    right::add_tag(oci, "release", "2026.01");
    tagged(fake);
  });
  INFO(right_runs);
  CHECK(right_runs.ok());
}
