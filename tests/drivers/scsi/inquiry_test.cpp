// INQUIRY data (SPC-4 6.6.2), VPD 0x80 (7.8.15) and 0x83 (7.8.6).
#include <catch2/catch.hpp>

#include <cstring>

#include "drivers/scsi/inquiry.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
B standard(std::uint8_t type, const char* vendor, const char* product, const char* rev) {
  B r(36, ' ');
  r[0] = type;
  r[1] = 0x80;  // RMB
  r[2] = 0x06;  // SPC-4
  r[3] = 0x02;
  r[4] = 31;  // additional length: 36 - 5
  r[5] = r[6] = r[7] = 0;
  std::memcpy(&r[8], vendor, std::strlen(vendor));
  std::memcpy(&r[16], product, std::strlen(product));
  std::memcpy(&r[32], rev, std::strlen(rev));
  return r;
}
}  // namespace

TEST_CASE("standard INQUIRY: type, vendor, product, revision trimmed") {
  auto q = parse_standard_inquiry(standard(0x01, "IBM", "ULT3580-TD9", "Q3F5"));
  REQUIRE(q.ok());
  CHECK(q->device_type == 0x01);
  CHECK(q->qualifier == 0);
  CHECK(q->removable);
  CHECK(q->version == 6);
  CHECK(q->vendor == "IBM");
  CHECK(q->product == "ULT3580-TD9");
  CHECK(q->revision == "Q3F5");

  B changer = standard(0x08, "TAPEGATE", "SIM LIBRARY", "0100");
  changer.resize(96, 0);  // longer replies carry more (vendor specific) data
  changer[4] = 91;
  q = parse_standard_inquiry(changer);
  REQUIRE(q.ok());
  CHECK(q->device_type == 0x08);
  CHECK(q->vendor == "TAPEGATE");
}

TEST_CASE("standard INQUIRY: short replies and lying lengths are errors") {
  B r = standard(0x01, "A", "B", "C");
  r.resize(35);
  auto q = parse_standard_inquiry(r);
  REQUIRE_FALSE(q.ok());
  CHECK(q.error().message == "standard INQUIRY data: 35 bytes, need 36");
  r = standard(0x01, "A", "B", "C");
  r[4] = 10;
  q = parse_standard_inquiry(r);
  REQUIRE_FALSE(q.ok());
  CHECK_THAT(q.error().message, Catch::Contains("additional length 10"));
}

TEST_CASE("non-printable bytes in ASCII fields are shown, not passed through") {
  B r = standard(0x01, "AB\x01", "X", "1");
  auto q = parse_standard_inquiry(r);
  REQUIRE(q.ok());
  CHECK(q->vendor == "AB?");
}

TEST_CASE("VPD 0x80 unit serial number") {
  B r{0x01, 0x80, 0x00, 0x0A, '1', '0', '1', '3', '0', '0', '0', '1', ' ', ' '};
  auto s = parse_unit_serial(r);
  REQUIRE(s.ok());
  CHECK(*s == "10130001");

  B wrong_page = r;
  wrong_page[1] = 0x83;
  REQUIRE_FALSE(parse_unit_serial(wrong_page).ok());
  B lying = r;
  lying[3] = 40;
  auto e = parse_unit_serial(lying);
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.error().message, Catch::Contains("page length 40"));
}

TEST_CASE("VPD 0x83 designators: NAA binary and T10 vendor id ASCII") {
  B r{0x01, 0x83, 0x00, 0,
      // NAA (type 3), binary, logical unit association, 8 bytes
      0x01, 0x03, 0x00, 0x08, 0x50, 0x00, 0xE1, 0x11, 0x56, 0x30, 0x40, 0x01,
      // T10 vendor id (type 1), ASCII, 12 bytes
      0x02, 0x01, 0x00, 0x0C, 'T', 'A', 'P', 'E', 'G', 'A', 'T', 'E', 'S', 'N', '0', '1'};
  r[3] = static_cast<std::uint8_t>(r.size() - 4);
  auto d = parse_device_identification(r);
  REQUIRE(d.ok());
  REQUIRE(d->size() == 2);
  CHECK((*d)[0].type == 3);
  CHECK(designator_text((*d)[0]) == "naa:5000e11156304001");
  CHECK(designator_text((*d)[1]) == "t10:TAPEGATESN01");

  B overrun = r;
  overrun[7] = 0x30;  // first designator claims 48 bytes
  auto e = parse_device_identification(overrun);
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.error().message, Catch::Contains("designator length 48"));
}

TEST_CASE("VPD 0x00 supported pages") {
  B r{0x01, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83};
  auto p = parse_supported_vpd_pages(r);
  REQUIRE(p.ok());
  CHECK(*p == std::vector<std::uint8_t>{0x00, 0x80, 0x83});
}
