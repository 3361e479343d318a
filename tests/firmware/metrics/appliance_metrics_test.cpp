// What the appliance exports of its drives: as the driver last read them,
// cleaning requests and TapeAlert flags included; promtool accepts it.
#include <fstream>

#include "firmware/console/bench.hpp"
#include "firmware/metrics/promtool.hpp"

using namespace tg;
using namespace tg::firmware::console;

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
  auto [status, verdict] = test::promtool_check(b.tmp.path(), t);
  INFO(verdict);
  CHECK(status == 0);
  // The drive still asks the next reader (the operator's own command).
  auto again = b.run({"--json", "drive", "tapealert", "drive0"});
  CHECK(again.output.find("\"flag\":20") != std::string::npos);
}
