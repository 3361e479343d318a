// REPORT LUNS (SPC-4 6.33).
#include <catch2/catch.hpp>

#include "drivers/scsi/report_luns.hpp"

using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

TEST_CASE("REPORT LUNS: list and LUN numbers") {
  B r{0, 0, 0, 24, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0,
      0x00, 0x01, 0, 0, 0, 0, 0, 0,
      0x41, 0x02, 0, 0, 0, 0, 0, 0};  // flat space LUN 0x102
  auto l = parse_report_luns(r);
  REQUIRE(l.ok());
  CHECK_FALSE(l->truncated);
  REQUIRE(l->luns.size() == 3);
  CHECK(lun_number(l->luns[0]) == 0);
  CHECK(lun_number(l->luns[1]) == 1);
  CHECK(lun_number(l->luns[2]) == 0x102);
}

TEST_CASE("REPORT LUNS: truncated lists and bad lengths") {
  B r{0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  auto l = parse_report_luns(r);
  REQUIRE(l.ok());
  CHECK(l->truncated);
  CHECK(l->luns.size() == 1);
  B bad{0, 0, 0, 7, 0, 0, 0, 0};
  REQUIRE_FALSE(parse_report_luns(bad).ok());
  REQUIRE_FALSE(parse_report_luns(B{0, 0, 0}).ok());
}
