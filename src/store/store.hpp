#pragma once
// The resources of one server: images, work requests, instances, compartments, objects and the
// lifecycle settings, with the indexes that keep them in order. A store is reached only through
// its own lock (`auto r = store.lock();`), which the api layer holds for the whole of an
// operation, so that every operation is atomic. The store keeps its containers and indexes in
// step; it does not read requests, raise OCI errors or write wire JSON (the api layer does), nor
// decide how phases progress (src/lifecycle does).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <ocifake/clock.hpp>
#include <ocifake/lifecycle.hpp>
#include <ocifake/model.hpp>
#include <ocifake/options.hpp>

#include "lifecycle/machines.hpp"
#include "lifecycle/settings.hpp"
#include "model/guarded.hpp"
#include "model/ids.hpp"
#include "model/launch_options.hpp"
#include "model/page_token.hpp"
#include "store/capability_schemas.hpp"

namespace ocifake::detail {

using time_point = std::chrono::system_clock::time_point;

struct shape_entry {
  std::string shape;
  std::optional<boost::json::object> memory_constraints;  // {minInGBs, maxInGBs}
  std::optional<boost::json::object> ocpu_constraints;    // {min, max}
};

// An image's shape entries, in shape-name byte order. Images made alike (the imports of one launch
// mode, the platform images of one architecture) share one list, which a change copies first:
// most images never change theirs, and a list of a dozen Flex entries is most of an image's memory.
class shape_list {
public:
  using entries_type = std::vector<shape_entry>;

  shape_list() = default;
  explicit shape_list(entries_type entries) : entries_(std::make_shared<entries_type>(std::move(entries))) {}
  // A list kept elsewhere as well (a catalogue's): never changed in place, since it stays shared.
  explicit shape_list(std::shared_ptr<entries_type> shared) : entries_(std::move(shared)) {}

  const entries_type& entries() const noexcept { return entries_ ? *entries_ : no_entries(); }
  auto begin() const noexcept { return entries().begin(); }
  auto end() const noexcept { return entries().end(); }
  bool empty() const noexcept { return entries().empty(); }
  // The list to change: this image's own, copied from the shared one if need be.
  entries_type& edit() {
    if (!entries_ || entries_.use_count() > 1) entries_ = std::make_shared<entries_type>(entries());
    return *entries_;
  }

private:
  static const entries_type& no_entries() noexcept {
    static const entries_type none;
    return none;
  }
  std::shared_ptr<entries_type> entries_;
};

struct object_key {
  std::string namespace_name, bucket, object;
  auto operator<=>(const object_key&) const = default;
};

// A phase in progress (provision, import, export or delete).
struct phase_run {
  phase which;
  progress how = progress::immediate();
  time_point started;
  unsigned reads = 0;
  std::string work_request_id;  // empty for delete
};

struct image_record {
  std::uint64_t seq = 0;  // creation order; ties in timeCreated sort by it
  std::string id;
  std::string compartment_id;
  std::string display_name;  // changed through resources::rename_image, which keeps its index
  std::string operating_system;
  std::string operating_system_version;
  std::string base_image_id;
  std::string launch_mode;
  std::string listing_type = "NONE";
  bool create_image_allowed = true;
  image_machine machine{image_state::provisioning};
  time_point time_created;
  std::optional<std::int64_t> size_in_mbs;
  std::optional<std::int64_t> billable_size_in_gbs;
  boost::json::object freeform_tags;
  boost::json::object defined_tags;
  detail::launch_options launch_options;
  std::optional<detail::agent_features> agent_features;
  std::optional<boost::json::array> data_volumes;  // imageVolumeDetails.dataVolumes
  shape_list shapes;
  std::string etag;
  bool platform = false;  // in the catalogue (compartmentId null, read-only); see resources::add_platform_image
  std::optional<phase_run> running;         // set and cleared through resources::start_running / stop_running
  bool source_missing = false;              // an import of an object the fake was told does not exist
  std::string source_instance_id;           // the instance it was captured from, CREATING_IMAGE while it provisions
  std::shared_ptr<const object_key> export_target;  // the object an export in progress writes, when it names one

  image_state state() const noexcept { return machine.state(); }
};

struct work_request_record {
  std::uint64_t seq = 0;
  std::string id;
  std::string operation_type;  // "Create Image", "Import Image", "Export Image"
  std::string action_type;     // CREATED or RELATED
  std::string compartment_id;
  std::string image_id;
  work_request_machine machine;
  double percent_complete = 0;
  time_point time_accepted;
  std::optional<time_point> time_started;
  std::optional<time_point> time_finished;
  struct error_entry {
    std::string code, message;
    time_point timestamp;
  };
  struct log_entry {
    // Empty for the line every work request starts with, "<operationType> accepted for image
    // <imageId>", which render.cpp writes when it is read: most are never read, and it is the
    // longest string of a new image's records.
    std::string message;
    time_point timestamp;
  };
  std::vector<error_entry> errors;
  std::vector<log_entry> logs;

  bool in_flight() const noexcept {
    auto s = machine.state();
    return s == work_request_state::accepted || s == work_request_state::in_progress;
  }
};

struct instance_record {
  std::string id;
  std::string compartment_id;
  std::string display_name;
  std::string operating_system;
  std::string operating_system_version;
  std::string image_id;
  std::string launch_mode;
  std::string shape = "VM.Standard.E4.Flex";
  std::int64_t boot_volume_size_in_mbs = 47694;
  std::vector<data_volume> data_volumes;
  std::string availability_domain;
  std::string fault_domain = "FAULT-DOMAIN-1";
  instance_machine machine{instance_state::running};
  time_point time_created;
  std::string etag;
  std::uint64_t changes = 0;  // how many times touch() gave it a new etag
  // A stop, start, reset or terminate in progress (the instance is STOPPING, STARTING or TERMINATING).
  struct action_run {
    std::string action;  // STOP, SOFTSTOP, START, RESET, SOFTRESET or TERMINATE
    progress how = progress::polls(1);
    time_point started;
    unsigned reads = 0;
  };
  std::optional<action_run> running;
  std::string imaging;  // the image being created from it while it is CREATING_IMAGE
  instance_state imaging_from = instance_state::running;  // the state it returns to then

  instance_state state() const noexcept { return machine.state(); }
};

class resources {
public:
  resources(const ocifake::clock& clk, std::uint64_t seed, std::string region);

  time_point now() const { return clock_->now(); }
  const std::string& region() const { return region_; }
  id_generator& ids() { return ids_; }
  const page_sealer& pages() const { return pages_; }
  lifecycle_settings& lifecycle() { return lifecycle_; }
  // The cloud faked; what requests may say and what answers hold depend on it.
  ocifake::dialect dialect() const { return dialect_; }
  void set_dialect(ocifake::dialect d) { dialect_ = d; }
  const lifecycle_settings& lifecycle() const { return lifecycle_; }

  // ---- images. Records never move once stored (references to them stay valid), and every view
  // that has an order (paging, snapshots, state documents) takes it from `seq`.
  image_record* find_image(const std::string& id);
  bool has_image(const std::string& id) const { return images_.count(id) != 0; }
  // The image a seq belongs to; null for a work request's seq.
  image_record* image_at(std::uint64_t seq) const { return seq < by_seq_.size() ? by_seq_[seq] : nullptr; }
  // A new id (a logic_error otherwise: OCIDs are made here, and scenarios refuse known ones):
  // assigns seq, indexes, and an etag when it has none.
  image_record& add_image(image_record&& r);
  void rename_image(image_record& r, std::string name);  // keeps the name index in step
  void touch(image_record& r) { r.etag = ids_.etag(); }  // a new etag after every change
  std::size_t image_count() const { return images_.size() - platform_by_time_.size(); }  // custom images
  std::vector<const image_record*> images_in_order() const;                              // custom images

  // Ordered views for paging: (timeCreated ms, seq) and (displayName, seq). The second is built the
  // first time a list is sorted by name, and kept from then on: most servers never need it, and it
  // is the costliest index to keep.
  using time_index = std::set<std::pair<std::int64_t, std::uint64_t>>;
  using name_index = std::set<std::pair<std::string, std::uint64_t>>;
  const time_index& by_time() const { return by_time_; }
  const name_index& by_name();

  // ---- platform images: the catalogue, listed in every compartment and never changed through the
  // API. They share the id map with custom images (find_image, image_at) but have indexes of their
  // own, so the views above (image_count, images_in_order, by_time, by_name) hold custom images only.
  image_record& add_platform_image(image_record&& r);  // as add_image; marks it a platform image
  void clear_platform_images();
  const time_index& platform_by_time() const { return platform_by_time_; }
  const name_index& platform_by_name() const { return platform_by_name_; }
  std::vector<const image_record*> platform_images_in_order() const;  // oldest first (by seq)
  // Whether the catalogue is the default one of the dialect (store/platform.hpp), untouched: what a
  // change of dialect swaps for the new dialect's default, and what state documents write as `true`.
  bool platform_images_default() const { return platform_default_; }
  void set_platform_images_default(bool is_default) { platform_default_ = is_default; }

  // ---- phases in progress: the images whose `running` is set, for catching up after the clock moves.
  void start_running(image_record& img, phase_run run);
  void stop_running(image_record& img);
  std::vector<std::uint64_t> running_in_order() const;  // by seq

  // ---- work requests
  work_request_record& add_work_request(work_request_record&& w);  // a new id; assigns seq
  work_request_record* find_work_request(const std::string& id);
  bool has_work_request(const std::string& id) const { return work_requests_.count(id) != 0; }
  std::vector<const work_request_record*> work_requests_in_order() const;
  template <class F>
  void for_each_work_request(F&& f) {
    for (auto& [id, w] : work_requests_) f(*w);
  }

  // ---- instances a CreateImage can capture; registering a known id replaces it. An instance without
  // image_id counts as launched from the newest platform image of its operating system, version and
  // architecture (store/platform.hpp), when the catalogue has one. It is in the spec's state (which
  // callers have checked is a seed), with no action running: lifecycle's seed_instance starts one.
  instance_record& add_instance(const ocifake::instance_spec& spec);
  const instance_record* find_instance(const std::string& id) const;
  instance_record* find_instance(const std::string& id);
  // A new etag after every change, drawn from the instance's id and a change count rather than the
  // id generator, so that instances leave the OCIDs of everything else as they were.
  void touch(instance_record& r);
  std::vector<const instance_record*> instances_in_order() const;  // by OCID

  // ---- compartments and objects: once any is registered, they are strict.
  void add_compartment(const std::string& id) { compartments_.insert(id); }
  bool compartment_known(const std::string& id) const { return compartments_.empty() || compartments_.count(id); }
  const std::set<std::string>& compartments() const { return compartments_; }
  void register_object(const object_key& k) { objects_.insert(k); }
  bool objects_strict() const { return !objects_.empty(); }
  bool object_known(const object_key& k) const { return objects_.empty() || objects_.count(k); }
  const std::set<object_key>& objects() const { return objects_; }

  // ---- image capability schemas (store/capability_schemas.hpp)
  capability_schema_set& capability_schemas() { return capability_schemas_; }

  // ---- notes: changes the lifecycle makes to a resource other than the one a request names (an
  // instance leaving CREATING_IMAGE when its image's phase ends), for that request's journal entry.
  void note(std::string change) { notes_.push_back(std::move(change)); }
  std::vector<std::string> take_notes() { return std::exchange(notes_, {}); }

  // Everything but what belongs to the server (clock, seed, region): resources, indexes, settings.
  void clear();

private:
  const ocifake::clock* clock_;
  std::string region_;
  id_generator ids_;
  page_sealer pages_;
  lifecycle_settings lifecycle_;
  ocifake::dialect dialect_ = ocifake::dialect::oci;
  // Keyed by a view of the record's own id: each record is allocated once and never moves, and its
  // OCID is not stored a second time as the key.
  template <class Record>
  using by_id = std::unordered_map<std::string_view, std::unique_ptr<Record>>;
  by_id<image_record> images_;
  by_id<work_request_record> work_requests_;
  std::map<std::string, instance_record> instances_;
  std::set<std::string> compartments_;
  std::set<object_key> objects_;
  std::uint64_t next_seq_ = 1;  // shared by images and work requests
  std::unordered_set<std::uint64_t> running_;
  time_index by_time_;
  std::optional<name_index> by_name_;
  time_index platform_by_time_;
  name_index platform_by_name_;
  bool platform_default_ = false;
  std::vector<image_record*> by_seq_;  // indexed by seq
  capability_schema_set capability_schemas_;
  std::vector<std::string> notes_;
};

// The availability domain instances are in unless seeded elsewhere: "Uocm:PHX-AD-1" in us-phoenix-1.
std::string default_availability_domain(const std::string& region);

// A server's resources behind their lock.
using store = guarded<resources>;

}  // namespace ocifake::detail
