// The image operations: CreateImage, GetImage, ListImages, UpdateImage, DeleteImage, ExportImage,
// ChangeImageCompartment. Field names are spelled as OCI spells them in JSON. Every operation runs
// under the store's lock and validates everything before it changes anything.
#include <algorithm>
#include <ctime>
#include <iterator>

#include "api/api.hpp"
#include "model/fields.hpp"
#include "model/launch_options.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

constexpr std::size_t max_data_volumes = 32;

// https://objectstorage.<region>.oraclecloud.com/n/<namespace>/b/<bucket>/o/<object>, and the
// pre-authenticated form .../p/<token>/n/... : the object the URI names, when it names one.
std::optional<object_key> object_from_uri(std::string_view uri) {
  auto n = uri.find("/n/");
  if (n == std::string_view::npos) return std::nullopt;
  auto rest = uri.substr(n + 3);
  auto b = rest.find("/b/");
  if (b == std::string_view::npos) return std::nullopt;
  auto ns = rest.substr(0, b);
  rest = rest.substr(b + 3);
  auto o = rest.find("/o/");
  if (o == std::string_view::npos) return std::nullopt;
  auto bucket = rest.substr(0, o);
  auto object = rest.substr(o + 3);
  if (ns.empty() || bucket.empty() || object.empty()) return std::nullopt;
  bool ok = true;
  return object_key{percent_decode(ns, ok), percent_decode(bucket, ok), percent_decode(object, ok)};
}

struct import_source {
  json::object details;  // as given, validated
  std::optional<object_key> object;
  std::string operating_system = "Custom";
  std::string operating_system_version = "Custom";
  std::string source_image_type;
};

import_source read_image_source(const json::object& src) {
  field_reader f(src, "imageSourceDetails.");
  import_source out;
  auto type = f.enumeration("sourceType", {"objectStorageTuple", "objectStorageUri"}, true);
  if (*type == "objectStorageTuple") {
    auto ns = f.string("namespaceName", true);
    auto bucket = f.string("bucketName", true);
    auto object = f.string("objectName", true, 1, 1024);
    out.object = object_key{*ns, *bucket, *object};
  } else {
    auto uri = f.string("sourceUri", true, 1, 2000);
    if (uri->rfind("https://", 0) != 0 && uri->rfind("http://", 0) != 0)
      throw invalid_parameter("imageSourceDetails.sourceUri", "must be an http or https URL");
    out.object = object_from_uri(*uri);
  }
  if (auto t = f.enumeration("sourceImageType", {"QCOW2", "VMDK"})) out.source_image_type = *t;
  if (auto os = f.string("operatingSystem")) out.operating_system = *os;
  if (auto v = f.string("operatingSystemVersion")) out.operating_system_version = *v;
  out.details = src;
  return out;
}

// The image an operation that changes it names: 404 when unknown, and when DELETED (a deleted image
// still answers GetImage, but nothing changes it any more). Its progression is brought up to date
// first, uncounted, so that an `immediate` or elapsed phase has ended before the operation looks.
image_record& require_live_image(store& s, const std::string& id) {
  auto& img = require_image(s, id);
  s.evaluate(img, false);
  if (img.state() == image_state::deleted)
    throw api_error{404, "NotAuthorizedOrNotFound", "image " + id + " not found or not authorized: it is DELETED"};
  return img;
}

std::string state_change(const image_record& img, image_state before) {
  return "image " + img.id + " " + to_string(before) + " -> " + to_string(img.state());
}

// ListImages' cursor: sortBy (T or N), sortOrder (A or D), then "<seq>:<key>" with the key of the
// last image of the page in the index that sort walks: timeCreated in ms, or the displayName.
struct list_cursor {
  char by, order;
  std::uint64_t seq;
  std::string key;
};

std::string encode(const list_cursor& c) {
  return std::string{c.by, c.order} + std::to_string(c.seq) + ":" + c.key;
}

std::optional<list_cursor> decode(std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  list_cursor c{text[0], text[1], 0, {}};
  auto colon = text.find(':', 2);
  if (colon == std::string_view::npos || colon == 2 || colon > 22) return std::nullopt;
  for (char d : text.substr(2, colon - 2)) {
    if (d < '0' || d > '9') return std::nullopt;
    c.seq = c.seq * 10 + static_cast<std::uint64_t>(d - '0');
  }
  c.key = std::string(text.substr(colon + 1));
  return c;
}

std::optional<std::int64_t> to_int64(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::size_t used = 0;
  try {
    auto v = std::stoll(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const char* state_names = "PROVISIONING, IMPORTING, AVAILABLE, EXPORTING, DISABLED, DELETED";

// An image as the answer's body. Its JSON lives only until it is serialised, so it is built in an
// arena on the stack instead of a few dozen heap blocks.
api_response image_answer(const store& s, const image_record& img) {
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  return json_answer(s.image_json(img, &arena));
}

}  // namespace

api_response create_image(store& s, const api_request& req) {
  auto body = parse_body_object(req);
  field_reader f(body);
  auto compartment = *f.ocid("compartmentId", true);
  auto display_name = f.string("displayName");
  auto freeform = f.freeform_tags();
  auto defined = f.defined_tags();
  auto launch_mode = f.enumeration("launchMode", launch_modes);
  auto* launch_options = f.object("launchOptions");
  auto instance_id = f.ocid("instanceId");
  auto* source = f.object("imageSourceDetails");
  auto include_data_volumes = f.boolean("shouldIncludeDataVolumes");

  if (instance_id && source)
    throw invalid_parameter("instanceId", "give either instanceId or imageSourceDetails, not both");
  if (!instance_id && !source)
    throw invalid_parameter("instanceId", "either instanceId or imageSourceDetails is required");
  if (include_data_volumes.value_or(false) && !instance_id)
    throw invalid_parameter("shouldIncludeDataVolumes", "is only valid when instanceId is given");
  std::optional<import_source> import;
  if (source) import = read_image_source(*source);

  s.require_compartment("compartmentId", compartment);

  image_record img;
  img.id = s.ids().ocid("image", s.region());
  img.compartment_id = compartment;
  img.time_created = s.now();
  img.display_name = display_name ? *display_name : default_image_name(img.time_created);
  if (freeform) img.freeform_tags = std::move(*freeform);
  if (defined) img.defined_tags = std::move(*defined);
  img.agent_features = agent_features{};

  phase p;
  std::string operation_type;
  if (instance_id) {
    auto it = s.instances.find(*instance_id);
    if (it == s.instances.end())
      throw api_error{400, "RelatedResourceNotAuthorizedOrNotFound",
                      "instanceId: instance " + *instance_id + " not found or not authorized"};
    const auto& inst = it->second;
    if (include_data_volumes.value_or(false) && inst.data_volumes.size() > max_data_volumes)
      throw api_error{400, "LimitExceeded",
                      "imageVolumeDetails.dataVolumes: an image can include at most 32 data volumes; instance " +
                          inst.id + " has " + std::to_string(inst.data_volumes.size())};
    img.machine = image_machine(image_state::provisioning);
    img.operating_system = inst.operating_system;
    img.operating_system_version = inst.operating_system_version;
    img.base_image_id = inst.image_id;
    img.launch_mode = launch_mode ? *launch_mode : inst.launch_mode;
    img.size_in_mbs = inst.boot_volume_size_in_mbs;
    img.billable_size_in_gbs = (inst.boot_volume_size_in_mbs + 1023) / 1024;
    if (include_data_volumes.value_or(false)) {
      json::array volumes;
      std::int64_t index = 1;
      for (const auto& v : inst.data_volumes)
        volumes.push_back(json::object{{"displayName", v.display_name}, {"index", index++}, {"sizeInMBs", v.size_in_mbs}});
      img.data_volumes = std::move(volumes);
    }
    p = phase::provision;
    operation_type = "Create Image";
  } else {
    img.machine = image_machine(image_state::importing);
    img.operating_system = import->operating_system;
    img.operating_system_version = import->operating_system_version;
    img.launch_mode = launch_mode ? *launch_mode : (import->source_image_type.empty() ? "PARAVIRTUALIZED" : "EMULATED");
    img.source_missing = !s.objects.empty() && (!import->object || !s.object_known(*import->object));
    p = phase::import;
    operation_type = "Import Image";
  }
  if (launch_options) {
    field_reader lf(*launch_options, "launchOptions.");
    img.launch_options = read_launch_options(lf, img.launch_mode);
  } else {
    img.launch_options = default_launch_options(img.launch_mode);
  }

  auto& stored = s.add_image(std::move(img));
  auto wr_id = s.start_phase(stored, p, operation_type, "CREATED");

  api_response r = image_answer(s, stored);
  r.headers.emplace_back("etag", stored.etag);
  r.headers.emplace_back("opc-work-request-id", wr_id);
  r.resource_id = stored.id;
  r.changes.push_back("image " + stored.id + " created (" + to_string(stored.state()) + ")");
  r.changes.push_back("work request " + wr_id + " accepted (" + operation_type + ")");
  return r;
}

api_response get_image(store& s, const api_request& req) {
  auto& img = require_image(s, req.params.at(0));
  auto before = img.state();
  s.evaluate(img, true);
  api_response r = image_answer(s, img);
  r.headers.emplace_back("etag", img.etag);
  if (img.state() != before) r.changes.push_back(state_change(img, before));
  return r;
}

// Pages are keyset-based: the token names the last image of the page by its key in the index the
// sort walks (by_time or by_name, both ending in the creation sequence, so keys are unique), and
// the next page starts right after it. A page costs its images plus the non-matching entries
// skipped on the way, and a walk neither repeats nor skips an image that existed when it began,
// however many images are created between pages.
api_response list_images(store& s, const api_request& req) {
  auto compartment = *query_ocid(req, "compartmentId", true);
  auto display_name = req.query_value("displayName");
  if (display_name && (display_name->empty() || display_name->size() > 255))
    throw invalid_parameter("displayName",
                            "must be 1 to 255 characters long (got " + std::to_string(display_name->size()) + ")");
  auto operating_system = req.query_value("operatingSystem");
  auto operating_system_version = req.query_value("operatingSystemVersion");
  auto shape = req.query_value("shape");
  std::optional<image_state> state;
  if (auto v = req.query_value("lifecycleState")) {
    state = parse_image_state(*v);
    if (!state) throw invalid_parameter("lifecycleState", "'" + *v + "' is not one of " + state_names);
  }
  bool by_name = false;
  if (auto v = req.query_value("sortBy")) {
    if (*v == "DISPLAYNAME")
      by_name = true;
    else if (*v != "TIMECREATED")
      throw invalid_parameter("sortBy", "'" + *v + "' is not one of TIMECREATED, DISPLAYNAME");
  }
  bool descending = !by_name;  // TIMECREATED defaults to DESC, DISPLAYNAME to ASC
  if (auto v = req.query_value("sortOrder")) {
    if (*v != "ASC" && *v != "DESC") throw invalid_parameter("sortOrder", "'" + *v + "' is not one of ASC, DESC");
    descending = *v == "DESC";
  }
  auto limit = page_limit(req, 100, 100);

  const char by = by_name ? 'N' : 'T', order = descending ? 'D' : 'A';
  const std::string scope = "ListImages\n" + compartment;
  std::optional<list_cursor> after;
  if (auto text = s.page_cursor(req, scope)) {
    after = decode(*text);
    if (!after || (after->by != 'N' && after->by != 'T') || (after->order != 'A' && after->order != 'D') ||
        (after->by == 'T' && !to_int64(after->key)))
      throw invalid_parameter("page", "not a page token this list gave");
    if (after->by != by || after->order != order)
      throw invalid_parameter("page", std::string("the token continues a list sorted by ") +
                                          (after->by == 'N' ? "DISPLAYNAME" : "TIMECREATED") + " " +
                                          (after->order == 'D' ? "DESC" : "ASC") +
                                          "; ask for the next page with the same sortBy and sortOrder");
  }
  s.require_compartment("compartmentId", compartment);

  std::vector<std::string> changes;
  auto match = [&](std::uint64_t seq) -> image_record* {
    auto* img = s.image_at(seq);
    if (!img || img->compartment_id != compartment) return nullptr;
    if (display_name && img->display_name != *display_name) return nullptr;
    if (operating_system && img->operating_system != *operating_system) return nullptr;
    if (operating_system_version && img->operating_system_version != *operating_system_version) return nullptr;
    if (shape && std::none_of(img->shapes.begin(), img->shapes.end(), [&](const shape_entry& e) { return e.shape == *shape; }))
      return nullptr;
    auto before = img->state();
    s.evaluate(*img, false);  // uncounted: only `immediate` and elapsed phases move
    if (img->state() != before) changes.push_back(state_change(*img, before));
    if (state ? img->state() != *state : img->state() == image_state::deleted) return nullptr;
    return img;
  };

  json::monotonic_resource arena;  // the page's JSON, freed at once after it is serialised
  json::array page(&arena);
  std::optional<list_cursor> last;
  bool more = false;
  auto walk = [&](auto it, auto end, auto key_text) {
    for (; it != end; ++it) {
      auto* img = match(it->second);
      if (!img) continue;
      if (page.size() == limit) {
        more = true;
        return;
      }
      page.push_back(s.image_json(*img, page.storage()));
      last = list_cursor{by, order, it->second, key_text(it->first)};
    }
  };
  if (by_name) {
    auto& index = s.by_name();
    auto key_text = [](const std::string& k) { return k; };
    std::pair<std::string, std::uint64_t> key;
    if (after) key = {after->key, after->seq};
    if (descending)
      walk(after ? std::make_reverse_iterator(index.lower_bound(key)) : index.rbegin(), index.rend(), key_text);
    else
      walk(after ? index.upper_bound(key) : index.begin(), index.end(), key_text);
  } else {
    auto& index = s.by_time;
    auto key_text = [](std::int64_t k) { return std::to_string(k); };
    std::pair<std::int64_t, std::uint64_t> key;
    if (after) key = {*to_int64(after->key), after->seq};
    if (descending)
      walk(after ? std::make_reverse_iterator(index.lower_bound(key)) : index.rbegin(), index.rend(), key_text);
    else
      walk(after ? index.upper_bound(key) : index.begin(), index.end(), key_text);
  }

  api_response r = json_answer(page);
  r.changes = std::move(changes);
  if (more && last) r.headers.emplace_back("opc-next-page", s.page_token(scope, encode(*last)));
  return r;
}

api_response update_image(store& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  auto body = parse_body_object(req);
  field_reader f(body);
  auto display_name = f.string("displayName");
  auto operating_system = f.string("operatingSystem", false, 1, 128);
  auto operating_system_version = f.string("operatingSystemVersion", false, 1, 128);
  auto freeform = f.freeform_tags();
  auto defined = f.defined_tags();
  check_if_match(req, img);
  if (!img.machine.process(image_event::update))
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) + " and cannot be updated");

  std::string changed;
  auto note = [&](const char* field) { changed += (changed.empty() ? "" : ", ") + std::string(field); };
  if (display_name && *display_name != img.display_name) {
    s.rename_image(img, *display_name);
    note("displayName");
  }
  if (operating_system && *operating_system != img.operating_system) {
    img.operating_system = *operating_system;
    note("operatingSystem");
  }
  if (operating_system_version && *operating_system_version != img.operating_system_version) {
    img.operating_system_version = *operating_system_version;
    note("operatingSystemVersion");
  }
  if (freeform && *freeform != img.freeform_tags) {
    img.freeform_tags = std::move(*freeform);
    note("freeformTags");
  }
  if (defined && *defined != img.defined_tags) {
    img.defined_tags = std::move(*defined);
    note("definedTags");
  }
  if (!changed.empty()) s.touch(img);

  api_response r = image_answer(s, img);
  r.headers.emplace_back("etag", img.etag);
  r.resource_id = img.id;
  if (!changed.empty()) r.changes.push_back("image " + img.id + " updated: " + changed);
  return r;
}

api_response delete_image(store& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  check_if_match(req, img);
  api_response r;
  r.status = 204;
  r.resource_id = img.id;
  if (img.running && img.running->which == phase::delete_) return r;  // already being deleted
  auto before = img.state();
  if (!img.machine.process(image_event::delete_requested))
    throw incorrect_state("image " + img.id + " is " + to_string(before) +
                          "; it can be deleted once it is AVAILABLE");
  s.touch(img);
  s.start_phase(img, phase::delete_, {}, {});
  s.evaluate(img, false);  // `immediate` (the default) ends here, DELETED; slower ones show DISABLED
  r.changes.push_back(state_change(img, before) + " (deletion requested)");
  return r;
}

api_response export_image(store& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  auto body = parse_body_object(req);
  field_reader f(body);
  auto type = *f.enumeration("destinationType", {"objectStorageTuple", "objectStorageUri"}, true);
  auto format = f.enumeration("exportFormat", {"QCOW2", "VMDK", "OCI", "VHD", "VDI"}).value_or("OCI");
  std::optional<object_key> target;
  std::string destination;
  if (type == "objectStorageTuple") {
    auto ns = *f.string("namespaceName", true);
    auto bucket = *f.string("bucketName", true);
    auto object = *f.string("objectName", true, 1, 1024);
    target = object_key{ns, bucket, object};
    destination = ns + "/" + bucket + "/" + object;
  } else {
    destination = *f.string("destinationUri", true, 1, 2000);
    if (destination.rfind("https://", 0) != 0 && destination.rfind("http://", 0) != 0)
      throw invalid_parameter("destinationUri", "must be an http or https URL");
    target = object_from_uri(destination);
  }
  check_if_match(req, img);
  auto before = img.state();
  if (!img.machine.process(image_event::export_requested))
    throw incorrect_state("image " + img.id + " is " + to_string(before) + "; only an AVAILABLE image can be exported");
  img.export_target = target;
  s.touch(img);
  auto wr_id = s.start_phase(img, phase::export_, "Export Image", "RELATED");
  if (auto* wr = s.find_work_request(wr_id)) wr->logs.push_back({"exporting to " + destination + " as " + format, s.now()});

  api_response r = image_answer(s, img);
  r.headers.emplace_back("etag", img.etag);
  r.headers.emplace_back("opc-work-request-id", wr_id);
  r.resource_id = img.id;
  r.changes.push_back(state_change(img, before) + " (export to " + destination + " as " + format + ")");
  r.changes.push_back("work request " + wr_id + " accepted (Export Image)");
  return r;
}

api_response change_image_compartment(store& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  auto body = parse_body_object(req);
  field_reader f(body);
  auto compartment = *f.ocid("compartmentId", true);
  s.require_compartment("compartmentId", compartment);
  check_if_match(req, img);
  if (!img.machine.process(image_event::change_compartment))
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) +
                          "; only an AVAILABLE image can change compartment");
  api_response r;
  r.status = 204;
  r.resource_id = img.id;
  if (compartment != img.compartment_id) {
    r.changes.push_back("image " + img.id + " moved from " + img.compartment_id + " to " + compartment);
    img.compartment_id = compartment;
    s.touch(img);
  }
  r.headers.emplace_back("etag", img.etag);
  return r;
}

}  // namespace ocifake::detail
