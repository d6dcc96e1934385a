#pragma once
// The image capability schemas of one server, kept by `resources` (store.hpp) under its lock. A
// record never moves once stored; views with an order take it from `seq`.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace ocifake::detail {

enum class schema_state { creating, active, deleted };

inline const char* to_string(schema_state s) noexcept {
  switch (s) {
    case schema_state::creating: return "CREATING";
    case schema_state::active: return "ACTIVE";
    case schema_state::deleted: return "DELETED";
  }
  return "ACTIVE";
}

struct capability_schema_record {
  std::uint64_t seq = 0;
  std::string id;
  std::string compartment_id;
  std::string image_id;
  std::string version_name;  // computeGlobalImageCapabilitySchemaVersionName
  std::string display_name;
  boost::json::object schema_data;  // validated descriptors, as the wire writes them
  boost::json::object freeform_tags;
  boost::json::object defined_tags;
  std::chrono::system_clock::time_point time_created;
  schema_state state = schema_state::active;
  std::string etag;
};

class capability_schema_set {
public:
  // A new id (a logic_error otherwise); assigns seq.
  capability_schema_record& add(capability_schema_record&& r) {
    auto id = r.id;
    auto [it, inserted] = records_.try_emplace(std::move(id), std::move(r));
    if (!inserted) throw std::logic_error("capability_schema_set::add: " + it->first + " exists already");
    it->second.seq = next_seq_++;
    return it->second;
  }
  capability_schema_record* find(const std::string& id) {
    auto it = records_.find(id);
    return it == records_.end() ? nullptr : &it->second;
  }
  // By seq (creation order).
  std::vector<capability_schema_record*> in_order() {
    std::vector<capability_schema_record*> out;
    out.reserve(records_.size());
    for (auto& [id, r] : records_) out.push_back(&r);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    return out;
  }
  std::size_t size() const noexcept { return records_.size(); }
  void clear() {
    records_.clear();
    next_seq_ = 1;
  }

private:
  std::map<std::string, capability_schema_record> records_;
  std::uint64_t next_seq_ = 1;
};

}  // namespace ocifake::detail
