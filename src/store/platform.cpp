#include "store/platform.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <span>

#include "model/ids.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

struct flex_range {
  std::string_view shape;
  int max_ocpus, max_memory_gbs;
};

// The Flex shapes the fake knows, with the OCPUs and memory a VM of each can have.
constexpr flex_range flex_shapes[] = {
    {"VM.Standard.E4.Flex", 64, 1024},    {"VM.Standard.E5.Flex", 94, 1049}, {"VM.Standard3.Flex", 32, 512},
    {"VM.Standard.A1.Flex", 80, 512},     {"VM.Optimized3.Flex", 18, 256},   {"VM.PCAStandard1.Flex", 32, 512},
    {"VM.PCAStandard.E5.Flex", 94, 1024},
};

constexpr std::string_view oci_x86_shapes[] = {
    "VM.Standard.E4.Flex", "VM.Standard.E5.Flex", "VM.Standard3.Flex", "VM.Standard2.1",   "VM.Standard2.2",
    "VM.Standard2.4",      "VM.Standard2.8",      "VM.Standard.E2.1",  "VM.Standard.E2.2", "VM.Standard.E2.1.Micro",
};
constexpr std::string_view too_small_for_windows = "VM.Standard.E2.1.Micro";
constexpr std::string_view oci_aarch64_shapes[] = {"VM.Standard.A1.Flex"};
constexpr std::string_view oci_emulated_shapes[] = {"VM.Standard2.1", "VM.Standard2.2",   "VM.Standard2.4",
                                                    "VM.Standard2.8", "VM.Standard.E2.1", "VM.Standard.E2.2"};
constexpr std::string_view pca_shapes[] = {"VM.PCAStandard1.Flex", "VM.PCAStandard.E5.Flex", "VM.PCAStandard1.1",
                                           "VM.PCAStandard1.2",    "VM.PCAStandard1.4",      "VM.PCAStandard1.8"};

std::vector<shape_entry> entries_of(std::span<const std::string_view> names, std::string_view leave_out = {}) {
  std::vector<shape_entry> out;
  for (auto n : names)
    if (n != leave_out) add_shape(out, shape_for(n));
  return out;
}

// FNV-1a: a platform image's id and etag are drawn from a generator seeded with its region and name.
std::uint64_t fnv1a(std::string_view a, std::string_view b) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  };
  mix(a);
  mix("\n");
  mix(b);
  return h;
}

// A build published on y-m-d: the catalogue shows it from 07:16 UTC that day.
std::chrono::system_clock::time_point published(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year{y} / month{m} / day{d}) + hours(7) + minutes(16);
}

struct build {
  int y;
  unsigned m, d;
};

struct distribution {
  std::string_view name_prefix;  // "Oracle-Linux-9.4"; the name is <prefix>[-aarch64]-<date>-0
  std::string_view operating_system, version;
  architecture arch;
  std::int64_t size_in_mbs, billable_gbs;
  build builds[3];  // oldest first
};

// Builds of one day are added in this order, so the newest of all (what ListImages shows first) is
// Oracle Linux 9 x86_64.
// clang-format off
constexpr distribution oci_catalogue[] = {
    {"Oracle-Linux-8.10", "Oracle Linux", "8", architecture::aarch64, 47694, 5, {{2024, 6, 30}, {2024, 7, 31}, {2024, 8, 29}}},
    {"Oracle-Linux-8.10", "Oracle Linux", "8", architecture::x86_64, 47694, 6, {{2024, 6, 30}, {2024, 7, 31}, {2024, 8, 29}}},
    {"Oracle-Linux-9.4", "Oracle Linux", "9", architecture::aarch64, 47694, 5, {{2024, 6, 30}, {2024, 7, 31}, {2024, 8, 29}}},
    {"Oracle-Linux-9.4", "Oracle Linux", "9", architecture::x86_64, 47694, 6, {{2024, 6, 30}, {2024, 7, 31}, {2024, 8, 29}}},
    {"Canonical-Ubuntu-22.04", "Canonical Ubuntu", "22.04", architecture::x86_64, 47694, 2, {{2024, 6, 26}, {2024, 7, 18}, {2024, 8, 15}}},
    {"Canonical-Ubuntu-24.04", "Canonical Ubuntu", "24.04", architecture::x86_64, 47694, 2, {{2024, 6, 26}, {2024, 7, 29}, {2024, 8, 28}}},
    {"Windows-Server-2022-Standard-Edition-VM", "Windows", "Server 2022 Standard", architecture::x86_64, 262144, 17, {{2024, 6, 12}, {2024, 7, 10}, {2024, 8, 13}}},
};
constexpr distribution pca_catalogue[] = {
    {"Oracle-Linux-8.10", "Oracle Linux", "8", architecture::x86_64, 47694, 6, {{2024, 6, 30}, {2024, 7, 31}, {2024, 8, 29}}},
    {"Oracle-Linux-9.4", "Oracle Linux", "9", architecture::x86_64, 47694, 6, {{2024, 6, 30}, {2024, 7, 31}, {2024, 8, 29}}},
};
// clang-format on

std::string two(unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

architecture architecture_of_shape(std::string_view shape) noexcept {
  // A part of the name that is 'A' and a digit, then anything: A1, A2, A1.160.
  std::size_t start = 0;
  while (start <= shape.size()) {
    auto end = shape.find('.', start);
    auto part = shape.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part.size() >= 2 && part[0] == 'A' && std::isdigit(static_cast<unsigned char>(part[1])))
      return architecture::aarch64;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return architecture::x86_64;
}

architecture architecture_of_image(const image_record& r) noexcept {
  return r.display_name.find("aarch64") != std::string::npos ? architecture::aarch64 : architecture::x86_64;
}

shape_entry shape_for(std::string_view shape) {
  shape_entry e{std::string(shape), std::nullopt, std::nullopt};
  for (const auto& f : flex_shapes)
    if (f.shape == shape) {
      e.memory_constraints = json::object{{"minInGBs", 1}, {"maxInGBs", f.max_memory_gbs}};
      e.ocpu_constraints = json::object{{"min", 1}, {"max", f.max_ocpus}};
    }
  return e;
}

void add_shape(std::vector<shape_entry>& entries, shape_entry e) {
  auto at = std::lower_bound(entries.begin(), entries.end(), e.shape,
                             [](const shape_entry& x, const std::string& n) { return x.shape < n; });
  if (at != entries.end() && at->shape == e.shape) return;
  entries.insert(at, std::move(e));
}

namespace {

// Each list built once per process; every image that has it shares it (shape_list).
shape_list shared_entries(std::span<const std::string_view> names, std::string_view leave_out = {}) {
  return shape_list(std::make_shared<shape_list::entries_type>(entries_of(names, leave_out)));
}

const shape_list& pca_list() {
  static const shape_list l = shared_entries(pca_shapes);
  return l;
}

}  // namespace

shape_list platform_shapes(ocifake::dialect d, architecture arch, bool windows) {
  static const shape_list aarch64 = shared_entries(oci_aarch64_shapes);
  static const shape_list x86 = shared_entries(oci_x86_shapes);
  static const shape_list x86_windows = shared_entries(oci_x86_shapes, too_small_for_windows);
  if (d == ocifake::dialect::pca) return pca_list();
  if (arch == architecture::aarch64) return aarch64;
  return windows ? x86_windows : x86;
}

shape_list import_shapes(ocifake::dialect d, std::string_view launch_mode) {
  static const shape_list emulated = shared_entries(oci_emulated_shapes);
  static const shape_list others = shared_entries(oci_x86_shapes, "VM.Standard.E2.1.Micro");
  if (d == ocifake::dialect::pca) return pca_list();
  return launch_mode == "EMULATED" ? emulated : others;
}

launch_options platform_launch_options() noexcept {
  return launch_options{.boot_volume_type = table_entry(volume_types, "PARAVIRTUALIZED"),
                        .firmware = table_entry(firmwares, "UEFI_64"),
                        .network_type = table_entry(network_types, "PARAVIRTUALIZED"),
                        .remote_data_volume_type = table_entry(volume_types, "PARAVIRTUALIZED"),
                        .is_pv_encryption_in_transit_enabled = true,
                        .is_consistent_volume_naming_enabled = true,
                        .is_encryption_in_transit_enabled = true};
}

void stamp_platform_image(image_record& r, const std::string& region) {
  id_generator ids(fnv1a(region, r.display_name));
  auto id = ids.ocid("image", region);
  if (r.id.empty()) r.id = std::move(id);
  r.etag = ids.etag();
  r.platform = true;
}

image_record platform_image(ocifake::dialect d, const std::string& region, platform_image_values v) {
  image_record r;
  r.id = std::move(v.id);
  r.display_name = std::move(v.display_name);
  stamp_platform_image(r, region);
  r.listing_type.clear();  // null, as the real catalogue shows it
  r.operating_system = std::move(v.operating_system);
  r.operating_system_version = std::move(v.operating_system_version);
  r.launch_mode = "NATIVE";
  r.machine = image_machine(image_state::available);
  r.time_created = v.time_created;
  r.size_in_mbs = v.size_in_mbs;
  r.billable_size_in_gbs = v.billable_size_in_gbs;
  r.launch_options = platform_launch_options();
  if (v.shapes.empty())
    r.shapes = platform_shapes(d, architecture_of_image(r), r.operating_system == "Windows");
  else
    for (auto& e : v.shapes) add_shape(r.shapes.edit(), std::move(e));
  return r;
}

namespace {

std::vector<image_record> build_default_platform_images(ocifake::dialect d, const std::string& region) {
  std::span<const distribution> catalogue = d == ocifake::dialect::pca ? std::span<const distribution>(pca_catalogue)
                                                                       : std::span<const distribution>(oci_catalogue);
  std::vector<image_record> out;
  for (const auto& dist : catalogue)
    for (const auto& b : dist.builds) {
      std::string name(dist.name_prefix);
      if (dist.arch == architecture::aarch64) name += "-aarch64";
      name += "-" + std::to_string(b.y) + "." + two(b.m) + "." + two(b.d) + "-0";
      out.push_back(platform_image(d, region,
                                   {.display_name = std::move(name),
                                    .operating_system = std::string(dist.operating_system),
                                    .operating_system_version = std::string(dist.version),
                                    .time_created = published(b.y, b.m, b.d),
                                    .size_in_mbs = dist.size_in_mbs,
                                    .billable_size_in_gbs = dist.billable_gbs}));
    }
  std::stable_sort(out.begin(), out.end(),
                   [](const image_record& a, const image_record& b) { return a.time_created < b.time_created; });
  return out;
}

}  // namespace

// Every server starts with this catalogue, and drawing it (an OCID, an etag and a shape table per
// image) was most of what starting a server cost; it depends on the dialect and the region only,
// so each is drawn once per process and copied. Fault-space exploration starts a server per run.
std::vector<image_record> default_platform_images(ocifake::dialect d, const std::string& region) {
  static std::mutex mutex;
  static std::map<std::pair<ocifake::dialect, std::string>, std::vector<image_record>> drawn;
  std::lock_guard lock(mutex);
  auto [it, inserted] = drawn.try_emplace({d, region});
  if (inserted) it->second = build_default_platform_images(d, region);
  return it->second;
}

void use_default_platform_images(resources& r) {
  r.clear_platform_images();
  for (auto& img : default_platform_images(r.dialect(), r.region())) r.add_platform_image(std::move(img));
  r.set_platform_images_default(true);
}

void start_platform_images(resources& r, bool enabled) {
  if (enabled)
    use_default_platform_images(r);
  else
    r.clear_platform_images();
}

const image_record* newest_platform_image(const resources& r, const std::string& operating_system,
                                          const std::string& version, architecture arch) {
  const auto& index = r.platform_by_time();
  for (auto it = index.rbegin(); it != index.rend(); ++it) {
    const auto* img = r.image_at(it->second);
    if (img && img->operating_system == operating_system && img->operating_system_version == version &&
        architecture_of_image(*img) == arch)
      return img;
  }
  return nullptr;
}

}  // namespace ocifake::detail
