#pragma once
// The benchmarks' memory figures, from /proc/self/status: "VmRSS:" (resident
// now) or "VmHWM:" (the peak), in KiB; -1 when the field cannot be read.
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tg::tools {

inline long rss_kib(const char* field) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long v = -1;
  std::size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, field, n) == 0) v = std::atol(line + n);
  std::fclose(f);
  return v;
}

}  // namespace tg::tools
