#include "model/fields.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ocifake::detail {

namespace json = boost::json;

namespace {

const json_text_rules body_rules{.refuse_duplicate_keys = false, .max_depth = 64};

}  // namespace

std::optional<json::value> parse_body(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = body_rules.max_depth;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return std::nullopt;
  return v;
}

json::object body_object(json::value v) {
  auto* o = v.if_object();
  if (!o) refuse("$", "a JSON object", &v);
  return std::move(*o);
}

json::object parse_body_object(std::string_view body) { return body_object(parse_json(body, body_rules)); }

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

bool parse_query(std::string_view raw, std::multimap<std::string, std::string>& out, std::string& bad_key,
                 std::string* bad_pair) {
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
      if (bad_pair) *bad_pair = std::string(pair);
      return false;
    }
    out.emplace(std::move(key), std::move(value));
  }
  return true;
}

std::int64_t billable_size_in_gbs(std::int64_t size_in_mbs) {
  if (size_in_mbs <= 0) return 0;
  return size_in_mbs / 10240 + (size_in_mbs % 10240 != 0 ? 1 : 0);
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
  if (y < first_year || y > last_year || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      sec < 0 || sec > 60)
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
