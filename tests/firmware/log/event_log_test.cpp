// The event log: a bounded ring, one line per entry, history across restarts.
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

TEST_CASE("event log: bounded ring, one line per entry, history survives a restart", "[console]") {
  test::TempDir tmp;
  hal::ManualClock clock;
  {
    EventLog log(clock, tmp.path(), 3);
    for (int i = 1; i <= 5; ++i) log.add(LogLevel::info, "test", "event " + std::to_string(i));
    log.add(LogLevel::warning, "drive0", "forged\nline");
    auto last = log.last(10);
    REQUIRE(last.size() == 3);
    CHECK(last.front().text == "event 4");
    CHECK(last.back().text == "forged line");
    CHECK(log.since(last[1].seq).size() == 1);
    CHECK_FALSE(log.wait_newer(log.last_seq(), std::chrono::milliseconds(1)));
  }
  EventLog again(clock, tmp.path(), 100);
  auto all = again.last(100);
  REQUIRE(all.size() == 6);
  CHECK(all[0].text == "event 1");
  CHECK(all[5].source == "drive0");
  CHECK(all[5].level == LogLevel::warning);
}
