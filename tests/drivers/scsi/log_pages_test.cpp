// LOG SENSE pages (SPC-4 7.3).
#include <catch2/catch.hpp>

#include "drivers/scsi/log_pages.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

TEST_CASE("log page: header and parameters") {
  // Page 0x0C, two parameters: 0x0000 with a 4-byte counter, 0x8000 with 8 bytes.
  B r{0x0C, 0x00, 0x00, 20,
      0x00, 0x00, 0x02, 0x04, 0x00, 0x00, 0x01, 0x00,
      0x80, 0x00, 0x03, 0x08, 0, 0, 0, 0x01, 0, 0, 0, 0x02};
  auto p = parse_log_page(r, 0x0C);
  REQUIRE(p.ok());
  REQUIRE(p->parameters.size() == 2);
  CHECK(p->parameters[0].code == 0);
  CHECK(p->parameters[0].control == 0x02);
  CHECK(p->parameters[0].counter() == 256);
  CHECK(p->parameters[1].code == 0x8000);
  CHECK(p->parameters[1].counter() == 0x0000000100000002ULL);
}

TEST_CASE("log page: wrong page, lying page length, parameter overrun") {
  B r{0x0C, 0x00, 0x00, 8, 0x00, 0x01, 0x00, 0x04, 1, 2, 3, 4};
  auto p = parse_log_page(r, 0x2E);
  REQUIRE_FALSE(p.ok());
  CHECK_THAT(p.error().message, Catch::Contains("returned page 0x0C"));

  B lying = r;
  lying[3] = 100;
  p = parse_log_page(lying, 0x0C);
  REQUIRE_FALSE(p.ok());
  CHECK_THAT(p.error().message, Catch::Contains("page length 100"));

  B overrun = r;
  overrun[7] = 9;
  p = parse_log_page(overrun, 0x0C);
  REQUIRE_FALSE(p.ok());
  CHECK_THAT(p.error().message, Catch::Contains("parameter length 9"));

  B half{0x0C, 0x00, 0x00, 2, 0x00, 0x01};
  p = parse_log_page(half, 0x0C);
  REQUIRE_FALSE(p.ok());
  CHECK_THAT(p.error().message, Catch::Contains("parameter at byte 4"));
}
