#include "store/store.hpp"

#include <cctype>

#include "store/platform.hpp"

#include <algorithm>
#include <stdexcept>

namespace ocifake::detail {

namespace {

std::int64_t ms_of(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

template <class Record>
std::vector<const Record*> in_seq_order(const std::unordered_map<std::string_view, std::unique_ptr<Record>>& m) {
  std::vector<const Record*> out;
  out.reserve(m.size());
  for (const auto& [id, r] : m) out.push_back(r.get());
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  return out;
}

}  // namespace

resources::resources(const ocifake::clock& clk, std::uint64_t seed, std::string region)
    : clock_(&clk), region_(std::move(region)), ids_(seed), pages_(seed) {}

image_record* resources::find_image(const std::string& id) {
  auto it = images_.find(id);
  return it == images_.end() ? nullptr : it->second.get();
}

image_record& resources::add_image(image_record&& r) {
  if (images_.count(r.id)) throw std::logic_error("resources::add_image: image " + r.id + " exists already");
  auto record = std::make_unique<image_record>(std::move(r));
  auto& stored = *record;
  images_.emplace(stored.id, std::move(record));
  stored.seq = next_seq_++;
  if (stored.etag.empty()) stored.etag = ids_.etag();
  if (stored.platform) {
    platform_by_time_.emplace(ms_of(stored.time_created), stored.seq);
    platform_by_name_.emplace(stored.display_name, stored.seq);
  } else {
    by_time_.emplace_hint(by_time_.end(), ms_of(stored.time_created), stored.seq);  // where a new image usually goes
    if (by_name_) by_name_->emplace(stored.display_name, stored.seq);
  }
  if (by_seq_.size() <= stored.seq) by_seq_.resize(std::max<std::size_t>(stored.seq + 1, by_seq_.size() * 2), nullptr);
  by_seq_[stored.seq] = &stored;
  if (stored.running) running_.insert(stored.seq);
  return stored;
}

image_record& resources::add_platform_image(image_record&& r) {
  r.platform = true;
  platform_default_ = false;
  return add_image(std::move(r));
}

void resources::clear_platform_images() {
  for (const auto& [ms, seq] : platform_by_time_) {
    const std::string id = by_seq_[seq]->id;  // a copy: the key must outlive the node it erases
    by_seq_[seq] = nullptr;
    images_.erase(id);
  }
  platform_by_time_.clear();
  platform_by_name_.clear();
  platform_default_ = false;
}

std::vector<const image_record*> resources::platform_images_in_order() const {
  std::vector<const image_record*> out;
  out.reserve(platform_by_time_.size());
  for (const auto& [ms, seq] : platform_by_time_) out.push_back(by_seq_[seq]);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  return out;
}

void resources::rename_image(image_record& r, std::string name) {
  if (name == r.display_name) return;
  if (by_name_) by_name_->erase({r.display_name, r.seq});
  r.display_name = std::move(name);
  if (by_name_) by_name_->emplace(r.display_name, r.seq);
}

std::vector<const image_record*> resources::images_in_order() const {
  auto all = in_seq_order(images_);
  std::erase_if(all, [](const image_record* r) { return r->platform; });
  return all;
}

const resources::name_index& resources::by_name() {
  if (!by_name_) {
    by_name_.emplace();
    for (const auto& [id, r] : images_)
      if (!r->platform) by_name_->emplace(r->display_name, r->seq);
  }
  return *by_name_;
}

void resources::start_running(image_record& img, phase_run run) {
  img.running = std::move(run);
  running_.insert(img.seq);
}

void resources::stop_running(image_record& img) {
  img.running.reset();
  running_.erase(img.seq);
}

std::vector<std::uint64_t> resources::running_in_order() const {
  std::vector<std::uint64_t> seqs(running_.begin(), running_.end());
  std::sort(seqs.begin(), seqs.end());  // in creation order, whatever the hash table's
  return seqs;
}

work_request_record& resources::add_work_request(work_request_record&& w) {
  if (work_requests_.count(w.id))
    throw std::logic_error("resources::add_work_request: work request " + w.id + " exists already");
  auto record = std::make_unique<work_request_record>(std::move(w));
  auto& stored = *record;
  work_requests_.emplace(stored.id, std::move(record));
  stored.seq = next_seq_++;
  return stored;
}

work_request_record* resources::find_work_request(const std::string& id) {
  auto it = work_requests_.find(id);
  return it == work_requests_.end() ? nullptr : it->second.get();
}

std::vector<const work_request_record*> resources::work_requests_in_order() const {
  return in_seq_order(work_requests_);
}

instance_record& resources::add_instance(const ocifake::instance_spec& spec) {
  instance_record r;
  r.id = spec.id.empty() ? ids_.ocid("instance", region_) : spec.id;
  r.compartment_id = spec.compartment_id;
  r.display_name = spec.display_name;
  r.operating_system = spec.operating_system;
  r.operating_system_version = spec.operating_system_version;
  r.image_id = spec.image_id;
  r.launch_mode = spec.launch_mode;
  r.shape = spec.shape;
  if (r.image_id.empty())
    if (const auto* base = newest_platform_image(*this, r.operating_system, r.operating_system_version,
                                                 architecture_of_shape(r.shape)))
      r.image_id = base->id;
  if (spec.boot_volume_size_in_mbs) r.boot_volume_size_in_mbs = *spec.boot_volume_size_in_mbs;
  r.data_volumes = spec.data_volumes;
  r.availability_domain =
      spec.availability_domain.empty() ? default_availability_domain(region_) : spec.availability_domain;
  r.machine = instance_machine(parse_instance_state(spec.lifecycle_state).value_or(instance_state::running));
  r.time_created = now();
  touch(r);
  auto id = r.id;
  return instances_.insert_or_assign(id, std::move(r)).first->second;
}

const instance_record* resources::find_instance(const std::string& id) const {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : &it->second;
}

void resources::touch(instance_record& r) {
  // 64 hex characters from four FNV-1a hashes of (id, change count, lane).
  static constexpr char hex[] = "0123456789abcdef";
  ++r.changes;
  std::string text = r.id + "\n" + std::to_string(r.changes);
  std::string out;
  for (std::uint64_t lane = 0; lane < 4; ++lane) {
    std::uint64_t h = 14695981039346656037ull ^ lane;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    for (int i = 0; i < 16; ++i, h >>= 4) out += hex[h & 15];
  }
  r.etag = std::move(out);
}

instance_record* resources::find_instance(const std::string& id) {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : &it->second;
}

std::string default_availability_domain(const std::string& region) {
  // The real names carry a tenancy-specific prefix and the region's airport code ("Uocm:PHX-AD-1").
  std::string key = region == "us-phoenix-1" ? "PHX" : region == "us-ashburn-1" ? "IAD" : "";
  if (key.empty())
    for (char c : region) key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "Uocm:" + key + "-AD-1";
}

std::vector<const instance_record*> resources::instances_in_order() const {
  std::vector<const instance_record*> out;
  for (const auto& [id, r] : instances_) out.push_back(&r);
  return out;
}

void resources::clear() {
  images_.clear();
  work_requests_.clear();
  instances_.clear();
  compartments_.clear();
  objects_.clear();
  running_.clear();
  by_time_.clear();
  by_name_.reset();
  by_seq_.clear();
  platform_by_time_.clear();
  platform_by_name_.clear();
  platform_default_ = false;
  capability_schemas_.clear();
  lifecycle_ = lifecycle_settings{};
  notes_.clear();
}

}  // namespace ocifake::detail
