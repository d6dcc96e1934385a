// lifecycle_control: the lifecycle settings as the C++ surface offers them (server::lifecycle()).
#include <ocifake/error.hpp>
#include <ocifake/lifecycle.hpp>

#include "lifecycle/progression.hpp"
#include "store/store.hpp"

namespace ocifake {

lifecycle_control::lifecycle_control(detail::guarded<detail::resources>& s) : store_(&s) {}

void lifecycle_control::set(phase p, progress how) { store_->lock()->lifecycle().default_for(p) = std::move(how); }

progress lifecycle_control::get(phase p) const { return store_->lock()->lifecycle().default_for(p); }

void lifecycle_control::set_for(const std::string& resource_id, phase p, progress how) {
  auto r = store_->lock();
  if (detail::is_instance_phase(p)) {
    auto* inst = r->find_instance(resource_id);
    if (!inst) throw usage_error("lifecycle().set_for: no instance " + resource_id);
    detail::set_progress_for(*r, *inst, p, std::move(how));
    return;
  }
  auto* img = r->find_image(resource_id);
  if (!img) throw usage_error("lifecycle().set_for: no image " + resource_id);
  detail::set_progress_for(*r, *img, p, std::move(how));
}

void lifecycle_control::set_next(phase p, progress how) {
  store_->lock()->lifecycle().next.insert_or_assign(static_cast<int>(p), std::move(how));
}

}  // namespace ocifake
