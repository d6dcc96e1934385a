// Scenario documents: parsing and validation (docs/scenarios.md). Everything that can be checked
// without a server is checked here, so that applying a scenario rarely fails and, when it does,
// fails before anything changed. Unknown keys are mistakes: a typo must not be silently ignored.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <ocifake/error.hpp>
#include <ocifake/faults.hpp>
#include <ocifake/scenario.hpp>

#include "faults/engine.hpp"
#include "lifecycle/progression.hpp"
#include "model/capability_descriptors.hpp"
#include "model/fields.hpp"
#include "model/json_reader.hpp"
#include "model/launch_options.hpp"
#include "scenario/scenario_data.hpp"
#include "store/platform.hpp"

namespace ocifake {

namespace detail {

namespace json = boost::json;

progress parse_progress(const json::value& v, const std::string& path);

namespace {

constexpr std::string_view image_states[] = {"PROVISIONING", "IMPORTING", "AVAILABLE",
                                             "EXPORTING",    "DISABLED",  "DELETED"};
constexpr std::string_view work_request_states[] = {"ACCEPTED", "IN_PROGRESS", "SUCCEEDED",
                                                    "FAILED",   "CANCELING",   "CANCELED"};
constexpr std::string_view operation_types[] = {"Create Image", "Import Image", "Export Image"};
constexpr std::string_view listing_types[] = {"COMMUNITY", "NONE"};
constexpr std::string_view action_types[] = {"CREATED", "UPDATED", "DELETED", "RELATED", "IN_PROGRESS", "FAILED"};
constexpr std::string_view clock_modes[] = {"real", "manual"};

[[noreturn]] void fail(const std::string& source, std::string path, std::string expected) {
  throw invalid_input(source, std::move(path), std::move(expected));
}

// Calls read(element, path) for each element of an array member.
template <class F>
void each(const object_reader& f, std::string_view key, F&& read) {
  if (auto* a = f.array(key))
    for (std::size_t i = 0; i < a->size(); ++i) read((*a)[i], index_path(f.path_of(key), i));
}

// {"minInGBs", "maxInGBs"} or {"min", "max"}: both optional, low no greater than high.
json::object read_constraints(const json::value& v, const std::string& path, std::string_view low,
                              std::string_view high) {
  object_reader c(v, path, {low, high});
  auto lo = c.integer(low, 1, 1 << 20), hi = c.integer(high, 1, 1 << 20);
  if (lo && hi && *lo > *hi) c.fail(high, "an integer no smaller than " + std::string(low));
  json::object o;
  if (lo) o[low] = *lo;
  if (hi) o[high] = *hi;
  return o;
}

shape_entry parse_shape(const json::value& v, const std::string& path, const std::string& image_id) {
  object_reader f(v, path, {"imageId", "shape", "memoryConstraints", "ocpuConstraints"},
                  "a shape compatibility entry {\"shape\", \"memoryConstraints\"?, \"ocpuConstraints\"?}");
  shape_entry e;
  e.shape = *f.string("shape", true);
  if (auto id = f.ocid("imageId"); id && !image_id.empty() && *id != image_id)
    f.fail("imageId", "the id of the image the entry belongs to (" + image_id + "), or nothing");
  if (auto* m = f.value("memoryConstraints"))
    e.memory_constraints = read_constraints(*m, f.path_of("memoryConstraints"), "minInGBs", "maxInGBs");
  if (auto* m = f.value("ocpuConstraints"))
    e.ocpu_constraints = read_constraints(*m, f.path_of("ocpuConstraints"), "min", "max");
  return e;
}

json::array read_data_volumes(const object_reader& f) {
  object_reader details(*f.value("imageVolumeDetails"), f.path_of("imageVolumeDetails"), {"dataVolumes"});
  json::array volumes;
  each(details, "dataVolumes", [&](const json::value& v, const std::string& path) {
    object_reader dv(v, path, {"displayName", "index", "sizeInMBs"},
                     "a data volume {\"displayName\", \"index\", \"sizeInMBs\"}");
    json::object o;
    o["displayName"] = dv.string("displayName", false, 0).value_or("");
    o["index"] = dv.integer("index", 1, 32).value_or(static_cast<std::int64_t>(volumes.size() + 1));
    o["sizeInMBs"] = dv.integer("sizeInMBs", 1, std::int64_t(1) << 40).value_or(51200);
    volumes.push_back(std::move(o));
  });
  return volumes;
}

// A platform image's launch options: those of the catalogue, with what the document gives in their place.
launch_options read_platform_launch_options(const object_reader& lf, const dialect_rules& d) {
  auto o = read_launch_options(lf, "NATIVE", d);  // validates every field given
  const auto base = platform_launch_options();
  if (!lf.has("bootVolumeType")) o.boot_volume_type = base.boot_volume_type;
  if (!lf.has("firmware")) o.firmware = base.firmware;
  if (!lf.has("networkType")) o.network_type = base.network_type;
  if (!lf.has("remoteDataVolumeType")) o.remote_data_volume_type = base.remote_data_volume_type;
  if (!lf.has("isPvEncryptionInTransitEnabled"))
    o.is_pv_encryption_in_transit_enabled = base.is_pv_encryption_in_transit_enabled;
  if (!lf.has("isConsistentVolumeNamingEnabled"))
    o.is_consistent_volume_naming_enabled = base.is_consistent_volume_naming_enabled;
  if (!lf.has("isEncryptionInTransitEnabled"))
    o.is_encryption_in_transit_enabled = base.is_encryption_in_transit_enabled;
  return o;
}

// The image's own fields, as GetImage writes them.
void read_image_fields(const object_reader& f, image_record& r, const std::string& state, const dialect_rules& d) {
  r.id = f.ocid("id").value_or("");
  if (r.platform) {
    if (f.has("compartmentId")) f.fail("compartmentId", "null: a platform image belongs to no compartment");
  } else {
    r.compartment_id = *f.ocid("compartmentId", true);
  }
  r.machine = image_machine(*parse_image_state(state));
  r.operating_system = f.string("operatingSystem").value_or("Oracle Linux");
  r.operating_system_version = f.string("operatingSystemVersion").value_or("8");
  r.base_image_id = f.ocid("baseImageId").value_or("");
  r.launch_mode = dialect_enumeration(f, "launchMode", d, &dialect_rules::launch_modes)
                      .value_or(r.platform ? "NATIVE" : "PARAVIRTUALIZED");
  r.listing_type = f.enumeration("listingType", listing_types).value_or(r.platform ? "" : "NONE");
  r.create_image_allowed = f.boolean("createImageAllowed").value_or(true);
  r.size_in_mbs = f.integer("sizeInMBs", 1, std::int64_t(1) << 40);
  if (r.platform && !f.has("sizeInMBs")) r.size_in_mbs = 47694;  // a Linux platform image's
  r.billable_size_in_gbs = f.integer("billableSizeInGBs", 0, std::int64_t(1) << 30);
  if (auto t = f.freeform_tags()) r.freeform_tags = std::move(*t);
  if (auto t = f.defined_tags()) r.defined_tags = std::move(*t);
  if (auto* a = f.value("agentFeatures")) {
    object_reader af(*a, f.path_of("agentFeatures"), {"isManagementSupported", "isMonitoringSupported"});
    r.agent_features = agent_features{af.boolean("isManagementSupported").value_or(false),
                                      af.boolean("isMonitoringSupported").value_or(false)};
  }
  if (f.has("imageVolumeDetails")) r.data_volumes = read_data_volumes(f);
  // The defaults CreateImage uses, so a seeded image looks like a created one.
  if (auto* l = f.value("launchOptions")) {
    object_reader lf(
        *l, f.path_of("launchOptions"),
        {"bootVolumeType", "firmware", "networkType", "remoteDataVolumeType", "isPvEncryptionInTransitEnabled",
         "isConsistentVolumeNamingEnabled", "isEncryptionInTransitEnabled"});
    r.launch_options = r.platform && !f.has("launchMode") ? read_platform_launch_options(lf, d)
                                                          : read_launch_options(lf, r.launch_mode, d);
  } else {
    r.launch_options =
        r.platform && !f.has("launchMode") ? platform_launch_options() : default_launch_options(r.launch_mode);
  }
  r.display_name = f.string("displayName", r.platform).value_or("");
}

// A custom image, or (`platform`) an image of the catalogue: no compartment, AVAILABLE, and NATIVE
// with the launch options of platform images unless it says otherwise.
scenario_image parse_image(const json::value& v, const std::string& path, const dialect_rules& d,
                           bool platform = false) {
  object_reader f(v, path,
                  {"agentFeatures",
                   "baseImageId",
                   "billableSizeInGBs",
                   "compartmentId",
                   "createImageAllowed",
                   "definedTags",
                   "displayName",
                   "freeformTags",
                   "id",
                   "imageVolumeDetails",
                   "launchMode",
                   "launchOptions",
                   "lifecycleState",
                   "listingType",
                   "operatingSystem",
                   "operatingSystemVersion",
                   "sizeInMBs",
                   "timeCreated",
                   "shapes",
                   "progress"},
                  platform ? "a platform image object, as GetImage answers it (compartmentId null)"
                           : "an image object, as GetImage answers it");
  scenario_image out;
  out.path = path;
  auto& r = out.record;
  r.platform = platform;
  auto state = platform ? f.enumeration("lifecycleState", {"AVAILABLE"}).value_or("AVAILABLE")
                        : f.enumeration("lifecycleState", image_states).value_or("AVAILABLE");
  read_image_fields(f, r, state, d);
  if (auto t = f.time("timeCreated")) {
    r.time_created = *t;
    out.time_created_given = true;
  }
  out.shapes_given = f.has("shapes");
  each(f, "shapes", [&](const json::value& e, const std::string& p) { r.shapes.edit().push_back(parse_shape(e, p, r.id)); });
  if (platform && f.has("progress")) f.fail("progress", "nothing: a platform image is AVAILABLE and stays so");
  if (auto* p = f.value("progress")) {
    auto s = r.state();
    if (s != image_state::provisioning && s != image_state::importing && s != image_state::exporting &&
        s != image_state::disabled)
      f.fail("progress", "nothing: progress is for an image in PROVISIONING, IMPORTING, EXPORTING or DISABLED "
                         "(deletion pending), and this one is " +
                             state);
    out.how = parse_progress(*p, f.path_of("progress"));
  }
  return out;
}

// resources: exactly one {"entityType": "image", "actionType", "identifier", "entityUri"}.
void read_work_request_resource(const object_reader& f, work_request_record& w) {
  auto* resources = f.array("resources", true);
  if (resources->size() != 1)
    f.fail("resources", "an array of exactly one resource {\"entityType\": \"image\", \"actionType\", \"identifier\"}");
  object_reader res((*resources)[0], index_path(f.path_of("resources"), 0),
                    {"entityType", "actionType", "identifier", "entityUri"},
                    "a resource {\"entityType\": \"image\", \"actionType\", \"identifier\", \"entityUri\"}");
  res.enumeration("entityType", {"image"});
  w.action_type =
      res.enumeration("actionType", action_types).value_or(w.operation_type == "Export Image" ? "RELATED" : "CREATED");
  w.image_id = *res.ocid("identifier", true);
  if (auto uri = res.string("entityUri", false, 1, 1000); uri && *uri != "/20160918/images/" + w.image_id)
    res.fail("entityUri", "/20160918/images/" + w.image_id + " (the identifier's URI), or nothing");
}

void read_work_request_entries(const object_reader& f, work_request_record& w) {
  each(f, "errors", [&](const json::value& v, const std::string& path) {
    object_reader e(v, path, {"code", "message", "timestamp"},
                    "a work request error {\"code\", \"message\", \"timestamp\"}");
    work_request_record::error_entry entry;
    entry.code = *e.string("code", true);
    entry.message = *e.string("message", true, 1, 4000);
    entry.timestamp = e.time("timestamp").value_or(time_point{});
    w.errors.push_back(std::move(entry));
  });
  each(f, "logs", [&](const json::value& v, const std::string& path) {
    object_reader e(v, path, {"message", "timestamp"}, "a work request log entry {\"message\", \"timestamp\"}");
    work_request_record::log_entry entry;
    entry.message = *e.string("message", true, 1, 4000);
    entry.timestamp = e.time("timestamp").value_or(time_point{});
    w.logs.push_back(std::move(entry));
  });
}

scenario_work_request parse_work_request(const json::value& v, const std::string& path) {
  object_reader f(v, path,
                  {"compartmentId", "id", "operationType", "percentComplete", "resources", "status", "timeAccepted",
                   "timeStarted", "timeFinished", "errors", "logs"},
                  "a work request object, as GetWorkRequest answers it");
  scenario_work_request out;
  out.path = path;
  auto& w = out.record;
  w.id = f.ocid("id").value_or("");
  w.compartment_id = f.ocid("compartmentId").value_or("");
  w.operation_type = *f.enumeration("operationType", operation_types, true);
  auto status = *f.enumeration("status", work_request_states, true);
  w.machine = work_request_machine(*parse_work_request_state(status));
  read_work_request_resource(f, w);
  if (auto t = f.time("timeAccepted")) {
    w.time_accepted = *t;
    out.time_accepted_given = true;
  }
  // Times the document leaves out follow timeAccepted; applying fills them in once that is known.
  w.time_started = f.time("timeStarted");
  w.time_finished = f.time("timeFinished");
  w.percent_complete = f.number("percentComplete", 0, 100).value_or(status == "SUCCEEDED" ? 100 : 0);
  read_work_request_entries(f, w);
  return out;
}

// An image capability schema as GetComputeImageCapabilitySchema answers it; its schemaData is
// checked against the global schema version it names, as CreateComputeImageCapabilitySchema does.
scenario_schema parse_capability_schema(const json::value& v, const std::string& path, const dialect_rules& d) {
  constexpr std::string_view version_key = "computeGlobalImageCapabilitySchemaVersionName";
  object_reader f(v, path,
                  {"id", "compartmentId", "computeGlobalImageCapabilitySchemaId", version_key, "imageId",
                   "lifecycleState", "displayName", "schemaData", "timeCreated", "freeformTags", "definedTags"},
                  "an image capability schema object, as GetComputeImageCapabilitySchema answers it");
  scenario_schema out;
  out.path = path;
  auto& r = out.record;
  r.id = f.ocid("id").value_or("");
  r.compartment_id = *f.ocid("compartmentId", true);
  r.image_id = *f.ocid("imageId", true);
  const std::string global_id(global_schema().id);
  f.enumeration("computeGlobalImageCapabilitySchemaId", {global_id});
  std::vector<std::string_view> versions;
  for (const auto& gv : global_schema_versions()) versions.push_back(gv.name);
  r.version_name = *f.enumeration(version_key, versions, true);
  // CREATING is what the Create answer shows; every later read sees the schema ACTIVE.
  auto state = f.enumeration("lifecycleState", {"CREATING", "ACTIVE", "DELETED"}).value_or("ACTIVE");
  r.state = state == "DELETED" ? schema_state::deleted : schema_state::active;
  r.display_name = f.string("displayName").value_or("");
  const auto& version = *find_global_schema_version(r.version_name);
  if (!f.has("schemaData")) f.object("schemaData", true);  // refused as missing
  r.schema_data =
      read_schema_data(*f.value("schemaData"), f.path_of("schemaData"), global_descriptors(version, d), version.name);
  if (auto t = f.time("timeCreated")) {
    r.time_created = *t;
    out.time_created_given = true;
  }
  if (auto t = f.freeform_tags()) r.freeform_tags = std::move(*t);
  if (auto t = f.defined_tags()) r.defined_tags = std::move(*t);
  return out;
}

instance_spec read_instance(const json::value& v, const std::string& path, const dialect_rules& d,
                            std::string* creating_image = nullptr) {
  object_reader f(v, path,
                  {"id", "compartmentId", "displayName", "operatingSystem", "operatingSystemVersion", "imageId",
                   "launchMode", "shape", "bootVolumeSizeInMBs", "dataVolumes", "availabilityDomain", "lifecycleState",
                   "creatingImageId"},
                  "an instance object {\"compartmentId\", \"displayName\", ...}");
  instance_spec s;
  // Scenarios only: the PROVISIONING image being made of it (it is CREATING_IMAGE until that is done).
  if (creating_image) {
    *creating_image = f.ocid("creatingImageId").value_or("");
    if (!creating_image->empty() && f.has("lifecycleState")) {
      auto st = f.string("lifecycleState");
      if (st && *st != "RUNNING" && *st != "STOPPED")
        f.fail("creatingImageId", "an instance RUNNING or STOPPED to image (its lifecycleState is " + *st + ")");
    }
  } else if (f.has("creatingImageId")) {
    f.fail("creatingImageId", "nothing: an image of an instance is made by CreateImage");
  }
  s.id = f.ocid("id").value_or("");
  s.compartment_id = *f.ocid("compartmentId", true);
  if (auto x = f.string("displayName")) s.display_name = *x;
  if (auto x = f.string("operatingSystem")) s.operating_system = *x;
  if (auto x = f.string("operatingSystemVersion")) s.operating_system_version = *x;
  if (auto x = f.ocid("imageId")) s.image_id = *x;
  if (auto x = dialect_enumeration(f, "launchMode", d, &dialect_rules::launch_modes)) s.launch_mode = *x;
  if (auto x = f.string("shape")) s.shape = *x;
  if (auto x = f.string("availabilityDomain")) s.availability_domain = *x;
  if (auto* v = f.value("lifecycleState")) {
    auto* text = v->if_string();
    auto expected = instance_seed_refusal(text ? std::string_view(*text) : std::string_view("?"));
    if (!expected.empty()) f.fail("lifecycleState", std::move(expected), instance_seed_states);
    s.lifecycle_state = std::string(*text);
  }
  s.boot_volume_size_in_mbs = f.integer("bootVolumeSizeInMBs", 1, std::int64_t(1) << 40);
  each(f, "dataVolumes", [&](const json::value& e, const std::string& p) {
    object_reader dv(e, p, {"displayName", "sizeInMBs"}, "a data volume {\"displayName\", \"sizeInMBs\"}");
    data_volume d;
    if (auto x = dv.string("displayName")) d.display_name = *x;
    if (auto x = dv.integer("sizeInMBs", 1, std::int64_t(1) << 40)) d.size_in_mbs = *x;
    s.data_volumes.push_back(std::move(d));
  });
  return s;
}

object_key read_object(const json::value& v, const std::string& path) {
  object_reader f(v, path, {"namespace", "bucket", "object"}, "an object {\"namespace\", \"bucket\", \"object\"}");
  object_key k;
  k.namespace_name = *f.string("namespace", true);
  k.bucket = *f.string("bucket", true);
  k.object = *f.string("object", true, 1, 1024);
  return k;
}

// name, description, clock, clockStart, seed
void read_settings(const object_reader& f, scenario_data& d) {
  d.name = *f.string("name", true, 1, 200);
  d.description = f.string("description", false, 0, 4000).value_or("");
  if (auto c = f.enumeration("clock", clock_modes)) d.clock = *c == "manual" ? clock_mode::manual : clock_mode::real;
  d.clock_start = f.time("clockStart");
  if (f.has("seed"))
    d.seed = f.whole("seed", 0, std::numeric_limits<std::uint64_t>::max(), "an integer from 0 to 18446744073709551615");
  if (d.seed && f.value("seed")->is_double()) f.fail("seed", "an integer from 0 to 18446744073709551615");
  if (auto x = f.enumeration("dialect", dialect_names)) d.dialect = dialect_named(*x);
}

// compartments, instances, objects, images, workRequests, lifecycle, faults
void read_contents(const object_reader& f, scenario_data& d) {
  // A scenario's values are those of its own dialect, else of either (checked when it is applied).
  const auto& rules = d.dialect ? rules_of(*d.dialect) : either_dialect();
  each(f, "compartments", [&](const json::value& v, const std::string& path) {
    auto* s = v.if_string();
    if (!s || !is_ocid(*s)) refuse(path, "a compartment OCID (ocid1.compartment.<realm>..<unique>)", &v);
    d.compartments.emplace_back(*s);
  });
  each(f, "instances",
       [&](const json::value& v, const std::string& p) {
         d.instance_images.emplace_back();
         d.instances.push_back(read_instance(v, p, rules, &d.instance_images.back()));
       });
  each(f, "objects", [&](const json::value& v, const std::string& p) { d.objects.push_back(read_object(v, p)); });
  each(f, "images", [&](const json::value& v, const std::string& p) { d.images.push_back(parse_image(v, p, rules)); });
  if (auto* p = f.value("platformImages")) {
    if (p->is_bool()) {
      d.platform_default = p->as_bool();
    } else {
      if (!p->is_array())
        f.fail("platformImages", "false (no platform images), true (the default catalogue) or a list of images");
      d.platform_images.emplace();
      each(f, "platformImages", [&](const json::value& v, const std::string& path) {
        d.platform_images->push_back(parse_image(v, path, rules, true));
      });
    }
  }
  each(f, "workRequests",
       [&](const json::value& v, const std::string& p) { d.work_requests.push_back(parse_work_request(v, p)); });
  each(f, "computeImageCapabilitySchemas", [&](const json::value& v, const std::string& p) {
    d.capability_schemas.push_back(parse_capability_schema(v, p, rules));
  });
  if (auto* l = f.value("lifecycle")) {
    object_reader lf(*l, f.path_of("lifecycle"),
                     {"provision", "import", "export", "delete", "stop", "start", "terminate"},
                     "an object {\"provision\", \"import\", \"export\", \"delete\", \"stop\", \"start\", "
                     "\"terminate\"} of lifecycle values");
    for (auto p : all_phases)
      if (auto* v = lf.value(phase_key(p)))
        d.lifecycle[static_cast<int>(p)] = parse_progress(*v, lf.path_of(phase_key(p)));
  }
  each(f, "faults", [&](const json::value& v, const std::string& path) {
    d.faults.push_back({read_rule(v, path), path});
  });
}

// The phase an image in a transitional state is in, and the work request type that tracks it.
struct transitional {
  phase which;
  const char* operation_type;
};
std::optional<transitional> transitional_of(image_state s) {
  switch (s) {
    case image_state::provisioning: return transitional{phase::provision, "Create Image"};
    case image_state::importing: return transitional{phase::import, "Import Image"};
    case image_state::exporting: return transitional{phase::export_, "Export Image"};
    default: return std::nullopt;
  }
}

// Checks between parts: unique ids, work requests that name an image of the document and agree
// with its state.
void cross_check(const scenario_data& d) {
  std::map<std::string, const scenario_image*> images;
  for (const auto& img : d.images) {
    if (img.record.id.empty()) continue;
    if (!images.emplace(img.record.id, &img).second)
      fail(d.source, img.path + ".id", "an id no other image of the scenario has (" + img.record.id + " is repeated)");
  }
  if (d.platform_images) {
    // Ids left out are drawn from the name, so names must be unique as ids are.
    std::set<std::string> ids, names;
    for (const auto& img : *d.platform_images) {
      const auto& r = img.record;
      if (!r.id.empty() && (images.count(r.id) || !ids.insert(r.id).second))
        fail(d.source, img.path + ".id", "an id no other image of the scenario has (" + r.id + " is repeated)");
      if (!names.insert(r.display_name).second)
        fail(d.source, img.path + ".displayName",
             "a name no other platform image of the scenario has (" + r.display_name + " is repeated)");
    }
  }
  std::set<std::string> instance_ids;
  for (std::size_t i = 0; i < d.instances.size(); ++i)
    if (!d.instances[i].id.empty() && !instance_ids.insert(d.instances[i].id).second)
      fail(d.source, "$.instances[" + std::to_string(i) + "].id",
           "an id no other instance of the scenario has (" + d.instances[i].id + " is repeated)");
  std::set<std::string> wr_ids;
  std::set<std::string> tracked;  // images with a work request in flight
  for (const auto& wr : d.work_requests) {
    const auto& w = wr.record;
    if (!w.id.empty() && !wr_ids.insert(w.id).second)
      fail(d.source, wr.path + ".id", "an id no other work request of the scenario has (" + w.id + " is repeated)");
    auto it = images.find(w.image_id);
    if (it == images.end())
      fail(d.source, wr.path + ".resources[0].identifier",
           "the id of an image in this scenario's images (" + w.image_id + " is not one)");
    auto state = w.machine.state();
    bool in_flight = state == work_request_state::accepted || state == work_request_state::in_progress;
    if (!in_flight) continue;
    auto img_state = it->second->record.state();
    auto t = transitional_of(img_state);
    if (!t || w.operation_type != t->operation_type)
      fail(d.source, wr.path + ".status",
           "SUCCEEDED, FAILED or CANCELED: an ACCEPTED or IN_PROGRESS \"" + w.operation_type +
               "\" work request tracks an image in progress, and image " + w.image_id + " is " + to_string(img_state));
    if (!tracked.insert(w.image_id).second)
      fail(d.source, wr.path + ".status",
           "SUCCEEDED, FAILED or CANCELED: image " + w.image_id + " already has a work request in progress");
  }
  std::set<std::string> schema_ids;
  for (const auto& sc : d.capability_schemas)
    if (!sc.record.id.empty() && !schema_ids.insert(sc.record.id).second)
      fail(d.source, sc.path + ".id",
           "an id no other image capability schema of the scenario has (" + sc.record.id + " is repeated)");
  std::set<std::string> rule_ids;
  for (const auto& [rule, path] : d.faults) {
    const auto& id = rule.rule_id();
    if (!id.empty() && !rule_ids.insert(id).second)
      fail(d.source, path + ".id", "an id no other rule of the scenario has (" + id + " is repeated)");
  }
}

}  // namespace

json::value parse_json_text(std::string_view text, const std::string& source) {
  return read_input(source, [&] { return parse_json(text); });
}

progress parse_progress(const json::value& v, const std::string& path) {
  const std::string expected =
      R"(one of {"immediate": true}, {"polls": n}, {"seconds": s}, {"never": true}, {"fail": "message"})";
  auto* o = v.if_object();
  if (!o || o->size() != 1) refuse(path, expected, &v);
  object_reader f(v, path, {"immediate", "polls", "seconds", "never", "fail"}, expected);
  if (o->contains("immediate")) {
    if (f.boolean("immediate") != true) f.fail("immediate", "true");
    return progress::immediate();
  }
  if (o->contains("polls")) return progress::polls(static_cast<unsigned>(*f.integer("polls", 0, 1'000'000, true)));
  if (o->contains("seconds")) {
    auto s = *f.number("seconds", 0, 1e9, true);
    return progress::after(std::chrono::milliseconds(std::llround(s * 1000)));
  }
  if (o->contains("never")) {
    if (f.boolean("never") != true) f.fail("never", "true");
    return progress::never();
  }
  return progress::fail(*f.string("fail", true, 1, 4000));
}

progress parse_progress(const json::value& v, const std::string& path, const std::string& source) {
  return read_input(source, [&] { return parse_progress(v, path); });
}

json::object progress_json(const progress& p) {
  switch (p.type()) {
    case progress::kind::immediate: return {{"immediate", true}};
    case progress::kind::polls: return {{"polls", p.poll_count()}};
    case progress::kind::after: {
      auto ms = p.duration().count();
      if (ms % 1000 == 0) return {{"seconds", ms / 1000}};
      return {{"seconds", static_cast<double>(ms) / 1000.0}};
    }
    case progress::kind::never: return {{"never", true}};
    case progress::kind::fail: return {{"fail", p.message()}};
  }
  return {};
}

const char* phase_key(phase p) {
  switch (p) {
    case phase::provision: return "provision";
    case phase::import: return "import";
    case phase::export_: return "export";
    case phase::delete_: return "delete";
    case phase::stop: return "stop";
    case phase::start: return "start";
    case phase::terminate: return "terminate";
  }
  return "";
}

instance_spec parse_instance(const json::value& v, const std::string& path, const std::string& source,
                             const dialect_rules& d) {
  return read_input(source, [&] { return read_instance(v, path, d); });
}

object_key parse_object(const json::value& v, const std::string& path, const std::string& source) {
  return read_input(source, [&] { return read_object(v, path); });
}

scenario_image parse_platform_image(const json::value& v, const std::string& path, const std::string& source,
                                    const dialect_rules& d) {
  return read_input(source, [&] { return parse_image(v, path, d, true); });
}

json::object instance_json(const instance_record& r) {
  json::object o;
  o["id"] = r.id;
  o["compartmentId"] = r.compartment_id;
  o["displayName"] = r.display_name;
  o["operatingSystem"] = r.operating_system;
  o["operatingSystemVersion"] = r.operating_system_version;
  if (!r.image_id.empty()) o["imageId"] = r.image_id;
  o["launchMode"] = r.launch_mode;
  o["shape"] = r.shape;
  o["availabilityDomain"] = r.availability_domain;
  // An instance an image is being made of is written in the state it returns to, with that image:
  // applied, the document holds it CREATING_IMAGE again.
  const bool imaging = r.state() == instance_state::creating_image;
  o["lifecycleState"] = to_string(imaging ? r.imaging_from : r.state());
  if (imaging) o["creatingImageId"] = r.imaging;
  o["bootVolumeSizeInMBs"] = r.boot_volume_size_in_mbs;
  json::array volumes;
  for (const auto& d : r.data_volumes)
    volumes.push_back(json::object{{"displayName", d.display_name}, {"sizeInMBs", d.size_in_mbs}});
  o["dataVolumes"] = std::move(volumes);
  return o;
}

json::object object_json(const object_key& k) {
  return {{"namespace", k.namespace_name}, {"bucket", k.bucket}, {"object", k.object}};
}

}  // namespace detail

// ---------------------------------------------------------------- ocifake::scenario

scenario::scenario(std::shared_ptr<const detail::scenario_data> d) : data_(std::move(d)) {}
scenario::scenario(const scenario&) = default;
scenario& scenario::operator=(const scenario&) = default;
scenario::scenario(scenario&&) noexcept = default;
scenario& scenario::operator=(scenario&&) noexcept = default;
scenario::~scenario() = default;

const std::string& scenario::name() const { return data_->name; }
const std::string& scenario::description() const { return data_->description; }
std::optional<clock_mode> scenario::clock() const { return data_->clock; }
std::optional<std::uint64_t> scenario::seed() const { return data_->seed; }
std::optional<ocifake::dialect> scenario::dialect() const { return data_->dialect; }

scenario scenario::parse(std::string_view text, std::string source) {
  auto d = std::make_shared<detail::scenario_data>();
  d->source = std::move(source);
  detail::read_input(d->source, [&] {
    auto doc = detail::parse_json(text);
    detail::object_reader f(
        doc, "$",
        {"name", "description", "dialect", "clock", "clockStart", "seed", "compartments", "instances", "objects",
         "platformImages", "images", "workRequests", "computeImageCapabilitySchemas", "lifecycle", "faults"},
        "a scenario object {\"name\", ...}");
    detail::read_settings(f, *d);
    detail::read_contents(f, *d);
  });
  detail::cross_check(*d);
  return scenario(std::move(d));
}

scenario scenario::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw invalid_input(file.string(), "$", "a readable scenario file (cannot open it)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw invalid_input(file.string(), "$", "a readable scenario file (reading failed)");
  return parse(text.str(), file.string());
}

}  // namespace ocifake
