#pragma once
// Shared by ocifake/catch2.hpp and ocifake/gtest.hpp: how a failing test's journals are printed
// and, with OCIFAKE_JOURNAL_DIR set, written to files for CI artifacts. Not part of the API.

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include <ocifake/journal.hpp>

namespace ocifake::test_detail {

/// The journal of one watched server, as it stood when the watch ended.
struct captured_journal {
  std::string endpoint;
  std::vector<journal_entry> entries;
  /// Whether the test had failed while the server was watched.
  bool failed = false;
  /// Already written into the test's captured output (for reports that keep it).
  bool reported = false;
};

/// Writes one journal under a heading that names the test.
inline void print_journal(std::ostream& os, const captured_journal& j, const std::string& test_name) {
  os << "ocifake journal of " << j.endpoint << " for \"" << test_name << "\" (" << j.entries.size()
     << (j.entries.size() == 1 ? " request" : " requests") << "):\n";
  for (const auto& e : j.entries) os << "  " << e << '\n';
  os.flush();
}

/// A file name made of a test's name: letters, digits, '-' and '_' kept, the rest '_'.
inline std::string file_stem(const std::string& test_name) {
  std::string stem;
  for (char c : test_name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    stem += keep ? c : '_';
  }
  if (stem.size() > 120) stem.resize(120);
  return stem.empty() ? "test" : stem;
}

/// With OCIFAKE_JOURNAL_DIR set, writes each journal as `<test>.txt` and `<test>.mmd` there
/// (`<test>-2.txt` ... for a test with several servers).
inline void write_journal_files(const std::vector<const captured_journal*>& journals, const std::string& test_name) {
  const char* dir = std::getenv("OCIFAKE_JOURNAL_DIR");
  if (!dir || !*dir || journals.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string stem = (std::filesystem::path(dir) / file_stem(test_name)).string();
  for (std::size_t i = 0; i < journals.size(); ++i) {
    const std::string name = stem + (i ? "-" + std::to_string(i + 1) : std::string());
    std::ofstream text(name + ".txt");
    print_journal(text, *journals[i], test_name);
    std::ofstream(name + ".mmd") << to_mermaid(journals[i]->entries);
  }
}

/// The journals a failing test shows: those of the servers watched when it failed (all of them
/// when it failed after every server was gone), never one of a server that saw no request.
inline std::vector<const captured_journal*> journals_to_show(const std::vector<captured_journal>& journals) {
  bool any_marked = false;
  for (const auto& j : journals) any_marked = any_marked || j.failed;
  std::vector<const captured_journal*> shown;
  for (const auto& j : journals)
    if ((!any_marked || j.failed) && !j.entries.empty()) shown.push_back(&j);
  return shown;
}

}  // namespace ocifake::test_detail
