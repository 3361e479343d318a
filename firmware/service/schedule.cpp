#include "firmware/service/schedule.hpp"

#include <cstdio>
#include <ctime>

namespace tg::firmware::service {
namespace {

const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

Result<std::pair<int, int>> parse_hhmm(const std::string& s, const std::string& spec) {
  // Digits exactly at 0,1,3,4: "00::0" passed a character-set check and
  // then threw from std::stoi (found by tests/fuzz/fuzz_schedule.cpp).
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 5 || s[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    return Error(Errc::invalid_argument, "schedule '" + spec + "': time '" + s + "' is not HH:MM");
  int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
  if (h > 23 || m > 59) return Error(Errc::invalid_argument, "schedule '" + spec + "': time '" + s + "' is out of range");
  return std::make_pair(h, m);
}

}  // namespace

Result<Schedule> parse_schedule(const std::string& spec) {
  Schedule s;
  if (spec == "hourly") {
    s.every = Schedule::Every::hour;
    return s;
  }
  if (spec.rfind("daily@", 0) == 0) {
    auto hm = TG_TRY(parse_hhmm(spec.substr(6), spec));
    s.every = Schedule::Every::day;
    s.hour = hm.first;
    s.minute = hm.second;
    return s;
  }
  if (spec.rfind("weekly@", 0) == 0) {
    auto rest = spec.substr(7);
    auto at = rest.find('@');
    if (at == std::string::npos) return Error(Errc::invalid_argument, "schedule '" + spec + "' needs weekly@DAY@HH:MM");
    std::string day = rest.substr(0, at);
    int wd = -1;
    for (int i = 0; i < 7; ++i)
      if (day == kDays[i]) wd = i;
    if (wd < 0) return Error(Errc::invalid_argument, "schedule '" + spec + "': day '" + day + "' is not one of mon..sun");
    auto hm = TG_TRY(parse_hhmm(rest.substr(at + 1), spec));
    s.every = Schedule::Every::week;
    s.weekday = wd;
    s.hour = hm.first;
    s.minute = hm.second;
    return s;
  }
  return Error(Errc::invalid_argument, "schedule '" + spec + "' is not hourly, daily@HH:MM or weekly@DAY@HH:MM");
}

std::string Schedule::text() const {
  char buf[32];
  switch (every) {
    case Every::hour: return "hourly";
    case Every::day: std::snprintf(buf, sizeof buf, "daily@%02d:%02d", hour, minute); return buf;
    case Every::week: std::snprintf(buf, sizeof buf, "weekly@%s@%02d:%02d", kDays[weekday % 7], hour, minute); return buf;
  }
  return "?";
}

std::int64_t Schedule::next_after(std::int64_t after) const {
  // Walk candidate local times with mktime so daylight-saving changes are
  // the C library's business; at most 8 days of candidates are examined.
  std::time_t t = static_cast<std::time_t>(after);
  std::tm base{};
  localtime_r(&t, &base);
  if (every == Every::hour) {
    for (int k = 0; k <= 2; ++k) {
      std::tm c = base;
      c.tm_min = 0;
      c.tm_sec = 0;
      c.tm_hour += k;
      c.tm_isdst = -1;
      std::time_t ct = std::mktime(&c);
      if (ct > t) return ct;
    }
    return after + 3600;
  }
  for (int d = 0; d <= 8; ++d) {
    std::tm c = base;
    c.tm_mday += d;
    c.tm_hour = hour;
    c.tm_min = minute;
    c.tm_sec = 0;
    c.tm_isdst = -1;
    std::time_t ct = std::mktime(&c);
    if (ct <= t) continue;
    std::tm check{};
    localtime_r(&ct, &check);
    if (every == Every::week && check.tm_wday != weekday) continue;
    return ct;
  }
  return after + 7 * 86400;
}

}  // namespace tg::firmware::service
