// READ/WRITE(6), WRITE FILEMARKS, ERASE and the end-of-medium behaviour of
// the simulated drive, checked at the byte level.
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

namespace {

Reply write_block(hal::ScsiTarget& d, const std::vector<std::uint8_t>& b) { return run(d, cdb_write6(static_cast<std::uint32_t>(b.size())), 0, b); }

}  // namespace

TEST_CASE("media commands on an empty drive: NOT READY, MEDIUM NOT PRESENT", "[sim][ssc]") {
  SimFixture f;
  f.open();
  for (auto cdb : {cdb_write6(10), cdb_read6(10), cdb_wfm(1), cdb_rewind(), cdb_space6(0, 1), cdb_locate10(0), cdb_read_position()}) {
    Reply r = run(f.drive(), cdb, 64, std::vector<std::uint8_t>(10));
    CHECK(r.key() == 0x2);
    CHECK(r.asc() == 0x3A);
  }
  // READ BLOCK LIMITS needs no medium.
  Reply rbl = run(f.drive(), {0x05, 0, 0, 0, 0, 0}, 6);
  REQUIRE(rbl.good());
  CHECK(rbl.data == std::vector<std::uint8_t>{0x00, 0x04, 0x00, 0x00, 0x00, 0x01});  // 256 KiB max, 1 min
}

TEST_CASE("variable blocks round-trip, filemark and end of data are reported as SSC says", "[sim][ssc]") {
  SimFixture f;
  f.open();
  f.load();
  auto& d = f.drive();
  auto a = pattern(65536, 1), b = pattern(1000, 2);
  REQUIRE(write_block(d, a).good());
  REQUIRE(write_block(d, b).good());
  REQUIRE(run(d, cdb_wfm(1)).good());
  REQUIRE(write_block(d, pattern(10, 3)).good());
  REQUIRE(run(d, cdb_rewind()).good());

  Reply r1 = run(d, cdb_read6(65536), 65536);
  REQUIRE(r1.good());
  CHECK(r1.data == a);

  SECTION("a short block: ILI, information = requested - actual, data transferred") {
    Reply r2 = run(d, cdb_read6(4096), 4096);
    REQUIRE(r2.check());
    CHECK(r2.key() == 0x0);
    CHECK(r2.ili());
    CHECK(r2.valid());
    CHECK(r2.info() == 4096 - 1000);
    CHECK(r2.asc() == 0x00);
    CHECK(r2.ascq() == 0x00);
    CHECK(r2.length == 1000);
    CHECK(std::equal(b.begin(), b.end(), r2.data.begin()));
  }
  SECTION("a short block with SILI: GOOD, the residual is implied by the length") {
    Reply r2 = run(d, cdb_read6(4096, false, true), 4096);
    CHECK(r2.good());
    CHECK(r2.length == 1000);
  }
  SECTION("a longer block: ILI, negative information, truncated data") {
    Reply r2 = run(d, cdb_read6(100), 100);
    REQUIRE(r2.check());
    CHECK(r2.ili());
    CHECK(r2.info() == 100 - 1000);
    CHECK(r2.length == 100);
    CHECK(std::equal(r2.data.begin(), r2.data.end(), b.begin()));
    // SILI does not hide an over-length block.
    REQUIRE(run(d, cdb_locate10(1)).good());
    Reply r3 = run(d, cdb_read6(100, false, true), 100);
    CHECK(r3.ili());
  }
  SECTION("reading into the filemark: FILEMARK 00/01, positioned after it") {
    REQUIRE(run(d, cdb_read6(1000), 1000).good());
    Reply fm = run(d, cdb_read6(4096), 4096);
    REQUIRE(fm.check());
    CHECK(fm.key() == 0x0);
    CHECK(fm.filemark());
    CHECK(fm.asc() == 0x00);
    CHECK(fm.ascq() == 0x01);
    CHECK(fm.info() == 4096);
    CHECK(fm.length == 0);
    Reply next = run(d, cdb_read6(10), 10);
    CHECK(next.good());
    CHECK(next.data == pattern(10, 3));
    Reply eod = run(d, cdb_read6(10), 10);
    CHECK(eod.key() == 0x8);  // BLANK CHECK
    CHECK(eod.asc() == 0x00);
    CHECK(eod.ascq() == 0x05);
    CHECK(eod.info() == 10);
    // End of data does not move: asking again says the same.
    CHECK(run(d, cdb_read6(10), 10).key() == 0x8);
  }
}

TEST_CASE("writing in the middle truncates everything after it", "[sim][ssc]") {
  SimFixture f;
  f.open();
  f.load();
  auto& d = f.drive();
  for (int i = 0; i < 5; ++i) REQUIRE(write_block(d, pattern(512, static_cast<std::uint8_t>(i))).good());
  REQUIRE(run(d, cdb_locate10(2)).good());
  REQUIRE(write_block(d, pattern(300, 77)).good());
  REQUIRE(run(d, cdb_locate10(3)).good());
  CHECK(run(d, cdb_read6(512), 512).key() == 0x8);
  // Locating past end of data stops at it with BLANK CHECK.
  Reply far = run(d, cdb_locate10(4));
  CHECK(far.key() == 0x8);
  CHECK(far.ascq() == 0x05);
}

TEST_CASE("fixed-block mode: whole blocks, ILI residue counted in blocks", "[sim][ssc]") {
  SimFixture f;
  f.open();
  f.load();
  auto& d = f.drive();
  // Fixed before MODE SELECT: invalid FIXED bit.
  CHECK(run(d, cdb_write6(1, true), 0, pattern(512, 1)).field_bit() == 0);
  std::vector<std::uint8_t> p{0, 0, 0x10, 8, 0, 0, 0, 0, 0, 0, 0x02, 0x00};  // 512-byte blocks
  REQUIRE(run(d, {0x15, 0x10, 0, 0, 12, 0}, 0, p).good());
  auto data = pattern(512 * 4, 5);
  REQUIRE(run(d, cdb_write6(4, true), 0, data).good());
  REQUIRE(run(d, cdb_wfm(1)).good());
  REQUIRE(run(d, cdb_rewind()).good());
  Reply r = run(d, cdb_read6(3, true), 512 * 3);
  REQUIRE(r.good());
  CHECK(std::equal(r.data.begin(), r.data.end(), data.begin()));
  // 5 requested, 1 block then the filemark: residue 4 blocks.
  Reply fm = run(d, cdb_read6(5, true), 512 * 5);
  CHECK(fm.filemark());
  CHECK(fm.info() == 4);
  CHECK(fm.length == 512);
  // FIXED and SILI together are invalid.
  CHECK(run(d, {0x08, 0x03, 0, 0, 1, 0}, 512).field_bit() == 1);
}

TEST_CASE("early warning: EOM 00/02 with the block written, then VOLUME OVERFLOW, not written", "[sim][ssc][eom]") {
  SimFixture f;
  f.config.cartridge_bytes = 4u << 20;      // 4 MiB
  f.config.early_warning_bytes = 1u << 20;  // last 1 MiB
  f.open();
  f.load();
  auto& d = f.drive();
  const auto block = pattern(256 << 10, 9);
  int written = 0;
  Reply r;
  for (;; ++written) {
    r = write_block(d, block);
    if (!r.good()) break;
  }
  // 3 MiB written cleanly; the 13th block enters the zone.
  CHECK(written == 12);
  CHECK(r.key() == 0x0);
  CHECK(r.eom());
  CHECK(r.asc() == 0x00);
  CHECK(r.ascq() == 0x02);
  CHECK(r.length == block.size());
  ++written;
  for (;; ++written) {
    r = write_block(d, block);
    if (r.key() != 0x0) break;
    CHECK(r.eom());
  }
  CHECK(written == 16);  // exactly 4 MiB fit
  CHECK(r.key() == 0xD);
  CHECK(r.eom());
  CHECK(r.valid());
  CHECK(r.info() == static_cast<std::int32_t>(block.size()));
  CHECK(r.ascq() == 0x02);
  // The overflowing block is not on tape; a filemark is (it takes no room... but the tape is full).
  Reply pos = run(d, cdb_read_position(), 20);
  CHECK(get_be32(pos.data, 4) == 16);
  CHECK((pos.data[0] & 0x40) != 0);  // EOP: beyond early warning
  REQUIRE(run(d, cdb_locate10(15)).good());
  Reply last = run(d, cdb_read6(256 << 10), 256 << 10);
  CHECK(last.good());
  CHECK(run(d, cdb_read6(256 << 10), 256 << 10).key() == 0x8);
}

TEST_CASE("write-protected cartridge: DATA PROTECT 27/00 and a TapeAlert flag", "[sim][ssc]") {
  SimFixture f;
  f.config.faults.write_protected = {"TG0001L9"};
  f.open();
  f.load();
  auto& d = f.drive();
  Reply w = write_block(d, pattern(100, 1));
  CHECK(w.key() == 0x7);
  CHECK(w.asc() == 0x27);
  CHECK(run(d, cdb_wfm(1)).key() == 0x7);
  CHECK(run(d, {0x19, 0, 0, 0, 0, 0}).key() == 0x7);
  Reply ms = run(d, {0x1A, 0, 0x00, 0, 255, 0}, 255);
  CHECK((ms.data[2] & 0x80) != 0);  // WP in the device-specific parameter
  Reply ta = run(d, {0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x50, 0}, 0x150);
  REQUIRE(ta.good());
  CHECK(get_be16(ta.data, 2) == 64 * 5);
  CHECK(ta.data[4 + 8 * 5 + 4] == 1);  // flag 9: WRITE PROTECT
  // Flags are cleared once read.
  Reply again = run(d, {0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x50, 0}, 0x150);
  CHECK(again.data[4 + 8 * 5 + 4] == 0);
}

TEST_CASE("ERASE leaves end of data at the current position", "[sim][ssc]") {
  SimFixture f;
  f.open();
  f.load();
  auto& d = f.drive();
  for (int i = 0; i < 3; ++i) REQUIRE(write_block(d, pattern(100, 1)).good());
  REQUIRE(run(d, cdb_locate10(1)).good());
  REQUIRE(run(d, {0x19, 1, 0, 0, 0, 0}).good());
  CHECK(run(d, cdb_read6(100), 100).key() == 0x8);
  REQUIRE(run(d, cdb_rewind()).good());
  CHECK(run(d, cdb_read6(100), 100).good());
}

TEST_CASE("what is written survives a restart, with the cartridge still in the drive", "[sim][ssc][persist]") {
  SimFixture f;
  f.open();
  f.load();
  REQUIRE(write_block(f.drive(), pattern(5000, 4)).good());
  REQUIRE(run(f.drive(), cdb_wfm(1)).good());
  REQUIRE(write_block(f.drive(), pattern(6000, 5)).good());
  f.config.power_on_unit_attention = true;
  f.open();  // restart
  CHECK(f.lib->barcode_at(500) == "TG0001L9");
  Reply ua = run(f.drive(), cdb_tur());
  CHECK(ua.asc() == 0x29);
  REQUIRE(run(f.drive(), cdb_tur()).good());
  Reply r = run(f.drive(), cdb_read6(5000), 5000);
  REQUIRE(r.good());
  CHECK(r.data == pattern(5000, 4));
  CHECK(run(f.drive(), cdb_read6(5000), 5000).filemark());
  Reply r2 = run(f.drive(), cdb_read6(6000), 6000);
  CHECK(r2.data == pattern(6000, 5));
  CHECK(run(f.drive(), cdb_read6(1), 1).key() == 0x8);
}

TEST_CASE("WRITE FILEMARKS with count 0 only flushes", "[sim][ssc]") {
  SimFixture f;
  f.config.sync_on_flush = true;
  f.open();
  f.load();
  REQUIRE(write_block(f.drive(), pattern(100, 1)).good());
  REQUIRE(run(f.drive(), cdb_wfm(0)).good());
  Reply pos = run(f.drive(), cdb_read_position(), 20);
  CHECK(get_be32(pos.data, 4) == 1);
  CHECK(run(f.drive(), {0x10, 0x02, 0, 0, 1, 0}).field_bit() == 1);  // WSMK
}

TEST_CASE("REPORT DENSITY SUPPORT: what an LTO-9 drive reads and writes, the mounted medium", "[sim][ssc][density]") {
  SimFixture f;
  f.open();
  Reply r = run(f.drive(), {0x44, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0}, 256);
  REQUIRE(r.good());
  REQUIRE(r.data.size() == 4 + 2 * 52);
  CHECK(get_be16(r.data, 0) == 2 + 2 * 52);
  CHECK(r.data[4] == 0x5E);             // LTO-8
  CHECK((r.data[4 + 2] & 0xA0) == 0x80);  // writable, not the default
  CHECK(get_be32(r.data, 4 + 12) == 12'000'000);
  CHECK(r.data[56] == 0x60);            // LTO-9
  CHECK((r.data[56 + 2] & 0xA0) == 0xA0);
  CHECK(std::string(r.data.begin() + 56 + 24, r.data.begin() + 56 + 32) == "LTO-9   ");
  CHECK(run(f.drive(), {0x44, 1, 0, 0, 0, 0, 0, 0x01, 0x00, 0}, 256).asc() == 0x3A);
  f.load();
  Reply m = run(f.drive(), {0x44, 1, 0, 0, 0, 0, 0, 0x01, 0x00, 0}, 256);
  REQUIRE(m.good());
  REQUIRE(m.data.size() == 4 + 52);
  CHECK(m.data[4] == 0x60);
  CHECK(get_be32(m.data, 4 + 12) == (4u << 20) / 1000000);
}

TEST_CASE("cartridges of other generations: unreadable ones stay unloaded, readable old ones are read-only", "[sim][ssc][density]") {
  SimFixture f;
  f.config.generation = 9;
  f.config.cartridges = {{"OLD007L7"}, {"OLD008L8"}};
  f.open();
  REQUIRE(run(f.changer(), cdb_move(0, 1000, 500)).good());
  REQUIRE(run(f.drive(), cdb_tur()).key() == 0x6);
  Reply l7 = run(f.drive(), cdb_tur());
  CHECK(l7.key() == 0x2);
  CHECK(l7.asc() == 0x30);
  CHECK(l7.ascq() == 0x00);
  // LTO-8 media in an LTO-9 drive is readable and writable.
  f.load(1, 1001);
  CHECK(run(f.drive(1), cdb_write6(10), 0, pattern(10, 1)).good());
  Reply ms = run(f.drive(1), {0x1A, 0, 0x00, 0, 255, 0}, 255);
  CHECK(ms.data[4] == 0x5E);

  SimFixture g;
  g.config.generation = 10;
  g.config.cartridges = {{"NEW001LA"}};
  g.open();
  g.load();
  CHECK(run(g.drive(), cdb_write6(10), 0, pattern(10, 1)).good());
  Reply ms10 = run(g.drive(), {0x1A, 0, 0x00, 0, 255, 0}, 255);
  CHECK(ms10.data[4] == 0x62);

  // LTO-6 media in an LTO-8 drive: read only.
  SimFixture h;
  h.config.generation = 8;
  h.config.cartridges = {{"OLD006L6"}};
  h.open();
  h.load();
  Reply w = run(h.drive(), cdb_write6(10), 0, pattern(10, 1));
  CHECK(w.key() == 0x7);
  CHECK(w.asc() == 0x30);
  CHECK(w.ascq() == 0x05);
  CHECK(run(h.drive(), cdb_read6(10), 10).key() == 0x8);  // readable: blank
}
