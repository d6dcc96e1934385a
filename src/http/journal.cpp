#include <ocifake/journal.hpp>

#include <ctime>
#include <ostream>
#include <sstream>

namespace ocifake {

namespace {
std::string clock_time(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}
}  // namespace

std::string to_string(const journal_entry& e) {
  std::ostringstream os;
  os << '#' << e.seq << ' ' << clock_time(e.time) << ' ' << e.method << ' ' << e.path << ' ' << e.operation << " -> ";
  if (e.status)
    os << e.status;
  else
    os << "no answer";
  if (e.replayed) os << " (replayed)";
  if (!e.retry_token.empty()) os << " token=" << e.retry_token;
  if (e.fault)
    os << " [fault " << e.fault->rule_id << ' ' << to_string(e.fault->action) << ' ' << to_string(e.fault->timing) << ']';
  for (const auto& c : e.changes) os << "; " << c;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const journal_entry& e) { return os << to_string(e); }

std::string to_string(const std::vector<journal_entry>& entries) {
  std::string out;
  for (const auto& e : entries) out += to_string(e) + "\n";
  return out;
}

}  // namespace ocifake
