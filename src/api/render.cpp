#include "api/render.hpp"

#include <charconv>
#include <cmath>

#include "model/fields.hpp"

namespace ocifake::detail {

namespace json = boost::json;

json::object image_json(const image_record& r, const dialect_rules& d, json::storage_ptr sp) {
  json::object o(sp);
  o.reserve(19);  // the keys below: no rehash on the way
  if (r.agent_features)
    o["agentFeatures"] = to_json(*r.agent_features, sp);
  else
    o["agentFeatures"] = nullptr;
  o["baseImageId"] = r.base_image_id.empty() ? json::value(nullptr) : json::value(r.base_image_id);
  o["billableSizeInGBs"] = r.billable_size_in_gbs ? json::value(*r.billable_size_in_gbs) : json::value(nullptr);
  o["compartmentId"] = r.platform ? json::value(nullptr) : json::value(r.compartment_id);
  o["createImageAllowed"] = r.create_image_allowed;
  o["definedTags"] = r.defined_tags;
  o["displayName"] = r.display_name;
  o["freeformTags"] = r.freeform_tags;
  o["id"] = r.id;
  if (!d.volume_details) {
    // not part of public OCI's Image
  } else if (r.data_volumes) {
    json::object details(sp);
    details["dataVolumes"] = *r.data_volumes;
    o["imageVolumeDetails"] = std::move(details);
  } else {
    o["imageVolumeDetails"] = nullptr;
  }
  o["launchMode"] = r.launch_mode;
  o["launchOptions"] = to_json(r.launch_options, d, sp);
  o["lifecycleState"] = to_string(r.state());
  o["listingType"] = r.listing_type.empty() ? json::value(nullptr) : json::value(r.listing_type);
  o["operatingSystem"] = r.operating_system;
  o["operatingSystemVersion"] = r.operating_system_version;
  o["sizeInMBs"] = r.size_in_mbs ? json::value(*r.size_in_mbs) : json::value(nullptr);
  o["timeCreated"] = rfc3339(r.time_created);
  return o;
}

namespace {

// JSON text written straight into a string, as Boost.JSON's serializer writes it: the same escapes,
// no spaces. Keys are the fixed ASCII names below and need none.
void append_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // the start of the run not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

void append_value(std::string& out, const json::value& v) {
  if (auto* o = v.if_object(); o && o->empty()) {
    out += "{}";
    return;
  }
  json::serializer sr;
  sr.reset(&v);
  char buffer[1024];
  while (!sr.done()) out += sr.read(buffer);
}

class object_writer {
public:
  explicit object_writer(std::string& out) : out_(out) { out_ += '{'; }
  ~object_writer() { out_ += '}'; }
  object_writer(const object_writer&) = delete;
  object_writer& operator=(const object_writer&) = delete;

  std::string& key(std::string_view k) {
    out_ += first_ ? "\"" : ",\"";
    first_ = false;
    out_ += k;
    out_ += "\":";
    return out_;
  }
  void string(std::string_view k, std::string_view v) { append_string(key(k), v); }
  void string_or_null(std::string_view k, std::string_view v) {
    if (v.empty())
      null(k);
    else
      string(k, v);
  }
  void null(std::string_view k) { key(k) += "null"; }
  void boolean(std::string_view k, bool b) { key(k) += b ? "true" : "false"; }
  void integer(std::string_view k, const std::optional<std::int64_t>& n) {
    if (!n) return null(k);
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, *n).ptr;
    key(k).append(digits, end);
  }
  void value(std::string_view k, const json::value& v) { append_value(key(k), v); }

private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_image_json(std::string& out, const image_record& r, const dialect_rules& d) {
  object_writer o(out);
  if (r.agent_features) {
    object_writer a(o.key("agentFeatures"));
    a.boolean("isManagementSupported", r.agent_features->is_management_supported);
    a.boolean("isMonitoringSupported", r.agent_features->is_monitoring_supported);
  } else {
    o.null("agentFeatures");
  }
  o.string_or_null("baseImageId", r.base_image_id);
  o.integer("billableSizeInGBs", r.billable_size_in_gbs);
  if (r.platform)
    o.null("compartmentId");
  else
    o.string("compartmentId", r.compartment_id);
  o.boolean("createImageAllowed", r.create_image_allowed);
  o.value("definedTags", r.defined_tags);
  o.string("displayName", r.display_name);
  o.value("freeformTags", r.freeform_tags);
  o.string("id", r.id);
  if (!d.volume_details) {
    // not part of public OCI's Image
  } else if (r.data_volumes) {
    object_writer details(o.key("imageVolumeDetails"));
    details.value("dataVolumes", *r.data_volumes);
  } else {
    o.null("imageVolumeDetails");
  }
  o.string("launchMode", r.launch_mode);
  {
    const auto& l = r.launch_options;
    object_writer lo(o.key("launchOptions"));
    lo.string("bootVolumeType", l.boot_volume_type);
    lo.string("firmware", l.firmware);
    lo.string("networkType", l.network_type);
    lo.string("remoteDataVolumeType", l.remote_data_volume_type);
    lo.boolean("isPvEncryptionInTransitEnabled", l.is_pv_encryption_in_transit_enabled);
    lo.boolean("isConsistentVolumeNamingEnabled", l.is_consistent_volume_naming_enabled);
    if (d.volume_details) lo.boolean("isEncryptionInTransitEnabled", l.is_encryption_in_transit_enabled);
  }
  o.string("lifecycleState", to_string(r.state()));
  o.string_or_null("listingType", r.listing_type);
  o.string("operatingSystem", r.operating_system);
  o.string("operatingSystemVersion", r.operating_system_version);
  o.integer("sizeInMBs", r.size_in_mbs);
  o.string("timeCreated", rfc3339(r.time_created));
}

std::string image_json_text(const image_record& r, const dialect_rules& d) {
  std::string out;
  out.reserve(1024);
  append_image_json(out, r, d);
  return out;
}

json::object shape_json(const image_record& r, const shape_entry& e) {
  json::object o;
  o["imageId"] = r.id;
  if (e.memory_constraints) o["memoryConstraints"] = *e.memory_constraints;
  if (e.ocpu_constraints) o["ocpuConstraints"] = *e.ocpu_constraints;
  o["shape"] = e.shape;
  return o;
}

json::object work_request_json(const work_request_record& w, bool summary) {
  json::object o;
  o["compartmentId"] = w.compartment_id;
  o["id"] = w.id;
  o["operationType"] = w.operation_type;
  // Whole numbers go out as integers: Boost.JSON would write 100.0 as "1E2".
  if (w.percent_complete == std::floor(w.percent_complete))
    o["percentComplete"] = static_cast<std::int64_t>(w.percent_complete);
  else
    o["percentComplete"] = w.percent_complete;
  if (!summary) {
    json::object res;
    res["actionType"] = w.action_type;
    res["entityType"] = "image";
    res["entityUri"] = "/20160918/images/" + w.image_id;
    res["identifier"] = w.image_id;
    o["resources"] = json::array{std::move(res)};
  }
  o["status"] = to_string(w.machine.state());
  o["timeAccepted"] = rfc3339(w.time_accepted);
  o["timeStarted"] = w.time_started ? json::value(rfc3339(*w.time_started)) : json::value(nullptr);
  o["timeFinished"] = w.time_finished ? json::value(rfc3339(*w.time_finished)) : json::value(nullptr);
  return o;
}

json::object work_request_error_json(const work_request_record::error_entry& e) {
  return json::object{{"code", e.code}, {"message", e.message}, {"timestamp", rfc3339(e.timestamp)}};
}

json::object work_request_log_json(const work_request_record& w, const work_request_record::log_entry& e) {
  auto message = e.message.empty() ? w.operation_type + " accepted for image " + w.image_id : e.message;
  return json::object{{"message", std::move(message)}, {"timestamp", rfc3339(e.timestamp)}};
}

ocifake::image snapshot(const image_record& r, const dialect_rules& d) {
  ocifake::image i;
  i.id = r.id;
  i.compartment_id = r.compartment_id;
  i.display_name = r.display_name;
  i.lifecycle_state = to_string(r.state());
  i.operating_system = r.operating_system;
  i.operating_system_version = r.operating_system_version;
  i.launch_mode = r.launch_mode;
  i.time_created = r.time_created;
  i.size_in_mbs = r.size_in_mbs;
  for (const auto& kv : r.freeform_tags)
    if (auto* s = kv.value().if_string()) i.freeform_tags.emplace(std::string(kv.key()), std::string(*s));
  i.json = image_json_text(r, d);
  return i;
}

ocifake::work_request snapshot(const work_request_record& w) {
  ocifake::work_request s;
  s.id = w.id;
  s.operation_type = w.operation_type;
  s.status = to_string(w.machine.state());
  s.compartment_id = w.compartment_id;
  s.image_id = w.image_id;
  s.percent_complete = w.percent_complete;
  s.json = json::serialize(work_request_json(w));
  return s;
}

}  // namespace ocifake::detail
