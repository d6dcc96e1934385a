#pragma once
// An image's launch options and agent features: what CreateImage and a scenario accept, the
// defaults of each launch mode, and their JSON. Plain values rather than JSON objects, since every
// image carries them: the enumerations point into the tables below and take no memory of their own.

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include <ocifake/options.hpp>

#include "model/json_reader.hpp"

namespace ocifake::detail {

// Every value either cloud knows. A launch_options' views point into these tables.
inline constexpr std::string_view launch_modes[] = {"NATIVE",        "EMULATED", "PARAVIRTUALIZED",
                                                    "ACCELERATEDPV", "VDPA",     "CUSTOM"};
inline constexpr std::string_view volume_types[] = {"ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME"};
inline constexpr std::string_view firmwares[] = {"BIOS", "UEFI_64"};
inline constexpr std::string_view network_types[] = {"E1000", "VFIO", "PARAVIRTUALIZED", "ACCELERATEDPV", "VDPA"};

// What one cloud accepts and answers (DESIGN "Dialects"): public OCI (oci-core-images.yaml) or
// Private Cloud Appliance 3.0 (the CreateImage reference).
struct dialect_rules {
  ocifake::dialect which;
  const char* name;   // "oci", "pca"
  const char* cloud;  // "public OCI", "Private Cloud Appliance"
  std::span<const std::string_view> launch_modes, volume_types, network_types;
  // shouldIncludeDataVolumes, imageVolumeDetails and launchOptions.isEncryptionInTransitEnabled are
  // part of the API (PCA), or ignored in requests and absent from answers (public OCI).
  bool volume_details;
};
const dialect_rules& rules_of(ocifake::dialect d) noexcept;
const dialect_rules& other_than(ocifake::dialect d) noexcept;
// Every value of both clouds: for a scenario that names no dialect, whose values are checked
// against the server's when it is applied (foreign_value).
const dialect_rules& either_dialect() noexcept;
// "oci" or "pca" to the dialect; nothing for another name.
std::optional<ocifake::dialect> dialect_named(std::string_view name) noexcept;
inline constexpr std::string_view dialect_names[] = {"oci", "pca"};

// A value of a launch mode or its options that one dialect does not know: {key, value}
// ("launchOptions.networkType", "VDPA").
struct foreign {
  std::string_view key, value;
  // "one of " the values `d` has for the key.
  std::string expected(const dialect_rules& d) const;
  // "VDPA is a Private Cloud Appliance value; this server fakes public OCI (dialect oci)" when the
  // other cloud knows the value; empty otherwise.
  std::string note(const dialect_rules& d) const;
};

// f.enumeration(key, allowed), and when the value refused is one the other cloud knows, a refusal
// that says so: "VDPA is a Private Cloud Appliance value; this server fakes public OCI (dialect oci)".
template <class Fields>
std::optional<std::string> dialect_enumeration(Fields& f, std::string_view key, const dialect_rules& d,
                                               std::span<const std::string_view> dialect_rules::*table) {
  try {
    return f.enumeration(key, d.*table);
  } catch (input_error& e) {
    if (e.refused.size() > 2 && e.refused.front() == '"') {
      std::string_view value(e.refused);
      value = value.substr(1, value.size() - 2);  // the JSON string's text
      e.accepted = foreign{key, value}.note(d);
    }
    throw;
  }
}

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
// boolean(key), each an optional. Enumerations take the values of dialect `d`.
template <class Fields>
launch_options read_launch_options(Fields& f, std::string_view mode, const dialect_rules& d) {
  launch_options o = default_launch_options(mode);
  auto one_of = [&](std::string_view key, auto table, std::span<const std::string_view> all) {
    auto v = dialect_enumeration(f, key, d, table);
    return v ? table_entry(all, *v) : std::string_view{};
  };
  if (auto v = one_of("bootVolumeType", &dialect_rules::volume_types, volume_types); !v.empty()) o.boot_volume_type = v;
  if (auto v = f.enumeration("firmware", firmwares)) o.firmware = table_entry(firmwares, *v);
  if (auto v = one_of("networkType", &dialect_rules::network_types, network_types); !v.empty()) o.network_type = v;
  if (auto v = one_of("remoteDataVolumeType", &dialect_rules::volume_types, volume_types); !v.empty())
    o.remote_data_volume_type = v;
  if (auto v = f.boolean("isPvEncryptionInTransitEnabled")) o.is_pv_encryption_in_transit_enabled = *v;
  if (auto v = f.boolean("isConsistentVolumeNamingEnabled")) o.is_consistent_volume_naming_enabled = *v;
  if (d.volume_details)
    if (auto v = f.boolean("isEncryptionInTransitEnabled")) o.is_encryption_in_transit_enabled = *v;
  return o;
}

// The first value of a launch mode and its options (null: the mode alone) that dialect `d` does not
// know; nothing when `d` knows them all.
std::optional<foreign> foreign_value(std::string_view mode, const launch_options* o, const dialect_rules& d);

// {bootVolumeType, firmware, networkType, remoteDataVolumeType, isPvEncryptionInTransitEnabled,
//  isConsistentVolumeNamingEnabled}, and isEncryptionInTransitEnabled where the dialect has it.
boost::json::object to_json(const launch_options& o, const dialect_rules& d, boost::json::storage_ptr sp = {});

struct agent_features {
  bool is_management_supported = false;
  bool is_monitoring_supported = false;

  bool operator==(const agent_features&) const = default;
};

// {isManagementSupported, isMonitoringSupported}
boost::json::object to_json(const agent_features& a, boost::json::storage_ptr sp = {});

}  // namespace ocifake::detail
