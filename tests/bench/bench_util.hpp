#pragma once
// Small measuring helpers shared by the benchmark programs: timing, percentiles, and what the
// process holds (resident memory, threads, descriptors) as /proc reports it.

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

using clock_type = std::chrono::steady_clock;

inline double micros_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
}

// User and system CPU time of the whole process so far, in microseconds.
inline double cpu_micros() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  return us(u.ru_utime) + us(u.ru_stime);
}

// Nearest-rank percentile (p in [0, 1]) of a sample; the sample is sorted in place.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

// Entries of a /proc directory, without "." and "..", and without the descriptor that reads it.
inline int count_entries(const char* dir_path, bool skip_own_fd) {
  DIR* dir = opendir(dir_path);
  if (!dir) return -1;
  int own = dirfd(dir), n = 0;
  while (auto* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    if (skip_own_fd && std::atoi(e->d_name) == own) continue;
    ++n;
  }
  closedir(dir);
  return n;
}

inline int thread_count() { return count_entries("/proc/self/task", false); }
inline int fd_count() { return count_entries("/proc/self/fd", true); }

// Resident set size in bytes (/proc/self/statm, second field).
inline long long rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// One result line: "<name>\t<value>", which run.sh collects.
inline void report(const std::string& name, double value) {
  std::printf("%s\t%.3f\n", name.c_str(), value);
  std::fflush(stdout);
}

inline void report(const std::string& name, const std::string& value) {
  std::printf("%s\t%s\n", name.c_str(), value.c_str());
  std::fflush(stdout);
}

}  // namespace bench
