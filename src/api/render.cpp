#include "api/render.hpp"

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

json::object work_request_log_json(const work_request_record::log_entry& e) {
  return json::object{{"message", e.message}, {"timestamp", rfc3339(e.timestamp)}};
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
  i.json = json::serialize(image_json(r, d));
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
