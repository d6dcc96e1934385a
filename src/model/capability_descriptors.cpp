#include "model/capability_descriptors.hpp"

#include <algorithm>
#include <vector>

#include "model/json_reader.hpp"
#include "model/suggest.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

constexpr global_schema_info the_global{
    "ocid1.computeglobalimgcapschema.oc1..aaaaaaaalh4vpm77l6s5qmqhulpkpmxm7ntqavzozwrrths6j7kmn3i26gmq",
    "OCI image capability schema", "2023-11-07", "2020-04-01T00:00:00.000Z",
    "af2f4f4f272b6c042fcc5cd48cb4aa94d0d45d0e308dcffd4755b9f12b546825"};

constexpr global_schema_version the_versions[] = {
    {"2020-04-01", "Image capabilities 2020-04-01", "2020-04-01T00:00:00.000Z",
     "7493b2ba28b5cdd08d18c82695b4e23a8e272ea527bfcc9e06602cb208674a04"},
    {"2023-11-07", "Image capabilities 2023-11-07", "2023-11-07T00:00:00.000Z",
     "7e80d58d4f78f1b1e9906605976d250e7e2ff66ea8d946ca8b6124c22f8b6f22"},
};

enum class kind { boolean, enum_string, enum_integer };

constexpr std::string_view type_names[] = {"boolean", "enumstring", "enuminteger"};
constexpr std::string_view sources[] = {"GLOBAL", "IMAGE"};

std::string_view type_name(kind k) { return type_names[static_cast<int>(k)]; }

json::object descriptor(kind k) { return json::object{{"descriptorType", type_name(k)}, {"source", "GLOBAL"}}; }

json::object boolean_descriptor(bool fallback) {
  auto o = descriptor(kind::boolean);
  o["defaultValue"] = fallback;
  return o;
}

json::object string_descriptor(std::span<const std::string_view> values, std::string_view fallback) {
  auto o = descriptor(kind::enum_string);
  json::array a;
  for (auto v : values) a.emplace_back(v);
  o["values"] = std::move(a);
  o["defaultValue"] = fallback;
  return o;
}

json::object integer_descriptor(std::initializer_list<std::int64_t> values, std::int64_t fallback) {
  auto o = descriptor(kind::enum_integer);
  json::array a;
  for (auto v : values) a.emplace_back(v);
  o["values"] = std::move(a);
  o["defaultValue"] = fallback;
  return o;
}

std::vector<std::string_view> keys_of(const json::object& o) {
  std::vector<std::string_view> out;
  for (const auto& kv : o) out.push_back(kv.key());
  return out;
}

// "BIOS, UEFI_64" or "1, 2"
std::string listed(const json::array& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    if (const auto* s = v.if_string())
      out += std::string(*s);
    else
      out += json::serialize(v);
  }
  return out;
}

// The values of an enumeration descriptor, checked against the global one's.
json::array read_values(const object_reader& r, kind k, const json::array& allowed) {
  std::string expected = k == kind::enum_string ? "a non-empty array of strings" : "a non-empty array of integers";
  const auto* values = r.array("values", true);
  if (values->empty()) r.fail("values", expected);
  std::vector<std::string_view> names;  // for "did you mean" among string values
  for (const auto& a : allowed)
    if (const auto* s = a.if_string()) names.emplace_back(*s);
  std::string accepted = "one of " + listed(allowed);
  json::array out;
  for (std::size_t i = 0; i < values->size(); ++i) {
    const auto& v = (*values)[i];
    auto at = index_path(r.path_of("values"), i);
    bool right_type = k == kind::enum_string ? v.is_string() : (v.is_int64() || v.is_uint64());
    if (!right_type) refuse(at, k == kind::enum_string ? "a string" : "an integer", &v);
    bool known = std::any_of(allowed.begin(), allowed.end(), [&](const json::value& a) {
      return k == kind::enum_string ? a == v : a.to_number<std::int64_t>() == v.to_number<std::int64_t>();
    });
    if (!known) refuse(at, accepted, &v, names);
    if (std::find(out.begin(), out.end(), v) != out.end()) refuse(at, "a value not already in values", &v);
    out.push_back(v);
  }
  return out;
}

json::object read_descriptor(const json::value& v, const std::string& path, std::string_view key,
                             const json::object& global_one, std::string_view version) {
  object_reader r(v, path, "an image capability descriptor object");
  auto type = *r.enumeration("descriptorType", type_names, true);
  auto global_type = global_one.at("descriptorType").as_string();
  if (type != global_type)
    r.fail("descriptorType", "\"" + std::string(global_type) + "\", the type of " + std::string(key) + " in version " +
                                 std::string(version));
  auto source = *r.enumeration("source", sources, true);
  json::object out{{"descriptorType", type}, {"source", source}};
  const auto k = type == "boolean" ? kind::boolean : type == "enumstring" ? kind::enum_string : kind::enum_integer;
  if (k == kind::boolean) {
    if (auto d = r.boolean("defaultValue")) out["defaultValue"] = *d;
    return out;
  }
  auto values = read_values(r, k, global_one.at("values").as_array());
  out["values"] = values;
  if (const auto* d = r.value("defaultValue")) {
    bool member = std::any_of(values.begin(), values.end(), [&](const json::value& x) {
      return k == kind::enum_string
                 ? x == *d
                 : (d->is_int64() || d->is_uint64()) && x.to_number<std::int64_t>() == d->to_number<std::int64_t>();
    });
    std::vector<std::string_view> names;
    for (const auto& x : values)
      if (const auto* s = x.if_string()) names.emplace_back(*s);
    if (!member) refuse(r.path_of("defaultValue"), "one of this descriptor's values: " + listed(values), d, names);
    out["defaultValue"] = *d;
  }
  return out;
}

}  // namespace

const global_schema_info& global_schema() noexcept { return the_global; }

std::span<const global_schema_version> global_schema_versions() noexcept { return the_versions; }

const global_schema_version* find_global_schema_version(std::string_view name) noexcept {
  for (const auto& v : the_versions)
    if (v.name == name) return &v;
  return nullptr;
}

std::string global_schema_version_names() {
  std::string out;
  for (const auto& v : the_versions) out += (out.empty() ? "" : ", ") + std::string(v.name);
  return out;
}

json::object global_descriptors(const global_schema_version& v, const dialect_rules& d) {
  json::object o;
  o["Compute.Firmware"] = string_descriptor(firmwares, "UEFI_64");
  o["Compute.LaunchMode"] = string_descriptor(d.launch_modes, "PARAVIRTUALIZED");
  o["Network.AttachmentType"] = string_descriptor(d.network_types, "PARAVIRTUALIZED");
  o["Storage.BootVolumeType"] = string_descriptor(d.volume_types, "PARAVIRTUALIZED");
  o["Storage.LocalDataVolumeType"] = string_descriptor(d.volume_types, "PARAVIRTUALIZED");
  o["Storage.RemoteDataVolumeType"] = string_descriptor(d.volume_types, "PARAVIRTUALIZED");
  o["Storage.ConsistentVolumeNaming"] = boolean_descriptor(true);
  o["Storage.ParaVirtualization.EncryptionInTransit"] = boolean_descriptor(false);
  o["Storage.Iscsi.MultipathDeviceSupported"] = boolean_descriptor(false);
  if (v.name == the_versions[0].name) return o;
  o["Compute.SecureBoot"] = boolean_descriptor(false);
  o["Compute.AMD_SecureEncryptedVirtualization"] = boolean_descriptor(false);
  o["Storage.ParaVirtualization.AttachmentVersion"] = integer_descriptor({1, 2}, 2);
  return o;
}

json::object read_schema_data(const json::value& v, const std::string& path, const json::object& global,
                              std::string_view version) {
  const auto* data = v.if_object();
  if (!data) refuse(path, "a JSON object of image capability descriptors", &v);
  auto names = keys_of(global);
  json::object out;
  for (const auto& kv : *data) {
    auto at = member_path(path, kv.key());
    const auto* global_one = global.if_contains(kv.key());
    if (!global_one)
      throw input_error{input_error::kind::invalid,
                        at,
                        "a descriptor of global image capability schema version " + std::string(version),
                        abbreviate(json::value(kv.key())),
                        std::string(closest(kv.key(), names)),
                        "the descriptors are " + join(names)};
    out[kv.key()] = read_descriptor(kv.value(), at, kv.key(), global_one->as_object(), version);
  }
  return out;
}

json::object merge_schema_data(const json::object& schema, const json::object& global) {
  json::object out = global;
  for (const auto& kv : schema) {
    auto mine = kv.value().as_object();
    const auto* theirs = global.if_contains(kv.key());
    if (!mine.contains("defaultValue") && theirs) {
      const auto* fallback = theirs->as_object().if_contains("defaultValue");
      const auto* values = mine.if_contains("values");
      bool fits = fallback && (!values || std::find(values->as_array().begin(), values->as_array().end(), *fallback) !=
                                              values->as_array().end());
      if (fits) mine["defaultValue"] = *fallback;
    }
    out[kv.key()] = std::move(mine);
  }
  return out;
}

}  // namespace ocifake::detail
