// Schedules of saved jobs ("hourly", "daily@HH:MM", "weekly@DAY@HH:MM")
// come from the console and from the saved-job files on disk. A schedule
// that parses prints back to a spec that parses to the same schedule, and
// its next run is strictly later than the time asked about.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "firmware/service/schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace s = tg::firmware::service;
  // First 4 bytes: a time to ask next_after() about (2001..2137, so the
  // answer stays within time_t and the local time zone's rules).
  if (size < 4) return 0;
  std::uint32_t t = 0;
  std::memcpy(&t, data, 4);
  const std::int64_t after = 1'000'000'000 + static_cast<std::int64_t>(t);
  std::string text(reinterpret_cast<const char*>(data + 4), size - 4);
  auto sched = s::parse_schedule(text);
  if (!sched.ok()) return 0;
  auto again = s::parse_schedule(sched->text());
  if (!again.ok() || again->text() != sched->text()) __builtin_trap();
  if (sched->next_after(after) <= after) __builtin_trap();
  return 0;
}
