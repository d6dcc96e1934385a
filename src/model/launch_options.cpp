#include "model/launch_options.hpp"

namespace ocifake::detail {

namespace json = boost::json;

std::string_view table_entry(std::span<const std::string_view> table, std::string_view value) noexcept {
  for (auto entry : table)
    if (entry == value) return entry;
  return {};
}

launch_options default_launch_options(std::string_view mode) noexcept {
  auto make = [](std::string_view boot, std::string_view fw, std::string_view net, std::string_view remote,
                 bool consistent) { return launch_options{boot, fw, net, remote, false, consistent, false}; };
  if (mode == "NATIVE") return make(volume_types[0], firmwares[1], network_types[1], volume_types[0], true);
  if (mode == "EMULATED") return make(volume_types[2], firmwares[0], network_types[0], volume_types[2], false);
  if (mode == "VDPA") return make(volume_types[4], firmwares[1], network_types[3], volume_types[4], true);
  return make(volume_types[4], firmwares[1], network_types[2], volume_types[4], true);
}

json::object to_json(const launch_options& o, json::storage_ptr sp) {
  json::object out(std::move(sp));
  out.reserve(7);
  out.emplace("bootVolumeType", o.boot_volume_type);
  out.emplace("firmware", o.firmware);
  out.emplace("networkType", o.network_type);
  out.emplace("remoteDataVolumeType", o.remote_data_volume_type);
  out.emplace("isPvEncryptionInTransitEnabled", o.is_pv_encryption_in_transit_enabled);
  out.emplace("isConsistentVolumeNamingEnabled", o.is_consistent_volume_naming_enabled);
  out.emplace("isEncryptionInTransitEnabled", o.is_encryption_in_transit_enabled);
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
