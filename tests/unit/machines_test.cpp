#include "lifecycle/machines.hpp"

#include "catch_compat.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

using namespace ocifake::detail;

namespace {

const char* event_name(image_event e) {
  switch (e) {
    case image_event::provisioned: return "provisioned";
    case image_event::imported: return "imported";
    case image_event::failed: return "failed";
    case image_event::export_requested: return "export_requested";
    case image_event::exported: return "exported";
    case image_event::export_failed: return "export_failed";
    case image_event::delete_requested: return "delete_requested";
    case image_event::deleted: return "deleted";
    case image_event::update: return "update";
    case image_event::change_compartment: return "change_compartment";
    case image_event::change_shapes: return "change_shapes";
  }
  return "?";
}

const char* event_name(work_request_event e) {
  switch (e) {
    case work_request_event::start: return "start";
    case work_request_event::succeed: return "succeed";
    case work_request_event::fail: return "fail";
    case work_request_event::cancel: return "cancel";
    case work_request_event::canceled: return "canceled";
  }
  return "?";
}

}  // namespace

// Failed checks print OCI names rather than numbers.
namespace Catch {
template <>
struct StringMaker<image_state> {
  static std::string convert(image_state s) { return to_string(s); }
};
template <>
struct StringMaker<work_request_state> {
  static std::string convert(work_request_state s) { return to_string(s); }
};
}  // namespace Catch

namespace {

using IS = image_state;
using IE = image_event;
using WS = work_request_state;
using WE = work_request_event;

// Every enumerator, so that the tables below cover each state x event pair.
const std::vector<IS> all_image_states{IS::provisioning, IS::importing, IS::available,
                                       IS::exporting,    IS::disabled,  IS::deleted};
const std::vector<IE> all_image_events{
    IE::provisioned,      IE::imported, IE::failed, IE::export_requested,   IE::exported,     IE::export_failed,
    IE::delete_requested, IE::deleted,  IE::update, IE::change_compartment, IE::change_shapes};
const std::vector<WS> all_work_request_states{WS::accepted, WS::in_progress, WS::succeeded,
                                              WS::failed,   WS::canceling,   WS::canceled};
const std::vector<WE> all_work_request_events{WE::start, WE::succeed, WE::fail, WE::cancel, WE::canceled};

template <class State, class Event>
struct transition {
  State from;
  Event event;
  State to;
};

// The allowed transitions, written out from the lifecycle in DESIGN.md; every pair not listed is refused.
const std::vector<transition<IS, IE>> image_transitions{
    {IS::provisioning, IE::provisioned, IS::available},
    {IS::provisioning, IE::failed, IS::deleted},
    {IS::provisioning, IE::update, IS::provisioning},
    {IS::provisioning, IE::change_shapes, IS::provisioning},

    {IS::importing, IE::imported, IS::available},
    {IS::importing, IE::failed, IS::deleted},
    {IS::importing, IE::update, IS::importing},
    {IS::importing, IE::change_shapes, IS::importing},

    {IS::available, IE::export_requested, IS::exporting},
    {IS::available, IE::delete_requested, IS::disabled},
    {IS::available, IE::update, IS::available},
    {IS::available, IE::change_compartment, IS::available},
    {IS::available, IE::change_shapes, IS::available},

    {IS::exporting, IE::exported, IS::available},
    {IS::exporting, IE::export_failed, IS::available},
    {IS::exporting, IE::update, IS::exporting},
    {IS::exporting, IE::change_shapes, IS::exporting},

    {IS::disabled, IE::delete_requested, IS::disabled},
    {IS::disabled, IE::deleted, IS::deleted},
    {IS::disabled, IE::update, IS::disabled},
    {IS::disabled, IE::change_shapes, IS::disabled},
};

const std::vector<transition<WS, WE>> work_request_transitions{
    {WS::accepted, WE::start, WS::in_progress},    {WS::accepted, WE::fail, WS::failed},
    {WS::accepted, WE::cancel, WS::canceling},

    {WS::in_progress, WE::succeed, WS::succeeded}, {WS::in_progress, WE::fail, WS::failed},
    {WS::in_progress, WE::cancel, WS::canceling},

    {WS::canceling, WE::canceled, WS::canceled},
};

template <class State, class Event>
std::optional<State> expected(const std::vector<transition<State, Event>>& table, State from, Event e) {
  for (const auto& t : table)
    if (t.from == from && t.event == e) return t.to;
  return std::nullopt;
}

template <class State, class Event>
bool listed_once(const std::vector<transition<State, Event>>& table) {
  for (std::size_t i = 0; i < table.size(); ++i)
    for (std::size_t j = i + 1; j < table.size(); ++j)
      if (table[i].from == table[j].from && table[i].event == table[j].event) return false;
  return true;
}

}  // namespace

TEST_CASE("Image machine: every state accepts exactly the events the lifecycle allows", "[lifecycle]") {
  REQUIRE(listed_once(image_transitions));
  std::size_t accepted = 0;
  for (auto from : all_image_states) {
    for (auto e : all_image_events) {
      INFO("from " << to_string(from) << ", event " << event_name(e));
      image_machine m(from);
      REQUIRE(m.state() == from);
      const auto want = expected(image_transitions, from, e);
      CHECK(m.process(e) == want.has_value());
      CHECK(m.state() == want.value_or(from));
      if (want) ++accepted;
    }
  }
  CHECK(accepted == image_transitions.size());
}

TEST_CASE("Work request machine: every state accepts exactly the events the lifecycle allows", "[lifecycle]") {
  REQUIRE(listed_once(work_request_transitions));
  std::size_t accepted = 0;
  for (auto from : all_work_request_states) {
    for (auto e : all_work_request_events) {
      INFO("from " << to_string(from) << ", event " << event_name(e));
      work_request_machine m(from);
      REQUIRE(m.state() == from);
      const auto want = expected(work_request_transitions, from, e);
      CHECK(m.process(e) == want.has_value());
      CHECK(m.state() == want.value_or(from));
      if (want) ++accepted;
    }
  }
  CHECK(accepted == work_request_transitions.size());
}

TEST_CASE("Image machine: a refused event leaves the state unchanged and the machine usable", "[lifecycle]") {
  image_machine m(IS::provisioning);
  CHECK_FALSE(m.process(IE::export_requested));
  CHECK_FALSE(m.process(IE::change_compartment));
  CHECK_FALSE(m.process(IE::deleted));
  CHECK(m.state() == IS::provisioning);
  CHECK(m.process(IE::provisioned));
  CHECK(m.state() == IS::available);

  image_machine gone(IS::deleted);
  for (auto e : all_image_events) CHECK_FALSE(gone.process(e));
  CHECK(gone.state() == IS::deleted);
}

TEST_CASE("Image machine: an import, an export and a slow delete run to DELETED", "[lifecycle]") {
  image_machine m(IS::importing);
  CHECK(m.process(IE::imported));
  CHECK(m.process(IE::export_requested));
  CHECK(m.state() == IS::exporting);
  CHECK_FALSE(m.process(IE::delete_requested));
  CHECK(m.process(IE::exported));
  CHECK(m.process(IE::delete_requested));
  CHECK(m.state() == IS::disabled);
  CHECK(m.process(IE::deleted));
  CHECK(m.state() == IS::deleted);
}

TEST_CASE("Work request machine: a refused event leaves the state unchanged and the machine usable", "[lifecycle]") {
  work_request_machine m;
  CHECK(m.state() == WS::accepted);
  CHECK_FALSE(m.process(WE::succeed));
  CHECK_FALSE(m.process(WE::canceled));
  CHECK(m.state() == WS::accepted);
  CHECK(m.process(WE::start));
  CHECK(m.process(WE::succeed));
  CHECK(m.state() == WS::succeeded);
  for (auto e : all_work_request_events) CHECK_FALSE(m.process(e));
  CHECK(m.state() == WS::succeeded);
}

TEST_CASE("Work request machine: finished is true exactly for SUCCEEDED, FAILED and CANCELED", "[lifecycle]") {
  for (auto s : all_work_request_states) {
    INFO(to_string(s));
    const bool terminal = s == WS::succeeded || s == WS::failed || s == WS::canceled;
    CHECK(work_request_machine(s).finished() == terminal);
  }
}

TEST_CASE("Image machine: copies are independent of the original", "[lifecycle]") {
  image_machine original(IS::available);
  image_machine copy(original);
  CHECK(copy.process(IE::export_requested));
  CHECK(copy.state() == IS::exporting);
  CHECK(original.state() == IS::available);

  image_machine assigned(IS::deleted);
  assigned = original;
  CHECK(assigned.state() == IS::available);
  CHECK(original.process(IE::delete_requested));
  CHECK(original.state() == IS::disabled);
  CHECK(assigned.state() == IS::available);
  CHECK(assigned.process(IE::export_requested));
  CHECK(copy.process(IE::exported));
  CHECK(copy.state() == IS::available);
  CHECK(assigned.state() == IS::exporting);
  CHECK(original.state() == IS::disabled);

  image_machine moved(std::move(copy));
  CHECK(moved.state() == IS::available);
  CHECK(moved.process(IE::delete_requested));
  image_machine move_assigned(IS::importing);
  move_assigned = std::move(moved);
  CHECK(move_assigned.state() == IS::disabled);
  CHECK(move_assigned.process(IE::deleted));
  CHECK(move_assigned.state() == IS::deleted);
}

TEST_CASE("Work request machine: copies are independent of the original", "[lifecycle]") {
  work_request_machine original;
  CHECK(original.process(WE::start));
  work_request_machine copy(original);
  CHECK(copy.process(WE::cancel));
  CHECK(copy.state() == WS::canceling);
  CHECK(original.state() == WS::in_progress);

  work_request_machine assigned(WS::canceled);
  assigned = copy;
  CHECK(assigned.process(WE::canceled));
  CHECK(assigned.finished());
  CHECK(copy.state() == WS::canceling);
  CHECK_FALSE(copy.finished());

  work_request_machine moved(std::move(original));
  CHECK(moved.process(WE::fail));
  work_request_machine move_assigned;
  move_assigned = std::move(moved);
  CHECK(move_assigned.state() == WS::failed);
}

TEST_CASE("parse_image_state accepts any letter case and nothing but the OCI names", "[lifecycle]") {
  for (auto s : all_image_states) {
    std::string name = to_string(s);
    INFO(name);
    CHECK(parse_image_state(name) == s);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    CHECK(parse_image_state(lower) == s);
    std::string mixed = name;
    for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = static_cast<char>(std::tolower(mixed[i]));
    CHECK(parse_image_state(mixed) == s);
  }
  CHECK(parse_image_state("Available") == IS::available);
  CHECK_FALSE(parse_image_state(""));
  CHECK_FALSE(parse_image_state("AVAILABLE "));
  CHECK_FALSE(parse_image_state("AVAIL"));
  CHECK_FALSE(parse_image_state("IN_PROGRESS"));
}

TEST_CASE("parse_work_request_state accepts any letter case and nothing but the OCI names", "[lifecycle]") {
  for (auto s : all_work_request_states) CHECK(parse_work_request_state(to_string(s)) == s);
  CHECK(parse_work_request_state("in_progress") == WS::in_progress);
  CHECK(parse_work_request_state("Canceling") == WS::canceling);
  CHECK_FALSE(parse_work_request_state("IN PROGRESS"));
  CHECK_FALSE(parse_work_request_state("AVAILABLE"));
}

TEST_CASE("to_string spells states as OCI does", "[lifecycle]") {
  CHECK(std::string(to_string(IS::provisioning)) == "PROVISIONING");
  CHECK(std::string(to_string(IS::deleted)) == "DELETED");
  CHECK(std::string(to_string(WS::in_progress)) == "IN_PROGRESS");
  CHECK(std::string(to_string(WS::canceled)) == "CANCELED");
}

namespace Catch {
template <>
struct StringMaker<instance_state> {
  static std::string convert(instance_state s) { return to_string(s); }
};
}  // namespace Catch

namespace {

using NS = instance_state;
using NE = instance_event;

const char* event_name(instance_event e) {
  switch (e) {
    case NE::stop_requested: return "stop_requested";
    case NE::reset_requested: return "reset_requested";
    case NE::stopped: return "stopped";
    case NE::resumed: return "resumed";
    case NE::start_requested: return "start_requested";
    case NE::started: return "started";
    case NE::start_failed: return "start_failed";
    case NE::terminate_requested: return "terminate_requested";
    case NE::terminated: return "terminated";
    case NE::image_requested: return "image_requested";
    case NE::image_done: return "image_done";
  }
  return "?";
}

const std::vector<NS> all_instance_states{NS::running,        NS::stopping,    NS::stopped,   NS::starting,
                                          NS::creating_image, NS::terminating, NS::terminated};
const std::vector<NE> all_instance_events{
    NE::stop_requested, NE::reset_requested,     NE::stopped,    NE::resumed,         NE::start_requested, NE::started,
    NE::start_failed,   NE::terminate_requested, NE::terminated, NE::image_requested, NE::image_done};

// Written out from DESIGN.md's instance lifecycle; CREATING_IMAGE here is one entered from RUNNING.
const std::vector<transition<NS, NE>> instance_transitions{
    {NS::running, NE::stop_requested, NS::stopping},
    {NS::running, NE::reset_requested, NS::stopping},
    {NS::running, NE::start_requested, NS::running},
    {NS::running, NE::terminate_requested, NS::terminating},
    {NS::running, NE::image_requested, NS::creating_image},

    {NS::stopping, NE::stop_requested, NS::stopping},
    {NS::stopping, NE::stopped, NS::stopped},
    {NS::stopping, NE::resumed, NS::running},
    {NS::stopping, NE::terminate_requested, NS::terminating},

    {NS::stopped, NE::stop_requested, NS::stopped},
    {NS::stopped, NE::start_requested, NS::starting},
    {NS::stopped, NE::terminate_requested, NS::terminating},
    {NS::stopped, NE::image_requested, NS::creating_image},

    {NS::starting, NE::start_requested, NS::starting},
    {NS::starting, NE::started, NS::running},
    {NS::starting, NE::start_failed, NS::stopped},
    {NS::starting, NE::terminate_requested, NS::terminating},

    {NS::creating_image, NE::image_done, NS::running},

    {NS::terminating, NE::terminate_requested, NS::terminating},
    {NS::terminating, NE::terminated, NS::terminated},
};

}  // namespace

TEST_CASE("Instance machine: every state accepts exactly the events the lifecycle allows", "[lifecycle]") {
  REQUIRE(listed_once(instance_transitions));
  std::size_t accepted = 0;
  for (auto from : all_instance_states) {
    for (auto e : all_instance_events) {
      INFO("from " << to_string(from) << ", event " << event_name(e));
      instance_machine m(from);
      REQUIRE(m.state() == from);
      const auto want = expected(instance_transitions, from, e);
      CHECK(m.process(e) == want.has_value());
      CHECK(m.state() == want.value_or(from));
      if (want) ++accepted;
    }
  }
  CHECK(accepted == instance_transitions.size());
}

TEST_CASE("Instance machine: CREATING_IMAGE returns to the state it was entered from", "[lifecycle]") {
  instance_machine running(NS::running);
  CHECK(running.process(NE::image_requested));
  CHECK(running.state() == NS::creating_image);
  CHECK_FALSE(running.process(NE::image_requested));  // one image at a time
  CHECK_FALSE(running.process(NE::stop_requested));
  CHECK_FALSE(running.process(NE::terminate_requested));
  CHECK(running.process(NE::image_done));
  CHECK(running.state() == NS::running);

  instance_machine stopped(NS::stopped);
  CHECK(stopped.process(NE::image_requested));
  CHECK(stopped.state() == NS::creating_image);
  instance_machine copy(stopped);
  CHECK(stopped.process(NE::image_done));
  CHECK(stopped.state() == NS::stopped);
  CHECK(copy.state() == NS::creating_image);
  CHECK(copy.process(NE::image_done));
  CHECK(copy.state() == NS::stopped);

  instance_machine seeded(NS::creating_image, NS::stopped);
  CHECK(seeded.state() == NS::creating_image);
  CHECK(seeded.process(NE::image_done));
  CHECK(seeded.state() == NS::stopped);
  instance_machine seeded_running(NS::creating_image);
  CHECK(seeded_running.process(NE::image_done));
  CHECK(seeded_running.state() == NS::running);
}

TEST_CASE("Instance machine: stop, start, reset and terminate run their courses", "[lifecycle]") {
  instance_machine m(NS::running);
  CHECK(m.process(NE::reset_requested));
  CHECK(m.state() == NS::stopping);
  CHECK(m.process(NE::resumed));
  CHECK(m.state() == NS::running);
  CHECK(m.process(NE::stop_requested));
  CHECK(m.process(NE::stopped));
  CHECK_FALSE(m.process(NE::reset_requested));
  CHECK(m.process(NE::start_requested));
  CHECK(m.process(NE::start_failed));
  CHECK(m.state() == NS::stopped);
  CHECK(m.process(NE::start_requested));
  CHECK(m.process(NE::started));
  CHECK(m.process(NE::terminate_requested));
  CHECK(m.process(NE::terminated));
  CHECK(m.state() == NS::terminated);
  for (auto e : all_instance_events) CHECK_FALSE(m.process(e));
  CHECK(m.state() == NS::terminated);
}

TEST_CASE("parse_instance_state accepts any letter case and nothing but the OCI names", "[lifecycle]") {
  for (auto s : all_instance_states) CHECK(parse_instance_state(to_string(s)) == s);
  CHECK(parse_instance_state("creating_image") == NS::creating_image);
  CHECK(parse_instance_state("Stopped") == NS::stopped);
  CHECK_FALSE(parse_instance_state("AVAILABLE"));
  CHECK_FALSE(parse_instance_state("STOPPED "));
  CHECK(std::string(instance_state_names()).find("CREATING_IMAGE") != std::string::npos);
}
