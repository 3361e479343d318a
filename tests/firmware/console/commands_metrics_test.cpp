// metrics through the command table, checked by Prometheus' own promtool.
#include <fstream>

#include "firmware/console/bench.hpp"
#include "firmware/metrics/promtool.hpp"
#include "firmware/service/job_manager.hpp"

using namespace tg;
using namespace tg::firmware::console;


TEST_CASE("metrics name every drive, slot type, pool and job, and promtool accepts them", "[console][metrics]") {
  test::Bench b;
  REQUIRE(b.run({"pool", "create", "weekly"}).exit_status == kExitOk);
  REQUIRE(b.run({"load", "TG0002L9", "drive1"}).exit_status == kExitOk);
  // A finished job with progress, as the service's job list holds it.
  auto id = b.jobs->start("backup \"nightly\"", "backup", [](firmware::JobContext& ctx) -> Result<Reply> {
    firmware::ProgressSnapshot p;
    p.bytes_done = 5'000'000;
    p.stalls = 3;
    ctx.progress(p);
    return Reply{};
  });
  REQUIRE(id.ok());
  REQUIRE(test::eventually([&] { return firmware::service::job_finished(b.jobs->get(*id)->state); }));
  auto m = b.run({"metrics"});
  INFO(m.output);
  REQUIRE(m.exit_status == kExitOk);
  const std::string& t = m.output;
  CHECK(t.find("tapegate_build_info{version=\"") != std::string::npos);
  CHECK(t.find("tapegate_library_elements{type=\"slot\"} 8\n") != std::string::npos);
  CHECK(t.find("tapegate_library_elements{type=\"mailslot\"} 2\n") != std::string::npos);
  CHECK(t.find("tapegate_library_elements{type=\"drive\"} 2\n") != std::string::npos);
  CHECK(t.find("tapegate_library_elements_full{type=\"drive\"} 1\n") != std::string::npos);
  CHECK(t.find("tapegate_drive_loaded{drive=\"drive0\",barcode=\"\"} 0\n") != std::string::npos);
  CHECK(t.find("tapegate_drive_loaded{drive=\"drive1\",barcode=\"TG0002L9\"} 1\n") != std::string::npos);
  CHECK(t.find("tapegate_pool_written_bytes{pool=\"weekly\"} 0\n") != std::string::npos);
  const std::string job = "{job=\"" + std::to_string(*id) + "\",name=\"backup \\\"nightly\\\"\",kind=\"backup\"";
  CHECK(t.find("tapegate_job_info" + job + ",state=\"succeeded\"} 1\n") != std::string::npos);
  CHECK(t.find("tapegate_job_bytes" + job + "} 5000000\n") != std::string::npos);
  CHECK(t.find("tapegate_job_drive_stalls" + job + "} 3\n") != std::string::npos);
  CHECK(t.find("tapegate_job_rate_bytes_per_second" + job) == std::string::npos);  // finished: no rate
  CHECK(t.find("tapegate_scrape_ok{part=\"jobs\"} 1\n") != std::string::npos);
  CHECK(t.find("tapegate_scrape_ok{part=\"library\"} 1\n") != std::string::npos);
  CHECK(t.find("tapegate_scrape_ok{part=\"catalog\"} 1\n") != std::string::npos);

  auto [status, verdict] = test::promtool_check(b.tmp.path(), t);
  INFO(verdict);
  CHECK(status == 0);

  // --json carries the same document as one string.
  auto j = b.run({"--json", "metrics"});
  CHECK(j.output.rfind("{\"ok\":true,\"text\":\"# HELP tapegate_build_info", 0) == 0);
}
