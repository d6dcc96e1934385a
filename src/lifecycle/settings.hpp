#pragma once
// The lifecycle settings of one server: how each phase progresses by default, for one image or
// instance, and for the next one that enters a phase. Kept in the store, under its lock, since a phase reads
// them when it starts; lifecycle_control (control.cpp) and scenarios change them.

#include <array>
#include <map>
#include <string>
#include <utility>

#include <ocifake/lifecycle.hpp>

namespace ocifake::detail {

inline constexpr std::array<phase, 7> all_phases{phase::provision, phase::import, phase::export_, phase::delete_,
                                                phase::stop,      phase::start,  phase::terminate};

// stop, start and terminate are an instance's; the others an image's.
constexpr bool is_instance_phase(phase p) { return p == phase::stop || p == phase::start || p == phase::terminate; }

struct lifecycle_settings {
  std::array<progress, 7> defaults{progress::polls(1), progress::polls(1), progress::polls(1), progress::immediate(),
                                   progress::polls(1), progress::polls(1), progress::polls(1)};
  std::map<std::pair<std::string, int>, progress> per_image;  // (image or instance OCID, phase)
  std::map<int, progress> next;                               // by phase, used once

  progress& default_for(phase p) { return defaults[static_cast<std::size_t>(p)]; }
  const progress& default_for(phase p) const { return defaults[static_cast<std::size_t>(p)]; }
};

}  // namespace ocifake::detail
