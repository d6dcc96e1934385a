#include <ocifake/journal.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <ostream>
#include <sstream>
#include <string_view>

#include "journal/text.hpp"

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

// Mermaid reads `;` as the end of a statement, `#` as the start of an entity code and a newline
// as the end of a line: each is written as an entity code (`#59;`, `#35;`) or a `<br/>`.
std::string mermaid_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ';')
      out += "#59;";
    else if (c == '#')
      out += "#35;";
    else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "<br/>";
    } else
      out += c;
  }
  return out;
}

bool ocid_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'; }

}  // namespace

// Each OCID in `s` as `ocid1.<type>…<last four characters>`: a journal line names the same few
// resources over and over, and their 60-character OCIDs would make it several hundred long.
std::string detail::abbreviate_ocids(const std::string& s) {
  constexpr std::string_view prefix = "ocid1.";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto at = s.find(prefix, i);
    if (at == std::string::npos) break;
    out.append(s, i, at - i);
    auto end = at + prefix.size();
    while (end < s.size() && ocid_char(s[end])) ++end;
    while (end > at + prefix.size() && s[end - 1] == '.') --end;  // a full stop after it is not part of it
    std::string_view ocid(s.data() + at, end - at);
    auto type_end = ocid.find('.', prefix.size());
    std::string shorter;
    if (type_end != std::string_view::npos && type_end > prefix.size()) {
      auto tail = ocid.substr(ocid.size() - std::min<std::size_t>(4, ocid.size()));
      shorter = std::string(ocid.substr(0, type_end)) + "\u2026" + std::string(tail);
    }
    out += !shorter.empty() && shorter.size() < ocid.size() ? shorter : std::string(ocid);
    i = end;
  }
  out.append(s, std::min(i, s.size()), std::string::npos);
  return out;
}

namespace {
std::string answer_text(const journal_entry& e) {
  if (!e.status) return "no answer";
  auto out = std::to_string(e.status);
  if (!e.error_code.empty()) out += ' ' + e.error_code;
  return out;
}

std::string fault_note(const fired_fault& f) {
  return "    Note over Fake: fault " + mermaid_text(f.rule_id) + ' ' + to_string(f.action) + ' ' +
         to_string(f.timing) + '\n';
}
}  // namespace

std::string to_string(const journal_entry& e, text_options options) {
  std::ostringstream os;
  os << '#' << e.seq << ' ' << clock_time(e.time) << ' ' << e.method << ' ' << e.path << ' ' << e.operation << " -> "
     << answer_text(e);
  if (e.replayed) os << " (replayed)";
  if (!e.retry_token.empty()) os << " token=" << e.retry_token;
  if (e.fault)
    os << " [fault " << e.fault->rule_id << ' ' << to_string(e.fault->action) << ' ' << to_string(e.fault->timing)
       << ']';
  for (const auto& c : e.changes) os << "; " << c;
  return options.full_ocids ? os.str() : detail::abbreviate_ocids(os.str());
}

std::ostream& operator<<(std::ostream& os, const journal_entry& e) { return os << to_string(e); }

std::string to_string(const std::vector<journal_entry>& entries, text_options options) {
  std::string out;
  for (const auto& e : entries) out += to_string(e, options) + "\n";
  return out;
}

std::string to_mermaid(const std::vector<journal_entry>& entries, mermaid_options options) {
  std::string out = "sequenceDiagram\n    participant Client\n    participant Fake as Fake (ocifake)\n";
  for (const auto& e : entries) {
    if (!options.admin && e.operation == "Admin") continue;
    out += "    Client->>Fake: " + mermaid_text(e.method) + ' ' + mermaid_text(e.path) + " (" +
           mermaid_text(e.operation) + ")\n";
    // A fault acting before the request is applied comes before what the request changed; one
    // acting after the commit comes after it.
    bool fault_first = e.fault && e.fault->timing == fault_timing::before;
    if (fault_first) out += fault_note(*e.fault);
    for (const auto& c : e.changes) out += "    Note right of Fake: " + mermaid_text(c) + '\n';
    if (e.fault && !fault_first) out += fault_note(*e.fault);
    if (e.status == 0) {
      out += "    Fake--xClient: no answer";
      if (e.fault) out += " (" + to_string(e.fault->action) + ')';
      out += '\n';
    } else {
      out += "    Fake-->>Client: " + mermaid_text(answer_text(e));
      if (e.replayed) out += " (replayed)";
      out += '\n';
    }
  }
  return out;
}

}  // namespace ocifake
