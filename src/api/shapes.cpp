// The shapes an image is compatible with: ListImageShapeCompatibilityEntries and
// Get/Add/RemoveImageShapeCompatibilityEntry. Entries belong to their image: reading them works
// while the image answers GetImage (DELETED included); changing them needs an image that is not
// DELETED. Lists are in shape-name byte order, which is also what their page tokens remember.
#include <algorithm>
#include <climits>

#include "api/api.hpp"
#include "api/paging.hpp"
#include "api/render.hpp"
#include "lifecycle/progression.hpp"
#include "model/fields.hpp"
#include "model/utf8.hpp"

namespace ocifake::detail {

namespace json = boost::json;

namespace {

const std::string& shape_name(const api_request& req) {
  const auto& name = req.params.at(1);
  if (name.size() > 255)
    throw invalid_parameter("shapeName", "must be 1 to 255 characters long (got " + std::to_string(name.size()) + ": " +
                                             quoted_value(name) + ")");
  // The name is echoed in answers and state documents, which are JSON: it must be UTF-8. A '/' can
  // only come escaped, and control characters never belong in a shape's name.
  bool printable = std::none_of(name.begin(), name.end(),
                                [](char c) { return c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (!printable || valid_utf8(name) != name)
    throw invalid_parameter("shapeName", quoted_value(name) + " is not UTF-8 text without '/' or control characters");
  return name;
}

const shape_entry* find_shape(const image_record& img, const std::string& name) {
  auto it = std::find_if(img.shapes.begin(), img.shapes.end(), [&](const shape_entry& e) { return e.shape == name; });
  return it == img.shapes.end() ? nullptr : &*it;
}

// The image's entry for the request's shape; 404 when it has none.
const shape_entry& require_shape(const image_record& img, const api_request& req) {
  const auto& name = shape_name(req);
  const auto* e = find_shape(img, name);
  if (!e)
    throw api_error{404, "NotAuthorizedOrNotFound",
                    "shape " + name + " is not in the compatibility list of image " + img.id + " (or not authorized)"};
  return *e;
}

// memoryConstraints {minInGBs, maxInGBs} or ocpuConstraints {min, max}: non-negative integers, the
// minimum not above the maximum. Only the two known fields are kept.
std::optional<json::object> read_constraints(const field_reader& f, std::string_view key, const char* low,
                                             const char* high) {
  auto* given = f.object(key);
  if (!given) return std::nullopt;
  field_reader c(*given, f.path(key) + ".");
  auto min = c.integer(low, 0, INT_MAX);
  auto max = c.integer(high, 0, INT_MAX);
  if (min && max && *min > *max)
    throw invalid_parameter(c.path(low), "must not be greater than " + c.path(high) + " (" + std::to_string(*min) +
                                             " > " + std::to_string(*max) + ")");
  json::object out;
  if (min) out[low] = *min;
  if (max) out[high] = *max;
  return out;
}

}  // namespace

api_response list_image_shape_compatibility_entries(resources& s, const api_request& req) {
  auto& img = require_image(s, req.params.at(0));
  auto limit = page_limit(req, 100, 100);
  auto after = page_cursor(s, req, "ListImageShapeCompatibilityEntries\n" + img.id);
  catch_up(s, img, false);

  std::vector<const shape_entry*> sorted;
  for (const auto& e : img.shapes)
    if (!after || e.shape > *after) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->shape < b->shape; });

  json::array page;
  for (std::size_t i = 0; i < sorted.size() && i < limit; ++i) page.push_back(shape_json(img, *sorted[i]));
  api_response r = json_answer(page);
  if (sorted.size() > limit)
    r.headers.emplace_back("opc-next-page",
                           page_token(s, "ListImageShapeCompatibilityEntries\n" + img.id, sorted[limit - 1]->shape));
  return r;
}

api_response get_image_shape_compatibility_entry(resources& s, const api_request& req) {
  auto& img = require_image(s, req.params.at(0));
  return json_answer(shape_json(img, require_shape(img, req)));
}

api_response add_image_shape_compatibility_entry(resources& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  const auto& name = shape_name(req);
  // The body is optional: no body adds the shape without constraints.
  static const json::object none;
  const auto& body = req.body.empty() ? none : body_object(req);
  field_reader f(body);
  auto memory = read_constraints(f, "memoryConstraints", "minInGBs", "maxInGBs");
  auto ocpu = read_constraints(f, "ocpuConstraints", "min", "max");
  if (!img.machine.process(image_event::change_shapes))
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) + "; its shapes cannot change");

  auto& shapes = img.shapes.edit();
  auto it = std::find_if(shapes.begin(), shapes.end(), [&](const shape_entry& e) { return e.shape == name; });
  const bool added = it == shapes.end();
  if (added) {
    auto at = std::upper_bound(shapes.begin(), shapes.end(), name,
                               [](const std::string& n, const shape_entry& e) { return n < e.shape; });
    it = shapes.insert(at, shape_entry{name, std::nullopt, std::nullopt});
  }
  it->memory_constraints = std::move(memory);
  it->ocpu_constraints = std::move(ocpu);
  api_response r = json_answer(shape_json(img, *it));
  r.changes.push_back("image " + img.id + ": shape " + name + (added ? " added" : " replaced"));
  return r;
}

api_response remove_image_shape_compatibility_entry(resources& s, const api_request& req) {
  auto& img = require_live_image(s, req.params.at(0));
  const auto name = require_shape(img, req).shape;
  if (!img.machine.process(image_event::change_shapes))
    throw incorrect_state("image " + img.id + " is " + to_string(img.state()) + "; its shapes cannot change");
  auto& shapes = img.shapes.edit();
  shapes.erase(std::find_if(shapes.begin(), shapes.end(), [&](const shape_entry& e) { return e.shape == name; }));
  api_response r;
  r.status = 204;
  r.changes.push_back("image " + img.id + ": shape " + name + " removed");
  return r;
}

}  // namespace ocifake::detail
