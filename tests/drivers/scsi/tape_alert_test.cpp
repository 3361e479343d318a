// TapeAlert log page 0x2E (SSC-4 8.2.3) and the flag table.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "drivers/scsi/tape_alert.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
B page_with(const std::set<int>& set_flags) {
  B r{0x2E, 0x00, 0x01, 0x40};  // 64 parameters * 5 bytes = 320 = 0x140
  for (int f = 1; f <= 64; ++f) {
    r.push_back(0);
    r.push_back(static_cast<std::uint8_t>(f));
    r.push_back(0x03);
    r.push_back(1);
    r.push_back(set_flags.count(f) ? 1 : 0);
  }
  return r;
}
}  // namespace

TEST_CASE("TapeAlert: every flag 1..64 has a name and a severity") {
  std::set<std::string> names;
  for (int f = 1; f <= 64; ++f) {
    const auto& t = tape_alert_flag(static_cast<std::uint8_t>(f));
    CHECK(t.flag == f);
    REQUIRE(t.name != nullptr);
    CHECK(std::string(t.name).size() > 2);
    names.insert(t.name);
  }
  CHECK(names.size() == 64);
  CHECK(std::string(tape_alert_flag(0x14).name) == "Clean now");
  CHECK(tape_alert_flag(0x14).severity == AlertSeverity::critical);
  CHECK(std::string(tape_alert_flag(0x01).name) == "Read warning");
  CHECK(tape_alert_flag(0x01).severity == AlertSeverity::warning);
  CHECK(tape_alert_flag(0x0B).severity == AlertSeverity::information);
  CHECK(std::string(tape_alert_flag(0x3C).name) == "WORM medium - overwrite attempted");
  CHECK(std::string(tape_alert_flag(0).name) == "Reserved");
  CHECK(std::string(tape_alert_flag(65).name) == "Reserved");
  CHECK(std::string(alert_severity_name(AlertSeverity::critical)) == "critical");
}

TEST_CASE("TapeAlert page: set flags become a mask") {
  auto m = parse_tape_alert_page(page_with({1, 0x14, 64}));
  REQUIRE(m.ok());
  CHECK(*m == ((1ULL << 0) | (1ULL << 0x13) | (1ULL << 63)));
  m = parse_tape_alert_page(page_with({}));
  REQUIRE(m.ok());
  CHECK(*m == 0);
}

TEST_CASE("TapeAlert page: vendor parameters ignored, empty values rejected") {
  B r{0x2E, 0x00, 0x00, 10, 0x01, 0x00, 0x03, 0x01, 0x01,   // vendor 0x0100 set: ignored
      0x00, 0x03, 0x03, 0x01, 0x01};                          // flag 3
  auto m = parse_tape_alert_page(r);
  REQUIRE(m.ok());
  CHECK(*m == (1ULL << 2));
  B empty{0x2E, 0x00, 0x00, 4, 0x00, 0x05, 0x03, 0x00};
  auto e = parse_tape_alert_page(empty);
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.error().message, Catch::Contains("parameter 5"));
}
