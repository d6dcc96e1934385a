#include "model/fields.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ocifake::detail {

namespace json = boost::json;

namespace {

json::parse_options body_options() {
  json::parse_options opts;
  opts.max_depth = 64;
  return opts;
}

json::object body_object(json::value v) {
  auto* o = v.if_object();
  if (!o) throw api_error{400, "InvalidParameter", "the request body must be a JSON object"};
  return std::move(*o);
}

}  // namespace

std::optional<json::value> parse_body(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, body_options());
  if (ec) return std::nullopt;
  return v;
}

boost::json::object parse_body_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, body_options());
  if (ec) throw api_error{400, "CannotParseRequest", "the request body is not valid JSON: " + ec.message()};
  return body_object(std::move(v));
}

boost::json::object parse_body_object(const api_request& req) {
  if (!req.parsed_body) return parse_body_object(req.body);
  json::value v = std::move(*req.parsed_body);
  req.parsed_body.reset();
  return body_object(std::move(v));
}

bool is_tag_value(const json::value& v) noexcept {
  return v.is_string() || v.is_bool() || (v.is_number() && (!v.is_double() || std::isfinite(v.get_double())));
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

const json::value* field_reader::get(std::string_view key) const {
  auto* v = o_->if_contains(key);
  if (!v || v->is_null()) return nullptr;
  return v;
}

bool field_reader::has(std::string_view key) const { return get(key) != nullptr; }

std::optional<std::string> field_reader::string(std::string_view key, bool required, std::size_t min,
                                                std::size_t max) const {
  auto* v = get(key);
  if (!v) {
    if (required) throw missing_parameter(path(key));
    return std::nullopt;
  }
  auto* s = v->if_string();
  if (!s) throw invalid_parameter(path(key), "must be a string");
  if (s->size() < min || s->size() > max)
    throw invalid_parameter(path(key), "must be " + std::to_string(min) + " to " + std::to_string(max) +
                                           " characters long (got " + std::to_string(s->size()) + ")");
  return std::string(*s);
}

std::optional<std::string> field_reader::enumeration(std::string_view key,
                                                     std::span<const std::string_view> allowed,
                                                     bool required) const {
  auto v = string(key, required, 0, 255);
  if (!v) return v;
  for (auto a : allowed)
    if (*v == a) return v;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw invalid_parameter(path(key), "'" + *v + "' is not one of " + list);
}

std::optional<std::string> field_reader::ocid(std::string_view key, bool required) const {
  auto v = string(key, required);
  if (v && !is_ocid(*v)) throw invalid_parameter(path(key), "'" + *v + "' is not a valid OCID");
  return v;
}

std::optional<bool> field_reader::boolean(std::string_view key) const {
  auto* v = get(key);
  if (!v) return std::nullopt;
  auto* b = v->if_bool();
  if (!b) throw invalid_parameter(path(key), "must be true or false");
  return *b;
}

std::optional<std::int64_t> field_reader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                  bool required) const {
  auto* v = get(key);
  if (!v) {
    if (required) throw missing_parameter(path(key));
    return std::nullopt;
  }
  std::optional<std::int64_t> n;
  if (auto* i = v->if_int64()) n = *i;
  else if (auto* u = v->if_uint64(); u && *u <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(*u);
  // The range first: converting a double that does not fit an int64 is undefined behaviour.
  else if (auto* d = v->if_double(); d && std::isfinite(*d) && std::fabs(*d) <= 9e18 && std::trunc(*d) == *d)
    n = static_cast<std::int64_t>(*d);
  if (!n) throw invalid_parameter(path(key), "must be an integer");
  if (*n < min || *n > max)
    throw invalid_parameter(path(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

const json::object* field_reader::object(std::string_view key, bool required) const {
  auto* v = get(key);
  if (!v) {
    if (required) throw missing_parameter(path(key));
    return nullptr;
  }
  auto* o = v->if_object();
  if (!o) throw invalid_parameter(path(key), "must be a JSON object");
  return o;
}

std::optional<json::object> field_reader::freeform_tags(std::string_view key) const {
  auto* o = object(key);
  if (!o) return std::nullopt;
  for (const auto& kv : *o) {
    std::string p = path(key) + "." + std::string(kv.key());
    if (kv.key().empty() || kv.key().size() > 100) throw invalid_parameter(path(key), "tag keys must be 1 to 100 characters long");
    auto* s = kv.value().if_string();
    if (!s) throw invalid_parameter(p, "tag values must be strings");
    if (s->size() > 256) throw invalid_parameter(p, "tag values must be at most 256 characters long");
  }
  return *o;
}

std::optional<json::object> field_reader::defined_tags(std::string_view key) const {
  auto* o = object(key);
  if (!o) return std::nullopt;
  for (const auto& ns : *o) {
    std::string p = path(key) + "." + std::string(ns.key());
    if (ns.key().empty() || ns.key().size() > 100) throw invalid_parameter(path(key), "tag namespaces must be 1 to 100 characters long");
    auto* inner = ns.value().if_object();
    if (!inner) throw invalid_parameter(p, "must be an object of tag keys and values");
    for (const auto& kv : *inner) {
      if (kv.key().empty() || kv.key().size() > 100) throw invalid_parameter(p, "tag keys must be 1 to 100 characters long");
      if (!is_tag_value(kv.value()))
        throw invalid_parameter(p + "." + std::string(kv.key()), "tag values must be strings, numbers or booleans");
    }
  }
  return *o;
}

std::string percent_decode(std::string_view s, bool& ok, bool plus_is_space) {
  ok = true;
  std::string out;
  out.reserve(s.size());
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
      continue;
    }
    if (i + 2 >= s.size() || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
      ok = false;
      out += s[i];
      continue;
    }
    out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
    i += 2;
  }
  return out;
}

bool parse_query(std::string_view raw, std::multimap<std::string, std::string>& out, std::string& bad_key) {
  std::size_t start = 0;
  while (start < raw.size()) {
    auto amp = raw.find('&', start);
    if (amp == std::string_view::npos) amp = raw.size();
    auto pair = raw.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    bool ok_key = true, ok_value = true;
    auto key = percent_decode(pair.substr(0, eq), ok_key, true);
    auto value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), ok_value, true);
    if (!ok_key || !ok_value) {
      bad_key = std::move(key);
      return false;
    }
    out.emplace(std::move(key), std::move(value));
  }
  return true;
}

std::string default_image_name(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "image-%Y%m%d-%H%M", &tm);
  return buf;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int frac = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  int y, mo, d, h, mi, sec;
  char tail[32] = {};
  std::string str(s);
  if (str.size() < 20 || std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%31s", &y, &mo, &d, &h, &mi, &sec, tail) != 7)
    return std::nullopt;
  int millis = 0;
  std::string t = tail;
  if (!t.empty() && t[0] == '.') {
    std::size_t i = 1;
    int digits = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
      if (digits < 3) millis = millis * 10 + (t[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 3; ++k) millis *= 10;
    t = t.substr(i);
  }
  if (t != "Z") return std::nullopt;
  if (y < first_year || y > last_year || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
      mi > 59 || sec < 0 || sec > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  auto secs = timegm(&tm);
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs)) + std::chrono::milliseconds(millis);
}

}  // namespace ocifake::detail
