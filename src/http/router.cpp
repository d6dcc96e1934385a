#include "http/router.hpp"

#include <cctype>

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

struct pattern {
  std::vector<std::string_view> segments;  // "{}" is a parameter
  const char* get;
  const char* post;
  const char* put;
  const char* del;
};

const pattern patterns[] = {
    {{"images"}, "ListImages", "CreateImage", nullptr, nullptr},
    {{"images", "{}"}, "GetImage", nullptr, "UpdateImage", "DeleteImage"},
    {{"images", "{}", "actions", "export"}, nullptr, "ExportImage", nullptr, nullptr},
    {{"images", "{}", "actions", "changeCompartment"}, nullptr, "ChangeImageCompartment", nullptr, nullptr},
    {{"images", "{}", "shapes"}, "ListImageShapeCompatibilityEntries", nullptr, nullptr, nullptr},
    {{"images", "{}", "shapes", "{}"}, "GetImageShapeCompatibilityEntry", nullptr, "AddImageShapeCompatibilityEntry",
     "RemoveImageShapeCompatibilityEntry"},
    {{"workRequests"}, "ListWorkRequests", nullptr, nullptr, nullptr},
    {{"workRequests", "{}"}, "GetWorkRequest", nullptr, nullptr, nullptr},
    {{"workRequests", "{}", "errors"}, "ListWorkRequestErrors", nullptr, nullptr, nullptr},
    {{"workRequests", "{}", "logs"}, "ListWorkRequestLogs", nullptr, nullptr, nullptr},
};

}  // namespace

route_result route(std::string_view method, std::string_view path) {
  route_result r;
  if (path.rfind("/_ocifake/", 0) == 0 || path == "/_ocifake") {
    r.what = route_result::kind::admin;
    r.operation = path.size() > 10 ? std::string(path.substr(10)) : std::string();
    return r;
  }
  auto parts = split_path(path);
  if (parts.empty() || parts[0] != "20160918") return r;
  parts.erase(parts.begin());
  for (const auto& p : patterns) {
    if (p.segments.size() != parts.size()) continue;
    std::vector<std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < parts.size() && match; ++i) {
      if (p.segments[i] == "{}") {
        // A bad escape still matches: the server answers 400 InvalidParameter for it, where a
        // path that matches no route would be 404 NotFound.
        bool ok = true;
        params.push_back(percent_decode(parts[i], ok));
        if (params.back().empty()) match = false;
      } else if (p.segments[i] != parts[i]) {
        match = false;
      }
    }
    if (!match) continue;
    const char* op = method == "GET" ? p.get : method == "POST" ? p.post : method == "PUT" ? p.put
                   : method == "DELETE" ? p.del : nullptr;
    if (!op) {
      r.what = route_result::kind::method_not_allowed;
      std::string allowed;
      for (auto [m, o] : {std::pair{"GET", p.get}, {"POST", p.post}, {"PUT", p.put}, {"DELETE", p.del}})
        if (o) allowed += (allowed.empty() ? "" : ", ") + std::string(m);
      r.allowed = allowed;
      return r;
    }
    r.what = route_result::kind::operation;
    r.operation = op;
    r.params = std::move(params);
    return r;
  }
  return r;
}

}  // namespace ocifake::detail
