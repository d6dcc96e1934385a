#include "http/router.hpp"

#include <algorithm>

#include "model/fields.hpp"  // percent_decode

namespace ocifake::detail {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool is_parameter(std::string_view segment) { return segment.size() > 2 && segment.front() == '{'; }

// The registry's paths, each with the operations it takes by method, in the registry's order.
struct pattern {
  std::vector<std::string_view> segments;
  std::vector<const operation*> ops;
};

const std::vector<pattern>& patterns() {
  static const std::vector<pattern> all = [] {
    std::vector<pattern> out;
    for (const auto& op : operations()) {
      auto segments = split_path(op.path);
      auto it = std::find_if(out.begin(), out.end(), [&](const pattern& p) { return p.segments == segments; });
      if (it == out.end()) it = out.insert(out.end(), pattern{segments, {}});
      it->ops.push_back(&op);
    }
    return out;
  }();
  return all;
}

// The parameters of `parts` when they fit the pattern. A bad escape still fits: the server answers
// 400 InvalidParameter for it, where a path that fits no pattern would be 404 NotFound.
bool fits(const pattern& p, const std::vector<std::string_view>& parts, std::vector<std::string>& params) {
  if (p.segments.size() != parts.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!is_parameter(p.segments[i])) {
      if (p.segments[i] != parts[i]) return false;
      continue;
    }
    bool ok = true;
    params.push_back(percent_decode(parts[i], ok));
    if (params.back().empty()) return false;
  }
  return true;
}

}  // namespace

route_result route(std::string_view method, std::string_view path) {
  route_result r;
  if (path.rfind("/_ocifake/", 0) == 0 || path == "/_ocifake") {
    r.what = route_result::kind::admin;
    r.admin_path = path.size() > 10 ? std::string(path.substr(10)) : std::string();
    return r;
  }
  auto parts = split_path(path);
  if (parts.empty() || parts[0] != "20160918") return r;
  parts.erase(parts.begin());
  for (const auto& p : patterns()) {
    if (!fits(p, parts, r.params)) continue;
    for (const auto* op : p.ops) {
      if (op->method != method) continue;
      r.what = route_result::kind::operation;
      r.op = op;
      return r;
    }
    r.what = route_result::kind::method_not_allowed;
    for (std::string_view m : {"GET", "POST", "PUT", "DELETE"})
      for (const auto* op : p.ops)
        if (op->method == m) r.allowed += (r.allowed.empty() ? "" : ", ") + std::string(m);
    r.params.clear();
    return r;
  }
  r.params.clear();
  return r;
}

}  // namespace ocifake::detail
