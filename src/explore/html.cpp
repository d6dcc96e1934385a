// The exploration report as one self-contained HTML page: a summary, the matrix of the reference
// run's requests by fault kind, and each failing run with its journal drawn as an SVG sequence
// diagram. Nothing is fetched: the style is inline, there is no script, and every piece of text
// (paths, messages, a command's output) is escaped, so the page can be opened from a CI artifact.
#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "explore/explore.hpp"
#include "journal/text.hpp"

namespace ocifake {

namespace {

// Appends the code point `cp` as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one UTF-8 sequence at `s[i]`, advancing `i`; 0xFFFD for bytes that are not UTF-8.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  bool whole = length != 0 && i + length <= s.size();
  for (std::size_t k = 1; whole && k < length; ++k) whole = (byte(i + k) & 0xC0) == 0x80;
  if (!whole) {
    ++i;
    return 0xFFFD;
  }
  std::uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  i += length;
  if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  return cp;
}

// Text as HTML (and SVG) character data or an attribute value: markup characters as entities,
// bytes that are not UTF-8 and control characters (a command's output may hold any) as U+FFFD.
std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    auto cp = next_code_point(s, i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n':
      case '\t': out += static_cast<char>(cp); break;
      default: append_utf8(out, cp < 0x20 || cp == 0x7F ? 0xFFFD : cp);
    }
  }
  return out;
}

// How wide monospace text of `s` is, in characters (one per code point).
std::size_t columns(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

constexpr std::string_view style = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 12px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 0; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.verdict { display: inline-block; padding: 4px 10px; border-radius: 4px; font-weight: 600; margin-bottom: 10px; }
.verdict.ok { background: #e6f4ea; color: #1e6b34; } .verdict.bad { background: #fdecea; color: #a51d1d; }
table { border-collapse: collapse; }
table.summary td, table.summary th { padding: 4px 14px 4px 0; text-align: left; }
table.summary td { font-size: 18px; font-weight: 600; }
table.matrix th, table.matrix td { border: 1px solid #d0d4d9; padding: 4px 8px; }
table.matrix thead th { background: #f1f3f5; }
table.matrix th.request { text-align: left; white-space: nowrap; }
td.resource { color: #555; }
td.cell { text-align: center; white-space: nowrap; }
td.passed { background: #e6f4ea; color: #1e6b34; }
td.failed { background: #fdecea; color: #a51d1d; font-weight: 600; }
td.skipped { background: #f1f3f5; color: #5f6368; }
td.cut { background: #fff4e0; color: #8a5300; }
td.none { color: #9aa0a6; }
td.failed a { color: inherit; }
a.second { color: #a51d1d; font-size: 12px; margin-left: 4px; }
.legend span { margin-right: 14px; }
section.run { border: 1px solid #e3a7a7; border-left: 5px solid #c62828; border-radius: 4px; padding: 10px 14px;
  margin: 14px 0; }
section.run.reference { border-color: #c9ced4; border-left-color: #6b7785; }
pre.message { background: #fdf3f3; border: 1px solid #f1c9c9; padding: 8px; white-space: pre-wrap; margin: 8px 0; }
ul.faults { margin: 6px 0; padding-left: 20px; }
.diagram { overflow-x: auto; margin-top: 8px; }
details pre { white-space: pre-wrap; }
.muted { color: #5f6368; }
)";

// The diagram's geometry: monospace text at 12 px is about 7.2 px a character.
constexpr double char_width = 7.3;
constexpr int client_x = 60;
constexpr int top = 52;
constexpr int note_line = 15;

struct arrow_labels {
  std::string request;  // "POST /20160918/images (CreateImage)", OCIDs shortened
  std::string answer;   // "200", "409 IncorrectState", "no answer (reset)"
  std::vector<std::string> notes;
  bool fault = false;
};

// The kind of the exploration fault that fired on `e` ("explore-2": the run's second fault).
std::string fault_name(const journal_entry& e, const std::vector<explored_fault>& faults) {
  const auto& id = e.fault->rule_id;
  constexpr std::string_view prefix = "explore-";
  if (id.rfind(prefix, 0) == 0) {
    auto index = id.substr(prefix.size());
    if (index == "1" && !faults.empty()) return to_string(faults[0].kind);
    if (index == "2" && faults.size() > 1) return to_string(faults[1].kind);
  }
  return id;
}

arrow_labels labels_of(const journal_entry& e, const std::vector<explored_fault>& faults) {
  arrow_labels l;
  l.request = detail::abbreviate_ocids(e.method + ' ' + e.path + " (" + e.operation + ')');
  if (e.status == 0)
    l.answer = "no answer (" + (e.fault ? to_string(e.fault->action) : std::string("connection closed")) + ')';
  else
    l.answer = std::to_string(e.status) + (e.error_code.empty() ? "" : ' ' + e.error_code);
  if (e.replayed) l.answer += " (replayed)";
  if (e.fault) {
    l.fault = true;
    l.notes.push_back("FAULT " + fault_name(e, faults) + " (" + e.fault->rule_id + ": " + to_string(e.fault->action) +
                      ' ' + to_string(e.fault->timing) + ')');
  }
  for (const auto& c : e.changes) l.notes.push_back(detail::abbreviate_ocids(c));
  return l;
}

void svg_text(std::ostream& os, double x, int y, std::string_view anchor, std::string_view cls, std::string_view text) {
  os << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << anchor << "\" class=\"" << cls << "\">"
     << escape(text) << "</text>";
}

// A horizontal arrow from x1 to x2 at y, its head drawn as a polygon (no marker ids to clash
// between the diagrams of one page).
void svg_arrow(std::ostream& os, int x1, int x2, int y, std::string_view colour, bool dashed) {
  int dir = x2 > x1 ? 1 : -1;
  os << "<line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 - dir * 8 << "\" y2=\"" << y << "\" stroke=\""
     << colour << "\" stroke-width=\"" << (colour == "#c62828" ? 2 : 1.3) << '"'
     << (dashed ? " stroke-dasharray=\"5 3\"" : "") << "/>";
  os << "<polygon points=\"" << x2 << ',' << y << ' ' << x2 - dir * 9 << ',' << y - 4 << ' ' << x2 - dir * 9 << ','
     << y + 4 << "\" fill=\"" << colour << "\"/>";
}

// No answer: the dashed answer line ends in a cross instead of reaching the client.
int no_answer_end(int fake_x) { return client_x + (fake_x - client_x) / 4; }

void svg_no_answer(std::ostream& os, int fake_x, int y, std::string_view colour) {
  int end = no_answer_end(fake_x);
  os << "<line x1=\"" << fake_x << "\" y1=\"" << y << "\" x2=\"" << end << "\" y2=\"" << y << "\" stroke=\"" << colour
     << "\" stroke-width=\"1.3\" stroke-dasharray=\"5 3\"/>";
  os << "<path d=\"M" << end - 5 << ' ' << y - 5 << " l10 10 M" << end - 5 << ' ' << y + 5 << " l10 -10\" stroke=\""
     << colour << "\" stroke-width=\"2\"/>";
}

// A run's journal (OCI requests only) as a sequence diagram: Client and Fake as lifelines, one
// arrow per request and one per answer, the request a fault hit in red with the fault's kind.
std::string sequence_svg(const std::vector<journal_entry>& journal, const std::vector<explored_fault>& faults) {
  std::vector<const journal_entry*> entries;
  for (const auto& e : journal)
    if (e.operation != "Admin") entries.push_back(&e);
  std::vector<arrow_labels> labels;
  std::size_t widest = 24, widest_note = 0;
  for (const auto* e : entries) {
    labels.push_back(labels_of(*e, faults));
    widest = std::max({widest, columns(labels.back().request), columns(labels.back().answer)});
    for (const auto& n : labels.back().notes) widest_note = std::max(widest_note, columns(n));
  }
  int fake_x = client_x + static_cast<int>(std::max(260.0, static_cast<double>(widest) * char_width + 40));
  int width = fake_x + 30 + static_cast<int>(static_cast<double>(widest_note) * char_width);
  std::vector<int> row_y;
  int y = top + 10;
  for (const auto& l : labels) {
    row_y.push_back(y);
    y += std::max(58, static_cast<int>(l.notes.size()) * note_line + 24);
  }
  int height = y + 4;
  std::ostringstream os;
  os << "<svg class=\"sequence\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << ' '
     << height << "\" role=\"img\" aria-label=\"sequence diagram, " << entries.size()
     << " requests\" font-family=\"ui-monospace, DejaVu Sans Mono, Menlo, monospace\" "
     << "font-size=\"12\">";
  os << "<style>.req{fill:#1b1b1b}.ans{fill:#3c4043}.err{fill:#a51d1d}.note{fill:#5f6368}"
     << ".fault{fill:#c62828;font-weight:bold}.seq{fill:#5f6368}.head{font-weight:bold;fill:#1b1b1b}</style>";
  for (int x : {client_x, fake_x}) {
    os << "<rect x=\"" << x - 55 << "\" y=\"8\" width=\"110\" height=\"26\" rx=\"4\" fill=\"#eef1f5\" "
       << "stroke=\"#8a94a0\"/>";
    os << "<line x1=\"" << x << "\" y1=\"34\" x2=\"" << x << "\" y2=\"" << height - 4
       << "\" stroke=\"#8a94a0\" stroke-dasharray=\"3 3\"/>";
  }
  svg_text(os, client_x, 26, "middle", "head", "Client");
  svg_text(os, fake_x, 26, "middle", "head", "Fake (ocifake)");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = *entries[i];
    const auto& l = labels[i];
    int ry = row_y[i];
    std::string_view colour = l.fault ? "#c62828" : "#1b1b1b";
    os << "<g class=\"entry" << (l.fault ? " fault" : "") << "\" data-seq=\"" << e.seq << "\"><title>"
       << escape(to_string(e, {.full_ocids = true})) << "</title>";
    svg_text(os, 4, ry + 10, "start", "seq", '#' + std::to_string(e.seq));
    svg_text(os, (client_x + fake_x) / 2.0, ry, "middle", l.fault ? "fault" : "req", l.request);
    svg_arrow(os, client_x, fake_x, ry + 6, colour, false);
    bool error = e.status == 0 || e.status >= 400;
    // No answer: the label sits over the part of the line that was drawn, right of its cross.
    double answer_x = e.status == 0 ? (no_answer_end(fake_x) + fake_x) / 2.0 : (client_x + fake_x) / 2.0;
    svg_text(os, answer_x, ry + 30, "middle", error ? "err" : "ans", l.answer);
    if (e.status == 0)
      svg_no_answer(os, fake_x, ry + 36, "#a51d1d");
    else
      svg_arrow(os, fake_x, client_x, ry + 36, error ? "#a51d1d" : "#3c4043", true);
    for (std::size_t n = 0; n < l.notes.size(); ++n)
      svg_text(os, fake_x + 12, ry + 10 + static_cast<int>(n) * note_line, "start",
               l.fault && n == 0 ? "fault" : "note", l.notes[n]);
    os << "</g>";
  }
  os << "</svg>";
  return os.str();
}

// The fault kinds the matrix has columns for: those of the runs, skipped pairs and cut runs, in
// the order of the enumeration.
std::vector<fault_kind> kinds_in(const explore_result& r) {
  std::vector<fault_kind> seen;
  auto note = [&](const std::vector<explored_fault>& faults) {
    if (!faults.empty()) seen.push_back(faults[0].kind);
  };
  for (const auto& run : r.runs) note(run.faults);
  for (const auto& s : r.skipped) note(s.faults);
  for (const auto& c : r.cut_runs) note(c);
  std::vector<fault_kind> out;
  for (auto k : all_fault_kinds())
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) out.push_back(k);
  return out;
}

bool first_fault_is(const std::vector<explored_fault>& faults, std::uint64_t seq, fault_kind kind, std::size_t size) {
  return faults.size() == size && faults[0].request == seq && faults[0].kind == kind;
}

// 1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st.
std::string ordinal(std::uint64_t n) {
  auto teen = n % 100 >= 11 && n % 100 <= 13;
  const char* suffix = teen || n % 10 > 3 || n % 10 == 0 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : "rd";
  return std::to_string(n) + suffix;
}

std::string run_anchor(std::size_t index) { return "run-" + std::to_string(index + 1); }

// One cell of the matrix: the depth-1 run of (request, kind), or why there is none; with depth 2,
// how many runs that add a second fault to it failed.
std::string matrix_cell(const explore_result& r, const explore_request& req, fault_kind kind) {
  std::string label = '#' + std::to_string(req.seq) + ' ' + req.operation + ' ' + to_string(kind);
  std::size_t second_failures = 0, first_second = 0;
  for (std::size_t i = 0; i < r.runs.size(); ++i)
    if (first_fault_is(r.runs[i].faults, req.seq, kind, 2) && !r.runs[i].passed && second_failures++ == 0)
      first_second = i;
  std::string second;
  if (second_failures)
    second = "<a class=\"second\" href=\"#" + run_anchor(first_second) + "\" title=\"" +
             std::to_string(second_failures) + " failing run(s) with a second fault after this one\">+" +
             std::to_string(second_failures) + "&#x2717;</a>";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const auto& run = r.runs[i];
    if (!first_fault_is(run.faults, req.seq, kind, 1)) continue;
    if (run.passed)
      return "<td class=\"cell passed\" title=\"" + escape(label + ": passed") + "\">&#x2713; passed" + second +
             "</td>";
    return "<td class=\"cell failed\" title=\"" + escape(label + ": " + run.message) + "\"><a href=\"#" +
           run_anchor(i) + "\">&#x2717; failed</a>" + second + "</td>";
  }
  for (const auto& s : r.skipped)
    if (first_fault_is(s.faults, req.seq, kind, 1))
      return "<td class=\"cell skipped\" title=\"" + escape(label + ": skipped: " + s.reason) +
             "\">&#x2013; skipped</td>";
  for (const auto& c : r.cut_runs)
    if (first_fault_is(c, req.seq, kind, 1))
      return "<td class=\"cell cut\" title=\"" + escape(label + ": not run, cut by max_runs") + "\">&#x2702; cut</td>";
  return "<td class=\"cell none\" title=\"" + escape(label + ": not planned") + "\">&#x00b7;" + second + "</td>";
}

void write_summary(std::ostream& os, const explore_result& r) {
  os << "<section id=\"summary\">\n";
  if (!r.reference.passed)
    os << "<p class=\"verdict bad\">&#x2717; The reference run (no fault) failed, so nothing was explored.</p>\n";
  else if (r.failed())
    os << "<p class=\"verdict bad\">&#x2717; " << r.failed() << " of " << r.runs.size() << " runs failed.</p>\n";
  else
    os << "<p class=\"verdict ok\">&#x2713; Every run passed.</p>\n";
  os << "<table class=\"summary\"><tr><th>runs</th><th>passed</th><th>failed</th><th>skipped</th><th>cut</th>"
     << "<th>requests in the reference run</th></tr>\n<tr><td id=\"summary-runs\">" << r.runs.size()
     << "</td><td id=\"summary-passed\">" << r.passed() << "</td><td id=\"summary-failed\">" << r.failed()
     << "</td><td id=\"summary-skipped\">" << r.skipped.size() << "</td><td id=\"summary-cut\">" << r.cut
     << "</td><td id=\"summary-requests\">" << r.requests.size() << "</td></tr></table>\n";
  if (r.cut)
    os << "<p class=\"muted\">" << r.cut << " runs were cut by <code>max_runs</code>, from "
       << escape(to_string(r.cut_runs.front())) << ".</p>\n";
  os << "</section>\n";
}

void write_matrix(std::ostream& os, const explore_result& r) {
  if (r.requests.empty()) return;
  auto kinds = kinds_in(r);
  os << "<section id=\"matrix\">\n<h2>Requests &#x00d7; faults</h2>\n"
     << "<p class=\"legend\"><span>&#x2713; passed</span><span>&#x2717; failed (links to the run)</span>"
     << "<span>&#x2013; skipped</span><span>&#x2702; cut by max_runs</span><span>&#x00b7; not planned</span>"
     << "<span>+N&#x2717; runs with a second fault that failed</span></p>\n"
     << "<table class=\"matrix\"><thead><tr><th>request</th><th>resource</th>";
  for (auto k : kinds) os << "<th class=\"kind\">" << escape(to_string(k)) << "</th>";
  os << "</tr></thead>\n<tbody>\n";
  for (const auto& req : r.requests) {
    os << "<tr class=\"request\" id=\"request-" << req.seq << "\"><th class=\"request\">#" << req.seq << ' '
       << escape(req.operation) << "</th><td class=\"resource mono\" title=\"" << escape(req.resource) << "\">"
       << (req.resource.empty() ? "&#x2014;" : escape(detail::abbreviate_ocids(req.resource))) << "</td>";
    for (auto k : kinds) os << matrix_cell(r, req, k);
    os << "</tr>\n";
  }
  os << "</tbody></table>\n</section>\n";
}

void write_run(std::ostream& os, const explore_run& run, const std::string& id, const std::string& heading) {
  os << "<section class=\"run" << (run.faults.empty() ? " reference" : " failed") << "\" id=\"" << id << "\">\n<h3>"
     << escape(heading) << "</h3>\n";
  if (!run.faults.empty()) {
    os << "<ul class=\"faults\">";
    for (const auto& f : run.faults)
      os << "<li><b>" << escape(to_string(f.kind)) << "</b> on request #" << f.request << ", the " << ordinal(f.nth)
         << ' ' << escape(f.operation) << " of " << (&f == &run.faults.front() ? "the reference run" : "its run")
         << "</li>";
    os << "</ul>\n";
  }
  if (!run.passed) {
    if (run.exit_code) os << "<p>exit status " << *run.exit_code << "</p>\n";
    os << "<pre class=\"message\">" << escape(run.message) << "</pre>\n";
  }
  os << "<div class=\"diagram\">" << sequence_svg(run.journal, run.faults) << "</div>\n";
  os << "<details><summary>journal</summary><pre>" << escape(to_string(run.journal, {.full_ocids = true}))
     << "</pre></details>\n</section>\n";
}

void write_failures(std::ostream& os, const explore_result& r) {
  for (std::size_t depth : {1u, 2u}) {
    bool any = false;
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
      const auto& run = r.runs[i];
      if (run.passed || run.faults.size() != depth) continue;
      if (!any)
        os << "<h2 id=\"failures-" << depth << "\">Failing runs" << (depth == 2 ? " with two faults" : "") << "</h2>\n";
      any = true;
      write_run(os, run, run_anchor(i), to_string(run.faults) + ": FAILED");
    }
  }
}

}  // namespace

std::string explore_result::to_html() const {
  std::ostringstream os;
  std::string title = !reference.passed ? "reference run failed"
                      : failed()        ? std::to_string(failed()) + " of " + std::to_string(runs.size()) + " failed"
                                        : "all " + std::to_string(runs.size()) + " passed";
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
     << "<title>ocifake exploration: " << escape(title) << "</title>\n<style>" << style << "</style>\n</head>\n<body>\n"
     << "<h1>Fault-space exploration</h1>\n";
  write_summary(os, *this);
  if (!reference.passed) {
    write_run(os, reference, "reference", "Reference run (no fault): FAILED");
  } else {
    write_matrix(os, *this);
    write_failures(os, *this);
    os << "<h2>Reference run</h2>\n<details id=\"reference-run\"><summary>the run without faults, "
       << reference.journal.size() << " requests</summary>\n";
    write_run(os, reference, "reference", "Reference run (no fault): passed");
    os << "</details>\n";
  }
  os << "</body>\n</html>\n";
  return os.str();
}

}  // namespace ocifake
