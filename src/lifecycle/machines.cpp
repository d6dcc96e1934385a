// Interim switch-based machines; the Boost.MSM tables replace them.
#include "lifecycle/machines.hpp"

#include <cctype>
#include <string>

namespace ocifake::detail {

struct image_machine::impl {
  image_state s;
};

image_machine::image_machine(image_state initial) : impl_(std::make_unique<impl>(impl{initial})) {}
image_machine::image_machine(const image_machine& o) : impl_(std::make_unique<impl>(*o.impl_)) {}
image_machine& image_machine::operator=(const image_machine& o) {
  impl_ = std::make_unique<impl>(*o.impl_);
  return *this;
}
image_machine::image_machine(image_machine&&) noexcept = default;
image_machine& image_machine::operator=(image_machine&&) noexcept = default;
image_machine::~image_machine() = default;
image_state image_machine::state() const noexcept { return impl_->s; }

bool image_machine::process(image_event e) {
  using S = image_state;
  using E = image_event;
  S& s = impl_->s;
  switch (e) {
    case E::provisioned: if (s == S::provisioning) { s = S::available; return true; } return false;
    case E::imported: if (s == S::importing) { s = S::available; return true; } return false;
    case E::failed: if (s == S::provisioning || s == S::importing) { s = S::deleted; return true; } return false;
    case E::export_requested: if (s == S::available) { s = S::exporting; return true; } return false;
    case E::exported:
    case E::export_failed: if (s == S::exporting) { s = S::available; return true; } return false;
    case E::delete_requested: if (s == S::available || s == S::disabled) { s = S::disabled; return true; } return false;
    case E::deleted: if (s == S::disabled) { s = S::deleted; return true; } return false;
    case E::update:
    case E::change_shapes: return s != S::deleted;
    case E::change_compartment: return s == S::available;
  }
  return false;
}

struct work_request_machine::impl {
  work_request_state s;
};

work_request_machine::work_request_machine(work_request_state initial)
    : impl_(std::make_unique<impl>(impl{initial})) {}
work_request_machine::work_request_machine(const work_request_machine& o)
    : impl_(std::make_unique<impl>(*o.impl_)) {}
work_request_machine& work_request_machine::operator=(const work_request_machine& o) {
  impl_ = std::make_unique<impl>(*o.impl_);
  return *this;
}
work_request_machine::work_request_machine(work_request_machine&&) noexcept = default;
work_request_machine& work_request_machine::operator=(work_request_machine&&) noexcept = default;
work_request_machine::~work_request_machine() = default;
work_request_state work_request_machine::state() const noexcept { return impl_->s; }
bool work_request_machine::finished() const noexcept {
  auto s = impl_->s;
  return s == work_request_state::succeeded || s == work_request_state::failed || s == work_request_state::canceled;
}

bool work_request_machine::process(work_request_event e) {
  using S = work_request_state;
  using E = work_request_event;
  S& s = impl_->s;
  switch (e) {
    case E::start: if (s == S::accepted) { s = S::in_progress; return true; } return false;
    case E::succeed: if (s == S::in_progress) { s = S::succeeded; return true; } return false;
    case E::fail: if (s == S::accepted || s == S::in_progress) { s = S::failed; return true; } return false;
    case E::cancel: if (s == S::accepted || s == S::in_progress) { s = S::canceling; return true; } return false;
    case E::canceled: if (s == S::canceling) { s = S::canceled; return true; } return false;
  }
  return false;
}

const char* to_string(image_state s) noexcept {
  switch (s) {
    case image_state::provisioning: return "PROVISIONING";
    case image_state::importing: return "IMPORTING";
    case image_state::available: return "AVAILABLE";
    case image_state::exporting: return "EXPORTING";
    case image_state::disabled: return "DISABLED";
    case image_state::deleted: return "DELETED";
  }
  return "UNKNOWN";
}

const char* to_string(work_request_state s) noexcept {
  switch (s) {
    case work_request_state::accepted: return "ACCEPTED";
    case work_request_state::in_progress: return "IN_PROGRESS";
    case work_request_state::succeeded: return "SUCCEEDED";
    case work_request_state::failed: return "FAILED";
    case work_request_state::canceling: return "CANCELING";
    case work_request_state::canceled: return "CANCELED";
  }
  return "UNKNOWN";
}

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
}  // namespace

std::optional<image_state> parse_image_state(std::string_view s) noexcept {
  for (auto v : {image_state::provisioning, image_state::importing, image_state::available, image_state::exporting,
                 image_state::disabled, image_state::deleted})
    if (iequals(s, to_string(v))) return v;
  return std::nullopt;
}

std::optional<work_request_state> parse_work_request_state(std::string_view s) noexcept {
  for (auto v : {work_request_state::accepted, work_request_state::in_progress, work_request_state::succeeded,
                 work_request_state::failed, work_request_state::canceling, work_request_state::canceled})
    if (iequals(s, to_string(v))) return v;
  return std::nullopt;
}

}  // namespace ocifake::detail
