// Saved-job schedules: parsed, printed, the next time found.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/log/event_log.hpp"
#include "firmware/service/job_manager.hpp"
#include "firmware/service/saved_jobs.hpp"
#include "firmware/service/schedule.hpp"
#include "firmware/console/test_support.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::service;

TEST_CASE("schedules parse, print and find the next time", "[console]") {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  auto d = parse_schedule("daily@02:30");
  REQUIRE(d.ok());
  CHECK(d->text() == "daily@02:30");
  const std::int64_t wed_noon = 1'795'608'000;  // 2026-11-25T12:00:00Z, a Wednesday
  CHECK(d->next_after(wed_noon) == 1'795'660'200);  // 2026-11-26T02:30Z
  auto h = parse_schedule("hourly");
  REQUIRE(h.ok());
  CHECK(h->next_after(wed_noon) == wed_noon + 3600);
  CHECK(h->next_after(wed_noon + 1) == wed_noon + 3600);
  auto w = parse_schedule("weekly@mon@01:00");
  REQUIRE(w.ok());
  CHECK(w->next_after(wed_noon) == 1'796'000'400);  // 2026-11-30T01:00Z
  for (const char* bad : {"daily", "daily@24:00", "daily@2:30", "weekly@funday@01:00", "weekly@mon", "monthly"})
    CHECK_FALSE(parse_schedule(bad).ok());
}
