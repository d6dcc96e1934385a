#pragma once
/// \file model.hpp
/// What tests seed into a server and read back from it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocifake {

/// A block volume attached to an instance; an image created with `shouldIncludeDataVolumes`
/// lists it in `imageVolumeDetails.dataVolumes`.
struct data_volume {
  std::string display_name{};
  std::int64_t size_in_mbs = 51200;
};

/// An instance CreateImage can capture: `fake.add_instance({.compartment_id = c, .display_name = "web-1"})`.
struct instance_spec {
  /// The compartment the instance lives in (required).
  std::string compartment_id{};
  std::string display_name = "instance";
  std::string operating_system = "Oracle Linux";
  std::string operating_system_version = "8";
  /// The image the instance was launched from; becomes the new image's `baseImageId`. Empty: none.
  std::string image_id{};
  /// NATIVE, EMULATED, PARAVIRTUALIZED, VDPA or CUSTOM.
  std::string launch_mode = "PARAVIRTUALIZED";
  /// Boot volume size; becomes the image's `sizeInMBs`. Default 47694 (an Oracle Linux boot volume).
  std::optional<std::int64_t> boot_volume_size_in_mbs{};
  /// Attached data volumes, in attachment order.
  std::vector<data_volume> data_volumes{};
  /// The OCID to register it under; empty: one is generated.
  std::string id{};
};

/// A snapshot of one image, as GetImage would answer it at the moment it was taken.
struct image {
  std::string id{};
  std::string compartment_id{};
  std::string display_name{};
  /// PROVISIONING, IMPORTING, AVAILABLE, EXPORTING, DISABLED or DELETED.
  std::string lifecycle_state{};
  std::string operating_system{};
  std::string operating_system_version{};
  std::string launch_mode{};
  std::chrono::system_clock::time_point time_created{};
  std::optional<std::int64_t> size_in_mbs{};
  std::map<std::string, std::string> freeform_tags{};
  /// The image exactly as GetImage answers it (JSON text).
  std::string json{};
};

/// A snapshot of one work request, as GetWorkRequest would answer it.
struct work_request {
  std::string id{};
  /// "Create Image", "Import Image" or "Export Image".
  std::string operation_type{};
  /// ACCEPTED, IN_PROGRESS, SUCCEEDED, FAILED, CANCELING or CANCELED.
  std::string status{};
  std::string compartment_id{};
  /// The image it tracks.
  std::string image_id{};
  double percent_complete = 0;
  /// The work request exactly as GetWorkRequest answers it (JSON text).
  std::string json{};
};

}  // namespace ocifake
