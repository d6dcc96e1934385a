#pragma once
// An image's launch options and agent features: what CreateImage and a scenario accept, the
// defaults of each launch mode, and their JSON. Plain values rather than JSON objects, since every
// image carries them: the enumerations point into the tables below and take no memory of their own.

#include <optional>
#include <span>
#include <string_view>

#include <boost/json.hpp>

namespace ocifake::detail {

inline constexpr std::string_view launch_modes[] = {"NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM"};
inline constexpr std::string_view volume_types[] = {"ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME"};
inline constexpr std::string_view firmwares[] = {"BIOS", "UEFI_64"};
inline constexpr std::string_view network_types[] = {"E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"};

// The entry of `table` equal to `value` (a view of static storage); an empty view when none is.
std::string_view table_entry(std::span<const std::string_view> table, std::string_view value) noexcept;

struct launch_options {
  std::string_view boot_volume_type;         // volume_types
  std::string_view firmware;                 // firmwares
  std::string_view network_type;             // network_types
  std::string_view remote_data_volume_type;  // volume_types
  bool is_pv_encryption_in_transit_enabled = false;
  bool is_consistent_volume_naming_enabled = true;
  bool is_encryption_in_transit_enabled = false;

  bool operator==(const launch_options&) const = default;
};

// What OCI reports for a launch mode when the request gives no launch options.
launch_options default_launch_options(std::string_view mode) noexcept;

// The mode's defaults, with what `f` gives in their place. `f` validates as it reads (field_reader
// for a request body, the scenario reader for a document): enumeration(key, table) and
// boolean(key), each an optional.
template <class Fields>
launch_options read_launch_options(Fields& f, std::string_view mode) {
  launch_options o = default_launch_options(mode);
  if (auto v = f.enumeration("bootVolumeType", volume_types)) o.boot_volume_type = table_entry(volume_types, *v);
  if (auto v = f.enumeration("firmware", firmwares)) o.firmware = table_entry(firmwares, *v);
  if (auto v = f.enumeration("networkType", network_types)) o.network_type = table_entry(network_types, *v);
  if (auto v = f.enumeration("remoteDataVolumeType", volume_types))
    o.remote_data_volume_type = table_entry(volume_types, *v);
  if (auto v = f.boolean("isPvEncryptionInTransitEnabled")) o.is_pv_encryption_in_transit_enabled = *v;
  if (auto v = f.boolean("isConsistentVolumeNamingEnabled")) o.is_consistent_volume_naming_enabled = *v;
  if (auto v = f.boolean("isEncryptionInTransitEnabled")) o.is_encryption_in_transit_enabled = *v;
  return o;
}

// {bootVolumeType, firmware, networkType, remoteDataVolumeType, isPvEncryptionInTransitEnabled,
//  isConsistentVolumeNamingEnabled, isEncryptionInTransitEnabled}
boost::json::object to_json(const launch_options& o, boost::json::storage_ptr sp = {});

struct agent_features {
  bool is_management_supported = false;
  bool is_monitoring_supported = false;

  bool operator==(const agent_features&) const = default;
};

// {isManagementSupported, isMonitoringSupported}
boost::json::object to_json(const agent_features& a, boost::json::storage_ptr sp = {});

}  // namespace ocifake::detail
