// The image operations: CreateImage, GetImage, ListImages, UpdateImage, DeleteImage, ExportImage,
// ChangeImageCompartment. Field names are spelled as OCI spells them in JSON. Every operation runs
// under the store's lock and validates everything before it changes anything.
#include <algorithm>
#include <ctime>
#include <functional>
#include <iterator>

#include "api/api.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/launch_options.hpp"
#include "model/utf8.hpp"
#include "store/platform.hpp"

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
      throw invalid_parameter("imageSourceDetails.sourceUri", quoted_value(*uri) + " is not an http or https URL");
    out.object = object_from_uri(*uri);
  }
  if (auto t = f.enumeration("sourceImageType", {"QCOW2", "VMDK"})) out.source_image_type = *t;
  if (auto os = f.string("operatingSystem")) out.operating_system = *os;
  if (auto v = f.string("operatingSystemVersion")) out.operating_system_version = *v;
  out.details = src;
  return out;
}

std::string state_change(const image_record& img, image_state before) {
  return "image " + img.id + " " + to_string(before) + " -> " + to_string(img.state());
}

// ListImages' cursor: the walk (T or N: one order for all images, by timeCreated or displayName; P
// or C: without sortBy, the platform images by timeCreated, then the custom ones), sortOrder (A or
// D), then "<seq>:<key>" with the key of the last image of the page in the index that walk reads:
// timeCreated in ms, or the displayName.
struct list_cursor {
  char by, order;
  std::uint64_t seq;
  std::string key;
};

std::string encode(const list_cursor& c) { return std::string{c.by, c.order} + std::to_string(c.seq) + ":" + c.key; }

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

// A change the image's state refuses while the image is in a phase counts as a look at that phase,
// as GetImage does (DESIGN, lifecycle reads): under `polls(n)` a client that retries on 409
// IncorrectState, as the OCI SDKs do by default, sees the phase end. Applies `e`, at once or once
// this look ended the phase, and answers the state it was applied in (nothing when refused);
// `changes` gets the state change the look made.
std::optional<image_state> apply_or_look(resources& s, image_record& img, image_event e,
                                         std::vector<std::string>& changes) {
  auto before = img.state();
  if (img.machine.process(e)) return before;
  if (!img.running) return std::nullopt;
  catch_up(s, img, true);
  if (img.state() == before) return std::nullopt;
  changes.push_back(state_change(img, before));
  for (auto& n : s.take_notes()) changes.push_back(std::move(n));  // its instance released
  before = img.state();
  if (img.machine.process(e)) return before;
  return std::nullopt;
}

// An image as the answer's body, written as text without building its JSON object first.
api_response image_answer(const resources& s, const image_record& img) {
  api_response r;
  r.status = 200;
  r.body = image_json_text(img, rules_of(s.dialect()));
  return r;
}

}  // namespace

namespace {

// CreateImage's body, read and checked before anything else looks at the store.
struct create_request {
  std::string compartment;
  std::optional<std::string> display_name, launch_mode, instance_id;
  std::optional<json::object> freeform, defined;
  const json::object* launch_options = nullptr;  // in the body, which outlives the request read
  std::optional<import_source> import;
  bool include_data_volumes = false;
};

create_request read_create_request(const json::object& body, const dialect_rules& d) {
  field_reader f(body);
  create_request c;
  c.compartment = *f.ocid("compartmentId", true);
  c.display_name = f.string("displayName");
  c.freeform = f.freeform_tags();
  c.defined = f.defined_tags();
  c.launch_mode = dialect_enumeration(f, "launchMode", d, &dialect_rules::launch_modes);
  c.launch_options = f.object("launchOptions");
  c.instance_id = f.ocid("instanceId");
  auto* source = f.object("imageSourceDetails");
  if (d.volume_details) c.include_data_volumes = f.boolean("shouldIncludeDataVolumes").value_or(false);
  if (c.instance_id && source)
    throw invalid_parameter("instanceId", "give either instanceId or imageSourceDetails, not both (instanceId " +
                                              quoted_value(*c.instance_id) + " and imageSourceDetails were given)");
  if (!c.instance_id && !source)
    throw invalid_parameter("instanceId", "either instanceId or imageSourceDetails is required");
  if (c.include_data_volumes && !c.instance_id)
    throw invalid_parameter("shouldIncludeDataVolumes", "true is only valid when instanceId is given");
  if (source) c.import = read_image_source(*source);
  return c;
}

// The instance an image is captured from: RUNNING or STOPPED, else 409 IncorrectState naming its
// state (a second image of it at once finds it CREATING_IMAGE). Before refusing, the request counts
// as a look at the phase the instance is in, as every change refused for a phase does; when that
// look ends the phase, the request goes through.
instance_record& capturable_instance(resources& s, const std::string& id) {
  auto* inst = s.find_instance(id);  // capture_instance found it
  auto capturable = [&] {
    return inst->state() == instance_state::running || inst->state() == instance_state::stopped;
  };
  catch_up(s, *inst, false);
  if (capturable()) return *inst;
  catch_up(s, *inst, true);
  if (capturable()) return *inst;
  const auto state = inst->state();
  std::string why = "an image can be created only of a RUNNING or STOPPED instance";
  if (state == instance_state::creating_image)
    why = "image " + inst->imaging + " of it is being created; wait until that image is AVAILABLE";
  throw incorrect_state("instanceId: instance " + id + " is " + to_string(state) + "; " + why);
}

// An image captured from an instance: PROVISIONING, with the instance's OS and boot volume.
void capture_instance(resources& s, const create_request& c, image_record& img) {
  const auto* inst = s.find_instance(*c.instance_id);
  if (!inst)
    throw api_error{400, "RelatedResourceNotAuthorizedOrNotFound",
                    "instanceId: instance " + *c.instance_id + " not found or not authorized"};
  if (c.include_data_volumes && inst->data_volumes.size() > max_data_volumes)
    throw api_error{400, "LimitExceeded",
                    "imageVolumeDetails.dataVolumes: an image can include at most 32 data volumes; instance " +
                        inst->id + " has " + std::to_string(inst->data_volumes.size())};
  img.machine = image_machine(image_state::provisioning);
  img.operating_system = inst->operating_system;
  img.operating_system_version = inst->operating_system_version;
  img.base_image_id = inst->image_id;
  img.launch_mode = c.launch_mode ? *c.launch_mode : inst->launch_mode;
  img.size_in_mbs = inst->boot_volume_size_in_mbs;
  img.billable_size_in_gbs = billable_size_in_gbs(inst->boot_volume_size_in_mbs);
  // Agent features come from the image the instance was launched from, when that one has them.
  if (const auto* base = s.find_image(inst->image_id)) img.agent_features = base->agent_features;
  if (!c.include_data_volumes) return;
  json::array volumes;
  std::int64_t index = 1;
  for (const auto& v : inst->data_volumes)
    volumes.push_back(json::object{{"displayName", v.display_name}, {"index", index++}, {"sizeInMBs", v.size_in_mbs}});
  img.data_volumes = std::move(volumes);
}

// An image imported from Object Storage: IMPORTING; it fails later when objects are strict and
// the one it names is unknown.
void import_object(const resources& s, const create_request& c, image_record& img) {
  const auto& import = *c.import;
  img.machine = image_machine(image_state::importing);
  img.operating_system = import.operating_system;
  img.operating_system_version = import.operating_system_version;
  img.launch_mode =
      c.launch_mode ? *c.launch_mode : (import.source_image_type.empty() ? "PARAVIRTUALIZED" : "EMULATED");
  img.source_missing = s.objects_strict() && (!import.object || !s.object_known(*import.object));
}

// The shapes a new image is compatible with: a captured image those of its base image (when the
// store still has it) and its instance's shape; an import the default VM shapes of its launch mode.
shape_list shapes_of_new_image(resources& s, const create_request& c, const image_record& img) {
  if (!c.instance_id) return import_shapes(s.dialect(), img.launch_mode);
  shape_list shapes;
  if (!img.base_image_id.empty())
    if (const auto* base = s.find_image(img.base_image_id)) shapes = base->shapes;
  if (const auto* inst = s.find_instance(*c.instance_id))
    if (std::none_of(shapes.begin(), shapes.end(), [&](const shape_entry& e) { return e.shape == inst->shape; }))
      add_shape(shapes.edit(), shape_for(inst->shape));
  return shapes;
}

}  // namespace

api_response create_image(resources& s, const api_request& req) {
  const auto& dialect = rules_of(s.dialect());
  auto c = read_create_request(body_object(req), dialect);  // points into the request's body
  require_compartment(s, "compartmentId", c.compartment);

  image_record img;
  img.id = s.ids().ocid("image", s.region());
  img.compartment_id = c.compartment;
  img.time_created = s.now();
  img.display_name = c.display_name ? *c.display_name : default_image_name(img.time_created);
  if (c.freeform) img.freeform_tags = std::move(*c.freeform);
  if (c.defined) img.defined_tags = std::move(*c.defined);
  if (c.instance_id)
    capture_instance(s, c, img);
  else
    import_object(s, c, img);
  img.shapes = shapes_of_new_image(s, c, img);
  if (c.launch_options) {
    field_reader lf(*c.launch_options, "launchOptions.");
    img.launch_options = read_launch_options(lf, img.launch_mode, dialect);
  } else {
    img.launch_options = default_launch_options(img.launch_mode);
  }

  // The request is good; the instance may still be busy.
  instance_record* source = c.instance_id ? &capturable_instance(s, *c.instance_id) : nullptr;
  const phase p = c.instance_id ? phase::provision : phase::import;
  auto& stored = s.add_image(std::move(img));
  auto wr_id = start_phase(s, stored, p);
  const auto source_before = source ? source->state() : instance_state::running;
  if (source) hold_for_image(s, *source, stored);

  api_response r = image_answer(s, stored);
  r.headers.emplace_back("etag", stored.etag);
  r.headers.emplace_back("opc-work-request-id", wr_id);
  r.resource_id = stored.id;
  r.changes = s.take_notes();  // the instance an earlier image held, released by this request's look
  r.changes.push_back("image " + stored.id + " created (" + to_string(stored.state()) + ")");
  r.changes.push_back("work request " + wr_id + " accepted (" + info(p).operation_type + ")");
  if (source)
    r.changes.push_back("instance " + source->id + " " + to_string(source_before) + " -> " +
                        to_string(source->state()) + " (image " + stored.id + ")");
  return r;
}

api_response get_image(resources& s, const api_request& req) {
  auto& img = require_image(s, req.params.at(0));
  auto before = img.state();
  catch_up(s, img, true);
  api_response r = image_answer(s, img);
  r.headers.emplace_back("etag", img.etag);
  if (img.state() != before) r.changes.push_back(state_change(img, before));
  for (auto& n : s.take_notes()) r.changes.push_back(std::move(n));  // its instance released
  return r;
}

namespace {

// ListImages' query: filters, order and page size.
struct list_query {
  std::string compartment;
  std::optional<std::string> display_name, operating_system, operating_system_version, shape;
  std::optional<image_state> state;
  bool sorted = false;  // sortBy given: one order for platform and custom images alike
  bool by_name = false;
  bool descending = true;  // TIMECREATED defaults to DESC, DISPLAYNAME to ASC
  std::size_t limit = 100;
  // The walk a first page starts: sorted by name or time, or the platform images first.
  char by() const { return by_name ? 'N' : sorted ? 'T' : 'P'; }
  char order() const { return descending ? 'D' : 'A'; }
};

list_query read_list_query(const api_request& req) {
  list_query q;
  q.compartment = *query_ocid(req, "compartmentId", true);
  q.display_name = req.query_value("displayName");
  if (q.display_name && (q.display_name->empty() || q.display_name->size() > 255))
    throw invalid_parameter("displayName", "must be 1 to 255 characters long (got " +
                                               std::to_string(q.display_name->size()) + ": " +
                                               quoted_value(*q.display_name) + ")");
  q.operating_system = req.query_value("operatingSystem");
  q.operating_system_version = req.query_value("operatingSystemVersion");
  q.shape = req.query_value("shape");
  if (auto v = req.query_value("lifecycleState")) {
    q.state = parse_image_state(*v);
    if (!q.state) throw invalid_parameter("lifecycleState", "'" + *v + "' is not one of " + state_names);
  }
  if (auto v = req.query_value("sortBy")) {
    q.sorted = true;
    if (*v == "DISPLAYNAME")
      q.by_name = true;
    else if (*v != "TIMECREATED")
      throw invalid_parameter("sortBy", "'" + *v + "' is not one of TIMECREATED, DISPLAYNAME");
  }
  q.descending = !q.by_name;
  if (auto v = req.query_value("sortOrder")) {
    if (*v != "ASC" && *v != "DESC") throw invalid_parameter("sortOrder", "'" + *v + "' is not one of ASC, DESC");
    q.descending = *v == "DESC";
  }
  q.limit = page_limit(req, 100, 100);
  return q;
}

const char* walk_name(char by) {
  switch (by) {
    case 'N': return "a list sorted by DISPLAYNAME";
    case 'T': return "a list sorted by TIMECREATED";
    default: return "a list without sortBy (platform images first)";
  }
}

// The cursor the request's page token carries, checked against the sort it continues.
std::optional<list_cursor> read_list_cursor(const resources& s, const api_request& req, const list_query& q,
                                            const std::string& scope) {
  auto text = page_cursor(s, req, scope);
  if (!text) return std::nullopt;
  auto after = decode(*text);
  const std::string_view walks = "NTPC";
  if (!after || walks.find(after->by) == std::string_view::npos || (after->order != 'A' && after->order != 'D') ||
      (after->by != 'N' && !to_int64(after->key)))
    throw invalid_parameter("page", quoted_value(*req.query_value("page")) + " is not a page token this list gave");
  // P and C are the two halves of one walk.
  const char walk = after->by == 'C' ? 'P' : after->by;
  if (walk != q.by() || after->order != q.order())
    throw invalid_parameter("page", std::string("the token continues ") + walk_name(walk) + " " +
                                        (after->order == 'D' ? "DESC" : "ASC") +
                                        "; ask for the next page with the same sortBy and sortOrder");
  return after;
}

// One page of a walk over the indexes: the images that match, up to the limit, and the cursor of
// the last one. Custom images are listed for their own compartment, platform images for every one.
class list_walk {
public:
  // `page`: the entries' JSON text, comma-separated, without the array's brackets.
  list_walk(resources& s, const list_query& q, std::string& page) : s_(s), q_(q), page_(page) {}

  // The entries of `index` after `key` (or from the start) in the order the query asks for, as
  // walk `by` (its cursor says which index it was in).
  template <class Index, class KeyText>
  void walk_index(const Index& index, const std::optional<typename Index::value_type>& key, char by, KeyText key_text) {
    walk_merged(index, Index{}, key, by, key_text);
  }

  // Two disjoint indexes (platform and custom images) merged into one order.
  template <class Index, class KeyText>
  void walk_merged(const Index& a, const Index& b, const std::optional<typename Index::value_type>& key, char by,
                   KeyText key_text) {
    if (q_.descending)
      merge(key ? std::make_reverse_iterator(a.lower_bound(*key)) : a.rbegin(), a.rend(),
            key ? std::make_reverse_iterator(b.lower_bound(*key)) : b.rbegin(), b.rend(), std::greater<>{}, by,
            key_text);
    else
      merge(key ? a.upper_bound(*key) : a.begin(), a.end(), key ? b.upper_bound(*key) : b.begin(), b.end(),
            std::less<>{}, by, key_text);
  }

  std::vector<std::string> changes;
  std::optional<list_cursor> last;
  bool more = false;

private:
  template <class It, class Before, class KeyText>
  void merge(It a, It a_end, It b, It b_end, Before before, char by, KeyText key_text) {
    while (!more && (a != a_end || b != b_end)) {
      bool from_a = b == b_end || (a != a_end && before(*a, *b));
      auto& it = from_a ? a : b;
      visit(it->second, it->first, by, key_text);
      ++it;
    }
  }

  template <class Key, class KeyText>
  void visit(std::uint64_t seq, const Key& key, char by, KeyText key_text) {
    auto* img = match(seq);
    if (!img) return;
    if (count_ == q_.limit) {
      more = true;
      return;
    }
    if (count_++) page_ += ',';
    append_image_json(page_, *img, rules_of(s_.dialect()));
    last = list_cursor{by, q_.order(), seq, key_text(key)};
  }

  image_record* match(std::uint64_t seq) {
    auto* img = s_.image_at(seq);
    if (!img || (!img->platform && img->compartment_id != q_.compartment)) return nullptr;
    if (q_.display_name && img->display_name != *q_.display_name) return nullptr;
    if (q_.operating_system && img->operating_system != *q_.operating_system) return nullptr;
    if (q_.operating_system_version && img->operating_system_version != *q_.operating_system_version) return nullptr;
    if (q_.shape && std::none_of(img->shapes.begin(), img->shapes.end(),
                                 [&](const shape_entry& e) { return e.shape == *q_.shape; }))
      return nullptr;
    auto before = img->state();
    catch_up(s_, *img, false);  // uncounted: only `immediate` and elapsed phases move
    if (img->state() != before) changes.push_back(state_change(*img, before));
    if (q_.state ? img->state() != *q_.state : img->state() == image_state::deleted) return nullptr;
    return img;
  }

  resources& s_;
  const list_query& q_;
  std::string& page_;
  std::size_t count_ = 0;
};

}  // namespace

// Pages are keyset-based: the token names the last image of the page by its key in the index the
// sort walks (by time or by name, both ending in the creation sequence, so keys are unique), and
// the next page starts right after it. A page costs its images plus the non-matching entries
// skipped on the way, and a walk neither repeats nor skips an image that existed when it began,
// however many images are created between pages. Without sortBy the walk reads the platform
// images' time index, then the custom images' (the cursor says which half it stopped in); with
// sortBy it reads both indexes of that key merged into one order.
api_response list_images(resources& s, const api_request& req) {
  auto q = read_list_query(req);
  const std::string scope = "ListImages\n" + q.compartment;
  auto after = read_list_cursor(s, req, q, scope);
  require_compartment(s, "compartmentId", q.compartment);

  std::string page = "[";
  page.reserve(std::min<std::size_t>(q.limit, 100) * 1024);
  list_walk w(s, q, page);
  auto time_text = [](std::int64_t k) { return std::to_string(k); };
  using time_key = resources::time_index::value_type;
  std::optional<time_key> time_after;
  if (after && after->by != 'N') time_after.emplace(*to_int64(after->key), after->seq);
  if (q.by_name) {
    std::optional<resources::name_index::value_type> key;
    if (after) key.emplace(after->key, after->seq);
    w.walk_merged(s.platform_by_name(), s.by_name(), key, 'N', [](const std::string& k) { return k; });
  } else if (q.sorted) {
    w.walk_merged(s.platform_by_time(), s.by_time(), time_after, 'T', time_text);
  } else {
    if (!after || after->by == 'P') w.walk_index(s.platform_by_time(), time_after, 'P', time_text);
    if (!w.more) w.walk_index(s.by_time(), after && after->by == 'C' ? time_after : std::nullopt, 'C', time_text);
  }

  page += ']';
  api_response r;
  r.status = 200;
  r.body = std::move(page);
  r.changes = std::move(w.changes);
  if (w.more && w.last) r.headers.emplace_back("opc-next-page", page_token(s, scope, encode(*w.last)));
  return r;
}

api_response update_image(resources& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  const auto& body = body_object(req);
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

api_response delete_image(resources& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  check_if_match(req, img);
  api_response r;
  r.status = 204;
  r.resource_id = img.id;
  if (img.running && img.running->which == phase::delete_) return r;  // already being deleted
  auto before = apply_or_look(s, img, image_event::delete_requested, r.changes);
  if (!before)
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) +
                          "; it can be deleted once it is AVAILABLE");
  s.touch(img);
  start_phase(s, img, phase::delete_);
  catch_up(s, img, false);  // `immediate` (the default) ends here, DELETED; slower ones show DISABLED
  r.changes.push_back(state_change(img, *before) + " (deletion requested)");
  return r;
}

api_response export_image(resources& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  const auto& body = body_object(req);
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
      throw invalid_parameter("destinationUri", quoted_value(destination) + " is not an http or https URL");
    target = object_from_uri(destination);
  }
  check_if_match(req, img);
  std::vector<std::string> looked;
  auto before = apply_or_look(s, img, image_event::export_requested, looked);
  if (!before)
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) +
                          "; only an AVAILABLE image can be exported");
  img.export_target = target ? std::make_shared<const object_key>(*target) : nullptr;
  s.touch(img);
  auto wr_id = start_phase(s, img, phase::export_);
  if (auto* wr = s.find_work_request(wr_id))
    wr->logs.push_back({"exporting to " + destination + " as " + format, s.now()});

  api_response r = image_answer(s, img);
  r.headers.emplace_back("etag", img.etag);
  r.headers.emplace_back("opc-work-request-id", wr_id);
  r.resource_id = img.id;
  r.changes = std::move(looked);
  r.changes.push_back(state_change(img, *before) + " (export to " + destination + " as " + format + ")");
  r.changes.push_back("work request " + wr_id + " accepted (Export Image)");
  return r;
}

api_response change_image_compartment(resources& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  const auto& body = body_object(req);
  field_reader f(body);
  auto compartment = *f.ocid("compartmentId", true);
  require_compartment(s, "compartmentId", compartment);
  check_if_match(req, img);
  api_response r;
  if (!apply_or_look(s, img, image_event::change_compartment, r.changes))
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) +
                          "; only an AVAILABLE image can change compartment");
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
