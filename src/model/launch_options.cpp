#include "model/launch_options.hpp"

#include <algorithm>

namespace ocifake::detail {

namespace json = boost::json;

std::string_view table_entry(std::span<const std::string_view> table, std::string_view value) noexcept {
  for (auto entry : table)
    if (entry == value) return entry;
  return {};
}

namespace {

constexpr std::string_view oci_launch_modes[] = {"NATIVE", "EMULATED", "PARAVIRTUALIZED", "ACCELERATEDPV", "CUSTOM"};
constexpr std::string_view pca_launch_modes[] = {"NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM"};
constexpr std::string_view oci_volume_types[] = {"ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED"};
constexpr std::string_view pca_volume_types[] = {"ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME"};
constexpr std::string_view oci_network_types[] = {"E1000", "VFIO", "PARAVIRTUALIZED", "ACCELERATEDPV"};
constexpr std::string_view pca_network_types[] = {"E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"};

constexpr dialect_rules either_rules{ocifake::dialect::oci, "oci or pca", "either cloud", launch_modes, volume_types,
                                     network_types,         true};
constexpr dialect_rules oci_rules{ocifake::dialect::oci, "oci", "public OCI", oci_launch_modes, oci_volume_types,
                                  oci_network_types,     false};
constexpr dialect_rules pca_rules{
    ocifake::dialect::pca, "pca", "Private Cloud Appliance", pca_launch_modes, pca_volume_types,
    pca_network_types,     true};

}  // namespace

const dialect_rules& rules_of(ocifake::dialect d) noexcept {
  return d == ocifake::dialect::pca ? pca_rules : oci_rules;
}
const dialect_rules& other_than(ocifake::dialect d) noexcept {
  return d == ocifake::dialect::pca ? oci_rules : pca_rules;
}

const dialect_rules& either_dialect() noexcept { return either_rules; }

std::optional<ocifake::dialect> dialect_named(std::string_view name) noexcept {
  if (name == "oci") return ocifake::dialect::oci;
  if (name == "pca") return ocifake::dialect::pca;
  return std::nullopt;
}

namespace {

std::string joined(std::span<const std::string_view> values) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

bool knows(std::span<const std::string_view> table, std::string_view value) {
  return std::find(table.begin(), table.end(), value) != table.end();
}

}  // namespace

namespace {

// The values of `d` for a key: launch modes, network types or volume types.
std::span<const std::string_view> table_for(std::string_view key, const dialect_rules& d) {
  if (key == "launchMode") return d.launch_modes;
  if (key.ends_with("networkType")) return d.network_types;
  return d.volume_types;
}

}  // namespace

std::string foreign::expected(const dialect_rules& d) const { return "one of " + joined(table_for(key, d)); }

std::string foreign::note(const dialect_rules& d) const {
  const auto& other = other_than(d.which);
  if (!knows(table_for(key, other), value)) return {};
  return std::string(value) + " is a " + other.cloud + " value; this server fakes " + d.cloud + " (dialect " + d.name +
         ")";
}

std::optional<foreign> foreign_value(std::string_view mode, const launch_options* o, const dialect_rules& d) {
  if (!knows(d.launch_modes, mode)) return foreign{"launchMode", mode};
  if (!o) return std::nullopt;
  if (!knows(d.volume_types, o->boot_volume_type)) return foreign{"launchOptions.bootVolumeType", o->boot_volume_type};
  if (!knows(d.network_types, o->network_type)) return foreign{"launchOptions.networkType", o->network_type};
  if (!knows(d.volume_types, o->remote_data_volume_type))
    return foreign{"launchOptions.remoteDataVolumeType", o->remote_data_volume_type};
  return std::nullopt;
}

launch_options default_launch_options(std::string_view mode) noexcept {
  auto make = [](std::string_view boot, std::string_view fw, std::string_view net, std::string_view remote,
                 bool consistent) { return launch_options{boot, fw, net, remote, false, consistent, false}; };
  if (mode == "NATIVE") return make(volume_types[0], firmwares[1], network_types[1], volume_types[0], true);
  if (mode == "EMULATED") return make(volume_types[2], firmwares[0], network_types[0], volume_types[2], false);
  if (mode == "ACCELERATEDPV") return make(volume_types[4], firmwares[1], network_types[3], volume_types[4], true);
  if (mode == "VDPA") return make(volume_types[4], firmwares[1], network_types[4], volume_types[4], true);
  return make(volume_types[4], firmwares[1], network_types[2], volume_types[4], true);
}

json::object to_json(const launch_options& o, const dialect_rules& d, json::storage_ptr sp) {
  json::object out(std::move(sp));
  out.reserve(7);
  out.emplace("bootVolumeType", o.boot_volume_type);
  out.emplace("firmware", o.firmware);
  out.emplace("networkType", o.network_type);
  out.emplace("remoteDataVolumeType", o.remote_data_volume_type);
  out.emplace("isPvEncryptionInTransitEnabled", o.is_pv_encryption_in_transit_enabled);
  out.emplace("isConsistentVolumeNamingEnabled", o.is_consistent_volume_naming_enabled);
  if (d.volume_details) out.emplace("isEncryptionInTransitEnabled", o.is_encryption_in_transit_enabled);
  return out;
}

json::object to_json(const agent_features& a, json::storage_ptr sp) {
  json::object out(std::move(sp));
  out.reserve(2);
  out.emplace("isManagementSupported", a.is_management_supported);
  out.emplace("isMonitoringSupported", a.is_monitoring_supported);
  return out;
}

}  // namespace ocifake::detail
