#pragma once
/// \file lifecycle.hpp
/// How fast images move through their states:
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

/// The slow parts of an image's life.
enum class phase {
  provision,  ///< PROVISIONING -> AVAILABLE (CreateImage from an instance)
  import,     ///< IMPORTING -> AVAILABLE (CreateImage from Object Storage)
  export_,    ///< EXPORTING -> AVAILABLE (ExportImage)
  delete_,    ///< DISABLED -> DELETED (DeleteImage; `immediate` skips DISABLED)
};

/// How a phase progresses. Reads that count are GetImage of the image and GetWorkRequest of the
/// work request that tracks the phase; lists and the starting answer itself do not count.
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
  /// and the image ends DELETED.
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
  /// For every image from now on (images already in a phase keep what they started with).
  void set(phase p, progress how);
  /// What `set` last chose for the phase.
  progress get(phase p) const;
  /// For one image, by OCID; applies to its current phase if it is in it, and to later ones.
  void set_for(const std::string& image_id, phase p, progress how);
  /// For the next image that enters phase `p` (one image only).
  void set_next(phase p, progress how);

private:
  friend struct detail::core;  // each server has one
  explicit lifecycle_control(detail::guarded<detail::resources>& s);
  detail::guarded<detail::resources>* store_;
};

}  // namespace ocifake
