// The store's walls: indexes kept in step by its members, and phases progressing on it.
#include "store/store.hpp"

#include "catch_compat.hpp"

#include <memory>
#include <stdexcept>
#include <thread>

#include "lifecycle/clock_access.hpp"
#include "lifecycle/progression.hpp"

using namespace ocifake;
using namespace ocifake::detail;
using namespace std::chrono_literals;

namespace {

const std::string compartment = "ocid1.compartment.oc1..aaaaaaaastore";

struct fixture {
  std::unique_ptr<ocifake::clock> clk =
      clock_access::make(clock_mode::manual, std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  detail::store store{*clk, 1, "phx"};
};

image_record& add(resources& r, std::string id, std::string name, image_state state = image_state::available) {
  image_record img;
  img.id = std::move(id);
  img.compartment_id = compartment;
  img.display_name = std::move(name);
  img.machine = image_machine(state);
  img.time_created = r.now();
  return r.add_image(std::move(img));
}

}  // namespace

TEST_CASE("store: images get a sequence, an etag and a place in every index", "[store]") {
  fixture f;
  auto r = f.store.lock();
  auto& a = add(*r, "ocid1.image.oc1.phx.a", "b-name");
  auto& b = add(*r, "ocid1.image.oc1.phx.b", "a-name");
  CHECK(a.seq < b.seq);
  CHECK(a.etag.size() == 64);
  CHECK(r->image_at(a.seq) == &a);
  CHECK(r->image_at(b.seq + 100) == nullptr);
  CHECK(r->find_image("ocid1.image.oc1.phx.b") == &b);
  CHECK(r->has_image("ocid1.image.oc1.phx.a"));
  CHECK_FALSE(r->has_image("ocid1.image.oc1.phx.c"));
  CHECK(r->image_count() == 2);
  CHECK(r->by_time().size() == 2);
  REQUIRE(r->images_in_order().size() == 2);
  CHECK(r->images_in_order()[0] == &a);
  // The name index, built on first use, follows a rename.
  CHECK(r->by_name().begin()->first == "a-name");
  r->rename_image(b, "z-name");
  CHECK(r->by_name().begin()->first == "b-name");
  CHECK(r->by_name().rbegin()->first == "z-name");
  CHECK(b.display_name == "z-name");
  // An id it has already is a mistake of the fake's own, never a client's.
  CHECK_THROWS_AS(add(*r, "ocid1.image.oc1.phx.a", "again"), std::logic_error);
  CHECK(r->image_count() == 2);
}

TEST_CASE("store: compartments and objects turn strict once one is registered", "[store]") {
  fixture f;
  auto r = f.store.lock();
  CHECK(r->compartment_known("ocid1.compartment.oc1..anything"));
  r->add_compartment(compartment);
  CHECK(r->compartment_known(compartment));
  CHECK_FALSE(r->compartment_known("ocid1.compartment.oc1..anything"));
  object_key k{"ns", "bucket", "disk.qcow2"};
  CHECK_FALSE(r->objects_strict());
  CHECK(r->object_known(k));
  r->register_object(k);
  CHECK(r->objects_strict());
  CHECK(r->object_known(k));
  CHECK_FALSE(r->object_known({"ns", "bucket", "other"}));
}

TEST_CASE("store: instances get an OCID when their spec has none; a known id is replaced", "[store]") {
  fixture f;
  auto r = f.store.lock();
  const auto& made = r->add_instance({.compartment_id = compartment, .display_name = "one"});
  CHECK(made.id.starts_with("ocid1.instance.oc1.phx."));
  auto id = made.id;
  instance_spec again{.compartment_id = compartment, .display_name = "two"};
  again.id = id;
  r->add_instance(again);
  REQUIRE(r->find_instance(id));
  CHECK(r->find_instance(id)->display_name == "two");
  CHECK(r->instances_in_order().size() == 1);
}

TEST_CASE("store: clear forgets resources, indexes and lifecycle settings", "[store]") {
  fixture f;
  auto r = f.store.lock();
  add(*r, "ocid1.image.oc1.phx.a", "a", image_state::provisioning);
  start_phase(*r, *r->find_image("ocid1.image.oc1.phx.a"), phase::provision);
  r->add_compartment(compartment);
  r->lifecycle().default_for(phase::import) = progress::never();
  r->clear();
  CHECK(r->image_count() == 0);
  CHECK(r->work_requests_in_order().empty());
  CHECK(r->running_in_order().empty());
  CHECK(r->by_time().empty());
  CHECK(r->compartments().empty());
  CHECK(r->lifecycle().default_for(phase::import) == progress::polls(1));
}

TEST_CASE("progression: a phase starts with its work request and ends after its polls", "[store][lifecycle]") {
  fixture f;
  auto r = f.store.lock();
  auto& img = add(*r, "ocid1.image.oc1.phx.a", "a", image_state::provisioning);
  auto wr_id = start_phase(*r, img, phase::provision);
  auto* wr = r->find_work_request(wr_id);
  REQUIRE(wr);
  CHECK(wr->operation_type == "Create Image");
  CHECK(wr->action_type == "CREATED");
  CHECK(r->running_in_order() == std::vector<std::uint64_t>{img.seq});
  catch_up(*r, img, false);  // uncounted: polls do not move
  CHECK(img.state() == image_state::provisioning);
  catch_up(*r, img, true);  // the one poll the default shows
  CHECK(img.state() == image_state::provisioning);
  CHECK(wr->machine.state() == work_request_state::in_progress);
  catch_up(*r, img, true);
  CHECK(img.state() == image_state::available);
  CHECK(wr->machine.state() == work_request_state::succeeded);
  CHECK(wr->percent_complete == 100);
  CHECK(r->running_in_order().empty());
}

TEST_CASE("progression: the next-image setting is used once, a per-image one every time", "[store][lifecycle]") {
  fixture f;
  auto r = f.store.lock();
  r->lifecycle().next.insert_or_assign(static_cast<int>(phase::export_), progress::never());
  auto& a = add(*r, "ocid1.image.oc1.phx.a", "a");
  auto& b = add(*r, "ocid1.image.oc1.phx.b", "b");
  CHECK(progress_for(*r, a, phase::export_) == progress::never());
  CHECK(progress_for(*r, b, phase::export_) == progress::polls(1));
  set_progress_for(*r, b, phase::export_, progress::after(5s));
  CHECK(progress_for(*r, b, phase::export_) == progress::after(5s));
  CHECK(standing_progress(*r, a, phase::export_) == progress::polls(1));
}

TEST_CASE("progression: a failing phase fails its work request with the phase's code", "[store][lifecycle]") {
  fixture f;
  auto r = f.store.lock();
  r->lifecycle().default_for(phase::import) = progress::fail("disk unreadable");
  auto& img = add(*r, "ocid1.image.oc1.phx.a", "a", image_state::importing);
  auto wr_id = start_phase(*r, img, phase::import);
  catch_up(*r, img, false);
  CHECK(img.state() == image_state::deleted);
  auto* wr = r->find_work_request(wr_id);
  REQUIRE(wr);
  CHECK(wr->machine.state() == work_request_state::failed);
  REQUIRE(wr->errors.size() == 1);
  CHECK(wr->errors[0].code == "ImageImportFailed");
  CHECK(wr->errors[0].message == "disk unreadable");
}

TEST_CASE("progression: a timed phase ends when the clock has moved far enough", "[store][lifecycle]") {
  fixture f;
  std::string id = "ocid1.image.oc1.phx.a";
  {
    auto r = f.store.lock();
    r->lifecycle().default_for(phase::export_) = progress::after(10s);
    auto& img = add(*r, id, "a", image_state::available);
    img.machine.process(image_event::export_requested);
    start_phase(*r, img, phase::export_);
  }
  f.clk->advance(9s);
  {
    auto r = f.store.lock();
    catch_up_all(*r);
    CHECK(r->find_image(id)->state() == image_state::exporting);
  }
  f.clk->advance(1s);
  auto r = f.store.lock();
  catch_up_all(*r);
  CHECK(r->find_image(id)->state() == image_state::available);
}

TEST_CASE("store: its lock is its own, and one caller holds it at a time", "[store]") {
  fixture f;
  constexpr int per_thread = 200;
  auto work = [&](char tag) {
    for (int i = 0; i < per_thread; ++i)
      add(*f.store.lock(), "ocid1.image.oc1.phx." + std::string(1, tag) + std::to_string(i), "x");
  };
  std::thread a(work, 'a'), b(work, 'b');
  a.join();
  b.join();
  auto r = f.store.lock();
  CHECK(r->image_count() == 2 * per_thread);
  CHECK(r->by_time().size() == 2 * per_thread);
}
