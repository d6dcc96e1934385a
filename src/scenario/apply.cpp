// Applying scenarios to a server, writing its state as one, and the server members built on them.
//
// How a scenario's server-wide settings apply to a server that is already running:
//   clock       switches the server's clock to that mode: to manual, it stands at the time it reads
//               then; to real, it follows the system clock again. A scenario is written for one
//               clock, and a test loads it into whatever server it has (a default one, a fixture,
//               a plain ocifake-server): refusing it there would leave the user to restart.
//   clockStart  sets a manual clock to that time; on a real clock, shifts it so that it reads that
//               time now and runs on from there.
//   seed        reseeds the generators of OCIDs, etags and request ids, and the random streams
//               of the rules added from then on, so what follows the scenario is the same on
//               every run.
//   lifecycle   becomes the server's default for each phase it names.
// Everything that can refuse (the clock, ids the server already has, rule ids already taken, the
// rules themselves) is checked before anything changes.
#include <algorithm>
#include <ctime>
#include <set>

#include <ocifake/error.hpp>
#include <ocifake/server.hpp>

#include "model/fields.hpp"
#include "scenario/apply.hpp"
#include "scenario/scenario_data.hpp"

namespace ocifake {

namespace detail {

namespace json = boost::json;

namespace {

const char* mode_name(clock_mode m) { return m == clock_mode::manual ? "manual" : "real"; }

struct transitional {
  phase which;
  const char* operation_type;
  const char* action_type;
};
std::optional<transitional> phase_of(image_state s) {
  switch (s) {
    case image_state::provisioning: return transitional{phase::provision, "Create Image", "CREATED"};
    case image_state::importing: return transitional{phase::import, "Import Image", "CREATED"};
    case image_state::exporting: return transitional{phase::export_, "Export Image", "RELATED"};
    default: return std::nullopt;
  }
}

bool in_flight(const work_request_record& w) {
  auto s = w.machine.state();
  return s == work_request_state::accepted || s == work_request_state::in_progress;
}

void pretty_to(std::string& out, const json::value& v, int depth) {
  auto indent = [&](int d) { out += '\n' + std::string(static_cast<std::size_t>(d) * 2, ' '); };
  // Small objects of scalars ({"polls": 1}) read best on one line.
  if (auto* o = v.if_object(); o && !o->empty()) {
    bool flat = std::none_of(o->begin(), o->end(), [](const json::key_value_pair& kv) { return kv.value().is_structured(); });
    if (flat && o->size() <= 3) {
      out += '{';
      bool first = true;
      for (const auto& kv : *o) {
        out += first ? "" : ", ";
        first = false;
        out += json::serialize(json::string(kv.key())) + ": " + json::serialize(kv.value());
      }
      out += '}';
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& kv : *o) {
      if (!first) out += ',';
      first = false;
      indent(depth + 1);
      out += json::serialize(json::string(kv.key())) + ": ";
      pretty_to(out, kv.value(), depth + 1);
    }
    indent(depth);
    out += '}';
    return;
  }
  if (auto* a = v.if_array(); a && !a->empty()) {
    // Arrays of scalars stay on one line; arrays of objects get a line per element.
    bool flat = std::none_of(a->begin(), a->end(), [](const json::value& e) { return e.is_structured(); });
    if (flat) {
      out += json::serialize(v);
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i) out += ',';
      indent(depth + 1);
      pretty_to(out, (*a)[i], depth + 1);
    }
    indent(depth);
    out += ']';
    return;
  }
  out += json::serialize(v);
}

}  // namespace

std::string pretty(const json::value& v) {
  std::string out;
  pretty_to(out, v, 0);
  out += '\n';
  return out;
}

void apply_scenario(server::impl& s, const scenario& sc) {
  const auto& d = sc.data();
  auto& st = s.store;
  std::lock_guard lock(st.mutex);

  // ---- everything that can refuse, before anything changes
  for (const auto& img : d.images)
    if (!img.record.id.empty() && st.images.count(img.record.id))
      throw invalid_input(d.source, img.path + ".id",
                          "an image id the server does not have yet (" + img.record.id + " is there already)");
  for (const auto& wr : d.work_requests)
    if (!wr.record.id.empty() && st.work_requests.count(wr.record.id))
      throw invalid_input(d.source, wr.path + ".id",
                          "a work request id the server does not have yet (" + wr.record.id + " is there already)");
  if (!d.faults.empty()) {
    std::set<std::string> taken;
    for (const auto& f : s.engine.list()) taken.insert(f.id);
    for (std::size_t i = 0; i < d.faults.size(); ++i) {
      auto* id = d.faults[i].as_object().if_contains("id");
      if (id && id->is_string() && taken.count(std::string(id->get_string())))
        throw invalid_input(d.source, "$.faults[" + std::to_string(i) + "].id",
                            "a rule id the server does not have yet (" + std::string(id->get_string()) +
                                " is taken)");
    }
  }

  // The clock first: rule windows count from when the rules are added.
  std::optional<time_point> clock_before;
  auto mode_before = s.clock.mode();
  if (d.clock_start || (d.clock && *d.clock != mode_before)) clock_before = s.clock.now();
  if (d.clock) s.clock.set_mode(*d.clock);
  if (d.clock_start) s.clock.set(*d.clock_start);
  // Then the seed: the rules' random streams are drawn from it when they are added.
  std::optional<std::uint64_t> seed_before;
  if (d.seed) seed_before = s.engine.reseed(*d.seed);
  if (!d.faults.empty()) {
    try {
      s.engine.add_json(json::serialize(d.faults));
    } catch (const invalid_input& e) {
      if (clock_before) {
        s.clock.set_mode(mode_before);
        s.clock.set(*clock_before);
      }
      if (seed_before) s.engine.reseed(*seed_before);
      // The engine names rules by their place in the array it was given ("$[2].id").
      throw invalid_input(d.source, "$.faults" + e.path().substr(1), e.expected());
    }
  }

  // ---- from here on nothing refuses
  if (d.seed) {
    st.ids().reseed(*d.seed);
    s.request_ids.reseed(*d.seed ^ 0x9e3779b97f4a7c15ULL);
  }
  for (const auto& c : d.compartments) st.compartments.insert(c);
  for (const auto& o : d.objects) st.objects.insert(o);
  for (const auto& spec : d.instances) st.add_instance(spec);
  for (std::size_t k = 0; k < d.lifecycle.size(); ++k)
    if (d.lifecycle[k]) st.default_progress[k] = *d.lifecycle[k];

  auto now = st.now();
  std::vector<std::string> image_ids;
  for (const auto& img : d.images) {
    image_record r = img.record;
    if (r.id.empty()) r.id = st.ids().ocid("image", st.region());
    if (!img.time_created_given) r.time_created = now;
    if (r.display_name.empty()) r.display_name = default_image_name(r.time_created);
    r.etag.clear();
    image_ids.push_back(r.id);
    st.add_image(std::move(r));
  }
  for (const auto& wr : d.work_requests) {
    work_request_record w = wr.record;
    if (w.id.empty()) w.id = st.ids().ocid("coreservicesworkrequest", st.region());
    w.seq = st.next_seq++;
    if (!wr.time_accepted_given) w.time_accepted = now;
    if (w.machine.state() != work_request_state::accepted && !w.time_started) w.time_started = w.time_accepted;
    if (w.machine.finished() && !w.time_finished) w.time_finished = w.time_started.value_or(w.time_accepted);
    if (w.compartment_id.empty()) w.compartment_id = st.images.at(w.image_id).compartment_id;
    auto stamp = w.time_finished.value_or(w.time_accepted);
    for (auto& e : w.errors)
      if (e.timestamp == time_point{}) e.timestamp = stamp;
    for (auto& l : w.logs)
      if (l.timestamp == time_point{}) l.timestamp = stamp;
    auto id = w.id;
    st.work_requests.insert_or_assign(id, std::move(w));
  }

  // Images the document leaves in a transitional state carry on from where they are, tracked by
  // the document's work request in progress, or by a new one.
  for (std::size_t i = 0; i < d.images.size(); ++i) {
    auto& img = st.images.at(image_ids[i]);
    auto t = phase_of(img.state());
    phase which;
    if (t)
      which = t->which;
    else if (img.state() == image_state::disabled && d.images[i].how)
      which = phase::delete_;
    else
      continue;
    int k = static_cast<int>(which);
    progress how = st.default_progress[k];
    if (auto it = st.per_image_progress.find({img.id, k}); it != st.per_image_progress.end()) how = it->second;
    if (d.images[i].how) how = *d.images[i].how;
    phase_run run{which, how, now, 0, {}};
    if (t) {
      work_request_record* tracking = nullptr;
      for (auto& [id, w] : st.work_requests)
        if (w.image_id == img.id && in_flight(w) && (!tracking || w.seq > tracking->seq)) tracking = &w;
      if (tracking) {
        run.work_request_id = tracking->id;
        run.started = tracking->time_accepted;
      } else {
        work_request_record w;
        w.seq = st.next_seq++;
        w.id = st.ids().ocid("coreservicesworkrequest", st.region());
        w.operation_type = t->operation_type;
        w.action_type = t->action_type;
        w.compartment_id = img.compartment_id;
        w.image_id = img.id;
        w.time_accepted = now;
        w.logs.push_back({w.operation_type + " accepted for image " + img.id, now});
        run.work_request_id = w.id;
        auto id = w.id;
        st.work_requests.emplace(id, std::move(w));
      }
    }
    img.running = std::move(run);
    st.in_flight.insert(img.seq);
  }
}

void clear_server(server::impl& s) {
  {
    std::lock_guard lock(s.store.mutex);
    s.store.clear();
  }
  s.engine.clear();
  std::lock_guard lock(s.journal_mutex);
  s.journal.clear();
}

std::string state_document(server::impl& s) {
  auto rules = s.engine.list();
  auto& st = s.store;
  std::lock_guard lock(st.mutex);
  st.evaluate_all();
  auto now = st.now();

  json::object doc;
  doc["name"] = "state";
  doc["description"] = "The state of an ocifake server at " + rfc3339(now) + ".";
  doc["clock"] = mode_name(s.clock.mode());
  // A real clock is not set back: the document recreates what exists, not the moment.
  if (s.clock.mode() == clock_mode::manual) doc["clockStart"] = rfc3339(now);

  json::array compartments;
  for (const auto& c : st.compartments) compartments.push_back(json::string(c));
  doc["compartments"] = std::move(compartments);
  json::array instances;
  for (const auto& [id, r] : st.instances) instances.push_back(instance_json(r));
  doc["instances"] = std::move(instances);
  json::array objects;
  for (const auto& k : st.objects) objects.push_back(object_json(k));
  doc["objects"] = std::move(objects);

  std::vector<const image_record*> images;
  for (const auto& [id, r] : st.images) images.push_back(&r);
  std::sort(images.begin(), images.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  json::array image_docs;
  for (const auto* r : images) {
    auto o = st.image_json(*r);
    if (!r->shapes.empty()) {
      json::array shapes;
      for (const auto& e : r->shapes) {
        json::object so{{"shape", e.shape}};
        if (e.memory_constraints) so["memoryConstraints"] = *e.memory_constraints;
        if (e.ocpu_constraints) so["ocpuConstraints"] = *e.ocpu_constraints;
        shapes.push_back(std::move(so));
      }
      o["shapes"] = std::move(shapes);
    }
    if (r->running) {
      // What is left of the phase: polls not yet seen; a timed phase with a work request counts
      // from the request's timeAccepted, which the document keeps, a deletion from now.
      const auto& run = *r->running;
      progress left = run.how;
      if (run.how.type() == progress::kind::polls)
        left = progress::polls(run.how.poll_count() > run.reads ? run.how.poll_count() - run.reads : 0);
      if (run.how.type() == progress::kind::after && run.work_request_id.empty()) {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - run.started);
        left = progress::after(std::max(std::chrono::milliseconds(0), run.how.duration() - elapsed));
      }
      o["progress"] = progress_json(left);
    }
    image_docs.push_back(std::move(o));
  }
  doc["images"] = std::move(image_docs);

  std::vector<const work_request_record*> wrs;
  for (const auto& [id, w] : st.work_requests) wrs.push_back(&w);
  std::sort(wrs.begin(), wrs.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  json::array wr_docs;
  for (const auto* w : wrs) {
    auto o = st.work_request_json(*w);
    if (!w->errors.empty()) {
      json::array errors;
      for (const auto& e : w->errors)
        errors.push_back(json::object{{"code", e.code}, {"message", e.message}, {"timestamp", rfc3339(e.timestamp)}});
      o["errors"] = std::move(errors);
    }
    if (!w->logs.empty()) {
      json::array logs;
      for (const auto& l : w->logs)
        logs.push_back(json::object{{"message", l.message}, {"timestamp", rfc3339(l.timestamp)}});
      o["logs"] = std::move(logs);
    }
    wr_docs.push_back(std::move(o));
  }
  doc["workRequests"] = std::move(wr_docs);

  json::object lifecycle;
  for (auto p : {phase::provision, phase::import, phase::export_, phase::delete_})
    lifecycle[phase_key(p)] = progress_json(st.default_progress[static_cast<int>(p)]);
  doc["lifecycle"] = std::move(lifecycle);

  // Rules as they would go on from here: what is left of skip and times; spent rules are left out.
  json::array faults;
  for (const auto& r : rules) {
    auto times = r.rule.times_count();
    if (times && r.fired >= *times) continue;
    auto rule = json::parse(r.rule.to_json()).as_object();
    if (r.rule.skip_count() > r.matched)
      rule["skip"] = r.rule.skip_count() - r.matched;
    else
      rule.erase("skip");
    if (times) rule["times"] = *times - r.fired;
    faults.push_back(std::move(rule));
  }
  doc["faults"] = std::move(faults);
  return pretty(doc);
}

}  // namespace detail

// ---------------------------------------------------------------- server members

// The start-up state includes its clock: the mode the server was started with, then whatever the
// start-up scenarios switch it to. A clock already in that mode keeps its time (a start-up
// scenario's clockStart sets it again).
void server::impl::reset() {
  std::vector<scenario> startup;
  {
    std::lock_guard lock(store.mutex);
    startup = startup_scenarios;
  }
  detail::clear_server(*this);
  clock.set_mode(options.clock);
  for (const auto& sc : startup) detail::apply_scenario(*this, sc);
}

// Cleared as by reset, clock mode included, so the result does not depend on what was loaded
// before: the scenario alone, on the server's own clock unless it names one.
void detail::replace_state(server::impl& s, const scenario& sc, bool startup) {
  clear_server(s);
  s.clock.set_mode(s.options.clock);
  apply_scenario(s, sc);
  if (startup) {
    std::lock_guard lock(s.store.mutex);
    s.startup_scenarios.assign(1, sc);
  }
}

void server::load_scenario(const std::filesystem::path& file) { apply(scenario::load(file)); }

void server::apply(const scenario& s) { detail::apply_scenario(*impl_, s); }

void server::add_startup_scenario(const scenario& s) {
  detail::apply_scenario(*impl_, s);
  std::lock_guard lock(impl_->store.mutex);
  impl_->startup_scenarios.push_back(s);
}

void server::add_startup_scenario(const std::filesystem::path& file) { add_startup_scenario(scenario::load(file)); }

std::string server::state_json() const { return detail::state_document(*impl_); }

}  // namespace ocifake
