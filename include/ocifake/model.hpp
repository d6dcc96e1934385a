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
  /// The image the instance was launched from; becomes the new image's `baseImageId`, and its
  /// shapes the new image's. Empty: the newest platform image of the operating system and version,
  /// of the shape's architecture, when the catalogue has one; else none.
  std::string image_id{};
  /// NATIVE, EMULATED, PARAVIRTUALIZED, VDPA or CUSTOM.
  std::string launch_mode = "PARAVIRTUALIZED";
  /// The instance's shape; an image created from it is compatible with it. An Ampere shape
  /// (`VM.Standard.A1.Flex`) makes it an aarch64 instance.
  std::string shape = "VM.Standard.E4.Flex";
  /// Boot volume size; becomes the image's `sizeInMBs`. Default 47694 (an Oracle Linux boot volume).
  std::optional<std::int64_t> boot_volume_size_in_mbs{};
  /// Attached data volumes, in attachment order.
  std::vector<data_volume> data_volumes{};
  /// The OCID to register it under; empty: one is generated.
  std::string id{};
  /// Its availability domain; empty: the region's first ("Uocm:PHX-AD-1" in us-phoenix-1).
  std::string availability_domain{};
  /// The state it starts in: RUNNING, STOPPED, STOPPING, STARTING, TERMINATING or TERMINATED. A
  /// transitional one carries on as if its action (STOP, START, TERMINATE) had just been asked
  /// for. CREATING_IMAGE is no seed: an instance is in it while CreateImage captures it.
  std::string lifecycle_state = "RUNNING";
};

/// A platform image to add to the catalogue, which ListImages lists in every compartment:
/// `fake.add_platform_image({.display_name = "Oracle-Linux-9.5-2024.11.20-0"})`.
struct platform_image_spec {
  /// Required. A name with `aarch64` in it makes an Arm image (its default shapes, and the base
  /// image of instances with an Ampere shape), as the real catalogue names them.
  std::string display_name{};
  std::string operating_system = "Oracle Linux";
  std::string operating_system_version = "9";
  /// When it was published; empty: the server's clock now.
  std::optional<std::chrono::system_clock::time_point> time_created{};
  std::int64_t size_in_mbs = 47694;
  /// The shapes it is compatible with, by name; a Flex shape the fake knows gets its OCPU and
  /// memory ranges. Empty: the catalogue's shapes of its architecture.
  std::vector<std::string> shapes{};
  /// The OCID; empty: drawn from the region and the name, the same on every server.
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

/// A snapshot of one instance, as GetInstance would answer it at the moment it was taken:
/// `fake.find_instance(id)->lifecycle_state == "STOPPED"`.
struct instance {
  std::string id{};
  std::string compartment_id{};
  std::string display_name{};
  /// RUNNING, STOPPING, STOPPED, STARTING, CREATING_IMAGE, TERMINATING or TERMINATED.
  std::string lifecycle_state{};
  std::string shape{};
  std::string availability_domain{};
  /// The image it was launched from; empty when it counts as launched from none.
  std::string image_id{};
  std::chrono::system_clock::time_point time_created{};
  /// The instance exactly as GetInstance answers it (JSON text).
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
