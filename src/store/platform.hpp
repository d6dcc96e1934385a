#pragma once
// Platform images: the catalogue every server starts with (the three newest builds of each
// distribution, as the real service lists them), the shapes images are compatible with, and the
// base image an instance counts as launched from. docs/behaviour.md lists the choices.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ocifake/options.hpp>

#include "store/store.hpp"

namespace ocifake::detail {

enum class architecture { x86_64, aarch64 };

// Ampere shapes (a part `A` and a digit: VM.Standard.A1.Flex, BM.Standard.A1.160) are aarch64,
// every other shape x86_64.
architecture architecture_of_shape(std::string_view shape) noexcept;
// A platform image is aarch64 when its name says so (Oracle-Linux-9.4-aarch64-2024.08.29-0).
architecture architecture_of_image(const image_record& r) noexcept;

// A shape's entry: a Flex shape the fake knows gets the OCPU and memory ranges it offers, any
// other shape an entry without constraints.
shape_entry shape_for(std::string_view shape);
// The entries of a platform image of `arch` in dialect `d`, in shape-name order; Windows images
// leave out the shapes too small for them. Shared by every image that has it.
shape_list platform_shapes(ocifake::dialect d, architecture arch, bool windows = false);
// The entries of an imported image, by its launch mode: EMULATED images the older fixed shapes
// only, the others the x86 VM shapes of the platform images. Shared by every image that has it.
shape_list import_shapes(ocifake::dialect d, std::string_view launch_mode);
// Adds `shape` to `entries` unless it has one for it already; the entries stay in name order.
void add_shape(std::vector<shape_entry>& entries, shape_entry e);

// NATIVE's launch options as platform images report them: paravirtualized boot volume and network,
// UEFI_64, in-transit encryption on, consistent volume naming on.
launch_options platform_launch_options() noexcept;
// Marks `r` a platform image, with an etag and (when it has none) an id drawn from the region and
// its name: the same on every server, whatever its seed, and no draw from the server's generators.
void stamp_platform_image(image_record& r, const std::string& region);

// A platform image as the real service shows one: AVAILABLE, NATIVE with the launch options of
// platform images, compartmentId null, no agent features, and an id and etag drawn from the
// region and the name (the same on every server, whatever its seed). `shapes` empty: the default
// shapes of its architecture.
struct platform_image_values {
  std::string display_name;
  std::string operating_system;
  std::string operating_system_version;
  std::chrono::system_clock::time_point time_created;
  std::int64_t size_in_mbs = 47694;
  std::optional<std::int64_t> billable_size_in_gbs{};
  std::vector<shape_entry> shapes{};
  std::string id{};  // empty: drawn from region and name
};
image_record platform_image(ocifake::dialect d, const std::string& region, platform_image_values v);

// The catalogue a server of dialect `d` starts with, oldest first.
std::vector<image_record> default_platform_images(ocifake::dialect d, const std::string& region);
// Replaces the catalogue by the default one of the store's dialect (after a change of dialect,
// when platform_images_default() says the catalogue was the old dialect's default).
void use_default_platform_images(resources& r);
// The catalogue as a server with these options starts: the dialect's default, or none.
void start_platform_images(resources& r, bool enabled);

// The newest platform image of that operating system, version and architecture; null when the
// catalogue has none.
const image_record* newest_platform_image(const resources& r, const std::string& operating_system,
                                          const std::string& version, architecture arch);

}  // namespace ocifake::detail
