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

TEST_CASE("saved jobs round-trip through their files", "[console]") {
  test::TempDir tmp;
  SavedJobStore store(tmp.path() / "jobs");
  SavedJob j;
  j.name = "nightly";
  j.source = "/srv/repo one";
  j.pool = "weekly";
  j.schedule = *parse_schedule("weekly@fri@22:15");
  j.extra["compression"] = "on";
  REQUIRE(store.save(j).ok());
  auto back = store.load("nightly");
  REQUIRE(back.ok());
  CHECK(back->source == "/srv/repo one");
  CHECK(back->schedule->text() == "weekly@fri@22:15");
  CHECK(back->extra.at("compression") == "on");
  CHECK(store.load_all().size() == 1);
  CHECK_FALSE(check_job_name("../etc").ok());
  CHECK_FALSE(check_job_name(".hidden").ok());
  j.pool = "two\nlines";
  CHECK_FALSE(store.save(j).ok());
  std::ofstream(tmp.path() / "jobs" / "broken.job") << "name=broken\nschedule=sometimes\n";
  std::vector<std::string> problems;
  CHECK(store.load_all(&problems).size() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("broken") != std::string::npos);
  CHECK(store.remove("nightly").ok());
  CHECK(store.load("nightly").error().code == Errc::not_found);
}

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

TEST_CASE("progress line of a backup: bytes, rate, ETA, cartridge, streaming or not", "[console]") {
  service::JobInfo j;
  j.id = 4;
  j.name = "nightly";
  j.kind = "backup";
  j.has_progress = true;
  auto& p = j.progress;
  p.phase.set("writing");
  p.bytes_done = 3ull << 30;
  p.bytes_total = 6ull << 30;
  p.files_done = 2;
  p.files_total = 5;
  p.rate_bytes_per_s = 300e6;
  p.eta_seconds = 3725;
  p.cartridge.set("TP0003L9");
  p.drive.set("drive0");
  CHECK(console::progress_line(j) ==
        "job 4 (nightly): running, writing, 3.0 GiB of 6.0 GiB (50%), 2/5 files, 300.0 MB/s, ETA 1:02:05, TP0003L9 in "
        "drive0, streaming");
  // Stalls earlier in the job do not make a streaming drive "not streaming".
  p.stalls = 3;
  CHECK(console::progress_line(j).ends_with(", TP0003L9 in drive0, streaming (3 stalls so far)"));
  p.streaming = false;
  CHECK(console::progress_line(j).ends_with(", TP0003L9 in drive0, not streaming (3 stalls so far)"));
  // A cartridge change keeps the job's bytes and names the cartridge.
  p.phase.set("changing cartridge: loading TP0004L9");
  p.cartridge.set("TP0004L9");
  CHECK(console::progress_line(j).find("changing cartridge: loading TP0004L9, 3.0 GiB of 6.0 GiB (50%)") !=
        std::string::npos);
  // Before data flows (labels, the first load) a backup says nothing about streaming.
  service::JobInfo k = j;
  k.progress = ProgressSnapshot{};
  k.progress.phase.set("reading new labels");
  CHECK(console::progress_line(k) == "job 4 (nightly): running, reading new labels");
}

namespace {

// A body that runs to its end and reports that the work failed, as a
// restore does when every file failed (report_into sets Reply::failed).
Result<console::Reply> failed_report(JobContext&) {
  console::Reply r;
  r.field("files_ok", std::int64_t{0}).field("files_failed", std::int64_t{3});
  r.failed = true;
  r.note("restore of job nightly: 0 files ok (0 bytes), 3 failed");
  return r;
}

class NoOperator final : public console::Interaction {
 public:
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
  void stream(const std::string&, bool) override {}
  bool stop_requested() override { return false; }
};

}  // namespace

TEST_CASE("job manager: a job whose own report says it failed ends failed, its report kept", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock);
  auto id = jobs.start("restore nightly", "restore", failed_report);
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

TEST_CASE("a failed report reads the same in the service's job status and watch as in the one-shot exit status", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock);
  auto table = console::make_command_table();
  REQUIRE(table.ok());
  REQUIRE(table->add({.name = "test report",
                      .usage = "test report",
                      .summary = "a job whose report says it failed",
                      .handler = [](console::CommandContext& c) { return c.run_job("restore nightly", "restore", failed_report); },
                      .needs_library = false})
              .ok());
  console::Appliance app;
  app.jobs = &jobs;
  app.log = &log;
  NoOperator io;

  // One-shot: the command waits for its job and exits 1 with the report.
  auto oneshot = console::execute_line(*table, app, io, "test report");
  CHECK(oneshot.exit_status == console::kExitFailed);
  CHECK(oneshot.output.find("3 failed") != std::string::npos);

  // Service: the job's record, `job status` and `job watch` say the same.
  app.in_service = true;
  auto started = console::execute_line(*table, app, io, "test report --json");
  REQUIRE(started.exit_status == console::kExitOk);
  std::uint64_t id = 0;
  for (const auto& j : jobs.list()) id = std::max(id, j.id);
  REQUIRE(test::eventually([&] { return job_finished(jobs.get(id)->state); }));
  CHECK(jobs.get(id)->state == JobState::failed);
  auto status = console::execute_line(*table, app, io, "job status " + std::to_string(id) + " --json");
  CHECK(status.output.find("\"state\":\"failed\"") != std::string::npos);
  CHECK(status.output.find("\"files_failed\":3") != std::string::npos);
  CHECK(status.output.find("\"error\":\"restore of job nightly: 0 files ok (0 bytes), 3 failed\"") != std::string::npos);
  auto watch = console::execute_line(*table, app, io, "job watch " + std::to_string(id));
  CHECK(watch.exit_status == console::kExitFailed);
  CHECK(watch.output.find("failed") != std::string::npos);
  CHECK(watch.output.find("3 failed") != std::string::npos);
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
