#include "store/store.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "model/fields.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

std::int64_t ms_of(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

const char* phase_noun(phase p) {
  switch (p) {
    case phase::provision: return "provisioning";
    case phase::import: return "import";
    case phase::export_: return "export";
    case phase::delete_: return "deletion";
  }
  return "phase";
}

const char* failure_code(phase p) {
  switch (p) {
    case phase::provision: return "ImageCreationFailed";
    case phase::import: return "ImageImportFailed";
    case phase::export_: return "ImageExportFailed";
    case phase::delete_: return "ImageDeletionFailed";
  }
  return "InternalError";
}

constexpr char base64url_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += base64url_digits[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += base64url_digits[(acc << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(base64url_digits, 64, c);
    if (!at) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(at - base64url_digits);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // A length no encoding produces, or stray bits: each cursor has exactly one spelling.
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

store::store(const ocifake::clock& clk, std::uint64_t seed, std::string region)
    : clock_(&clk), region_(std::move(region)), ids_(seed) {
  // A generator of its own, so that the ids the seed gives are the same with or without paging.
  std::mt19937_64 g(seed ^ 0x70616765746f6b65ULL);
  for (std::size_t i = 0; i < page_key_.size(); i += 8) {
    auto r = g();
    for (std::size_t k = 0; k < 8; ++k, r >>= 8) page_key_[i + k] = static_cast<unsigned char>(r);
  }
}

namespace {

// HMAC-SHA256 of scope and cursor, shortened to 16 bytes: enough to tell a real token apart.
std::string page_mac(const std::array<unsigned char, 32>& key, std::string_view scope, std::string_view cursor) {
  std::string data;
  data.reserve(scope.size() + 1 + cursor.size());
  data.append(scope).push_back('\0');
  data.append(cursor);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), std::min<unsigned int>(len, 16));
}

}  // namespace

std::string store::page_token(std::string_view scope, std::string_view cursor) const {
  return base64url(cursor) + "." + base64url(page_mac(page_key_, scope, cursor));
}

std::optional<std::string> store::page_cursor(const api_request& req, std::string_view scope) const {
  auto page = req.query_value("page");
  if (!page) return std::nullopt;
  auto refuse = [] { return invalid_parameter("page", "not a page token this list gave (use the opc-next-page header of the previous page)"); };
  if (page->empty() || page->size() > 4096) throw refuse();
  auto dot = page->find('.');
  if (dot == std::string::npos) throw refuse();
  auto cursor = from_base64url(std::string_view(*page).substr(0, dot));
  auto mac = from_base64url(std::string_view(*page).substr(dot + 1));
  if (!cursor || !mac) throw refuse();
  auto expected = page_mac(page_key_, scope, *cursor);
  if (mac->size() != expected.size() || CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0)
    throw refuse();
  return cursor;
}

std::optional<std::string> query_ocid(const api_request& req, const std::string& name, bool required) {
  auto v = req.query_value(name);
  if (!v) {
    if (required) throw missing_parameter(name);
    return v;
  }
  if (v->empty() || v->size() > 255)
    throw invalid_parameter(name, "must be 1 to 255 characters long (got " + std::to_string(v->size()) + ")");
  if (!is_ocid(*v)) throw invalid_parameter(name, "'" + *v + "' is not a valid OCID");
  return v;
}

std::size_t page_limit(const api_request& req, std::size_t max, std::size_t fallback) {
  auto v = req.query_value("limit");
  if (!v) return fallback;
  auto refuse = [&] {
    return invalid_parameter("limit", "must be an integer from 1 to " + std::to_string(max) + " (got '" + *v + "')");
  };
  if (v->empty() || v->size() > 9) throw refuse();
  std::size_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') throw refuse();
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n < 1 || n > max) throw refuse();
  return n;
}

const instance_record& store::add_instance(const ocifake::instance_spec& spec) {
  instance_record r;
  r.id = spec.id.empty() ? ids_.ocid("instance", region_) : spec.id;
  r.compartment_id = spec.compartment_id;
  r.display_name = spec.display_name;
  r.operating_system = spec.operating_system;
  r.operating_system_version = spec.operating_system_version;
  r.image_id = spec.image_id;
  r.launch_mode = spec.launch_mode;
  if (spec.boot_volume_size_in_mbs) r.boot_volume_size_in_mbs = *spec.boot_volume_size_in_mbs;
  r.data_volumes = spec.data_volumes;
  auto id = r.id;
  return instances.insert_or_assign(id, std::move(r)).first->second;
}

const store::name_index_type& store::by_name() {
  if (!by_name_) {
    by_name_.emplace();
    for (const auto& [id, r] : images) by_name_->emplace(r.display_name, r.seq);
  }
  return *by_name_;
}

image_record& store::add_image(image_record&& r) {
  auto id = r.id;
  auto [it, inserted] = images.try_emplace(std::move(id), std::move(r));
  // CreateImage makes a new OCID and a scenario refuses ids the server has: never a client's doing.
  if (!inserted) throw std::logic_error("store::add_image: image " + it->first + " exists already");
  auto& stored = it->second;
  stored.seq = next_seq++;
  if (stored.etag.empty()) stored.etag = ids_.etag();
  by_time.emplace_hint(by_time.end(), ms_of(stored.time_created), stored.seq);  // where a new image usually goes
  if (by_name_) by_name_->emplace(stored.display_name, stored.seq);
  if (by_seq_.size() <= stored.seq) by_seq_.resize(std::max<std::size_t>(stored.seq + 1, by_seq_.size() * 2), nullptr);
  by_seq_[stored.seq] = &stored;
  return stored;
}

void store::rename_image(image_record& r, std::string name) {
  if (name == r.display_name) return;
  if (by_name_) by_name_->erase({r.display_name, r.seq});
  r.display_name = std::move(name);
  if (by_name_) by_name_->emplace(r.display_name, r.seq);
}

image_record* store::find_image(const std::string& id) {
  auto it = images.find(id);
  return it == images.end() ? nullptr : &it->second;
}

work_request_record* store::find_work_request(const std::string& id) {
  auto it = work_requests.find(id);
  return it == work_requests.end() ? nullptr : &it->second;
}

void store::require_compartment(const std::string& field, const std::string& id) const {
  if (!compartment_known(id))
    throw api_error{404, "NotAuthorizedOrNotFound",
                    field + ": compartment " + id + " not found or not authorized"};
}

void store::log(work_request_record& wr, std::string message) {
  wr.logs.push_back({std::move(message), now()});
}

std::string store::start_phase(image_record& img, phase p, std::string operation_type, std::string action_type) {
  int k = static_cast<int>(p);
  progress how = default_progress[k];
  if (auto it = per_image_progress.find({img.id, k}); it != per_image_progress.end()) {
    how = it->second;
  } else if (auto nx = next_progress.find(k); nx != next_progress.end()) {
    how = nx->second;
    next_progress.erase(nx);
  }
  img.running = phase_run{p, how, now(), 0, {}};
  in_flight.insert(img.seq);
  if (p == phase::delete_) return {};

  work_request_record wr;
  wr.seq = next_seq++;
  wr.id = ids_.ocid("coreservicesworkrequest", region_);
  wr.operation_type = std::move(operation_type);
  wr.action_type = std::move(action_type);
  wr.compartment_id = img.compartment_id;
  wr.image_id = img.id;
  wr.time_accepted = now();
  log(wr, wr.operation_type + " accepted for image " + img.id);
  img.running->work_request_id = wr.id;
  auto id = wr.id;
  work_requests.emplace(id, std::move(wr));
  return id;
}

void store::evaluate_work_request(work_request_record& wr, bool counted) {
  auto* img = find_image(wr.image_id);
  if (img && img->running && img->running->work_request_id == wr.id) evaluate(*img, counted);
}

void store::evaluate_all() {
  std::vector<std::uint64_t> seqs(in_flight.begin(), in_flight.end());
  std::sort(seqs.begin(), seqs.end());  // in creation order, whatever the hash table's
  for (auto seq : seqs)
    if (auto* img = image_at(seq)) evaluate(*img, false);
}

void store::evaluate(image_record& img, bool counted) {
  if (!img.running) return;
  auto& run = *img.running;
  work_request_record* wr = run.work_request_id.empty() ? nullptr : find_work_request(run.work_request_id);
  auto start = [&](time_point at) {
    if (wr && wr->machine.process(work_request_event::start)) {
      wr->time_started = at;
      wr->logs.push_back({std::string("image ") + phase_noun(run.which) + " started", at});
    }
  };
  switch (run.how.type()) {
    case progress::kind::immediate:
      finish_phase(img, true, {});
      return;
    case progress::kind::fail:
      start(now());
      finish_phase(img, false, run.how.message());
      return;
    case progress::kind::never:
      start(now());
      return;
    case progress::kind::polls: {
      if (!counted) return;
      ++run.reads;
      unsigned n = run.how.poll_count();
      if (run.reads > n) {
        finish_phase(img, true, {});
        return;
      }
      start(now());
      if (wr) wr->percent_complete = std::floor(100.0 * run.reads / (n + 1));
      return;
    }
    case progress::kind::after: {
      auto elapsed = now() - run.started;
      auto d = run.how.duration();
      if (elapsed >= d) {
        finish_phase(img, true, {});
        return;
      }
      // Work on a timed phase starts when it is accepted; it shows once clock time has passed.
      if (elapsed.count() <= 0) return;
      start(run.started);
      if (wr) {
        double pct = 100.0 * std::chrono::duration<double>(elapsed).count() / std::chrono::duration<double>(d).count();
        wr->percent_complete = std::clamp(std::floor(pct), 0.0, 99.0);
      }
      return;
    }
  }
}

void store::finish_phase(image_record& img, bool ok, const std::string& message) {
  auto run = *img.running;
  work_request_record* wr = run.work_request_id.empty() ? nullptr : find_work_request(run.work_request_id);
  std::string why = message;
  if (ok && run.which == phase::import && img.source_missing) {
    ok = false;
    why = "the object to import was not found in Object Storage";
  }
  auto finished_at = now();
  if (run.how.type() == progress::kind::after) finished_at = std::min(finished_at, run.started + run.how.duration());

  if (ok) {
    switch (run.which) {
      case phase::provision: img.machine.process(image_event::provisioned); break;
      case phase::import:
        img.machine.process(image_event::imported);
        if (!img.size_in_mbs) img.size_in_mbs = 47694;
        if (!img.billable_size_in_gbs) img.billable_size_in_gbs = (*img.size_in_mbs + 1023) / 1024;
        break;
      case phase::export_:
        img.machine.process(image_event::exported);
        // Strict about objects: what an export wrote can be imported later.
        if (img.export_target && !objects.empty()) objects.insert(*img.export_target);
        break;
      case phase::delete_:
        img.machine.process(image_event::delete_requested);
        img.machine.process(image_event::deleted);
        break;
    }
  } else {
    switch (run.which) {
      case phase::provision:
      case phase::import: img.machine.process(image_event::failed); break;
      case phase::export_: img.machine.process(image_event::export_failed); break;
      case phase::delete_:
        // A deletion has no work request to report a failure on: it completes.
        img.machine.process(image_event::delete_requested);
        img.machine.process(image_event::deleted);
        ok = true;
        break;
    }
  }
  if (wr) {
    if (wr->machine.process(work_request_event::start)) {
      wr->time_started = run.how.type() == progress::kind::after ? run.started : finished_at;
      log(*wr, std::string("image ") + phase_noun(run.which) + " started");
    }
    if (ok) {
      wr->machine.process(work_request_event::succeed);
      wr->percent_complete = 100;
      wr->logs.push_back({std::string("image ") + phase_noun(run.which) + " succeeded", finished_at});
    } else {
      wr->machine.process(work_request_event::fail);
      wr->errors.push_back({failure_code(run.which), why, finished_at});
      wr->logs.push_back({std::string("image ") + phase_noun(run.which) + " failed: " + why, finished_at});
    }
    wr->time_finished = finished_at;
  }
  img.running.reset();
  img.export_target.reset();
  in_flight.erase(img.seq);
  touch(img);
}

json::object store::image_json(const image_record& r, json::storage_ptr sp) const {
  json::object o(sp);
  o.reserve(19);  // the keys below: no rehash on the way
  if (r.agent_features)
    o["agentFeatures"] = to_json(*r.agent_features, sp);
  else
    o["agentFeatures"] = nullptr;
  o["baseImageId"] = r.base_image_id.empty() ? json::value(nullptr) : json::value(r.base_image_id);
  o["billableSizeInGBs"] = r.billable_size_in_gbs ? json::value(*r.billable_size_in_gbs) : json::value(nullptr);
  o["compartmentId"] = r.compartment_id;
  o["createImageAllowed"] = r.create_image_allowed;
  o["definedTags"] = r.defined_tags;
  o["displayName"] = r.display_name;
  o["freeformTags"] = r.freeform_tags;
  o["id"] = r.id;
  if (r.data_volumes) {
    json::object details(sp);
    details["dataVolumes"] = *r.data_volumes;
    o["imageVolumeDetails"] = std::move(details);
  } else {
    o["imageVolumeDetails"] = nullptr;
  }
  o["launchMode"] = r.launch_mode;
  o["launchOptions"] = to_json(r.launch_options, sp);
  o["lifecycleState"] = to_string(r.state());
  o["listingType"] = r.listing_type;
  o["operatingSystem"] = r.operating_system;
  o["operatingSystemVersion"] = r.operating_system_version;
  o["sizeInMBs"] = r.size_in_mbs ? json::value(*r.size_in_mbs) : json::value(nullptr);
  o["timeCreated"] = rfc3339(r.time_created);
  return o;
}

json::object store::shape_json(const image_record& r, const shape_entry& e) const {
  json::object o;
  o["imageId"] = r.id;
  if (e.memory_constraints) o["memoryConstraints"] = *e.memory_constraints;
  if (e.ocpu_constraints) o["ocpuConstraints"] = *e.ocpu_constraints;
  o["shape"] = e.shape;
  return o;
}

json::object store::work_request_json(const work_request_record& w, bool summary) const {
  json::object o;
  o["compartmentId"] = w.compartment_id;
  o["id"] = w.id;
  o["operationType"] = w.operation_type;
  // Whole numbers go out as integers: Boost.JSON would write 100.0 as "1E2".
  if (w.percent_complete == std::floor(w.percent_complete))
    o["percentComplete"] = static_cast<std::int64_t>(w.percent_complete);
  else
    o["percentComplete"] = w.percent_complete;
  if (!summary) {
    json::object res;
    res["actionType"] = w.action_type;
    res["entityType"] = "image";
    res["entityUri"] = "/20160918/images/" + w.image_id;
    res["identifier"] = w.image_id;
    o["resources"] = json::array{std::move(res)};
  }
  o["status"] = to_string(w.machine.state());
  o["timeAccepted"] = rfc3339(w.time_accepted);
  o["timeStarted"] = w.time_started ? json::value(rfc3339(*w.time_started)) : json::value(nullptr);
  o["timeFinished"] = w.time_finished ? json::value(rfc3339(*w.time_finished)) : json::value(nullptr);
  return o;
}

ocifake::image store::snapshot(const image_record& r) const {
  ocifake::image i;
  i.id = r.id;
  i.compartment_id = r.compartment_id;
  i.display_name = r.display_name;
  i.lifecycle_state = to_string(r.state());
  i.operating_system = r.operating_system;
  i.operating_system_version = r.operating_system_version;
  i.launch_mode = r.launch_mode;
  i.time_created = r.time_created;
  i.size_in_mbs = r.size_in_mbs;
  for (const auto& kv : r.freeform_tags)
    if (auto* s = kv.value().if_string()) i.freeform_tags.emplace(std::string(kv.key()), std::string(*s));
  i.json = json::serialize(image_json(r));
  return i;
}

ocifake::work_request store::snapshot(const work_request_record& w) const {
  ocifake::work_request s;
  s.id = w.id;
  s.operation_type = w.operation_type;
  s.status = to_string(w.machine.state());
  s.compartment_id = w.compartment_id;
  s.image_id = w.image_id;
  s.percent_complete = w.percent_complete;
  s.json = json::serialize(work_request_json(w));
  return s;
}

void store::clear() {
  images.clear();
  work_requests.clear();
  instances.clear();
  compartments.clear();
  objects.clear();
  retry_tokens.clear();
  by_time.clear();
  by_name_.reset();
  by_seq_.clear();
  in_flight.clear();
  per_image_progress.clear();
  next_progress.clear();
  default_progress[0] = progress::polls(1);
  default_progress[1] = progress::polls(1);
  default_progress[2] = progress::polls(1);
  default_progress[3] = progress::immediate();
}

}  // namespace ocifake::detail
