// How an instance's stop, start, reset and terminate progress: the action starts its run, and reads
// of the instance (GetInstance, refused changes) let it catch up, as an image's phases do. While an
// image of it is made, the instance follows that image's provision phase (progression.cpp ends it).
#include <algorithm>

#include "lifecycle/progression.hpp"
#include "model/json_reader.hpp"

namespace ocifake::detail {

namespace {

bool is_stop(const std::string& a) { return a == "STOP" || a == "SOFTSTOP"; }
bool is_reset(const std::string& a) { return a == "RESET" || a == "SOFTRESET"; }

// The state the run ends in: `ok` false for a failure (a stop or reset that fails leaves the
// instance RUNNING, a start that fails STOPPED; a termination always completes).
void finish_action(instance_record& inst, bool ok) {
  const auto& a = inst.running->action;
  if (is_stop(a))
    inst.machine.process(ok ? instance_event::stopped : instance_event::resumed);
  else if (is_reset(a))
    inst.machine.process(instance_event::resumed);
  else if (a == "START")
    inst.machine.process(ok ? instance_event::started : instance_event::start_failed);
  else
    inst.machine.process(instance_event::terminated);
  inst.running.reset();
}

}  // namespace

phase phase_of_action(const std::string& action) {
  if (action == "START") return phase::start;
  if (action == "TERMINATE") return phase::terminate;
  return phase::stop;
}

void start_action(resources& r, instance_record& inst, std::string action) {
  auto how = progress_for(r, inst.id, phase_of_action(action));
  inst.running = instance_record::action_run{std::move(action), std::move(how), r.now(), 0};
}

void hold_for_image(resources& r, instance_record& inst, image_record& img) {
  inst.imaging_from = inst.state();
  inst.machine.process(instance_event::image_requested);
  inst.imaging = img.id;
  img.source_instance_id = inst.id;
  r.touch(inst);
}

void catch_up(resources& r, instance_record& inst, bool counted) {
  if (inst.state() == instance_state::creating_image) {
    if (auto* img = r.find_image(inst.imaging)) catch_up(r, *img, counted);
    return;
  }
  if (!inst.running) return;
  auto& run = *inst.running;
  switch (run.how.type()) {
    case progress::kind::immediate: finish_action(inst, true); break;
    case progress::kind::fail: finish_action(inst, false); break;
    case progress::kind::never: return;
    case progress::kind::polls:
      if (!counted) return;
      if (++run.reads > run.how.poll_count())
        finish_action(inst, true);
      else
        return;
      break;
    case progress::kind::after:
      if (r.now() - run.started < run.how.duration()) return;
      finish_action(inst, true);
      break;
  }
  r.touch(inst);
}

void set_progress_for(resources& r, instance_record& inst, phase p, progress how) {
  r.lifecycle().per_image.insert_or_assign({inst.id, static_cast<int>(p)}, how);
  if (inst.running && phase_of_action(inst.running->action) == p) {
    inst.running->how = std::move(how);
    catch_up(r, inst, false);
  }
}

std::string instance_seed_refusal(std::string_view state) {
  if (std::find(std::begin(instance_seed_states), std::end(instance_seed_states), state) !=
      std::end(instance_seed_states))
    return {};
  std::string expected = "one of " + join(instance_seed_states);
  if (state == "CREATING_IMAGE") expected += " (CREATING_IMAGE is reached by CreateImage of the instance, not seeded)";
  return expected;
}

const instance_record& seed_instance(resources& r, const ocifake::instance_spec& spec) {
  const auto state = parse_instance_state(spec.lifecycle_state).value_or(instance_state::running);
  auto& inst = r.add_instance(spec);
  const char* action = state == instance_state::stopping      ? "STOP"
                       : state == instance_state::starting    ? "START"
                       : state == instance_state::terminating ? "TERMINATE"
                                                              : nullptr;
  if (action) start_action(r, inst, action);
  return inst;
}

}  // namespace ocifake::detail
