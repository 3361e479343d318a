// SPC commands every simulated LUN answers, checked byte by byte.
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

TEST_CASE("unknown opcodes are ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE", "[sim][spc]") {
  SimFixture f;
  f.open();
  for (std::uint8_t op : {0x04, 0x28, 0x2A, 0xA6}) {  // FORMAT, READ(10), WRITE(10), EXCHANGE MEDIUM
    std::vector<std::uint8_t> cdb(16, 0);
    cdb[0] = op;
    Reply r = run(f.drive(), cdb);
    CHECK(r.check());
    CHECK(r.key() == 0x5);
    CHECK(r.asc() == 0x20);
    CHECK(r.ascq() == 0x00);
    CHECK(r.sense.size() == 18);
    CHECK(r.sense[0] == 0x70);
    CHECK(r.sense[7] == 10);
  }
  // The changer knows no READ(6).
  Reply r = run(f.changer(), {0x08, 0, 0, 0, 1, 0});
  CHECK(r.asc() == 0x20);
}

TEST_CASE("standard INQUIRY reports type, removable bit and the personality", "[sim][spc]") {
  SimFixture f;
  f.config.drive_personality = {"IBM", "ULT3580-TD9", "Q3F1"};
  f.open();
  Reply r = run(f.drive(), {0x12, 0, 0, 0, 96, 0}, 96);
  REQUIRE(r.good());
  REQUIRE(r.data.size() == 36);
  CHECK(r.data[0] == 0x01);  // sequential access
  CHECK(r.data[1] == 0x80);  // RMB
  CHECK(r.data[4] == 31);    // additional length
  CHECK(std::string(r.data.begin() + 8, r.data.begin() + 16) == "IBM     ");
  CHECK(std::string(r.data.begin() + 16, r.data.begin() + 32) == "ULT3580-TD9     ");
  CHECK(std::string(r.data.begin() + 32, r.data.begin() + 36) == "Q3F1");
  Reply c = run(f.changer(), {0x12, 0, 0, 0, 36, 0}, 36);
  CHECK(c.data[0] == 0x08);  // medium changer

  SECTION("allocation length truncates without error") {
    Reply t = run(f.drive(), {0x12, 0, 0, 0, 5, 0}, 5);
    CHECK(t.good());
    CHECK(t.data.size() == 5);
  }
  SECTION("page code without EVPD is an invalid field at byte 2") {
    Reply e = run(f.drive(), {0x12, 0, 0x80, 0, 36, 0}, 36);
    CHECK(e.key() == 0x5);
    CHECK(e.asc() == 0x24);
    REQUIRE(e.sksv());
    CHECK(e.field_in_cdb());
    CHECK(e.field_byte() == 2);
    CHECK(e.field_bit() == -1);
  }
  SECTION("CMDDT is rejected with a bit pointer") {
    Reply e = run(f.drive(), {0x12, 0x02, 0, 0, 36, 0}, 36);
    CHECK(e.asc() == 0x24);
    CHECK(e.field_byte() == 1);
    CHECK(e.field_bit() == 1);
  }
}

TEST_CASE("VPD pages 0x00, 0x80 and 0x83", "[sim][spc]") {
  SimFixture f;
  auto& lib = f.open();
  Reply p0 = run(f.drive(), {0x12, 1, 0x00, 0, 255, 0}, 255);
  REQUIRE(p0.good());
  CHECK(p0.data == std::vector<std::uint8_t>{0x01, 0x00, 0x00, 3, 0x00, 0x80, 0x83});

  Reply sn = run(f.drive(1), {0x12, 1, 0x80, 0, 255, 0}, 255);
  REQUIRE(sn.good());
  CHECK(sn.data[1] == 0x80);
  CHECK(std::string(sn.data.begin() + 4, sn.data.begin() + 4 + sn.data[3]) == lib.drive_serial(1));
  CHECK(lib.drive_serial(0) != lib.drive_serial(1));

  Reply id = run(f.drive(), {0x12, 1, 0x83, 0, 255, 0}, 255);
  REQUIRE(id.good());
  const std::size_t len = get_be16(id.data, 2);
  REQUIRE(id.data.size() == 4 + len);
  // First descriptor: T10 vendor id, ASCII, ends with the serial number.
  CHECK(id.data[4] == 0x02);
  CHECK((id.data[5] & 0x0F) == 0x01);
  const std::string t10(id.data.begin() + 8, id.data.begin() + 8 + id.data[7]);
  CHECK(t10.substr(0, 8) == "TAPEGATE");
  CHECK(t10.substr(24) == lib.drive_serial(0));
  // Second: NAA, binary, 8 bytes, NAA type 5.
  const std::size_t d2 = 8 + id.data[7];
  CHECK(id.data[d2] == 0x01);
  CHECK((id.data[d2 + 1] & 0x0F) == 0x03);
  CHECK(id.data[d2 + 3] == 8);
  CHECK((id.data[d2 + 4] >> 4) == 0x5);

  Reply bad = run(f.drive(), {0x12, 1, 0xB7, 0, 255, 0}, 255);
  CHECK(bad.asc() == 0x24);
  CHECK(bad.field_byte() == 2);
}

TEST_CASE("unit attention: reported once, INQUIRY and REPORT LUNS pass, REQUEST SENSE clears it", "[sim][spc]") {
  SimFixture f;
  f.config.power_on_unit_attention = true;
  f.open();
  // INQUIRY is not affected (SPC-4 5.14).
  CHECK(run(f.drive(), {0x12, 0, 0, 0, 36, 0}, 36).good());
  Reply ua = run(f.drive(), cdb_tur());
  CHECK(ua.key() == 0x6);
  CHECK(ua.asc() == 0x29);
  CHECK(ua.ascq() == 0x00);
  // Now the drive is empty: NOT READY, MEDIUM NOT PRESENT.
  Reply nr = run(f.drive(), cdb_tur());
  CHECK(nr.key() == 0x2);
  CHECK(nr.asc() == 0x3A);

  // The changer's UA is consumed by REQUEST SENSE instead.
  Reply rs = run(f.changer(), {0x03, 0, 0, 0, 18, 0}, 18);
  REQUIRE(rs.good());
  REQUIRE(rs.data.size() == 18);
  CHECK((rs.data[2] & 0x0F) == 0x6);
  CHECK(rs.data[12] == 0x29);
  CHECK(run(f.changer(), cdb_tur()).good());
}

TEST_CASE("REQUEST SENSE returns the last CHECK CONDITION's sense (no autosense)", "[sim][spc]") {
  SimFixture f;
  f.open();
  Reply tur = run(f.drive(), cdb_tur());
  REQUIRE(tur.check());
  Reply rs = run(f.drive(), {0x03, 0, 0, 0, 252, 0}, 252);
  REQUIRE(rs.good());
  REQUIRE(rs.data.size() == 18);
  CHECK(rs.data == tur.sense);
  SECTION("DESC=1 is not offered") {
    Reply d = run(f.drive(), {0x03, 1, 0, 0, 252, 0}, 252);
    CHECK(d.asc() == 0x24);
    CHECK(d.field_bit() == 0);
  }
  SECTION("with nothing pending it still reports the not-ready state") {
    Reply again = run(f.drive(), {0x03, 0, 0, 0, 18, 0}, 18);
    CHECK((again.data[2] & 0x0F) == 0x2);
    CHECK(again.data[12] == 0x3A);
  }
}

TEST_CASE("REPORT LUNS lists the changer and every drive", "[sim][spc]") {
  SimFixture f;
  f.config.drive_count = 3;
  f.open();
  Reply r = run(f.drive(2), {0xA0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, 256);
  REQUIRE(r.good());
  CHECK(get_be32(r.data, 0) == 32);
  REQUIRE(r.data.size() == 40);
  for (int lun = 0; lun < 4; ++lun) CHECK(r.data[8 + 8 * lun + 1] == lun);
  Reply small = run(f.changer(), {0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0}, 8);
  CHECK(small.asc() == 0x24);
  CHECK(small.field_byte() == 6);
}

TEST_CASE("NACA in the control byte is refused, a short CDB cannot be decoded", "[sim][spc]") {
  SimFixture f;
  f.open();
  Reply r = run(f.drive(), {0x00, 0, 0, 0, 0, 0x04});
  CHECK(r.asc() == 0x24);
  CHECK(r.field_byte() == 5);
  CHECK(r.field_bit() == 2);
  Reply s = run(f.changer(), {0xB8, 0x10, 0, 0});
  CHECK(s.key() == 0x5);
}

TEST_CASE("MODE SENSE(6)/(10) of a tape drive", "[sim][spc][mode]") {
  SimFixture f;
  f.open();
  f.load();
  Reply r = run(f.drive(), {0x1A, 0, 0x0F, 0, 255, 0}, 255);
  REQUIRE(r.good());
  REQUIRE(r.data.size() == 4 + 8 + 16);
  CHECK(r.data[0] == r.data.size() - 1);
  CHECK(r.data[2] == 0x10);  // buffered mode 1, not write protected
  CHECK(r.data[3] == 8);
  CHECK(r.data[4] == 0x60);  // LTO-9 density
  CHECK(get_be24(r.data, 9) == 0);  // variable block mode
  CHECK(r.data[12] == 0x0F);
  CHECK(r.data[13] == 0x0E);
  CHECK((r.data[14] & 0xC0) == 0xC0);  // DCE + DCC

  Reply ten = run(f.drive(), {0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0x01, 0x00, 0}, 256);  // DBD, all pages
  REQUIRE(ten.good());
  CHECK(get_be16(ten.data, 0) == ten.data.size() - 2);
  CHECK(get_be16(ten.data, 6) == 0);
  CHECK(ten.data[8] == 0x0F);
  CHECK(ten.data[8 + 16] == 0x10);

  Reply saved = run(f.drive(), {0x1A, 0, 0xCF, 0, 255, 0}, 255);
  CHECK(saved.asc() == 0x39);
  Reply unknown = run(f.drive(), {0x1A, 0, 0x1D, 0, 255, 0}, 255);
  CHECK(unknown.asc() == 0x24);
  CHECK(unknown.field_byte() == 2);
}

TEST_CASE("MODE SELECT sets the block size and compression, a bad list changes nothing", "[sim][spc][mode]") {
  SimFixture f;
  f.open();
  f.load();
  // Header(4) + block descriptor(8): fixed 64 KiB blocks.
  std::vector<std::uint8_t> p{0, 0, 0x10, 8, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00};
  REQUIRE(run(f.drive(), {0x15, 0x10, 0, 0, static_cast<std::uint8_t>(p.size()), 0}, 0, p).good());
  Reply r = run(f.drive(), {0x1A, 0, 0x00, 0, 255, 0}, 255);
  CHECK(get_be24(r.data, 9) == 0x10000);

  // Compression page off.
  std::vector<std::uint8_t> c{0, 0, 0x10, 0, 0x0F, 0x0E, 0x40, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
  REQUIRE(run(f.drive(), {0x15, 0x10, 0, 0, static_cast<std::uint8_t>(c.size()), 0}, 0, c).good());
  Reply m = run(f.drive(), {0x1A, 0x08, 0x0F, 0, 255, 0}, 255);
  CHECK((m.data[4 + 2] & 0x80) == 0);

  // Block length beyond READ BLOCK LIMITS: 26/00 pointing at the length, nothing applied.
  std::vector<std::uint8_t> big{0, 0, 0x10, 8, 0, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0x0F, 0x0E, 0xC0, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
  Reply e = run(f.drive(), {0x15, 0x10, 0, 0, static_cast<std::uint8_t>(big.size()), 0}, 0, big);
  CHECK(e.asc() == 0x26);
  CHECK_FALSE(e.field_in_cdb());
  CHECK(e.field_byte() == 4 + 5);
  Reply after = run(f.drive(), {0x1A, 0, 0x0F, 0, 255, 0}, 255);
  CHECK(get_be24(after.data, 9) == 0x10000);
  CHECK((after.data[12 + 2] & 0x80) == 0);

  // An unknown page.
  std::vector<std::uint8_t> u{0, 0, 0x10, 0, 0x1C, 0x02, 0, 0};
  Reply ue = run(f.drive(), {0x15, 0x10, 0, 0, static_cast<std::uint8_t>(u.size()), 0}, 0, u);
  CHECK(ue.asc() == 0x26);
  CHECK(ue.field_byte() == 4);
  // A page running past the list.
  std::vector<std::uint8_t> t{0, 0, 0x10, 0, 0x0F, 0x0E, 0};
  CHECK(run(f.drive(), {0x15, 0x10, 0, 0, static_cast<std::uint8_t>(t.size()), 0}, 0, t).asc() == 0x1A);
  // SP=1: saving is not supported.
  CHECK(run(f.drive(), {0x15, 0x11, 0, 0, 4, 0}, 0, {0, 0, 0, 0}).field_bit() == 0);
}

TEST_CASE("LOG SENSE: supported pages, allocation, parameter pointer", "[sim][spc][log]") {
  SimFixture f;
  f.open();
  Reply r = run(f.drive(), {0x4D, 0, 0x40, 0, 0, 0, 0, 0, 255, 0}, 255);
  REQUIRE(r.good());
  CHECK(r.data[0] == 0x00);
  CHECK(std::vector<std::uint8_t>(r.data.begin() + 4, r.data.end()) ==
        std::vector<std::uint8_t>{0x00, 0x02, 0x03, 0x0C, 0x2E, 0x30});
  Reply seq = run(f.drive(), {0x4D, 0, 0x4C, 0, 0, 0x00, 0x02, 0x01, 0x00, 0}, 256);
  REQUIRE(seq.good());
  CHECK(get_be16(seq.data, 2) == 24);  // parameters 0x0002 and 0x0003 only
  CHECK(get_be16(seq.data, 4) == 0x0002);
  Reply bad = run(f.drive(), {0x4D, 0, 0x4F, 0, 0, 0, 0, 0, 255, 0}, 255);
  CHECK(bad.asc() == 0x24);
  CHECK(bad.field_byte() == 2);
  Reply sp = run(f.drive(), {0x4D, 1, 0x40, 0, 0, 0, 0, 0, 255, 0}, 255);
  CHECK(sp.field_bit() == 0);
}

TEST_CASE("PREVENT MEDIUM REMOVAL stops an unload and a changer move", "[sim][spc]") {
  SimFixture f;
  f.open();
  f.load();
  REQUIRE(run(f.drive(), {0x1E, 0, 0, 0, 1, 0}).good());
  Reply unload = run(f.drive(), {0x1B, 0, 0, 0, 0, 0});
  CHECK(unload.key() == 0x5);
  CHECK(unload.asc() == 0x53);
  CHECK(unload.ascq() == 0x02);
  Reply move = run(f.changer(), cdb_move(0, 500, 1000));
  CHECK(move.asc() == 0x53);
  CHECK(move.ascq() == 0x02);
  REQUIRE(run(f.drive(), {0x1E, 0, 0, 0, 0, 0}).good());
  CHECK(run(f.changer(), cdb_move(0, 500, 1000)).good());
  CHECK(run(f.drive(), {0x1E, 0, 0, 0, 3, 0}).field_byte() == 4);
}
