#include "model/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <vector>

// The key checker below is a custom Boost.JSON parser handler; basic_parser's implementation is
// meant to be included by the one file that instantiates it.
#include <boost/json/basic_parser_impl.hpp>

#include "model/fields.hpp"
#include "model/suggest.hpp"

namespace ocifake::detail {

namespace json = boost::json;

std::string input_error::detail() const {
  std::string out = expected;
  if (!refused.empty()) out += "; got " + refused;
  if (!suggestion.empty()) out += " (did you mean \"" + suggestion + "\"?)";
  if (!accepted.empty()) out += "; " + accepted;
  return out;
}

namespace {

// Line and column (1-based, in bytes) of an offset into the text.
std::string position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  auto before = text.substr(0, offset);
  std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  auto last_newline = before.rfind('\n');
  std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Walks the text without building anything, to find where it stops being JSON and, when asked,
// the first key an object repeats (with its JSON path), which the value-building parser would
// resolve silently to the last one.
class key_checker {
public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit key_checker(bool duplicates) : duplicates_(duplicates) {}

  std::optional<std::string> repeated_path;  // set when the walk stopped at a repeated key
  std::size_t repeated_key_size = 0;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return begin(true); }
  bool on_array_end(std::size_t, json::error_code&) { return end(); }
  bool on_object_begin(json::error_code&) { return begin(false); }
  bool on_object_end(std::size_t, json::error_code&) { return end(); }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return scalar(); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    auto& top = frames_.back();
    top.key = std::move(key_);
    key_.clear();
    if (!duplicates_) return true;
    if (std::find(top.keys.begin(), top.keys.end(), top.key) == top.keys.end()) {
      top.keys.push_back(top.key);
      return true;
    }
    repeated_path = member_path(path_of(frames_.size() - 1), top.key);
    repeated_key_size = top.key.size();
    ec = json::error::syntax;
    return false;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return scalar(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return scalar(); }
  bool on_double(double, json::string_view, json::error_code&) { return scalar(); }
  bool on_bool(bool, json::error_code&) { return scalar(); }
  bool on_null(json::error_code&) { return scalar(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

private:
  struct frame {
    bool is_array = false;
    std::size_t index = 0;          // the element being read, in an array
    std::string key;                // the member being read, in an object
    std::vector<std::string> keys;  // the keys seen so far, in an object
  };

  // The path of the container frames_[n] (its parents name it).
  std::string path_of(std::size_t n) const {
    std::string p = "$";
    for (std::size_t i = 0; i < n; ++i)
      p = frames_[i].is_array ? index_path(p, frames_[i].index) : member_path(p, frames_[i].key);
    return p;
  }
  bool begin(bool is_array) {
    frames_.push_back(frame{is_array, 0, {}, {}});
    return true;
  }
  bool end() {
    frames_.pop_back();
    return scalar();
  }
  // A value was read: the next one in an array has the next index.
  bool scalar() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }

  bool duplicates_;
  std::vector<frame> frames_;
  std::string key_;
};

json::parse_options options(const json_text_rules& rules) {
  json::parse_options opts;
  opts.max_depth = rules.max_depth;
  return opts;
}

// Walks the text with key_checker; throws what it finds wrong.
void check_text(std::string_view text, const json_text_rules& rules, bool duplicates) {
  json::basic_parser<key_checker> p(options(rules), duplicates);
  json::error_code ec;
  auto n = p.write_some(false, text.data(), text.size(), ec);
  if (p.handler().repeated_path) {
    auto at = n >= p.handler().repeated_key_size + 1 ? n - p.handler().repeated_key_size - 1 : n;
    throw input_error{input_error::kind::syntax, *p.handler().repeated_path,
                      "a key that appears once in its object (it appears again at " + position(text, at) + ")"};
  }
  std::string why = ec ? ec.message() : n < text.size() ? "more text after the JSON value" : "";
  if (!why.empty())
    throw input_error{input_error::kind::syntax, "$", "JSON text (" + why + " at " + position(text, n) + ")"};
}

std::string key_list(std::span<const std::string_view> keys) { return "the keys here are " + join(keys); }

}  // namespace

json::value parse_json(std::string_view text, const json_text_rules& rules) {
  if (rules.refuse_duplicate_keys) check_text(text, rules, true);
  json::error_code ec;
  json::value v = json::parse(text, ec, {}, options(rules));
  if (ec) check_text(text, rules, false);
  // The checker accepts what the parser accepts; this is for a disagreement between the two.
  if (ec) throw input_error{input_error::kind::syntax, "$", "JSON text (" + ec.message() + ")"};
  return v;
}

std::string member_path(std::string_view path, std::string_view key) {
  bool plain = !key.empty() && (std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_');
  for (char c : key) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain) return std::string(path) + "." + std::string(key);
  return std::string(path) + "[" + json::serialize(json::string(key)) + "]";
}

std::string index_path(std::string_view path, std::size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string abbreviate(const json::value& v, std::size_t max) {
  auto text = json::serialize(v);
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "...";
}

std::string join(std::span<const std::string_view> words) {
  std::string s;
  for (auto w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

void refuse(std::string path, std::string expected, const json::value* refused,
            std::span<const std::string_view> closed_set) {
  input_error e{input_error::kind::invalid, std::move(path), std::move(expected), {}, {}, {}};
  if (refused) e.refused = abbreviate(*refused);
  if (auto* s = refused ? refused->if_string() : nullptr) e.suggestion = closest(*s, closed_set);
  throw e;
}

bool is_ocid(std::string_view s) noexcept {
  if (s.size() > 255 || s.substr(0, 6) != "ocid1.") return false;
  std::size_t parts = 1;
  std::size_t start = 0;
  std::string_view first, second, last;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      auto part = s.substr(start, i - start);
      if (parts == 2) first = part;
      if (parts == 3) second = part;
      last = part;
      start = i + 1;
      if (i < s.size()) ++parts;
      continue;
    }
    char c = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return parts >= 5 && !first.empty() && !second.empty() && !last.empty();
}

bool is_tag_value(const json::value& v) noexcept {
  return v.is_string() || v.is_bool() || (v.is_number() && (!v.is_double() || std::isfinite(v.get_double())));
}

// ---------------------------------------------------------------- object_reader

object_reader::object_reader(const json::value& v, std::string path, std::string_view what)
    : o_(v.if_object()), path_(std::move(path)) {
  if (!o_) refuse(path_, std::string(what), &v);
}

object_reader::object_reader(const json::value& v, std::string path, std::span<const std::string_view> keys,
                             std::string_view what)
    : object_reader(v, std::move(path), what) {
  for (const auto& kv : *o_) {
    if (std::find(keys.begin(), keys.end(), std::string_view(kv.key())) != keys.end()) continue;
    throw input_error{input_error::kind::invalid,           path_of(kv.key()), "a known key", {},
                      std::string(closest(kv.key(), keys)), key_list(keys)};
  }
}

const json::value* object_reader::value(std::string_view key) const {
  auto* v = o_->if_contains(key);
  if (!v || (null_is_absent_ && v->is_null())) return nullptr;
  return v;
}

void object_reader::fail(std::string_view key, std::string expected,
                         std::span<const std::string_view> closed_set) const {
  refuse(path_of(key), std::move(expected), o_->if_contains(key), closed_set);
}

const json::value* object_reader::get(std::string_view key, bool required, const std::string& expected) const {
  auto* v = value(key);
  if (!v && required) throw input_error{input_error::kind::missing, path_of(key), expected + " (required)", {}, {}, {}};
  return v;
}

std::optional<std::string> object_reader::string(std::string_view key, bool required, std::size_t min,
                                                 std::size_t max) const {
  std::string expected = min == 0 ? "a string of at most " + std::to_string(max) + " characters"
                                  : "a string of " + std::to_string(min) + " to " + std::to_string(max) + " characters";
  auto* v = get(key, required, expected);
  if (!v) return std::nullopt;
  auto* s = v->if_string();
  if (!s || s->size() < min || s->size() > max) fail(key, expected);
  return std::string(*s);
}

std::optional<std::string> object_reader::enumeration(std::string_view key, std::span<const std::string_view> allowed,
                                                      bool required) const {
  std::string expected = "one of " + join(allowed);
  auto* v = get(key, required, expected);
  if (!v) return std::nullopt;
  auto* s = v->if_string();
  if (!s || std::find(allowed.begin(), allowed.end(), std::string_view(*s)) == allowed.end())
    fail(key, expected, allowed);
  return std::string(*s);
}

std::optional<std::string> object_reader::ocid(std::string_view key, bool required) const {
  const std::string expected = "an OCID (ocid1.<type>.<realm>.[region].<unique>)";
  auto* v = get(key, required, expected);
  if (!v) return std::nullopt;
  auto* s = v->if_string();
  if (!s || !is_ocid(*s)) fail(key, expected);
  return std::string(*s);
}

std::optional<bool> object_reader::boolean(std::string_view key, bool required) const {
  auto* v = get(key, required, "true or false");
  if (!v) return std::nullopt;
  auto* b = v->if_bool();
  if (!b) fail(key, "true or false");
  return *b;
}

std::optional<std::int64_t> object_reader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                   bool required) const {
  std::string expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  auto* v = get(key, required, expected);
  if (!v) return std::nullopt;
  std::optional<std::int64_t> n;
  if (auto* i = v->if_int64())
    n = *i;
  else if (auto* u = v->if_uint64(); u && *u <= static_cast<std::uint64_t>(INT64_MAX))
    n = static_cast<std::int64_t>(*u);
  // The range first: converting a double that does not fit an int64 is undefined behaviour.
  else if (auto* d = v->if_double(); d && std::isfinite(*d) && std::fabs(*d) <= 9e18 && std::trunc(*d) == *d)
    n = static_cast<std::int64_t>(*d);
  if (!n || *n < min || *n > max) fail(key, expected);
  return n;
}

std::optional<std::uint64_t> object_reader::whole(std::string_view key, std::uint64_t min, std::uint64_t max,
                                                  const std::string& expected, bool required) const {
  auto* v = get(key, required, expected);
  if (!v) return std::nullopt;
  std::optional<std::uint64_t> n;
  if (auto* i = v->if_int64(); i && *i >= 0)
    n = static_cast<std::uint64_t>(*i);
  else if (auto* u = v->if_uint64())
    n = *u;
  else if (auto* d = v->if_double(); d && *d >= 0 && *d < 18446744073709551616.0 && std::floor(*d) == *d)
    n = static_cast<std::uint64_t>(*d);
  if (!n || *n < min || *n > max) fail(key, expected);
  return n;
}

std::optional<double> object_reader::number(std::string_view key, double min, double max, bool required,
                                            const std::string& expected) const {
  std::string text = expected;
  if (text.empty()) {
    std::ostringstream s;
    s << "a number from " << min << " to " << max;
    text = s.str();
  }
  auto* v = get(key, required, text);
  if (!v) return std::nullopt;
  if (!v->is_number()) fail(key, text);
  double d = v->to_number<double>();
  if (!std::isfinite(d) || d < min || d > max) fail(key, text);
  return d;
}

std::optional<std::chrono::system_clock::time_point> object_reader::time(std::string_view key, bool required) const {
  const std::string expected = "an RFC 3339 time in UTC like 2026-01-01T00:00:00.000Z";
  auto* v = get(key, required, expected);
  if (!v) return std::nullopt;
  auto* s = v->if_string();
  auto t = s ? parse_rfc3339(*s) : std::nullopt;
  if (!t) fail(key, expected);
  return t;
}

const json::array* object_reader::array(std::string_view key, bool required) const {
  auto* v = get(key, required, "an array");
  if (v && !v->is_array()) fail(key, "an array");
  return v ? v->if_array() : nullptr;
}

const json::object* object_reader::object(std::string_view key, bool required) const {
  return object_of(key, required, "a JSON object");
}

const json::object* object_reader::object_of(std::string_view key, bool required, const std::string& expected) const {
  auto* v = get(key, required, expected);
  if (v && !v->is_object()) fail(key, expected);
  return v ? v->if_object() : nullptr;
}

std::optional<json::object> object_reader::freeform_tags(std::string_view key) const {
  const std::string expected = "an object of tag keys (1 to 100 characters) and string values (at most 256)";
  auto* o = object_of(key, false, expected);
  if (!o) return std::nullopt;
  for (const auto& kv : *o) {
    auto* s = kv.value().if_string();
    if (kv.key().empty() || kv.key().size() > 100) refuse(path_of(key), expected, value(key));
    if (!s || s->size() > 256)
      refuse(member_path(path_of(key), kv.key()), "a string of at most 256 characters", &kv.value());
  }
  return *o;
}

std::optional<json::object> object_reader::defined_tags(std::string_view key) const {
  const std::string expected =
      "an object of tag namespaces (1 to 100 characters), each an object of tag keys and values";
  auto* o = object_of(key, false, expected);
  if (!o) return std::nullopt;
  for (const auto& ns : *o) {
    auto p = member_path(path_of(key), ns.key());
    auto* inner = ns.value().if_object();
    if (ns.key().empty() || ns.key().size() > 100) refuse(path_of(key), expected, value(key));
    if (!inner) refuse(p, "an object of tag keys (1 to 100 characters) and values", &ns.value());
    for (const auto& kv : *inner) {
      if (kv.key().empty() || kv.key().size() > 100)
        refuse(p, "an object of tag keys (1 to 100 characters) and values", &ns.value());
      if (!is_tag_value(kv.value()))
        refuse(member_path(p, kv.key()), "a string, number or boolean tag value", &kv.value());
    }
  }
  return *o;
}

}  // namespace ocifake::detail
