#pragma once
// The in-memory state of one server: images, work requests, instances, objects, compartments,
// retry tokens and lifecycle settings, behind one lock. The api layer holds that lock for the whole
// of an operation, so every operation is atomic; lifecycle progress is evaluated lazily, under the
// same lock, when a resource is read or the clock advances.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json.hpp>

#include <ocifake/clock.hpp>
#include <ocifake/lifecycle.hpp>
#include <ocifake/model.hpp>

#include "api/types.hpp"
#include "lifecycle/machines.hpp"
#include "model/ids.hpp"
#include "model/launch_options.hpp"

namespace ocifake::detail {

using time_point = std::chrono::system_clock::time_point;

struct shape_entry {
  std::string shape;
  std::optional<boost::json::object> memory_constraints;  // {minInGBs, maxInGBs}
  std::optional<boost::json::object> ocpu_constraints;    // {min, max}
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
  std::string display_name;
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
  std::vector<shape_entry> shapes;
  std::string etag;
  std::optional<phase_run> running;
  bool source_missing = false;  // an import of an object the fake was told does not exist
  std::optional<object_key> export_target;  // the object an export in progress writes, when it names one

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
    std::string message;
    time_point timestamp;
  };
  std::vector<error_entry> errors;
  std::vector<log_entry> logs;
};

struct instance_record {
  std::string id;
  std::string compartment_id;
  std::string display_name;
  std::string operating_system;
  std::string operating_system_version;
  std::string image_id;
  std::string launch_mode;
  std::int64_t boot_volume_size_in_mbs = 47694;
  std::vector<data_volume> data_volumes;
};

struct retry_entry {
  std::string operation;
  std::string target;                      // path the request named
  std::optional<boost::json::value> body;  // parsed, so key order and spacing do not matter
  std::string raw_body;                    // as sent
  api_response response;
  time_point at;
};

class store {
public:
  store(const ocifake::clock& clk, std::uint64_t seed, std::string region);

  std::mutex mutex;  // held by the api layer for a whole operation

  // ---- everything below requires `mutex` held ----
  time_point now() const { return clock_->now(); }
  const std::string& region() const { return region_; }
  id_generator& ids() { return ids_; }

  // Resources, by OCID. Hash maps: records never move once stored (pointers to them stay valid),
  // and every view that has an order (paging, snapshots, state documents) takes it from `seq`.
  std::unordered_map<std::string, image_record> images;
  std::unordered_map<std::string, work_request_record> work_requests;
  std::map<std::string, instance_record> instances;
  std::set<std::string> compartments;  // non-empty: strict
  std::set<object_key> objects;        // non-empty: strict
  std::unordered_map<std::string, retry_entry> retry_tokens;
  std::uint64_t next_seq = 1;  // shared by images and work requests
  std::unordered_set<std::uint64_t> in_flight;  // the seq of every image with a phase running

  // Ordered views for paging (see api/images.cpp): (timeCreated ms, seq) and (displayName, seq).
  // The second is built the first time a list is sorted by name, and kept from then on: most
  // servers never need it, and it is the costliest index to keep.
  using name_index_type = std::set<std::pair<std::string, std::uint64_t>>;
  std::set<std::pair<std::int64_t, std::uint64_t>> by_time;
  const name_index_type& by_name();
  // The image a seq belongs to; null for a work request's seq.
  image_record* image_at(std::uint64_t seq) const { return seq < by_seq_.size() ? by_seq_[seq] : nullptr; }

  // Registers (or replaces) an instance; generates its OCID when the spec has none.
  const instance_record& add_instance(const ocifake::instance_spec& spec);
  image_record& add_image(image_record&& r);  // a new id: assigns seq, indexes, etag
  void rename_image(image_record& r, std::string name);  // keeps by_name in step
  void touch(image_record& r) { r.etag = ids_.etag(); }  // a new etag after every change

  image_record* find_image(const std::string& id);
  work_request_record* find_work_request(const std::string& id);
  bool compartment_known(const std::string& id) const { return compartments.empty() || compartments.count(id); }
  void require_compartment(const std::string& field, const std::string& id) const;  // throws 404
  bool object_known(const object_key& k) const { return objects.empty() || objects.count(k); }

  // Lifecycle. start_phase picks the progression (per-image, next-image, then server default),
  // creates the work request (except for delete) and returns its id.
  std::string start_phase(image_record& img, phase p, std::string operation_type, std::string action_type);
  // Lets an image catch up with its progression. `counted` is true for reads that count (GetImage,
  // GetWorkRequest of the tracking work request).
  void evaluate(image_record& img, bool counted);
  void evaluate_work_request(work_request_record& wr, bool counted);
  void evaluate_all();  // after the clock advances

  // Lifecycle settings (lifecycle_control forwards here, taking the lock itself).
  progress default_progress[4] = {progress::polls(1), progress::polls(1), progress::polls(1), progress::immediate()};
  std::map<std::pair<std::string, int>, progress> per_image_progress;
  std::map<int, progress> next_progress;

  // Paging. A page token is opaque to clients: the cursor of the list (`scope` says which list, and
  // of what) sealed with a key derived from the server's seed, so that a forged token, or one
  // another list gave, is told apart from a real one.
  std::string page_token(std::string_view scope, std::string_view cursor) const;
  // The cursor of the request's `page` parameter; nullopt without one. 400 InvalidParameter
  // naming `page` when it was not made by page_token for this scope.
  std::optional<std::string> page_cursor(const api_request& req, std::string_view scope) const;

  // Snapshots and JSON.
  // `sp`: where the JSON lives; an answer that is serialised at once passes a monotonic arena.
  boost::json::object image_json(const image_record& r, boost::json::storage_ptr sp = {}) const;
  // {imageId, shape, memoryConstraints?, ocpuConstraints?}
  boost::json::object shape_json(const image_record& r, const shape_entry& e) const;
  boost::json::object work_request_json(const work_request_record& w, bool summary = false) const;
  ocifake::image snapshot(const image_record& r) const;
  ocifake::work_request snapshot(const work_request_record& w) const;

  void clear();  // everything but settings that belong to the server (seed, region)

private:
  void finish_phase(image_record& img, bool ok, const std::string& message);
  void log(work_request_record& wr, std::string message);
  std::vector<image_record*> by_seq_;  // indexed by seq
  std::optional<name_index_type> by_name_;
  const ocifake::clock* clock_;
  std::string region_;
  id_generator ids_;
  std::array<unsigned char, 32> page_key_{};
};

// A query parameter that holds an OCID (compartmentId, resourceId): MissingParameter when required
// and absent, InvalidParameter when it is not of the form ocid1.<type>.<realm>.[region].<unique>.
std::optional<std::string> query_ocid(const api_request& req, const std::string& name, bool required);

// The `limit` query parameter of a list: an integer from 1 to `max`, `fallback` when absent.
// 400 InvalidParameter naming `limit` otherwise.
std::size_t page_limit(const api_request& req, std::size_t max, std::size_t fallback);

}  // namespace ocifake::detail
