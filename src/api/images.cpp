// The image operations: CreateImage, GetImage, ListImages, UpdateImage, DeleteImage, ExportImage,
// ChangeImageCompartment. Field names are spelled as OCI spells them in JSON.
#include <ctime>

#include "api/api.hpp"
#include "model/fields.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view launch_modes[] = {"NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA",
                                                                 "CUSTOM"};
constexpr std::string_view volume_types[] = {"ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED",
                                                                 "NVME"};
constexpr std::string_view firmwares[] = {"BIOS", "UEFI_64"};
constexpr std::string_view network_types[] = {"E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"};
constexpr std::size_t max_data_volumes = 32;

// The launch options OCI reports for a launch mode when the request gives none.
json::object default_launch_options(std::string_view mode) {
  json::object o;
  auto set = [&](const char* boot, const char* fw, const char* net, const char* remote, bool consistent) {
    o["bootVolumeType"] = boot;
    o["firmware"] = fw;
    o["networkType"] = net;
    o["remoteDataVolumeType"] = remote;
    o["isPvEncryptionInTransitEnabled"] = false;
    o["isConsistentVolumeNamingEnabled"] = consistent;
    o["isEncryptionInTransitEnabled"] = false;
  };
  if (mode == "NATIVE")
    set("ISCSI", "UEFI_64", "VFIO", "ISCSI", true);
  else if (mode == "EMULATED")
    set("IDE", "BIOS", "E1000", "IDE", false);
  else if (mode == "VDPA")
    set("PARAVIRTUALIZED", "UEFI_64", "VDPA", "PARAVIRTUALIZED", true);
  else
    set("PARAVIRTUALIZED", "UEFI_64", "PARAVIRTUALIZED", "PARAVIRTUALIZED", true);
  return o;
}

// Validates launchOptions; the given values override the mode's defaults.
json::object read_launch_options(const json::object* given, std::string_view mode) {
  json::object o = default_launch_options(mode);
  if (!given) return o;
  field_reader f(*given, "launchOptions.");
  if (auto v = f.enumeration("bootVolumeType", volume_types)) o["bootVolumeType"] = *v;
  if (auto v = f.enumeration("firmware", firmwares)) o["firmware"] = *v;
  if (auto v = f.enumeration("networkType", network_types)) o["networkType"] = *v;
  if (auto v = f.enumeration("remoteDataVolumeType", volume_types)) o["remoteDataVolumeType"] = *v;
  for (const char* b : {"isPvEncryptionInTransitEnabled", "isConsistentVolumeNamingEnabled", "isEncryptionInTransitEnabled"})
    if (auto v = f.boolean(b)) o[b] = *v;
  return o;
}

std::string default_display_name(time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "image-%Y%m%d-%H%M", &tm);
  return buf;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

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
  return object_key{percent_decode(ns), percent_decode(bucket), percent_decode(object)};
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

}  // namespace

api_response create_image(store& s, const api_request& req) {
  auto body = parse_body_object(req.body);
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
  img.display_name = display_name ? *display_name : default_display_name(img.time_created);
  if (freeform) img.freeform_tags = std::move(*freeform);
  if (defined) img.defined_tags = std::move(*defined);
  img.agent_features = json::object{{"isManagementSupported", false}, {"isMonitoringSupported", false}};

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
  img.launch_options = read_launch_options(launch_options, img.launch_mode);

  auto& stored = s.add_image(std::move(img));
  auto wr_id = s.start_phase(stored, p, operation_type, "CREATED");

  api_response r = json_answer(s.image_json(stored));
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
  api_response r = json_answer(s.image_json(img));
  r.headers.emplace_back("etag", img.etag);
  if (img.state() != before)
    r.changes.push_back("image " + img.id + " " + to_string(before) + " -> " + to_string(img.state()));
  return r;
}

}  // namespace ocifake::detail
