#include "lifecycle/progression.hpp"

#include <algorithm>
#include <cmath>

#include "model/fields.hpp"

namespace ocifake::detail {

namespace {

void log(resources& r, work_request_record& wr, std::string message) {
  wr.logs.push_back({std::move(message), r.now()});
}

work_request_record& new_work_request(resources& r, const image_record& img, phase p, time_point accepted) {
  work_request_record wr;
  wr.id = r.ids().ocid("coreservicesworkrequest", r.region());
  wr.operation_type = info(p).operation_type;
  wr.action_type = info(p).action_type;
  wr.compartment_id = img.compartment_id;
  wr.image_id = img.id;
  wr.time_accepted = accepted;
  wr.logs.reserve(1);
  wr.logs.push_back({{}, accepted});  // "... accepted for image ...", written when read
  return r.add_work_request(std::move(wr));
}

// The image's state once the phase ends; `ok` false for a failure. A deletion has no work request
// to report a failure on: it completes (and the answer is that it succeeded).
bool move_image(resources& r, image_record& img, phase which, bool ok) {
  switch (which) {
    case phase::provision: img.machine.process(ok ? image_event::provisioned : image_event::failed); return ok;
    case phase::import:
      if (!ok) {
        img.machine.process(image_event::failed);
        return false;
      }
      img.machine.process(image_event::imported);
      if (!img.size_in_mbs) img.size_in_mbs = 47694;
      if (!img.billable_size_in_gbs) img.billable_size_in_gbs = billable_size_in_gbs(*img.size_in_mbs);
      return true;
    case phase::export_:
      img.machine.process(ok ? image_event::exported : image_event::export_failed);
      // Strict about objects: what an export wrote can be imported later.
      if (ok && img.export_target && r.objects_strict()) r.register_object(*img.export_target);
      return ok;
    case phase::delete_:
      img.machine.process(image_event::delete_requested);
      img.machine.process(image_event::deleted);
      return true;
    case phase::stop:
    case phase::start:
    case phase::terminate: break;  // an instance's (instance_progression.cpp)
  }
  return ok;
}

void report(resources& r, work_request_record& wr, const phase_run& run, bool ok, const std::string& why,
            time_point finished_at) {
  const auto& phase_name = info(run.which).noun;
  if (wr.machine.process(work_request_event::start)) {
    wr.time_started = run.how.type() == progress::kind::after ? run.started : finished_at;
    log(r, wr, std::string("image ") + phase_name + " started");
  }
  if (ok) {
    wr.machine.process(work_request_event::succeed);
    wr.percent_complete = 100;
    wr.logs.push_back({std::string("image ") + phase_name + " succeeded", finished_at});
  } else {
    wr.machine.process(work_request_event::fail);
    wr.errors.push_back({info(run.which).failure_code, why, finished_at});
    wr.logs.push_back({std::string("image ") + phase_name + " failed: " + why, finished_at});
  }
  wr.time_finished = finished_at;
}

// The instance an image was captured from leaves CREATING_IMAGE once the provision phase ends, whether
// the image became AVAILABLE or failed.
void release_instance(resources& r, const image_record& img) {
  if (img.source_instance_id.empty()) return;
  auto* inst = r.find_instance(img.source_instance_id);
  if (!inst || inst->imaging != img.id) return;
  const auto before = inst->state();
  inst->machine.process(instance_event::image_done);
  inst->imaging.clear();
  r.touch(*inst);
  r.note("instance " + inst->id + " " + to_string(before) + " -> " + to_string(inst->state()) + " (image " + img.id +
         " " + to_string(img.state()) + ")");
}

void finish_phase(resources& r, image_record& img, bool ok, const std::string& message) {
  auto run = *img.running;
  work_request_record* wr = run.work_request_id.empty() ? nullptr : r.find_work_request(run.work_request_id);
  std::string why = message;
  if (ok && run.which == phase::import && img.source_missing) {
    ok = false;
    why = "the object to import was not found in Object Storage";
  }
  auto finished_at = r.now();
  if (run.how.type() == progress::kind::after) finished_at = std::min(finished_at, run.started + run.how.duration());
  ok = move_image(r, img, run.which, ok);
  if (wr) report(r, *wr, run, ok, why, finished_at);
  r.stop_running(img);
  if (run.which == phase::provision) release_instance(r, img);
  img.export_target.reset();
  r.touch(img);
}

}  // namespace

const phase_info& info(phase p) {
  static const phase_info table[] = {
      {"Create Image", "CREATED", "provisioning", "ImageCreationFailed"},
      {"Import Image", "CREATED", "import", "ImageImportFailed"},
      {"Export Image", "RELATED", "export", "ImageExportFailed"},
      {"", "", "deletion", "ImageDeletionFailed"},
      // An instance's phases have no work request.
      {"", "", "stop", ""},
      {"", "", "start", ""},
      {"", "", "termination", ""},
  };
  return table[static_cast<std::size_t>(p)];
}

std::optional<phase> phase_of(image_state s) {
  switch (s) {
    case image_state::provisioning: return phase::provision;
    case image_state::importing: return phase::import;
    case image_state::exporting: return phase::export_;
    default: return std::nullopt;
  }
}

progress progress_for(resources& r, const image_record& img, phase p) { return progress_for(r, img.id, p); }

progress progress_for(resources& r, const std::string& id, phase p) {
  auto& settings = r.lifecycle();
  int k = static_cast<int>(p);
  if (auto it = settings.per_image.find({id, k}); it != settings.per_image.end()) return it->second;
  if (auto nx = settings.next.find(k); nx != settings.next.end()) {
    auto how = nx->second;
    settings.next.erase(nx);
    return how;
  }
  return settings.default_for(p);
}

progress standing_progress(const resources& r, const image_record& img, phase p) {
  const auto& settings = r.lifecycle();
  if (auto it = settings.per_image.find({img.id, static_cast<int>(p)}); it != settings.per_image.end())
    return it->second;
  return settings.default_for(p);
}

std::string start_phase(resources& r, image_record& img, phase p) {
  phase_run run{p, progress_for(r, img, p), r.now(), 0, {}};
  if (p != phase::delete_) run.work_request_id = new_work_request(r, img, p, r.now()).id;
  auto id = run.work_request_id;
  r.start_running(img, std::move(run));
  return id;
}

void resume_phase(resources& r, image_record& img, phase p, progress how, work_request_record* tracking) {
  phase_run run{p, std::move(how), r.now(), 0, {}};
  if (tracking) {
    run.work_request_id = tracking->id;
    run.started = tracking->time_accepted;
  } else if (p != phase::delete_) {
    run.work_request_id = new_work_request(r, img, p, r.now()).id;
  }
  r.start_running(img, std::move(run));
}

void catch_up(resources& r, work_request_record& wr, bool counted) {
  auto* img = r.find_image(wr.image_id);
  if (img && img->running && img->running->work_request_id == wr.id) catch_up(r, *img, counted);
}

void catch_up_all(resources& r) {
  for (auto seq : r.running_in_order())
    if (auto* img = r.image_at(seq)) catch_up(r, *img, false);
  for (const auto* i : r.instances_in_order())
    if (i->running) catch_up(r, *r.find_instance(i->id), false);
}

void catch_up(resources& r, image_record& img, bool counted) {
  if (!img.running) return;
  auto& run = *img.running;
  work_request_record* wr = run.work_request_id.empty() ? nullptr : r.find_work_request(run.work_request_id);
  auto start = [&](time_point at) {
    if (wr && wr->machine.process(work_request_event::start)) {
      wr->time_started = at;
      wr->logs.push_back({std::string("image ") + info(run.which).noun + " started", at});
    }
  };
  switch (run.how.type()) {
    case progress::kind::immediate: finish_phase(r, img, true, {}); return;
    case progress::kind::fail:
      start(r.now());
      finish_phase(r, img, false, run.how.message());
      return;
    case progress::kind::never: start(r.now()); return;
    case progress::kind::polls: {
      if (!counted) return;
      ++run.reads;
      unsigned n = run.how.poll_count();
      if (run.reads > n) {
        finish_phase(r, img, true, {});
        return;
      }
      start(r.now());
      if (wr) wr->percent_complete = std::floor(100.0 * run.reads / (n + 1));
      return;
    }
    case progress::kind::after: {
      auto elapsed = r.now() - run.started;
      auto d = run.how.duration();
      if (elapsed >= d) {
        finish_phase(r, img, true, {});
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

void set_progress_for(resources& r, image_record& img, phase p, progress how) {
  r.lifecycle().per_image.insert_or_assign({img.id, static_cast<int>(p)}, how);
  if (img.running && img.running->which == p) {
    img.running->how = std::move(how);
    catch_up(r, img, false);
  }
}

}  // namespace ocifake::detail
