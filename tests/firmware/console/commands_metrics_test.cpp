// metrics through the command table, checked by Prometheus' own promtool.
#include <cstdio>
#include <fstream>

#include "firmware/console/bench.hpp"
#include "firmware/service/job_manager.hpp"

using namespace tg;
using namespace tg::firmware::console;

namespace {
// promtool (Debian `prometheus`, installed by tools/setup) reads the
// exposition on stdin; its verdict and output come back.
std::pair<int, std::string> promtool_check(const test::Bench& b, const std::string& text) {
  const auto in = b.tmp.path() / "metrics.prom";
  std::ofstream(in, std::ios::binary) << text;
  const std::string cmd = "promtool check metrics < '" + in.string() + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  return {::pclose(p), out};
}
}  // namespace

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

  auto [status, verdict] = promtool_check(b, t);
  INFO(verdict);
  CHECK(status == 0);

  // --json carries the same document as one string.
  auto j = b.run({"--json", "metrics"});
  CHECK(j.output.rfind("{\"ok\":true,\"text\":\"# HELP tapegate_build_info", 0) == 0);
}

TEST_CASE("metrics show each drive as last read at the end of a mount, cleaning requests and TapeAlert flags included", "[console][metrics]") {
  test::TempDir d;
  const auto xml = d.path() / "clean.xml";
  // One drive asking for cleaning from power-on (TapeAlert 20).
  std::ofstream(xml) << "<board name=\"clean\">\n"
                     << "  <simulated-library generation=\"9\" cartridge-mb=\"16\" speed-mbps=\"0\">\n"
                     << "    <picker address=\"1\"/>\n"
                     << "    <mailslots first=\"10\" count=\"1\"/>\n"
                     << "    <drive name=\"drive0\" element=\"500\"/>\n"
                     << "    <slots first=\"1000\" count=\"4\"/>\n"
                     << "    <cartridge barcode=\"TG0001L9\" slot=\"1000\"/>\n"
                     << "    <fault kind=\"clean-drive\" drive=\"0\"/>\n"
                     << "  </simulated-library>\n"
                     << "</board>\n";
  test::Bench b(xml.string());
  // Nothing read yet: no figures rather than made-up zeros.
  auto before = b.run({"metrics"});
  REQUIRE(before.exit_status == kExitOk);
  CHECK(before.output.find("tapegate_drive_in_use{drive=\"drive0\"} 0\n") != std::string::npos);
  CHECK(before.output.find("tapegate_drive_written_bytes_total{") == std::string::npos);
  CHECK(before.output.find("tapegate_drive_cleaning_requested{") == std::string::npos);

  REQUIRE(b.run({"load", "TG0001L9", "drive0"}).exit_status == kExitOk);
  REQUIRE(b.run({"unload", "drive0"}).exit_status == kExitOk);
  auto m = b.run({"metrics"});
  INFO(m.output);
  REQUIRE(m.exit_status == kExitOk);
  const std::string& t = m.output;
  CHECK(t.find("tapegate_drive_written_bytes_total{drive=\"drive0\"} 0\n") != std::string::npos);
  CHECK(t.find("tapegate_drive_read_bytes_total{drive=\"drive0\"} ") != std::string::npos);
  CHECK(t.find("tapegate_drive_backhitches_total{drive=\"drive0\"} ") != std::string::npos);
  CHECK(t.find("tapegate_drive_stalls_total{drive=\"drive0\"} 0\n") != std::string::npos);
  CHECK(t.find("tapegate_drive_cleaning_requested{drive=\"drive0\"} 1\n") != std::string::npos);
  CHECK(t.find("tapegate_drive_tapealert{drive=\"drive0\",flag=\"20\",") != std::string::npos);
  CHECK(t.find("# TYPE tapegate_drive_written_bytes_total counter\n") != std::string::npos);
  auto [status, verdict] = promtool_check(b, t);
  INFO(verdict);
  CHECK(status == 0);
  // The drive still asks the next reader (the operator's own command).
  auto again = b.run({"--json", "drive", "tapealert", "drive0"});
  CHECK(again.output.find("\"flag\":20") != std::string::npos);
}
