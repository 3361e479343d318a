// Running commands: the progress line of a job, failed reports and exit statuses.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "firmware/console/unattended.hpp"
#include "firmware/log/event_log.hpp"
#include "firmware/service/job_manager.hpp"
#include "firmware/service/saved_jobs.hpp"
#include "firmware/service/schedule.hpp"
#include "firmware/console/test_support.hpp"
#include "firmware/service/failed_report.hpp"

using namespace tg;
using namespace tg::firmware;
using namespace tg::firmware::service;

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

TEST_CASE("a failed report reads the same in the service's job status and watch as in the one-shot exit status", "[console]") {
  hal::ManualClock clock;
  EventLog log(clock, std::nullopt);
  JobManager jobs(log, clock);
  auto table = console::make_command_table();
  REQUIRE(table.ok());
  REQUIRE(table->add({.name = "test report",
                      .usage = "test report",
                      .summary = "a job whose report says it failed",
                      .handler = [](console::CommandContext& c) { return c.run_job("restore nightly", "restore", test::failed_report); },
                      .needs_library = false})
              .ok());
  console::Appliance app;
  app.jobs = &jobs;
  app.log = &log;
  console::Unattended io;

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
