// The instance operations: GetInstance, ListInstances, InstanceAction, TerminateInstance. An
// instance is seeded (C++, scenario, admin API) and then lives: its actions move it through its
// machine, and reads let its stop, start and termination progress.
#include <algorithm>
#include <chrono>
#include <optional>
#include <tuple>
#include <vector>

#include "api/api.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/launch_options.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

std::int64_t ms_of(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string state_change(const instance_record& inst, instance_state before) {
  return "instance " + inst.id + " " + to_string(before) + " -> " + to_string(inst.state());
}

// A Flex shape's defaults as a launch without shapeConfig gets them: 1 OCPU, 16 GB.
json::object shape_config_json(const instance_record& inst) {
  const bool arm = inst.shape.find(".A1.") != std::string::npos || inst.shape.find(".A2.") != std::string::npos;
  json::object c;
  c["baselineOcpuUtilization"] = nullptr;
  c["gpus"] = 0;
  c["localDisks"] = 0;
  c["maxVnicAttachments"] = 2;
  c["memoryInGBs"] = arm ? 6 : 16;
  c["networkingBandwidthInGbps"] = 1;
  c["ocpus"] = 1;
  c["processorDescription"] = arm ? "3.0 GHz Ampere Altra" : "2.55 GHz AMD EPYC 7J13 (Milan)";
  c["vcpus"] = arm ? 1 : 2;
  return c;
}

}  // namespace

json::object instance_api_json(const resources& s, const instance_record& inst) {
  json::object o;
  o["availabilityConfig"] = json::object{{"isLiveMigrationPreferred", nullptr}, {"recoveryAction", "RESTORE_INSTANCE"}};
  o["availabilityDomain"] = inst.availability_domain;
  o["compartmentId"] = inst.compartment_id;
  o["definedTags"] = json::object{};
  o["displayName"] = inst.display_name;
  o["extendedMetadata"] = json::object{};
  o["faultDomain"] = inst.fault_domain;
  o["freeformTags"] = json::object{};
  o["id"] = inst.id;
  o["imageId"] = inst.image_id.empty() ? json::value(nullptr) : json::value(inst.image_id);
  o["instanceOptions"] = json::object{{"areLegacyImdsEndpointsDisabled", false}};
  o["launchMode"] = inst.launch_mode;
  o["launchOptions"] = to_json(default_launch_options(inst.launch_mode), rules_of(s.dialect()));
  o["lifecycleState"] = to_string(inst.state());
  o["metadata"] = json::object{};
  o["region"] = s.region();
  o["shape"] = inst.shape;
  o["shapeConfig"] = shape_config_json(inst);
  json::object source;
  source["sourceType"] = "image";
  source["imageId"] = inst.image_id.empty() ? json::value(nullptr) : json::value(inst.image_id);
  source["bootVolumeSizeInGBs"] = (inst.boot_volume_size_in_mbs + 1023) / 1024;
  o["sourceDetails"] = std::move(source);
  o["systemTags"] = json::object{};
  o["timeCreated"] = rfc3339(inst.time_created);
  return o;
}

ocifake::instance snapshot(const resources& s, const instance_record& inst) {
  ocifake::instance out;
  out.id = inst.id;
  out.compartment_id = inst.compartment_id;
  out.display_name = inst.display_name;
  out.lifecycle_state = to_string(inst.state());
  out.shape = inst.shape;
  out.availability_domain = inst.availability_domain;
  out.image_id = inst.image_id;
  out.time_created = inst.time_created;
  out.json = json::serialize(instance_api_json(s, inst));
  return out;
}

namespace {

instance_record& require_instance(resources& s, const std::string& id) {
  auto* inst = s.find_instance(id);
  if (!inst) throw not_found("instance", id);
  return *inst;
}

// The instance a change names: 404 when unknown or TERMINATED; its progression brought up to date
// first, uncounted (a timed phase that has run its course ends here, and the change is noted for the
// request's journal line).
instance_record& require_live_instance(resources& s, const std::string& id) {
  auto& inst = require_instance(s, id);
  const auto before = inst.state();
  catch_up(s, inst, false);
  if (inst.state() != before && before != instance_state::creating_image) s.note(state_change(inst, before));
  if (inst.state() == instance_state::terminated)
    throw api_error{404, "NotAuthorizedOrNotFound",
                    "instance " + id + " not found or not authorized: it is TERMINATED"};
  return inst;
}

void check_if_match(const api_request& req, const instance_record& inst) {
  auto m = req.header("if-match");
  if (m && *m != inst.etag)
    throw api_error{412, "NoEtagMatch", "if-match: the etag " + *m + " does not match the instance's current etag"};
}

api_response instance_answer(const resources& s, const instance_record& inst) {
  api_response r = json_answer(instance_api_json(s, inst));
  r.headers.emplace_back("etag", inst.etag);
  return r;
}

// Applies `e`; when the machine refuses it, the request counts as a look at the phase in progress (so
// a client retrying on IncorrectState sees the phase end), and when that look ends the phase, `e` is
// tried again in the new state, as images do. Else 409 IncorrectState naming the state. Returns the
// state `e` was applied in.
instance_state apply(resources& s, instance_record& inst, instance_event e, const std::string& what,
                     const std::string& rule) {
  const auto before = inst.state();
  if (inst.machine.process(e)) return before;
  catch_up(s, inst, true);
  if (inst.state() != before) {
    if (before != instance_state::creating_image) s.note(state_change(inst, before));
    const auto now = inst.state();
    if (inst.machine.process(e)) return now;
  }
  throw incorrect_state("instance " + inst.id + " is " + to_string(inst.state()) + " and cannot " + what + "; " + rule);
}

constexpr const char* action_names = "STOP, START, SOFTSTOP, RESET, SOFTRESET";

// The optional body, the SDK's InstancePowerActionDetails: none (`null` counts as none), or a
// JSON object whose `actionType`, when given, is the details' type of the query's action (`reset`
// for RESET, `softreset` for SOFTRESET; the SDK's third, `rebootMigrate`, goes with an action the
// fake does not serve), with `allowDenseRebootMigration` a boolean. Nothing in it changes what the
// fake does; unknown fields are ignored.
void read_action_details(const api_request& req, std::string_view action) {
  if (req.body.empty() || (req.parsed_body && req.parsed_body->is_null())) return;
  field_reader f(body_object(req));
  if (auto type = f.enumeration("actionType", {"reset", "softreset", "rebootMigrate"})) {
    const std::string goes_with = *type == "reset" ? "RESET" : *type == "softreset" ? "SOFTRESET" : "REBOOTMIGRATE";
    if (goes_with != action)
      throw invalid_parameter(
          "actionType", "'" + *type + "' details go with action=" + goes_with + ", not action=" + std::string(action));
  }
  f.boolean("allowDenseRebootMigration");
}

}  // namespace

api_response get_instance(resources& s, const api_request& req) {
  auto& inst = require_instance(s, req.params.at(0));
  auto before = inst.state();
  catch_up(s, inst, true);
  api_response r = instance_answer(s, inst);
  if (inst.state() != before && before != instance_state::creating_image)  // that change is a note
    r.changes.push_back(state_change(inst, before));
  return r;
}

namespace {

// The cursor of ListInstances: sort (T or N), order (A or D), then the last instance's key and id.
std::string encode(char by, char order, const std::string& key, const std::string& id) {
  return std::string{by, order} + key + "\n" + id;
}

}  // namespace

// Every instance of the compartment matching the filters, sorted whole (instances are few): a page
// starts after the cursor's (key, id), so instances seeded between pages never shift a walk.
api_response list_instances(resources& s, const api_request& req) {
  auto compartment = *query_ocid(req, "compartmentId", true);
  auto display_name = req.query_value("displayName");
  if (display_name && (display_name->empty() || display_name->size() > 255))
    throw invalid_parameter("displayName",
                            "must be 1 to 255 characters long (got " + std::to_string(display_name->size()) + ")");
  auto availability_domain = req.query_value("availabilityDomain");
  std::optional<instance_state> state;
  if (auto v = req.query_value("lifecycleState")) {
    state = parse_instance_state(*v);
    if (!state) throw invalid_parameter("lifecycleState", "'" + *v + "' is not one of " + instance_state_names());
  }
  bool by_name = false;
  if (auto v = req.query_value("sortBy")) {
    if (*v == "DISPLAYNAME")
      by_name = true;
    else if (*v != "TIMECREATED")
      throw invalid_parameter("sortBy", "'" + *v + "' is not one of TIMECREATED, DISPLAYNAME");
  }
  bool descending = !by_name;
  if (auto v = req.query_value("sortOrder")) {
    if (*v != "ASC" && *v != "DESC") throw invalid_parameter("sortOrder", "'" + *v + "' is not one of ASC, DESC");
    descending = *v == "DESC";
  }
  auto limit = page_limit(req, 1000, 100);
  const char by = by_name ? 'N' : 'T';
  const char order = descending ? 'D' : 'A';
  const std::string scope = "ListInstances\n" + compartment;
  std::optional<std::pair<std::string, std::string>> after;
  if (auto text = page_cursor(s, req, scope)) {
    auto nl = text->find('\n');
    if (text->size() < 2 || nl == std::string::npos || ((*text)[0] != 'N' && (*text)[0] != 'T') ||
        ((*text)[1] != 'A' && (*text)[1] != 'D'))
      throw invalid_parameter("page", "not a page token this list gave");
    if ((*text)[0] != by || (*text)[1] != order)
      throw invalid_parameter("page", std::string("the token continues a list sorted by ") +
                                          ((*text)[0] == 'N' ? "DISPLAYNAME " : "TIMECREATED ") +
                                          ((*text)[1] == 'D' ? "DESC" : "ASC") +
                                          "; ask for the next page with the same sortBy and sortOrder");
    after.emplace(text->substr(2, nl - 2), text->substr(nl + 1));
  }
  require_compartment(s, "compartmentId", compartment);

  // Keys compare as text: a time key is zero-padded milliseconds.
  auto key_of = [&](const instance_record* i) {
    if (by_name) return i->display_name;
    auto ms = std::to_string(ms_of(i->time_created));
    return std::string(20 - std::min<std::size_t>(20, ms.size()), '0') + ms;
  };
  std::vector<std::pair<std::pair<std::string, std::string>, instance_record*>> hits;
  std::vector<std::string> changes;
  for (const auto* c : s.instances_in_order()) {
    auto* inst = s.find_instance(c->id);
    if (inst->compartment_id != compartment) continue;
    if (display_name && inst->display_name != *display_name) continue;
    if (availability_domain && inst->availability_domain != *availability_domain) continue;
    auto before = inst->state();
    catch_up(s, *inst, false);
    if (inst->state() != before && before != instance_state::creating_image)
      changes.push_back(state_change(*inst, before));
    if (state && inst->state() != *state) continue;
    std::pair<std::string, std::string> key{key_of(inst), inst->id};
    if (after && (descending ? !(key < *after) : !(*after < key))) continue;
    hits.emplace_back(std::move(key), inst);
  }
  std::sort(hits.begin(), hits.end(),
            [&](const auto& a, const auto& b) { return descending ? b.first < a.first : a.first < b.first; });
  json::array page;
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) page.push_back(instance_api_json(s, *hits[i].second));
  api_response r = json_answer(page);
  r.changes = std::move(changes);
  if (hits.size() > limit) {
    const auto& last = hits[limit - 1].first;
    r.headers.emplace_back("opc-next-page", page_token(s, scope, encode(by, order, last.first, last.second)));
  }
  return r;
}

api_response instance_action(resources& s, const api_request& req) {
  auto action = req.query_value("action");
  if (!action) throw missing_parameter("action");
  const std::string_view a = *action;
  if (a != "STOP" && a != "START" && a != "SOFTSTOP" && a != "RESET" && a != "SOFTRESET")
    throw invalid_parameter("action", "'" + *action + "' is not one of " + action_names);
  read_action_details(req, a);
  auto& inst = require_live_instance(s, req.params.at(0));
  check_if_match(req, inst);
  instance_state before;
  if (a == "START")
    before = apply(s, inst, instance_event::start_requested, "be started", "an instance starts from STOPPED");
  else if (a == "RESET" || a == "SOFTRESET")
    before = apply(s, inst, instance_event::reset_requested, "be reset", "only a RUNNING instance can be reset");
  else
    before = apply(s, inst, instance_event::stop_requested, "be stopped", "an instance stops from RUNNING");

  api_response r;
  if (inst.state() != before) {
    start_action(s, inst, *action);
    s.touch(inst);
    r = instance_answer(s, inst);
    r.changes = s.take_notes();  // the phase this request's look ended
    r.changes.push_back(state_change(inst, before) + " (" + *action + ")");
  } else {
    r = instance_answer(s, inst);
  }
  r.resource_id = inst.id;
  return r;
}

api_response terminate_instance(resources& s, const api_request& req) {
  auto& inst = require_live_instance(s, req.params.at(0));
  check_if_match(req, inst);
  const auto before = apply(s, inst, instance_event::terminate_requested, "be terminated",
                            "wait until the image being created from it is done");
  api_response r;
  r.status = 204;
  r.resource_id = inst.id;
  if (inst.state() != before) {
    start_action(s, inst, "TERMINATE");
    s.touch(inst);
    r.changes = s.take_notes();  // the phase this request's look ended
    r.changes.push_back(state_change(inst, before) + " (termination requested)");
  }
  return r;
}

}  // namespace ocifake::detail
