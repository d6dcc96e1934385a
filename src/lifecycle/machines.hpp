#pragma once
// The image, work-request and instance state machines, behind a plain facade so that Boost.MSM stays in
// machines.cpp (its compile time is high). Not thread-safe: the store calls them under its lock.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace ocifake::detail {

enum class image_state : std::uint8_t { provisioning, importing, available, exporting, disabled, deleted };

// Events are the things that happen to an image. The operations that leave the state unchanged
// (update, change_compartment, shape changes) are events too, so that one table says which state
// allows what.
enum class image_event : std::uint8_t {
  provisioned,         // PROVISIONING -> AVAILABLE
  imported,            // IMPORTING -> AVAILABLE
  failed,              // PROVISIONING | IMPORTING -> DELETED (a failed create or import)
  export_requested,    // AVAILABLE -> EXPORTING
  exported,            // EXPORTING -> AVAILABLE
  export_failed,       // EXPORTING -> AVAILABLE
  delete_requested,    // AVAILABLE | DISABLED -> DISABLED (delete pending)
  deleted,             // DISABLED -> DELETED
  update,              // internal, every state but DELETED
  change_compartment,  // internal, AVAILABLE only
  change_shapes,       // internal, every state but DELETED
};

enum class work_request_state : std::uint8_t { accepted, in_progress, succeeded, failed, canceling, canceled };

enum class work_request_event : std::uint8_t {
  start,     // ACCEPTED -> IN_PROGRESS
  succeed,   // IN_PROGRESS -> SUCCEEDED
  fail,      // ACCEPTED | IN_PROGRESS -> FAILED
  cancel,    // ACCEPTED | IN_PROGRESS -> CANCELING
  canceled,  // CANCELING -> CANCELED
};

enum class instance_state : std::uint8_t {
  running,
  stopping,
  stopped,
  starting,
  creating_image,
  terminating,
  terminated
};

// Events are what happens to an instance: the actions asked for, the ends of its phases, and an image of
// it being made. A STOP of an instance already STOPPING or STOPPED (and a START of one STARTING or
// RUNNING, a terminate of one TERMINATING) is accepted and changes nothing, as the real service answers.
enum class instance_event : std::uint8_t {
  stop_requested,       // RUNNING -> STOPPING (STOP, SOFTSTOP); STOPPING, STOPPED: unchanged
  reset_requested,      // RUNNING -> STOPPING (RESET, SOFTRESET: the phase ends RUNNING again)
  stopped,              // STOPPING -> STOPPED
  resumed,              // STOPPING -> RUNNING (a reset done, or a stop that failed)
  start_requested,      // STOPPED -> STARTING; STARTING, RUNNING: unchanged
  started,              // STARTING -> RUNNING
  start_failed,         // STARTING -> STOPPED
  terminate_requested,  // RUNNING | STOPPING | STOPPED | STARTING -> TERMINATING; TERMINATING: unchanged
  terminated,           // TERMINATING -> TERMINATED
  image_requested,      // RUNNING | STOPPED -> CREATING_IMAGE
  image_done,           // CREATING_IMAGE -> the state it was in before (RUNNING or STOPPED)
};

// One image's machine. process() answers false, leaving the state as it was, for an event the
// current state does not accept; it never asserts or throws. Between events the machine is its
// state alone (a byte, where an MSM machine would be a heap block for each of a million images);
// process() puts an MSM machine in that state and lets its table decide.
class image_machine {
public:
  explicit image_machine(image_state initial) noexcept : state_(initial) {}

  image_state state() const noexcept { return state_; }
  bool process(image_event e);

private:
  image_state state_;
};

class work_request_machine {
public:
  explicit work_request_machine(work_request_state initial = work_request_state::accepted) noexcept
      : state_(initial) {}

  work_request_state state() const noexcept { return state_; }
  bool process(work_request_event e);
  bool finished() const noexcept;  // SUCCEEDED, FAILED or CANCELED

private:
  work_request_state state_;
};

// One instance's machine. CREATING_IMAGE remembers the state it was entered from and image_done returns
// there; an instance constructed CREATING_IMAGE returns to `before_image` (RUNNING unless STOPPED).
class instance_machine {
public:
  explicit instance_machine(instance_state initial, instance_state before_image = instance_state::running);
  instance_machine(const instance_machine&);
  instance_machine& operator=(const instance_machine&);
  instance_machine(instance_machine&&) noexcept;
  instance_machine& operator=(instance_machine&&) noexcept;
  ~instance_machine();

  instance_state state() const noexcept;
  bool process(instance_event e);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// OCI spellings ("PROVISIONING", "IN_PROGRESS", "CREATING_IMAGE").
const char* to_string(image_state s) noexcept;
const char* to_string(work_request_state s) noexcept;
const char* to_string(instance_state s) noexcept;
// Case-insensitive, as ListImages' lifecycleState filter is.
std::optional<image_state> parse_image_state(std::string_view s) noexcept;
std::optional<work_request_state> parse_work_request_state(std::string_view s) noexcept;
std::optional<instance_state> parse_instance_state(std::string_view s) noexcept;
// "RUNNING, STOPPING, ...": the accepted values, for the messages that refuse one.
const char* instance_state_names() noexcept;

}  // namespace ocifake::detail
