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

#include "api/render.hpp"
#include "lifecycle/progression.hpp"
#include "model/capability_descriptors.hpp"
#include "model/fields.hpp"
#include "scenario/apply.hpp"
#include "scenario/scenario_data.hpp"
#include "store/platform.hpp"

namespace ocifake {

namespace detail {

namespace json = boost::json;

namespace {

const char* mode_name(clock_mode m) { return m == clock_mode::manual ? "manual" : "real"; }

void pretty_to(std::string& out, const json::value& v, int depth) {
  auto indent = [&](int d) { out += '\n' + std::string(static_cast<std::size_t>(d) * 2, ' '); };
  // Small objects of scalars ({"polls": 1}) read best on one line.
  if (auto* o = v.if_object(); o && !o->empty()) {
    bool flat =
        std::none_of(o->begin(), o->end(), [](const json::key_value_pair& kv) { return kv.value().is_structured(); });
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

namespace {

// Ids the server has already, rule ids already taken: the refusals that need the server.
// A value the dialect the scenario will be applied in does not know, refused at its place in the
// document (a scenario that names no dialect was read with the values of either).
void check_dialect(const scenario_data& d, const dialect_rules& rules) {
  auto refuse = [&](const std::string& path, const foreign& f) {
    input_error e(input_error::kind::invalid, path + "." + std::string(f.key), f.expected(rules),
                  "\"" + std::string(f.value) + "\"", "", f.note(rules));
    throw invalid_input(d.source, e.path, e.detail());
  };
  for (const auto& img : d.images)
    if (auto f = foreign_value(img.record.launch_mode, &img.record.launch_options, rules)) refuse(img.path, *f);
  if (d.platform_images)
    for (const auto& img : *d.platform_images)
      if (auto f = foreign_value(img.record.launch_mode, &img.record.launch_options, rules)) refuse(img.path, *f);
  for (std::size_t i = 0; i < d.instances.size(); ++i)
    if (auto f = foreign_value(d.instances[i].launch_mode, nullptr, rules))
      refuse("$.instances[" + std::to_string(i) + "]", *f);
  // A schema's descriptors were read with the values of either cloud; they must be this one's.
  for (const auto& sc : d.capability_schemas) {
    const auto& version = *find_global_schema_version(sc.record.version_name);
    read_input(d.source, [&] {
      read_schema_data(json::value(sc.record.schema_data), sc.path + ".schemaData", global_descriptors(version, rules),
                       version.name);
    });
  }
}

// Image capability schemas: ids the server does not have, images the server will have once the
// document is applied (its images, its catalogue, or the server's own).
void check_schemas_fit(resources& r, const scenario_data& d, bool catalogue_goes,
                       const std::set<std::string>& default_ids) {
  if (d.capability_schemas.empty()) return;
  std::set<std::string> images(default_ids);
  for (const auto& img : d.images) images.insert(img.record.id);
  if (d.platform_images)
    for (const auto& img : *d.platform_images) {
      auto drawn = img.record;
      if (drawn.id.empty()) stamp_platform_image(drawn, r.region());
      images.insert(drawn.id);
    }
  for (const auto& sc : d.capability_schemas) {
    const auto& id = sc.record.id;
    if (!id.empty() && r.capability_schemas().find(id))
      throw invalid_input(d.source, sc.path + ".id",
                          "an image capability schema id the server does not have yet (" + id + " is there already)");
    const auto* known = r.find_image(sc.record.image_id);
    if (!images.count(sc.record.image_id) && !(known && !(known->platform && catalogue_goes)))
      throw invalid_input(
          d.source, sc.path + ".imageId",
          "the id of an image of the scenario or of the server (" + sc.record.image_id + " is neither)");
  }
}

void check_fits(core& c, const scenario_data& d) {
  {
    auto r = c.store.lock();
    const auto& dialect = d.dialect.value_or(r->dialect());
    check_dialect(d, rules_of(dialect));
    // The catalogue the scenario replaces or empties does not count; the default one it asks for does.
    const bool catalogue_goes = d.platform_images || d.platform_default == false;
    std::set<std::string> default_ids;
    if (d.platform_default == true)
      for (const auto& img : default_platform_images(dialect, r->region())) default_ids.insert(img.id);
    for (const auto& img : d.images) {
      const auto& id = img.record.id;
      if (id.empty()) continue;
      const auto* known = r->find_image(id);
      if ((known && !(known->platform && catalogue_goes)) || default_ids.count(id))
        throw invalid_input(d.source, img.path + ".id",
                            "an image id the server does not have yet (" + id + " is there already)");
    }
    if (d.platform_images)
      for (const auto& img : *d.platform_images) {
        auto drawn = img.record;
        if (drawn.id.empty()) stamp_platform_image(drawn, r->region());
        for (const auto& custom : d.images)
          if (custom.record.id == drawn.id)
            throw invalid_input(d.source, custom.path + ".id",
                                "an id no platform image of the scenario has (" + drawn.id + " is " + img.path +
                                    "'s, drawn from its name)");
        const auto* known = r->find_image(drawn.id);
        if (known && !known->platform)
          throw invalid_input(
              d.source, img.path + (img.record.id.empty() ? ".displayName" : ".id"),
              "a platform image the server does not have as a custom image (" + drawn.id + " is there already)");
      }
    check_schemas_fit(*r, d, catalogue_goes, default_ids);
    // An instance's creatingImageId: a PROVISIONING image of the document, or of the server.
    for (std::size_t i = 0; i < d.instance_images.size(); ++i) {
      const auto& id = d.instance_images[i];
      if (id.empty()) continue;
      bool provisioning = false;
      for (const auto& img : d.images)
        if (img.record.id == id) provisioning = img.record.state() == image_state::provisioning;
      if (const auto* known = r->find_image(id)) provisioning = known->state() == image_state::provisioning;
      if (!provisioning)
        throw invalid_input(d.source, "$.instances[" + std::to_string(i) + "].creatingImageId",
                            "a PROVISIONING image of the scenario or the server (" + id + " is not one)");
    }
    for (const auto& wr : d.work_requests)
      if (!wr.record.id.empty() && r->has_work_request(wr.record.id))
        throw invalid_input(d.source, wr.path + ".id",
                            "a work request id the server does not have yet (" + wr.record.id + " is there already)");
  }
  if (d.faults.empty()) return;
  std::set<std::string> taken;
  for (const auto& f : c.engine.list()) taken.insert(f.id);
  for (const auto& [rule, path] : d.faults)
    if (taken.count(rule.rule_id()))
      throw invalid_input(d.source, path + ".id",
                          "a rule id the server does not have yet (" + rule.rule_id() + " is taken)");
}

// The clock first (rule windows count from when the rules are added), then the seed (the rules'
// random streams are drawn from it), then the rules; when the rules refuse, clock and seed go back.
void apply_clock_and_rules(core& c, const scenario_data& d) {
  std::optional<time_point> clock_before;
  auto mode_before = c.clock->mode();
  if (d.clock_start || (d.clock && *d.clock != mode_before)) clock_before = c.clock->now();
  if (d.clock) c.clock->set_mode(*d.clock);
  if (d.clock_start) c.clock->set(*d.clock_start);
  std::optional<std::uint64_t> seed_before;
  if (d.seed) seed_before = c.engine.reseed(*d.seed);
  if (d.faults.empty()) return;
  try {
    c.engine.add_parsed(d.faults);
  } catch (const invalid_input& e) {
    if (clock_before) {
      c.clock->set_mode(mode_before);
      c.clock->set(*clock_before);
    }
    if (seed_before) c.engine.reseed(*seed_before);
    throw invalid_input(d.source, e.path(), e.expected());
  }
}

}  // namespace

image_record& store_platform_image(resources& r, const scenario_image& img) {
  image_record rec = img.record;
  stamp_platform_image(rec, r.region());
  if (!img.time_created_given) rec.time_created = r.now();
  if (!img.shapes_given)
    rec.shapes = platform_shapes(r.dialect(), architecture_of_image(rec), rec.operating_system == "Windows");
  return r.add_platform_image(std::move(rec));
}

namespace {

// The catalogue the document asks for, before the instances that count as launched from it.
void apply_platform_images(resources& r, const scenario_data& d) {
  if (d.platform_default) start_platform_images(r, *d.platform_default);
  if (!d.platform_images) return;
  r.clear_platform_images();
  for (const auto& img : *d.platform_images) store_platform_image(r, img);
}

std::vector<std::string> add_images(resources& r, const scenario_data& d) {
  auto now = r.now();
  std::vector<std::string> ids;
  for (const auto& img : d.images) {
    image_record rec = img.record;
    if (rec.id.empty()) rec.id = r.ids().ocid("image", r.region());
    if (!img.time_created_given) rec.time_created = now;
    if (rec.display_name.empty()) rec.display_name = default_image_name(rec.time_created);
    rec.etag.clear();
    ids.push_back(rec.id);
    r.add_image(std::move(rec));
  }
  return ids;
}

void add_work_requests(resources& r, const scenario_data& d) {
  auto now = r.now();
  for (const auto& wr : d.work_requests) {
    work_request_record w = wr.record;
    if (w.id.empty()) w.id = r.ids().ocid("coreservicesworkrequest", r.region());
    if (!wr.time_accepted_given) w.time_accepted = now;
    if (w.machine.state() != work_request_state::accepted && !w.time_started) w.time_started = w.time_accepted;
    if (w.machine.finished() && !w.time_finished) w.time_finished = w.time_started.value_or(w.time_accepted);
    if (w.compartment_id.empty()) w.compartment_id = r.find_image(w.image_id)->compartment_id;
    auto stamp = w.time_finished.value_or(w.time_accepted);
    for (auto& e : w.errors)
      if (e.timestamp == time_point{}) e.timestamp = stamp;
    for (auto& l : w.logs)
      if (l.timestamp == time_point{}) l.timestamp = stamp;
    r.add_work_request(std::move(w));
  }
}

// Images the document leaves in a transitional state carry on from where they are, tracked by
// the document's newest work request in progress for them, or by a new one.
void resume_phases(resources& r, const scenario_data& d, const std::vector<std::string>& image_ids) {
  for (std::size_t i = 0; i < d.images.size(); ++i) {
    auto& img = *r.find_image(image_ids[i]);
    auto which = phase_of(img.state());
    if (!which && img.state() == image_state::disabled && d.images[i].how) which = phase::delete_;
    if (!which) continue;
    progress how = d.images[i].how ? *d.images[i].how : standing_progress(r, img, *which);
    work_request_record* tracking = nullptr;
    if (*which != phase::delete_)
      r.for_each_work_request([&](work_request_record& w) {
        if (w.image_id == img.id && w.in_flight() && (!tracking || w.seq > tracking->seq)) tracking = &w;
      });
    resume_phase(r, img, *which, std::move(how), tracking);
  }
}

void add_capability_schemas(resources& r, const scenario_data& d) {
  for (const auto& sc : d.capability_schemas) {
    capability_schema_record rec = sc.record;
    if (rec.id.empty()) rec.id = r.ids().ocid("computeimgcapschema", r.region());
    if (!sc.time_created_given) rec.time_created = r.now();
    if (rec.display_name.empty()) rec.display_name = default_schema_name(rec.time_created);
    rec.etag = r.ids().etag();  // as images, a new etag: the document recreates the state, not its etags
    r.capability_schemas().add(std::move(rec));
  }
}

}  // namespace

void apply_scenario(core& c, const scenario& sc) {
  const auto& d = scenario_access::data(sc);
  check_fits(c, d);
  apply_clock_and_rules(c, d);
  // ---- from here on nothing refuses
  if (d.seed) c.reseed_ids(*d.seed);
  auto r = c.store.lock();
  if (d.dialect && *d.dialect != r->dialect()) {
    r->set_dialect(*d.dialect);
    // A default catalogue becomes the new dialect's (a scenario's own platformImages follow).
    if (r->platform_images_default()) use_default_platform_images(*r);
  }
  for (const auto& id : d.compartments) r->add_compartment(id);
  for (const auto& o : d.objects) r->register_object(o);
  apply_platform_images(*r, d);
  std::vector<std::string> instance_ids;
  for (const auto& spec : d.instances) instance_ids.push_back(seed_instance(*r, spec).id);
  for (auto p : all_phases)
    if (const auto& how = d.lifecycle[static_cast<std::size_t>(p)]) r->lifecycle().default_for(p) = *how;
  auto image_ids = add_images(*r, d);
  add_work_requests(*r, d);
  add_capability_schemas(*r, d);
  resume_phases(*r, d, image_ids);
  for (std::size_t i = 0; i < d.instance_images.size(); ++i) {
    if (d.instance_images[i].empty()) continue;
    auto* inst = r->find_instance(instance_ids[i]);
    auto* img = r->find_image(d.instance_images[i]);
    const auto st = inst->state();
    if (img && img->state() == image_state::provisioning && (st == instance_state::running || st == instance_state::stopped))
      hold_for_image(*r, *inst, *img);
  }
}

void add_startup_scenario(core& c, const scenario& sc) {
  apply_scenario(c, sc);
  c.startup_scenarios.lock()->push_back(sc);
}

// The start-up state includes its clock: the mode the server was started with, then whatever the
// start-up scenarios switch it to. A clock already in that mode keeps its time (a start-up
// scenario's clockStart sets it again).
void reset(core& c) {
  std::vector<scenario> startup = *c.startup_scenarios.lock();
  c.clear();
  c.clock->set_mode(c.options.clock);
  for (const auto& sc : startup) apply_scenario(c, sc);
}

// Cleared as by reset, clock mode included, so the result does not depend on what was loaded
// before: the scenario alone, on the server's own clock unless it names one.
void replace_state(core& c, const scenario& sc, bool startup) {
  c.clear();
  c.clock->set_mode(c.options.clock);
  apply_scenario(c, sc);
  if (startup) c.startup_scenarios.lock()->assign(1, sc);
}

namespace {

json::object image_document(const image_record& r, const dialect_rules& d, time_point now) {
  auto o = image_json(r, d);
  if (!r.shapes.empty()) {
    json::array shapes;
    for (const auto& e : r.shapes) {
      json::object so{{"shape", e.shape}};
      if (e.memory_constraints) so["memoryConstraints"] = *e.memory_constraints;
      if (e.ocpu_constraints) so["ocpuConstraints"] = *e.ocpu_constraints;
      shapes.push_back(std::move(so));
    }
    o["shapes"] = std::move(shapes);
  }
  if (r.running) {
    // What is left of the phase: polls not yet seen; a timed phase with a work request counts
    // from the request's timeAccepted, which the document keeps, a deletion from now.
    const auto& run = *r.running;
    progress left = run.how;
    if (run.how.type() == progress::kind::polls)
      left = progress::polls(run.how.poll_count() > run.reads ? run.how.poll_count() - run.reads : 0);
    if (run.how.type() == progress::kind::after && run.work_request_id.empty()) {
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - run.started);
      left = progress::after(std::max(std::chrono::milliseconds(0), run.how.duration() - elapsed));
    }
    o["progress"] = progress_json(left);
  }
  return o;
}

json::object work_request_document(const work_request_record& w) {
  auto o = work_request_json(w);
  if (!w.errors.empty()) {
    json::array errors;
    for (const auto& e : w.errors) errors.push_back(work_request_error_json(e));
    o["errors"] = std::move(errors);
  }
  if (!w.logs.empty()) {
    json::array logs;
    for (const auto& l : w.logs) logs.push_back(work_request_log_json(w, l));
    o["logs"] = std::move(logs);
  }
  return o;
}

// Rules as they would go on from here: what is left of skip and times; spent rules are left out.
json::array rules_document(const std::vector<fault_status>& rules) {
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
  return faults;
}

void resources_document(json::object& doc, resources& r) {
  auto now = r.now();
  json::array compartments;
  for (const auto& c : r.compartments()) compartments.push_back(json::string(c));
  doc["compartments"] = std::move(compartments);
  json::array instances;
  for (const auto* i : r.instances_in_order()) instances.push_back(instance_json(*i));
  doc["instances"] = std::move(instances);
  json::array objects;
  for (const auto& k : r.objects()) objects.push_back(object_json(k));
  doc["objects"] = std::move(objects);
  // The catalogue: true while it is the dialect's default, false when empty, else every image.
  auto platform = r.platform_images_in_order();
  if (r.platform_images_default() || platform.empty()) {
    doc["platformImages"] = !platform.empty();
  } else {
    json::array list;
    for (const auto* img : platform) list.push_back(image_document(*img, rules_of(r.dialect()), now));
    doc["platformImages"] = std::move(list);
  }
  json::array images;
  for (const auto* img : r.images_in_order()) images.push_back(image_document(*img, rules_of(r.dialect()), now));
  doc["images"] = std::move(images);
  json::array work_requests;
  for (const auto* w : r.work_requests_in_order()) work_requests.push_back(work_request_document(*w));
  doc["workRequests"] = std::move(work_requests);
  json::array schemas;
  for (const auto* sc : r.capability_schemas().in_order()) schemas.push_back(capability_schema_json(*sc));
  doc["computeImageCapabilitySchemas"] = std::move(schemas);
  json::object lifecycle;
  for (auto p : all_phases) lifecycle[phase_key(p)] = progress_json(r.lifecycle().default_for(p));
  doc["lifecycle"] = std::move(lifecycle);
}

}  // namespace

std::string state_document(core& c) {
  auto rules = c.engine.list();
  auto r = c.store.lock();
  catch_up_all(*r);
  auto now = r->now();

  json::object doc;
  doc["name"] = "state";
  doc["description"] = "The state of an ocifake server at " + rfc3339(now) + ".";
  doc["dialect"] = rules_of(r->dialect()).name;
  doc["clock"] = mode_name(c.clock->mode());
  // A real clock is not set back: the document recreates what exists, not the moment.
  if (c.clock->mode() == clock_mode::manual) doc["clockStart"] = rfc3339(now);
  resources_document(doc, *r);
  doc["faults"] = rules_document(rules);
  return pretty(doc);
}

}  // namespace detail

}  // namespace ocifake
