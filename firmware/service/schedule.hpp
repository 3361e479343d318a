#pragma once
// When a saved job runs: "hourly" (at minute 0), "daily@HH:MM",
// "weekly@DAY@HH:MM" (DAY = mon..sun), in the appliance's local time zone.
#include <cstdint>
#include <optional>
#include <string>

#include "hal/result.hpp"

namespace tg::firmware::service {

struct Schedule {
  enum class Every : std::uint8_t { hour, day, week } every = Every::day;
  int hour = 0, minute = 0;
  int weekday = 0;  // 0 = Sunday (struct tm)

  std::string text() const;  // back to the spec form
  // First time strictly after `after` (UNIX seconds) when the job is due.
  std::int64_t next_after(std::int64_t after) const;
};

Result<Schedule> parse_schedule(const std::string& spec);

}  // namespace tg::firmware::service
