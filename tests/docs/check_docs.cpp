// Keeps the documentation true.
//
// 1. Every ```cpp and ```cmake block in docs/*.md and README.md must appear, line for line, in a
//    file the build compiles or runs (under docs/examples/ or tests/), so a sample cannot drift
//    from code that is checked. A block in another language is checked the same way when its
//    first line says where it is quoted from. A block the build compiles whole, as it stands in
//    the document, says so on the line before its fence, `<!-- compiled and run by <path> ... -->`,
//    naming the file that does it (README.md's headline: docs/examples/readme_test.cpp).
// 2. docs/reference.md has a section for every public header in include/ocifake/.
//
//   check_docs <source dir>
//
// A block may be indented differently from its source (the whole block by the same amount). A
// block whose first line is `// quoted from <path>` (`# quoted from` in CMake and shell, `%% quoted
// from` in Mermaid) must appear in that file, and that line is not part of the match. Exit status
// 1 lists every block that matches nothing and every header without a section.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct block {
  fs::path doc;
  std::size_t line = 0;  // of the opening fence, 1-based
  std::string language;
  std::vector<std::string> lines;
  std::optional<std::string> quoted_from;
  std::optional<std::string> compiled_by;  // the block is compiled whole, by this file
};

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> out;
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(l);
  }
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool always_checked(const std::string& lang) { return lang == "cpp" || lang == "c++" || lang == "cmake"; }

std::vector<block> blocks_of(const fs::path& doc) {
  std::vector<block> out;
  auto lines = read_lines(doc);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto t = trim(lines[i]);
    if (t.rfind("```", 0) != 0) continue;
    block b;
    b.doc = doc;
    b.line = i + 1;
    constexpr std::string_view compiled = "<!-- compiled and run by ";
    if (i > 0 && trim(lines[i - 1]).rfind(compiled, 0) == 0) {
      auto rest = trim(lines[i - 1]).substr(compiled.size());
      b.compiled_by = rest.substr(0, rest.find_first_of(" ,;:"));
    }
    b.language = trim(t.substr(3));
    std::size_t indent = lines[i].find('`');
    std::size_t j = i + 1;
    for (; j < lines.size() && trim(lines[j]).rfind("```", 0) != 0; ++j) {
      // A fenced block inside a list item is indented like its fence; that indent is not code.
      auto spaces = std::min(lines[j].find_first_not_of(' '), lines[j].size());
      b.lines.push_back(lines[j].substr(std::min(indent, spaces)));
    }
    i = j;
    if (!b.lines.empty()) {
      auto first = trim(b.lines.front());
      for (const char* marker : {"// quoted from ", "# quoted from ", "%% quoted from "}) {
        if (first.rfind(marker, 0) != 0) continue;
        auto rest = first.substr(std::string(marker).size());
        auto end = rest.find_first_of(" ,;:");
        b.quoted_from = rest.substr(0, end);
        b.lines.erase(b.lines.begin());
        break;
      }
    }
    while (!b.lines.empty() && trim(b.lines.back()).empty()) b.lines.pop_back();
    if (!b.lines.empty() && (always_checked(b.language) || b.quoted_from)) out.push_back(std::move(b));
  }
  return out;
}

// Whether `b` appears in `file` at some place, shifted right by one whitespace prefix.
bool appears_in(const std::vector<std::string>& b, const std::vector<std::string>& file) {
  if (b.empty() || file.size() < b.size()) return false;
  for (std::size_t i = 0; i + b.size() <= file.size(); ++i) {
    const auto& f0 = file[i];
    if (f0.size() < b[0].size() || f0.compare(f0.size() - b[0].size(), b[0].size(), b[0]) != 0) continue;
    auto prefix = f0.substr(0, f0.size() - b[0].size());
    if (!trim(prefix).empty()) continue;
    bool all = true;
    for (std::size_t k = 1; k < b.size() && all; ++k) {
      const auto& f = file[i + k];
      if (b[k].empty())
        all = trim(f).empty();
      else
        all = f == prefix + b[k];
    }
    if (all) return true;
  }
  return false;
}

bool source_file(const fs::path& p) {
  auto ext = p.extension().string();
  auto name = p.filename().string();
  return ext == ".cpp" || ext == ".hpp" || ext == ".h" || ext == ".cmake" || ext == ".sh" || ext == ".mmd" ||
         ext == ".json" || name == "CMakeLists.txt";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: check_docs <source dir>\n";
    return 2;
  }
  const fs::path root = argv[1];

  std::vector<std::pair<fs::path, std::vector<std::string>>> sources;
  for (const char* dir : {"docs/examples", "tests"}) {
    for (auto it = fs::recursive_directory_iterator(root / dir); it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_directory() && it->path().filename() == "node_modules") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && source_file(it->path()))
        sources.emplace_back(it->path().lexically_relative(root), read_lines(it->path()));
    }
  }

  std::vector<fs::path> docs;
  for (const auto& e : fs::directory_iterator(root / "docs"))
    if (e.is_regular_file() && e.path().extension() == ".md") docs.push_back(e.path());
  std::sort(docs.begin(), docs.end());
  docs.push_back(root / "README.md");

  int checked = 0, missing = 0;
  for (const auto& doc : docs) {
    for (const auto& b : blocks_of(doc)) {
      ++checked;
      bool found = false;
      if (b.compiled_by) {
        for (const auto& [path, lines] : sources)
          if (path == fs::path(*b.compiled_by)) found = true;
        if (found) continue;
        ++missing;
        std::cerr << doc.lexically_relative(root).string() << ':' << b.line << ": this ```" << b.language
                  << " block says it is compiled by " << *b.compiled_by
                  << ", which is not under docs/examples/ or tests/\n";
        continue;
      }
      for (const auto& [path, lines] : sources) {
        if (b.quoted_from && path != fs::path(*b.quoted_from)) continue;
        if (appears_in(b.lines, lines)) {
          found = true;
          break;
        }
      }
      if (found) continue;
      ++missing;
      std::cerr << doc.lexically_relative(root).string() << ':' << b.line << ": this ```" << b.language << " block ("
                << b.lines.size() << " lines, starting `" << trim(b.lines.front()) << "`) is not in "
                << (b.quoted_from ? *b.quoted_from + ", the file it says it quotes"
                                  : std::string("any file under docs/examples/ or tests/"))
                << ": quote it from a compiled file, or fix it\n";
    }
  }
  std::cout << checked << " code blocks in docs/*.md and README.md checked, " << missing
            << " not found in compiled files\n";

  // The reference covers every public header.
  std::string reference;
  for (const auto& l : read_lines(root / "docs/reference.md")) reference += l + "\n";
  int headers = 0, undocumented = 0;
  for (const auto& e : fs::directory_iterator(root / "include/ocifake")) {
    if (e.path().extension() != ".hpp") continue;
    ++headers;
    auto heading = "\n## `<ocifake/" + e.path().filename().string() + ">`\n";
    if (reference.find(heading) != std::string::npos) continue;
    ++undocumented;
    std::cerr << "docs/reference.md: no section for include/ocifake/" << e.path().filename().string()
              << " (expected a heading " << trim(heading) << ")\n";
  }
  std::cout << headers << " public headers, " << undocumented << " without a section in docs/reference.md\n";
  return missing || undocumented ? 1 : 0;
}
