// The service's jobs: progress, operator waits, cancel, failures, limits.
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
#include "firmware/service/failed_report.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::service;

TEST_CASE("job manager: progress, operator wait, cancel", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock);
  auto id = jobs.start("copy", "test", [](JobContext& ctx) -> Result<console::Reply> {
    ProgressSnapshot p;
    p.phase.set("copying");
    p.bytes_done = 10;
    p.bytes_total = 100;
    ctx.progress(p);
    if (!ctx.wait_for_operator("insert TG0009L9", std::chrono::minutes(5)))
      return Error(Errc::cancelled, "cancelled while waiting");
    ctx.log(LogLevel::info, "operator answered");
    if (!ctx.wait_for_operator("second question", std::chrono::minutes(5))) return Error(Errc::cancelled, "cancelled");
    console::Reply r;
    r.note("done");
    return r;
  });
  REQUIRE(id.ok());
  std::uint64_t seen = 0;
  JobInfo j;
  REQUIRE(test::eventually([&] {
    j = *jobs.wait(*id, seen, std::chrono::milliseconds(100));
    seen = j.generation;
    return j.state == JobState::waiting_for_operator;
  }));
  CHECK(j.operator_request == "insert TG0009L9");
  CHECK(j.progress.bytes_done == 10);
  CHECK(jobs.running() == 1);
  REQUIRE(jobs.resume(*id).ok());
  REQUIRE(test::eventually([&] {
    j = *jobs.get(*id);
    return j.state == JobState::waiting_for_operator && j.operator_request == "second question";
  }));
  REQUIRE(jobs.cancel(*id).ok());
  REQUIRE(test::eventually([&] { return job_finished(jobs.get(*id)->state); }));
  j = *jobs.get(*id);
  CHECK(j.state == JobState::cancelled);
  CHECK(j.log_tail == std::vector<std::string>{"operator answered"});
  CHECK(jobs.cancel(*id).error().message.find("already cancelled") != std::string::npos);
  CHECK(jobs.get(999).error().code == Errc::not_found);
}

TEST_CASE("job manager: failures and the running limit", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock, 1);
  auto blocker = jobs.start("hold", "test", [](JobContext& ctx) -> Result<console::Reply> {
    ctx.wait_for_operator("hold", std::chrono::minutes(5));
    return console::Reply{};
  });
  REQUIRE(blocker.ok());
  auto second = jobs.start("second", "test", [](JobContext&) -> Result<console::Reply> { return console::Reply{}; });
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == Errc::busy);
  REQUIRE(test::eventually([&] { return jobs.get(*blocker)->state == JobState::waiting_for_operator; }));
  REQUIRE(jobs.resume(*blocker).ok());
  REQUIRE(test::eventually([&] { return jobs.running() == 0; }));
  auto failing = jobs.start("bad", "test", [](JobContext&) -> Result<console::Reply> {
    return Error(Errc::medium_error, "drive drive0: MEDIUM ERROR");
  });
  REQUIRE(failing.ok());
  REQUIRE(test::eventually([&] { return job_finished(jobs.get(*failing)->state); }));
  CHECK(jobs.get(*failing)->state == JobState::failed);
  CHECK(jobs.get(*failing)->error.message == "drive drive0: MEDIUM ERROR");
  bool logged = false;
  for (const auto& e : log.last(10)) logged = logged || e.text.find("failed: bad: drive drive0") != std::string::npos;
  CHECK(logged);
}

TEST_CASE("job manager: a job whose own report says it failed ends failed, its report kept", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock);
  auto id = jobs.start("restore nightly", "restore", test::failed_report);
  REQUIRE(id.ok());
  REQUIRE(test::eventually([&] { return job_finished(jobs.get(*id)->state); }));
  const JobInfo j = *jobs.get(*id);
  CHECK(j.state == JobState::failed);
  CHECK(j.error.message == "restore of job nightly: 0 files ok (0 bytes), 3 failed");
  CHECK(j.summary.failed);
  CHECK(j.summary.fields.size() == 2);
  bool logged = false;
  for (const auto& e : log.last(10)) logged = logged || e.text.find("failed: restore nightly: restore of job") != std::string::npos;
  CHECK(logged);
}

TEST_CASE("job manager: the same operator request asked again while polling is announced once", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock);
  auto id = jobs.start("restore", "test", [](JobContext& ctx) -> Result<console::Reply> {
    // A job polling the library between short waits.
    for (int i = 0; i < 5; ++i)
      if (!ctx.wait_for_operator("insert cartridge TG0009L9 into a mail slot", std::chrono::milliseconds(1)))
        return Error(Errc::cancelled, "cancelled");
    ctx.log(LogLevel::info, "cartridge arrived");
    if (!ctx.wait_for_operator("insert cartridge TG0009L9 into a mail slot", std::chrono::milliseconds(1)))
      return Error(Errc::cancelled, "cancelled");
    return console::Reply{};
  });
  REQUIRE(id.ok());
  REQUIRE(test::eventually([&] { return job_finished(jobs.get(*id)->state); }));
  CHECK(jobs.get(*id)->state == JobState::succeeded);
  std::size_t prompts = 0;
  for (const auto& e : log.last(100))
    if (e.text.rfind("operator: insert cartridge TG0009L9", 0) == 0) ++prompts;
  // Once for the five polls; again after the job went on (a new wait).
  CHECK(prompts == 2);
  jobs.shutdown();
}
