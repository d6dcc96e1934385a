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

#include "model/fields.hpp"
#include "model/launch_options.hpp"
#include "model/suggest.hpp"
#include "scenario/scenario_data.hpp"

namespace ocifake {

namespace detail {

namespace json = boost::json;

namespace {

// $.images[0].freeformTags["a.b"]: keys that are not identifiers are quoted.
std::string member_path(const std::string& path, std::string_view key) {
  bool plain = !key.empty() && (std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_');
  for (char c : key) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain) return path + "." + std::string(key);
  return path + "[" + json::serialize(json::string(key)) + "]";
}

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string join(std::initializer_list<std::string_view> words) {
  std::string s;
  for (auto w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

constexpr std::string_view image_states[] = {"PROVISIONING", "IMPORTING", "AVAILABLE", "EXPORTING", "DISABLED", "DELETED"};
constexpr std::string_view work_request_states[] = {"ACCEPTED", "IN_PROGRESS", "SUCCEEDED",
                                                    "FAILED",   "CANCELING",   "CANCELED"};
constexpr std::string_view operation_types[] = {"Create Image", "Import Image", "Export Image"};

// One JSON object of the document: its keys are checked against the ones it may have, and each
// accessor reads one key, treating null as absent (GetImage writes null for what an image lacks).
class fields {
public:
  fields(const json::value& v, std::string path, const std::string& source,
         std::initializer_list<std::string_view> keys, std::string_view what = "an object")
      : path_(std::move(path)), source_(&source) {
    o_ = v.if_object();
    if (!o_) throw invalid_input(source, path_, std::string(what));
    for (const auto& kv : *o_) {
      if (std::find(keys.begin(), keys.end(), std::string_view(kv.key())) != keys.end()) continue;
      std::string expected = "a known key" + did_you_mean(kv.key(), {keys.begin(), keys.size()}) +
                             "; the keys here are " + join(keys);
      throw invalid_input(source, member_path(path_, kv.key()), expected);
    }
  }

  std::string at(std::string_view key) const { return member_path(path_, key); }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(std::string_view key, std::string expected) const {
    throw invalid_input(*source_, at(key), std::move(expected));
  }

  const json::value* get(std::string_view key, bool required, const std::string& expected) const {
    auto* v = o_->if_contains(key);
    if (!v || v->is_null()) {
      if (required) fail(key, expected + " (required)");
      return nullptr;
    }
    return v;
  }

  std::optional<std::string> string(std::string_view key, bool required = false, std::size_t min = 1,
                                    std::size_t max = 255) const {
    std::string expected = min == 0 ? "a string of at most " + std::to_string(max) + " characters"
                                    : "a string of " + std::to_string(min) + " to " + std::to_string(max) + " characters";
    auto* v = get(key, required, expected);
    if (!v) return std::nullopt;
    auto* s = v->if_string();
    if (!s || s->size() < min || s->size() > max) fail(key, expected);
    return std::string(*s);
  }

  std::optional<std::string> ocid(std::string_view key, bool required = false) const {
    const std::string expected = "an OCID (ocid1.<type>.<realm>.[region].<unique>)";
    auto* v = get(key, required, expected);
    if (!v) return std::nullopt;
    auto* s = v->if_string();
    if (!s || !is_ocid(*s)) fail(key, expected);
    return std::string(*s);
  }

  template <std::size_t N>
  std::optional<std::string> enumeration(std::string_view key, const std::string_view (&allowed)[N],
                                         bool required = false) const {
    std::string expected = "one of";
    for (std::size_t i = 0; i < N; ++i) expected += (i ? ", " : " ") + std::string(allowed[i]);
    auto* v = get(key, required, expected);
    if (!v) return std::nullopt;
    auto* s = v->if_string();
    if (!s || std::find(std::begin(allowed), std::end(allowed), std::string_view(*s)) == std::end(allowed))
      fail(key, expected);
    return std::string(*s);
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false) const {
    std::string expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    auto* v = get(key, required, expected);
    if (!v) return std::nullopt;
    std::optional<std::int64_t> n;
    if (auto* i = v->if_int64()) n = *i;
    else if (auto* u = v->if_uint64(); u && *u <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(*u);
    else if (auto* d = v->if_double(); d && std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9e15)
      n = static_cast<std::int64_t>(*d);
    if (!n || *n < min || *n > max) fail(key, expected);
    return n;
  }

  std::optional<double> number(std::string_view key, double min, double max, bool required = false) const {
    std::ostringstream text;
    text << "a number from " << min << " to " << max;
    auto* v = get(key, required, text.str());
    if (!v) return std::nullopt;
    if (!v->is_number()) fail(key, text.str());
    double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max) fail(key, text.str());
    return d;
  }

  std::optional<bool> boolean(std::string_view key) const {
    auto* v = get(key, false, "true or false");
    if (!v) return std::nullopt;
    if (!v->is_bool()) fail(key, "true or false");
    return v->get_bool();
  }

  std::optional<time_point> time(std::string_view key, bool required = false) const {
    const std::string expected = "an RFC 3339 time in UTC like 2026-01-01T00:00:00.000Z";
    auto* v = get(key, required, expected);
    if (!v) return std::nullopt;
    auto* s = v->if_string();
    if (!s) fail(key, expected);
    auto t = parse_rfc3339(*s);
    if (!t) fail(key, expected);
    return t;
  }

  const json::array* array(std::string_view key, bool required = false) const {
    auto* v = get(key, required, "an array");
    if (!v) return nullptr;
    auto* a = v->if_array();
    if (!a) fail(key, "an array");
    return a;
  }

  const json::value* value(std::string_view key) const { return get(key, false, ""); }

private:
  const json::object* o_ = nullptr;
  std::string path_;
  const std::string* source_;
};

[[noreturn]] void fail(const std::string& source, std::string path, std::string expected) {
  throw invalid_input(source, std::move(path), std::move(expected));
}

// freeformTags: {"key": "value"}
json::object freeform_tags(const json::value& v, const std::string& path, const std::string& source) {
  const std::string expected = "an object of tag keys (1 to 100 characters) and string values (at most 256)";
  auto* o = v.if_object();
  if (!o) fail(source, path, expected);
  for (const auto& kv : *o) {
    auto* s = kv.value().if_string();
    if (kv.key().empty() || kv.key().size() > 100 || !s || s->size() > 256)
      fail(source, member_path(path, kv.key()), expected);
  }
  return *o;
}

// definedTags: {"namespace": {"key": value}}
json::object defined_tags(const json::value& v, const std::string& path, const std::string& source) {
  auto* o = v.if_object();
  if (!o) fail(source, path, "an object of tag namespaces, each an object of tag keys and values");
  for (const auto& ns : *o) {
    auto p = member_path(path, ns.key());
    auto* inner = ns.value().if_object();
    if (ns.key().empty() || ns.key().size() > 100 || !inner)
      fail(source, p, "an object of tag keys and values (a tag namespace of 1 to 100 characters)");
    for (const auto& kv : *inner) {
      if (kv.key().empty() || kv.key().size() > 100 || !is_tag_value(kv.value()))
        fail(source, member_path(p, kv.key()), "a string, number or boolean tag value");
    }
  }
  return *o;
}

constexpr std::string_view listing_types[] = {"COMMUNITY", "NONE"};
constexpr std::string_view action_types[] = {"CREATED", "UPDATED", "DELETED", "RELATED", "IN_PROGRESS", "FAILED"};

shape_entry parse_shape(const json::value& v, const std::string& path, const std::string& source,
                        const std::string& image_id) {
  fields f(v, path, source, {"imageId", "shape", "memoryConstraints", "ocpuConstraints"},
           "a shape compatibility entry {\"shape\", \"memoryConstraints\"?, \"ocpuConstraints\"?}");
  shape_entry e;
  e.shape = *f.string("shape", true);
  if (auto id = f.ocid("imageId"); id && !image_id.empty() && *id != image_id)
    f.fail("imageId", "the id of the image the entry belongs to (" + image_id + "), or nothing");
  if (auto* m = f.value("memoryConstraints")) {
    fields c(*m, f.at("memoryConstraints"), source, {"minInGBs", "maxInGBs"});
    auto lo = c.integer("minInGBs", 1, 1 << 20), hi = c.integer("maxInGBs", 1, 1 << 20);
    if (lo && hi && *lo > *hi) c.fail("maxInGBs", "an integer no smaller than minInGBs");
    json::object o;
    if (lo) o["minInGBs"] = *lo;
    if (hi) o["maxInGBs"] = *hi;
    e.memory_constraints = std::move(o);
  }
  if (auto* m = f.value("ocpuConstraints")) {
    fields c(*m, f.at("ocpuConstraints"), source, {"min", "max"});
    auto lo = c.integer("min", 1, 1 << 20), hi = c.integer("max", 1, 1 << 20);
    if (lo && hi && *lo > *hi) c.fail("max", "an integer no smaller than min");
    json::object o;
    if (lo) o["min"] = *lo;
    if (hi) o["max"] = *hi;
    e.ocpu_constraints = std::move(o);
  }
  return e;
}

scenario_image parse_image(const json::value& v, const std::string& path, const std::string& source) {
  fields f(v, path, source,
           {"agentFeatures", "baseImageId", "billableSizeInGBs", "compartmentId", "createImageAllowed", "definedTags",
            "displayName", "freeformTags", "id", "imageVolumeDetails", "launchMode", "launchOptions",
            "lifecycleState", "listingType", "operatingSystem", "operatingSystemVersion", "sizeInMBs", "timeCreated",
            "shapes", "progress"},
           "an image object, as GetImage answers it");
  scenario_image out;
  out.path = path;
  auto& r = out.record;
  r.id = f.ocid("id").value_or("");
  r.compartment_id = *f.ocid("compartmentId", true);
  auto state = f.enumeration("lifecycleState", image_states).value_or("AVAILABLE");
  r.machine = image_machine(*parse_image_state(state));
  r.operating_system = f.string("operatingSystem").value_or("Oracle Linux");
  r.operating_system_version = f.string("operatingSystemVersion").value_or("8");
  r.base_image_id = f.ocid("baseImageId").value_or("");
  r.launch_mode = f.enumeration("launchMode", launch_modes).value_or("PARAVIRTUALIZED");
  r.listing_type = f.enumeration("listingType", listing_types).value_or("NONE");
  r.create_image_allowed = f.boolean("createImageAllowed").value_or(true);
  r.size_in_mbs = f.integer("sizeInMBs", 1, std::int64_t(1) << 40);
  r.billable_size_in_gbs = f.integer("billableSizeInGBs", 0, std::int64_t(1) << 30);
  if (auto* t = f.value("freeformTags")) r.freeform_tags = freeform_tags(*t, f.at("freeformTags"), source);
  if (auto* t = f.value("definedTags")) r.defined_tags = defined_tags(*t, f.at("definedTags"), source);
  if (auto* a = f.value("agentFeatures")) {
    fields af(*a, f.at("agentFeatures"), source, {"isManagementSupported", "isMonitoringSupported"});
    r.agent_features = agent_features{af.boolean("isManagementSupported").value_or(false),
                                      af.boolean("isMonitoringSupported").value_or(false)};
  }
  if (auto* d = f.value("imageVolumeDetails")) {
    fields details(*d, f.at("imageVolumeDetails"), source, {"dataVolumes"});
    json::array volumes;
    if (auto* a = details.array("dataVolumes")) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        fields dv((*a)[i], index_path(details.at("dataVolumes"), i), source, {"displayName", "index", "sizeInMBs"},
                  "a data volume {\"displayName\", \"index\", \"sizeInMBs\"}");
        json::object o;
        o["displayName"] = dv.string("displayName", false, 0).value_or("");
        o["index"] = dv.integer("index", 1, 32).value_or(static_cast<std::int64_t>(i + 1));
        o["sizeInMBs"] = dv.integer("sizeInMBs", 1, std::int64_t(1) << 40).value_or(51200);
        volumes.push_back(std::move(o));
      }
    }
    r.data_volumes = std::move(volumes);
  }
  // The defaults CreateImage uses, so a seeded image looks like a created one.
  if (auto* l = f.value("launchOptions")) {
    fields lf(*l, f.at("launchOptions"), source,
              {"bootVolumeType", "firmware", "networkType", "remoteDataVolumeType", "isPvEncryptionInTransitEnabled",
               "isConsistentVolumeNamingEnabled", "isEncryptionInTransitEnabled"});
    r.launch_options = read_launch_options(lf, r.launch_mode);
  } else {
    r.launch_options = default_launch_options(r.launch_mode);
  }
  if (auto t = f.time("timeCreated")) {
    r.time_created = *t;
    out.time_created_given = true;
  }
  r.display_name = f.string("displayName").value_or("");
  if (auto* a = f.array("shapes"))
    for (std::size_t i = 0; i < a->size(); ++i)
      r.shapes.push_back(parse_shape((*a)[i], index_path(f.at("shapes"), i), source, r.id));
  if (auto* p = f.value("progress")) {
    auto s = r.state();
    if (s != image_state::provisioning && s != image_state::importing && s != image_state::exporting &&
        s != image_state::disabled)
      f.fail("progress", "nothing: progress is for an image in PROVISIONING, IMPORTING, EXPORTING or DISABLED "
                         "(deletion pending), and this one is " + state);
    out.how = parse_progress(*p, f.at("progress"), source);
  }
  return out;
}

scenario_work_request parse_work_request(const json::value& v, const std::string& path, const std::string& source) {
  fields f(v, path, source,
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
  auto* resources = f.array("resources", true);
  if (resources->size() != 1)
    f.fail("resources", "an array of exactly one resource {\"entityType\": \"image\", \"actionType\", \"identifier\"}");
  fields res((*resources)[0], index_path(f.at("resources"), 0), source,
             {"entityType", "actionType", "identifier", "entityUri"},
             "a resource {\"entityType\": \"image\", \"actionType\", \"identifier\", \"entityUri\"}");
  constexpr std::string_view entity_types[] = {"image"};
  res.enumeration("entityType", entity_types);
  w.action_type = res.enumeration("actionType", action_types)
                      .value_or(w.operation_type == "Export Image" ? "RELATED" : "CREATED");
  w.image_id = *res.ocid("identifier", true);
  if (auto uri = res.string("entityUri", false, 1, 1000); uri && *uri != "/20160918/images/" + w.image_id)
    res.fail("entityUri", "/20160918/images/" + w.image_id + " (the identifier's URI), or nothing");

  if (auto t = f.time("timeAccepted")) {
    w.time_accepted = *t;
    out.time_accepted_given = true;
  }
  w.time_started = f.time("timeStarted");
  w.time_finished = f.time("timeFinished");
  if (auto p = f.number("percentComplete", 0, 100))
    w.percent_complete = *p;
  else
    w.percent_complete = status == "SUCCEEDED" ? 100 : 0;
  // Times the document leaves out follow timeAccepted; applying fills them in once that is known.

  if (auto* a = f.array("errors")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      fields e((*a)[i], index_path(f.at("errors"), i), source, {"code", "message", "timestamp"},
               "a work request error {\"code\", \"message\", \"timestamp\"}");
      work_request_record::error_entry entry;
      entry.code = *e.string("code", true);
      entry.message = *e.string("message", true, 1, 4000);
      entry.timestamp = e.time("timestamp").value_or(time_point{});
      w.errors.push_back(std::move(entry));
    }
  }
  if (auto* a = f.array("logs")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      fields e((*a)[i], index_path(f.at("logs"), i), source, {"message", "timestamp"},
               "a work request log entry {\"message\", \"timestamp\"}");
      work_request_record::log_entry entry;
      entry.message = *e.string("message", true, 1, 4000);
      entry.timestamp = e.time("timestamp").value_or(time_point{});
      w.logs.push_back(std::move(entry));
    }
  }
  return out;
}

// The phase an image in a transitional state is in, and the work request type that tracks it.
struct transitional {
  phase which;
  const char* operation_type;
};
std::optional<transitional> phase_of(image_state s) {
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
    auto t = phase_of(img_state);
    if (!t || w.operation_type != t->operation_type)
      fail(d.source, wr.path + ".status",
           "SUCCEEDED, FAILED or CANCELED: an ACCEPTED or IN_PROGRESS \"" + w.operation_type +
               "\" work request tracks an image in progress, and image " + w.image_id + " is " +
               to_string(img_state));
    if (!tracked.insert(w.image_id).second)
      fail(d.source, wr.path + ".status",
           "SUCCEEDED, FAILED or CANCELED: image " + w.image_id + " already has a work request in progress");
  }
  std::set<std::string> rule_ids;
  for (std::size_t i = 0; i < d.faults.size(); ++i) {
    auto* o = d.faults[i].if_object();
    auto* id = o ? o->if_contains("id") : nullptr;
    if (id && id->is_string() && !rule_ids.insert(std::string(id->get_string())).second)
      fail(d.source, "$.faults[" + std::to_string(i) + "].id",
           "an id no other rule of the scenario has (" + std::string(id->get_string()) + " is repeated)");
  }
}

}  // namespace

json::value parse_json_text(std::string_view text, const std::string& source) {
  boost::system::error_code ec;
  json::parse_options opt;
  auto v = json::parse(text, ec, {}, opt);
  if (ec) throw invalid_input(source, "$", "JSON text (" + ec.message() + ")");
  return v;
}

progress parse_progress(const json::value& v, const std::string& path, const std::string& source) {
  const std::string expected =
      R"(one of {"immediate": true}, {"polls": n}, {"seconds": s}, {"never": true}, {"fail": "message"})";
  auto* o = v.if_object();
  if (!o || o->size() != 1) fail(source, path, expected);
  fields f(v, path, source, {"immediate", "polls", "seconds", "never", "fail"}, expected);
  if (o->contains("immediate")) {
    if (f.boolean("immediate") != true) f.fail("immediate", "true");
    return progress::immediate();
  }
  if (o->contains("polls"))
    return progress::polls(static_cast<unsigned>(*f.integer("polls", 0, 1'000'000, true)));
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
  }
  return "";
}

instance_spec parse_instance(const json::value& v, const std::string& path, const std::string& source) {
  fields f(v, path, source,
           {"id", "compartmentId", "displayName", "operatingSystem", "operatingSystemVersion", "imageId", "launchMode",
            "bootVolumeSizeInMBs", "dataVolumes"},
           "an instance object {\"compartmentId\", \"displayName\", ...}");
  instance_spec s;
  s.id = f.ocid("id").value_or("");
  s.compartment_id = *f.ocid("compartmentId", true);
  if (auto x = f.string("displayName")) s.display_name = *x;
  if (auto x = f.string("operatingSystem")) s.operating_system = *x;
  if (auto x = f.string("operatingSystemVersion")) s.operating_system_version = *x;
  if (auto x = f.ocid("imageId")) s.image_id = *x;
  if (auto x = f.enumeration("launchMode", launch_modes)) s.launch_mode = *x;
  s.boot_volume_size_in_mbs = f.integer("bootVolumeSizeInMBs", 1, std::int64_t(1) << 40);
  if (auto* a = f.array("dataVolumes")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      fields dv((*a)[i], index_path(f.at("dataVolumes"), i), source, {"displayName", "sizeInMBs"},
                "a data volume {\"displayName\", \"sizeInMBs\"}");
      data_volume d;
      if (auto x = dv.string("displayName")) d.display_name = *x;
      if (auto x = dv.integer("sizeInMBs", 1, std::int64_t(1) << 40)) d.size_in_mbs = *x;
      s.data_volumes.push_back(std::move(d));
    }
  }
  return s;
}

object_key parse_object(const json::value& v, const std::string& path, const std::string& source) {
  fields f(v, path, source, {"namespace", "bucket", "object"},
           "an object {\"namespace\", \"bucket\", \"object\"}");
  object_key k;
  k.namespace_name = *f.string("namespace", true);
  k.bucket = *f.string("bucket", true);
  k.object = *f.string("object", true, 1, 1024);
  return k;
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

scenario scenario::parse(std::string_view text, std::string source) {
  namespace json = boost::json;
  using detail::fields;
  auto d = std::make_shared<detail::scenario_data>();
  d->source = std::move(source);
  const auto& src = d->source;
  auto doc = detail::parse_json_text(text, src);
  fields f(doc, "$", src,
           {"name", "description", "clock", "clockStart", "seed", "compartments", "instances", "objects", "images",
            "workRequests", "lifecycle", "faults"},
           "a scenario object {\"name\", ...}");

  d->name = *f.string("name", true, 1, 200);
  d->description = f.string("description", false, 0, 4000).value_or("");
  constexpr std::string_view clock_modes[] = {"real", "manual"};
  if (auto c = f.enumeration("clock", clock_modes)) d->clock = *c == "manual" ? clock_mode::manual : clock_mode::real;
  d->clock_start = f.time("clockStart");
  if (auto* s = f.value("seed")) {
    if (auto* u = s->if_uint64()) d->seed = *u;
    else if (auto* i = s->if_int64(); i && *i >= 0) d->seed = static_cast<std::uint64_t>(*i);
    else f.fail("seed", "an integer from 0 to 18446744073709551615");
  }

  if (auto* a = f.array("compartments")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto* s = (*a)[i].if_string();
      if (!s || !detail::is_ocid(*s))
        throw invalid_input(src, "$.compartments[" + std::to_string(i) + "]",
                            "a compartment OCID (ocid1.compartment.<realm>..<unique>)");
      d->compartments.emplace_back(*s);
    }
  }
  if (auto* a = f.array("instances"))
    for (std::size_t i = 0; i < a->size(); ++i)
      d->instances.push_back(detail::parse_instance((*a)[i], "$.instances[" + std::to_string(i) + "]", src));
  if (auto* a = f.array("objects"))
    for (std::size_t i = 0; i < a->size(); ++i)
      d->objects.push_back(detail::parse_object((*a)[i], "$.objects[" + std::to_string(i) + "]", src));
  if (auto* a = f.array("images"))
    for (std::size_t i = 0; i < a->size(); ++i)
      d->images.push_back(detail::parse_image((*a)[i], "$.images[" + std::to_string(i) + "]", src));
  if (auto* a = f.array("workRequests"))
    for (std::size_t i = 0; i < a->size(); ++i)
      d->work_requests.push_back(
          detail::parse_work_request((*a)[i], "$.workRequests[" + std::to_string(i) + "]", src));
  if (auto* l = f.value("lifecycle")) {
    fields lf(*l, "$.lifecycle", src, {"provision", "import", "export", "delete"},
              "an object {\"provision\", \"import\", \"export\", \"delete\"} of lifecycle values");
    for (auto p : {phase::provision, phase::import, phase::export_, phase::delete_})
      if (auto* v = lf.value(detail::phase_key(p)))
        d->lifecycle[static_cast<int>(p)] = detail::parse_progress(*v, lf.at(detail::phase_key(p)), src);
  }
  if (auto* a = f.array("faults")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      std::string path = "$.faults[" + std::to_string(i) + "]";
      try {
        fault::from_json(json::serialize((*a)[i]));
      } catch (const invalid_input& e) {
        // The rule parser names paths from the rule ("$.action.type"): place them in the document.
        throw invalid_input(src, path + e.path().substr(1), e.expected());
      }
      d->faults.push_back((*a)[i]);
    }
  }
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
