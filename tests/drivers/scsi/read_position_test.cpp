// READ POSITION short (SSC-4 7.7.2) and long (7.7.3) forms.
#include <catch2/catch.hpp>

#include "drivers/scsi/read_position.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

TEST_CASE("short form: flags, locations and buffer counts") {
  B r{0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // BOP, object 0
  auto p = parse_read_position_short(r);
  REQUIRE(p.ok());
  CHECK(p->beginning_of_partition);
  REQUIRE(p->logical_object);
  CHECK(*p->logical_object == 0);

  B mid{0x01, 0x02, 0, 0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x00,
        0, 0x00, 0x00, 0x05, 0x00, 0x10, 0x00, 0x00};
  p = parse_read_position_short(mid);
  REQUIRE(p.ok());
  CHECK(p->beyond_early_warning);
  CHECK(p->partition == 2);
  CHECK(*p->logical_object == 65536);
  CHECK(*p->last_object == 0xFF00);
  CHECK(*p->objects_in_buffer == 5);
  CHECK(*p->bytes_in_buffer == 0x100000);
}

TEST_CASE("short form: position unknown as tgt reports it (0x14: LOLU + BYCU)") {
  B r(20, 0);
  r[0] = 0x14;
  r[7] = 9;
  auto p = parse_read_position_short(r);
  REQUIRE(p.ok());
  CHECK_FALSE(p->logical_object);
  CHECK_FALSE(p->bytes_in_buffer);
  CHECK(p->objects_in_buffer);
}

TEST_CASE("long form: 64-bit object and file numbers, LONU/MPU") {
  B r(32, 0);
  r[0] = 0x40;
  r[7] = 1;   // partition 1
  r[11] = 0x02;
  r[8] = 0x01;  // object 0x0100000002
  r[12] = 0x00;
  r[14] = 0x01;
  r[15] = 0x00;  // object bytes 8-15 = 01 00 00 00 02 00 01 00
  r[23] = 7;     // file 7
  auto p = parse_read_position_long(r);
  REQUIRE(p.ok());
  CHECK(p->end_of_partition);
  CHECK(p->partition == 1);
  CHECK(*p->logical_object == 0x0100000200000100ULL);
  CHECK(*p->file_number == 7);
  r[0] = 0x0C;  // MPU + LONU
  p = parse_read_position_long(r);
  REQUIRE(p.ok());
  CHECK_FALSE(p->logical_object);
  CHECK_FALSE(p->file_number);
}

TEST_CASE("long form: object 0 without BOP is an unknown position (tgt after I/O)") {
  B r(32, 0);
  r[0] = 0x20;  // what tgt 1.0.85 answers after writes: no BOP, LONU clear, object 0
  auto p = parse_read_position_long(r);
  REQUIRE(p.ok());
  CHECK_FALSE(p->logical_object);
  CHECK_FALSE(p->file_number);
  r[0] = 0x80;  // at BOP, object 0 is right
  p = parse_read_position_long(r);
  REQUIRE(p.ok());
  REQUIRE(p->logical_object);
  CHECK(*p->logical_object == 0);
}

TEST_CASE("READ POSITION: short replies are errors") {
  auto p = parse_read_position_short(B(19, 0));
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().message == "READ POSITION short form: 19 bytes, need 20");
  REQUIRE_FALSE(parse_read_position_long(B(20, 0)).ok());
}
