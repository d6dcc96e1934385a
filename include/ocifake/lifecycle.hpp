#pragma once
/// \file lifecycle.hpp
/// How fast images and instances move through their states:
/// `fake.lifecycle().set(ocifake::phase::import, ocifake::progress::after(std::chrono::minutes(10)));`

#include <chrono>
#include <string>

namespace ocifake {

namespace detail {
class resources;
template <class T>
class guarded;
struct core;
}  // namespace detail

/// The slow parts of an image's life, and of an instance's.
enum class phase {
  provision,  ///< PROVISIONING -> AVAILABLE (CreateImage from an instance, which is CREATING_IMAGE meanwhile)
  import,     ///< IMPORTING -> AVAILABLE (CreateImage from Object Storage)
  export_,    ///< EXPORTING -> AVAILABLE (ExportImage)
  delete_,    ///< DISABLED -> DELETED (DeleteImage; `immediate` skips DISABLED)
  stop,       ///< instance STOPPING -> STOPPED (InstanceAction STOP, SOFTSTOP), or -> RUNNING (RESET, SOFTRESET)
  start,      ///< instance STARTING -> RUNNING (InstanceAction START)
  terminate,  ///< instance TERMINATING -> TERMINATED (TerminateInstance)
};

/// How a phase progresses. Reads that count are GetImage of the image and GetWorkRequest of the
/// work request that tracks the phase (for an instance's phases, GetInstance of the instance); lists
/// and the starting answer itself do not count.
class progress {
public:
  enum class kind { immediate, polls, after, never, fail };

  /// Every read after the starting answer sees the end state.
  static progress immediate() { return progress(kind::immediate); }
  /// The transitional state is shown to `n` reads, then the phase completes.
  static progress polls(unsigned n) {
    progress p(kind::polls);
    p.polls_ = n;
    return p;
  }
  /// Completes once `d` has passed on the server's clock; percentComplete follows elapsed time.
  static progress after(std::chrono::milliseconds d) {
    progress p(kind::after);
    p.duration_ = d;
    return p;
  }
  /// Never completes (stuck).
  static progress never() { return progress(kind::never); }
  /// Fails on the first read: the work request ends FAILED with `message` in its errors and logs,
  /// and the image ends DELETED (an export leaves it AVAILABLE). An instance's stop or reset that
  /// fails leaves it RUNNING, a start STOPPED; a termination always completes.
  static progress fail(std::string message) {
    progress p(kind::fail);
    p.message_ = std::move(message);
    return p;
  }

  kind type() const noexcept { return kind_; }
  unsigned poll_count() const noexcept { return polls_; }
  std::chrono::milliseconds duration() const noexcept { return duration_; }
  const std::string& message() const noexcept { return message_; }
  friend bool operator==(const progress&, const progress&) = default;

private:
  explicit progress(kind k) : kind_(k) {}
  kind kind_;
  unsigned polls_ = 0;
  std::chrono::milliseconds duration_{0};
  std::string message_;
};

/// Settings of a server's lifecycle; obtain with `server::lifecycle()`.
class lifecycle_control {
public:
  /// For every image (or instance, for stop, start and terminate) from now on; those already in
  /// the phase keep what they started with.
  void set(phase p, progress how);
  /// What `set` last chose for the phase.
  progress get(phase p) const;
  /// For one image, by OCID (for stop, start and terminate: one instance); applies to its current
  /// phase if it is in it, and to later ones. Throws `usage_error` for an unknown OCID.
  void set_for(const std::string& resource_id, phase p, progress how);
  /// For the next image (or instance) that enters phase `p` (one only).
  void set_next(phase p, progress how);

private:
  friend struct detail::core;  // each server has one
  explicit lifecycle_control(detail::guarded<detail::resources>& s);
  detail::guarded<detail::resources>* store_;
};

}  // namespace ocifake
