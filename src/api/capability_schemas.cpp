// The image capability schema operations: ComputeImageCapabilitySchema (Create, Get, List, Update,
// Delete, ChangeCompartment) and the read-only ComputeGlobalImageCapabilitySchema (Get, List,
// GetVersion, ListVersions) over the built-in global schema (model/capability_descriptors.hpp).
// Field names are spelled as OCI spells them in JSON. Every operation runs under the store's lock
// and validates everything before it changes anything.
#include <algorithm>
#include <tuple>

#include "api/api.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "model/capability_descriptors.hpp"
#include "model/fields.hpp"
#include "model/suggest.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view version_field = "computeGlobalImageCapabilitySchemaVersionName";

std::string_view global_id() { return global_schema().id; }

capability_schema_record& require_schema(resources& s, const std::string& id) {
  auto* r = s.capability_schemas().find(id);
  if (!r) throw not_found("compute image capability schema", id);
  return *r;
}

// A schema an operation changes: 404 when unknown, and when DELETED.
capability_schema_record& require_live_schema(resources& s, const std::string& id) {
  auto& r = require_schema(s, id);
  if (r.state == schema_state::deleted)
    throw api_error{404, "NotAuthorizedOrNotFound",
                    "compute image capability schema " + id + " not found or not authorized: it is DELETED"};
  return r;
}

void check_schema_if_match(const api_request& req, const capability_schema_record& r) {
  auto m = req.header("if-match");
  if (m && *m != r.etag)
    throw api_error{412, "NoEtagMatch",
                    "if-match: the etag " + *m + " does not match the compute image capability schema's current etag"};
}

// The version a body names: 400 InvalidParameter listing the versions otherwise.
const global_schema_version& read_version(const field_reader& f) {
  auto name = *f.string(version_field, true);
  if (const auto* v = find_global_schema_version(name)) return *v;
  std::vector<std::string_view> names;
  for (const auto& v : global_schema_versions()) names.push_back(v.name);
  throw invalid_parameter(version_field, "'" + name + "' is not a version of global image capability schema " +
                                             std::string(global_id()) + "; the versions are " +
                                             global_schema_version_names() + did_you_mean(name, names));
}

json::object read_data(const field_reader& f, const global_schema_version& v, const dialect_rules& d, bool required) {
  const auto* data = f.value("schemaData");
  if (!data) {
    if (required) throw missing_parameter("schemaData");
    return {};
  }
  return read_schema_data(*data, "$.schemaData", global_descriptors(v, d), v.name);
}

json::object schema_json(const capability_schema_record& r, bool summary, const json::object* data = nullptr,
                         std::optional<schema_state> shown = std::nullopt) {
  json::object o;
  o["id"] = r.id;
  o["compartmentId"] = r.compartment_id;
  if (!summary) o["computeGlobalImageCapabilitySchemaId"] = global_id();
  o[version_field] = r.version_name;
  o["imageId"] = r.image_id;
  if (!summary) o["lifecycleState"] = to_string(shown ? *shown : r.state);
  o["displayName"] = r.display_name;
  o["schemaData"] = data ? *data : r.schema_data;
  o["timeCreated"] = rfc3339(r.time_created);
  o["freeformTags"] = r.freeform_tags;
  o["definedTags"] = r.defined_tags;
  return o;
}

api_response schema_answer(const capability_schema_record& r, const json::object* data = nullptr,
                           std::optional<schema_state> shown = std::nullopt) {
  auto a = json_answer(schema_json(r, false, data, shown));
  a.headers.emplace_back("etag", r.etag);
  a.resource_id = r.id;
  return a;
}

// ---- paging shared by the three lists: items sorted by TIMECREATED or DISPLAYNAME, keyset tokens
// "<T|N><A|D><seq>:<key>" sealed for the list's scope.

struct list_item {
  std::int64_t ms;
  std::string name;
  std::uint64_t seq;
  json::object body;
};

std::int64_t ms_of(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

struct sort_spec {
  bool by_name = false;
  bool descending = true;
  char by() const { return by_name ? 'N' : 'T'; }
  char order() const { return descending ? 'D' : 'A'; }
};

sort_spec read_sort(const api_request& req) {
  sort_spec q;
  if (auto v = req.query_value("sortBy")) {
    if (*v == "DISPLAYNAME")
      q.by_name = true;
    else if (*v != "TIMECREATED")
      throw invalid_parameter("sortBy", "'" + *v + "' is not one of TIMECREATED, DISPLAYNAME");
  }
  q.descending = !q.by_name;  // TIMECREATED defaults to DESC, DISPLAYNAME to ASC
  if (auto v = req.query_value("sortOrder")) {
    if (*v != "ASC" && *v != "DESC") throw invalid_parameter("sortOrder", "'" + *v + "' is not one of ASC, DESC");
    q.descending = *v == "DESC";
  }
  return q;
}

std::optional<std::string> read_display_name(const api_request& req) {
  auto v = req.query_value("displayName");
  if (v && (v->empty() || v->size() > 255))
    throw invalid_parameter("displayName", "must be 1 to 255 characters long (got " + std::to_string(v->size()) + ")");
  return v;
}

api_response list_page(resources& s, const api_request& req, const std::string& scope, std::vector<list_item> items) {
  auto q = read_sort(req);
  auto limit = page_limit(req, 1000, 100);
  auto key_of = [&](const list_item& i) {
    return q.by_name ? std::tuple<std::int64_t, std::string, std::uint64_t>{0, i.name, i.seq}
                     : std::tuple<std::int64_t, std::string, std::uint64_t>{i.ms, std::string(), i.seq};
  };
  std::optional<std::tuple<std::int64_t, std::string, std::uint64_t>> after;
  if (auto text = page_cursor(s, req, scope)) {
    auto colon = text->find(':');
    if (text->size() < 4 || colon == std::string::npos || colon < 3)
      throw invalid_parameter("page", "not a page token this list gave");
    if ((*text)[0] != q.by() || (*text)[1] != q.order())
      throw invalid_parameter("page", std::string("the token continues a list sorted by ") +
                                          ((*text)[0] == 'N' ? "DISPLAYNAME" : "TIMECREATED") + " " +
                                          ((*text)[1] == 'D' ? "DESC" : "ASC") +
                                          "; ask for the next page with the same sortBy and sortOrder");
    try {
      auto seq = std::stoull(text->substr(2, colon - 2));
      auto key = text->substr(colon + 1);
      after = q.by_name ? std::tuple<std::int64_t, std::string, std::uint64_t>{0, key, seq}
                        : std::tuple<std::int64_t, std::string, std::uint64_t>{std::stoll(key), std::string(), seq};
    } catch (const std::exception&) {
      throw invalid_parameter("page", "not a page token this list gave");
    }
  }
  std::sort(items.begin(), items.end(), [&](const list_item& a, const list_item& b) {
    return q.descending ? key_of(b) < key_of(a) : key_of(a) < key_of(b);
  });
  json::array page;
  const list_item* last = nullptr;
  bool more = false;
  for (const auto& i : items) {
    if (after && (q.descending ? !(key_of(i) < *after) : !(*after < key_of(i)))) continue;
    if (page.size() == limit) {
      more = true;
      break;
    }
    page.push_back(i.body);
    last = &i;
  }
  auto r = json_answer(page);
  if (more && last) {
    std::string cursor = std::string{q.by(), q.order()} + std::to_string(last->seq) + ":" +
                         (q.by_name ? last->name : std::to_string(last->ms));
    r.headers.emplace_back("opc-next-page", page_token(s, scope, cursor));
  }
  return r;
}

}  // namespace

json::object capability_schema_json(const capability_schema_record& r) { return schema_json(r, false); }

std::string default_schema_name(time_point t) {
  return "computeimagecapabilityschema" + default_image_name(t).substr(5);  // image-YYYYMMDD-HHMM
}

api_response create_compute_image_capability_schema(resources& s, const api_request& req) {
  const auto& body = body_object(req);
  field_reader f(body);
  auto compartment = *f.ocid("compartmentId", true);
  auto image_id = *f.ocid("imageId", true);
  const auto& version = read_version(f);
  auto display_name = f.string("displayName");
  auto freeform = f.freeform_tags();
  auto defined = f.defined_tags();
  auto data = read_data(f, version, rules_of(s.dialect()), true);
  require_compartment(s, "compartmentId", compartment);
  const auto* img = s.find_image(image_id);
  if (!img || img->state() == image_state::deleted)
    throw api_error{400, "RelatedResourceNotAuthorizedOrNotFound",
                    "imageId: image " + image_id + " not found or not authorized"};

  capability_schema_record rec;
  rec.id = s.ids().ocid("computeimgcapschema", s.region());
  rec.compartment_id = compartment;
  rec.image_id = image_id;
  rec.version_name = std::string(version.name);
  rec.time_created = s.now();
  rec.display_name = display_name ? *display_name : default_schema_name(rec.time_created);
  rec.schema_data = std::move(data);
  if (freeform) rec.freeform_tags = std::move(*freeform);
  if (defined) rec.defined_tags = std::move(*defined);
  rec.etag = s.ids().etag();
  rec.state = schema_state::active;  // every later request sees it ACTIVE; this answer shows CREATING
  auto& stored = s.capability_schemas().add(std::move(rec));

  auto r = schema_answer(stored, nullptr, schema_state::creating);
  r.changes.push_back("compute image capability schema " + stored.id + " created for image " + image_id +
                      " (CREATING -> ACTIVE)");
  return r;
}

api_response get_compute_image_capability_schema(resources& s, const api_request& req) {
  bool merge = false;
  if (auto v = req.query_value("isMergeEnabled")) {
    if (*v != "true" && *v != "false")
      throw invalid_parameter("isMergeEnabled", "'" + *v + "' is not one of true, false");
    merge = *v == "true";
  }
  auto& rec = require_schema(s, req.params.at(0));
  if (!merge) return schema_answer(rec);
  const auto* version = find_global_schema_version(rec.version_name);
  auto global = version ? global_descriptors(*version, rules_of(s.dialect())) : json::object{};
  auto merged = merge_schema_data(rec.schema_data, global);
  return schema_answer(rec, &merged);
}

api_response list_compute_image_capability_schemas(resources& s, const api_request& req) {
  auto compartment = query_ocid(req, "compartmentId", false);
  auto image_id = query_ocid(req, "imageId", false);
  auto display_name = read_display_name(req);
  (void)read_sort(req);
  (void)page_limit(req, 1000, 100);
  if (compartment) require_compartment(s, "compartmentId", *compartment);
  std::vector<list_item> items;
  for (auto* rec : s.capability_schemas().in_order()) {
    if (rec->state == schema_state::deleted) continue;
    if (compartment && rec->compartment_id != *compartment) continue;
    if (image_id && rec->image_id != *image_id) continue;
    if (display_name && rec->display_name != *display_name) continue;
    items.push_back({ms_of(rec->time_created), rec->display_name, rec->seq, schema_json(*rec, true)});
  }
  return list_page(s, req, "ListComputeImageCapabilitySchemas\n" + compartment.value_or(""), std::move(items));
}

api_response update_compute_image_capability_schema(resources& s, const api_request& req) {
  auto& rec = require_live_schema(s, req.params.at(0));
  const auto& body = body_object(req);
  field_reader f(body);
  auto display_name = f.string("displayName");
  auto freeform = f.freeform_tags();
  auto defined = f.defined_tags();
  std::optional<json::object> data;
  if (f.has("schemaData")) {
    const auto* version = find_global_schema_version(rec.version_name);
    if (version) data = read_data(f, *version, rules_of(s.dialect()), true);
  }
  check_schema_if_match(req, rec);

  std::string changed;
  auto note = [&](const char* field) { changed += (changed.empty() ? "" : ", ") + std::string(field); };
  if (display_name && *display_name != rec.display_name) {
    rec.display_name = *display_name;
    note("displayName");
  }
  if (data && *data != rec.schema_data) {
    rec.schema_data = std::move(*data);
    note("schemaData");
  }
  if (freeform && *freeform != rec.freeform_tags) {
    rec.freeform_tags = std::move(*freeform);
    note("freeformTags");
  }
  if (defined && *defined != rec.defined_tags) {
    rec.defined_tags = std::move(*defined);
    note("definedTags");
  }
  if (!changed.empty()) rec.etag = s.ids().etag();
  auto r = schema_answer(rec);
  if (!changed.empty()) r.changes.push_back("compute image capability schema " + rec.id + " updated: " + changed);
  return r;
}

api_response delete_compute_image_capability_schema(resources& s, const api_request& req) {
  auto& rec = require_live_schema(s, req.params.at(0));
  check_schema_if_match(req, rec);
  rec.state = schema_state::deleted;
  rec.etag = s.ids().etag();
  api_response r;
  r.status = 204;
  r.resource_id = rec.id;
  r.changes.push_back("compute image capability schema " + rec.id + " ACTIVE -> DELETED");
  return r;
}

api_response change_compute_image_capability_schema_compartment(resources& s, const api_request& req) {
  auto& rec = require_live_schema(s, req.params.at(0));
  const auto& body = body_object(req);
  field_reader f(body);
  auto compartment = *f.ocid("compartmentId", true);
  require_compartment(s, "compartmentId", compartment);
  check_schema_if_match(req, rec);
  api_response r;
  r.status = 204;
  r.resource_id = rec.id;
  if (compartment != rec.compartment_id) {
    r.changes.push_back("compute image capability schema " + rec.id + " moved from " + rec.compartment_id + " to " +
                        compartment);
    rec.compartment_id = compartment;
    rec.etag = s.ids().etag();
  }
  return r;
}

// ---- the global schema

namespace {

void require_global(const std::string& id) {
  if (id != global_id()) throw not_found("compute global image capability schema", id);
}

json::object global_json() {
  const auto& g = global_schema();
  return json::object{{"id", g.id},
                      {"compartmentId", nullptr},
                      {"currentVersionName", g.current_version},
                      {"displayName", g.display_name},
                      {"timeCreated", g.time_created},
                      {"freeformTags", json::object{}},
                      {"definedTags", json::object{}}};
}

json::object version_json(const global_schema_version& v, const json::object* data) {
  json::object o{{"name", v.name},
                 {"computeGlobalImageCapabilitySchemaId", global_id()},
                 {"displayName", v.display_name},
                 {"timeCreated", v.time_created}};
  if (data) o["schemaData"] = *data;
  return o;
}

std::int64_t ms_of_text(std::string_view t) {
  auto p = parse_rfc3339(t);
  return p ? ms_of(*p) : 0;
}

}  // namespace

api_response get_compute_global_image_capability_schema(resources&, const api_request& req) {
  require_global(req.params.at(0));
  auto r = json_answer(global_json());
  r.headers.emplace_back("etag", std::string(global_schema().etag));
  return r;
}

api_response list_compute_global_image_capability_schemas(resources& s, const api_request& req) {
  auto compartment = query_ocid(req, "compartmentId", false);
  auto display_name = read_display_name(req);
  (void)read_sort(req);
  (void)page_limit(req, 1000, 100);
  if (compartment) require_compartment(s, "compartmentId", *compartment);
  std::vector<list_item> items;
  const auto& g = global_schema();
  // The global schema belongs to no compartment: a compartmentId filter matches nothing.
  if (!compartment && (!display_name || *display_name == g.display_name))
    items.push_back({ms_of_text(g.time_created), std::string(g.display_name), 0, global_json()});
  return list_page(s, req, "ListComputeGlobalImageCapabilitySchemas\n" + compartment.value_or(""), std::move(items));
}

api_response get_compute_global_image_capability_schema_version(resources& s, const api_request& req) {
  require_global(req.params.at(0));
  const auto* v = find_global_schema_version(req.params.at(1));
  if (!v) throw not_found("compute global image capability schema version", req.params.at(1));
  auto data = global_descriptors(*v, rules_of(s.dialect()));
  auto r = json_answer(version_json(*v, &data));
  r.headers.emplace_back("etag", std::string(v->etag));
  return r;
}

api_response list_compute_global_image_capability_schema_versions(resources& s, const api_request& req) {
  require_global(req.params.at(0));
  auto display_name = read_display_name(req);
  (void)read_sort(req);
  (void)page_limit(req, 1000, 100);
  std::vector<list_item> items;
  std::uint64_t seq = 0;
  for (const auto& v : global_schema_versions()) {
    ++seq;
    if (display_name && *display_name != v.display_name) continue;
    items.push_back({ms_of_text(v.time_created), std::string(v.display_name), seq, version_json(v, nullptr)});
  }
  return list_page(s, req, "ListComputeGlobalImageCapabilitySchemaVersions\n" + req.params.at(0), std::move(items));
}

}  // namespace ocifake::detail
