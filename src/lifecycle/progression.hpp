#pragma once
// How phases progress: starting one (with its work request), letting an image catch up with its
// progression when it is read or the clock moves, and finishing it (states, work request status,
// logs, errors). Each function runs under the store's lock: it takes the locked resources.

#include <optional>
#include <string>
#include <string_view>

#include <ocifake/lifecycle.hpp>

#include "store/store.hpp"

namespace ocifake::detail {

// What a phase is called on the wire and in logs.
struct phase_info {
  const char* operation_type;  // the work request's operationType, "" for delete (which has none)
  const char* action_type;     // its resource's actionType
  const char* noun;            // "image import started"
  const char* failure_code;    // the work request error's code when the phase fails
};
const phase_info& info(phase p);

// The phase an image in a transitional state is in (PROVISIONING: provision ...); nothing for
// AVAILABLE, DISABLED and DELETED.
std::optional<phase> phase_of(image_state s);

// How the image's next `p` progresses: its own setting, else the next-image one (used up here),
// else the server's default.
progress progress_for(resources& r, const image_record& img, phase p);
progress progress_for(resources& r, const std::string& id, phase p);  // an image's or an instance's

// The same without the next-image setting (which only a phase that starts uses up).
progress standing_progress(const resources& r, const image_record& img, phase p);

// Starts phase `p` of `img`, as `progress_for` says; creates its work request (except for delete)
// and returns the work request's id.
std::string start_phase(resources& r, image_record& img, phase p);

// Carries on a phase an image is already in (a scenario's image in a transitional state): tracked
// by `tracking` when given (its timeAccepted is when the phase began), or by a new work request.
void resume_phase(resources& r, image_record& img, phase p, progress how, work_request_record* tracking);

// Lets an image catch up with its progression. `counted` is true for the looks that count (GetImage,
// GetWorkRequest of the tracking work request, a change refused because the image is in a phase).
void catch_up(resources& r, image_record& img, bool counted);
void catch_up(resources& r, work_request_record& wr, bool counted);
void catch_up_all(resources& r);  // after the clock moves: images and instances, uncounted

// A new progression for an image's phase; the phase in progress takes it at once.
void set_progress_for(resources& r, image_record& img, phase p, progress how);

// An instance's STOP, SOFTSTOP, START, RESET, SOFTRESET or TERMINATE, once its machine has taken the
// request (instance_progression.cpp); catch_up lets it end as its progression says. `counted`: GetInstance
// and changes refused because the instance is still in a phase.
// The action's progression is the instance's own setting for its phase (phase_of_action), else the
// next-instance one, else the server's default. An instance CREATING_IMAGE catches up through the
// provision phase of its image: a look at the instance is a look at that phase.
void start_action(resources& r, instance_record& inst, std::string action);
void catch_up(resources& r, instance_record& inst, bool counted);
phase phase_of_action(const std::string& action);  // STOP, SOFTSTOP, RESET, SOFTRESET: stop; START; TERMINATE
void set_progress_for(resources& r, instance_record& inst, phase p, progress how);

// An image of `inst` is being made (CreateImage): the instance is CREATING_IMAGE until the image's
// provision phase ends; finish_phase returns it to its earlier state and notes the change.
void hold_for_image(resources& r, instance_record& inst, image_record& img);

// The states an instance may be seeded in (instance_spec::lifecycle_state, a scenario's or the
// admin API's lifecycleState). CREATING_IMAGE is not one: CreateImage of the instance reaches it.
inline constexpr std::string_view instance_seed_states[] = {"RUNNING",  "STOPPED",     "STOPPING",
                                                            "STARTING", "TERMINATING", "TERMINATED"};
// What a refusal of `state` as a seed says was expected ("one of RUNNING, ..."), with why
// CREATING_IMAGE is not one; empty when `state` is a seed.
std::string instance_seed_refusal(std::string_view state);

// Registers an instance (resources::add_instance) in the state its spec names, which must be a
// seed; a transitional one (STOPPING, STARTING, TERMINATING) carries on as if its action (STOP,
// START, TERMINATE) had just been asked for.
const instance_record& seed_instance(resources& r, const ocifake::instance_spec& spec);

}  // namespace ocifake::detail
