// Injected faults as the host sees them on the wire.
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

TEST_CASE("medium error on read: MEDIUM ERROR 11/00, the block skipped", "[sim][fault]") {
  SimFixture f;
  f.config.faults.medium_errors = {{"TG0001L9", 1, true, false}};
  f.open();
  f.load();
  for (int i = 0; i < 3; ++i) REQUIRE(run(f.drive(), cdb_write6(100), 0, pattern(100, static_cast<std::uint8_t>(i))).good());
  REQUIRE(run(f.drive(), cdb_rewind()).good());
  REQUIRE(run(f.drive(), cdb_read6(100), 100).good());
  Reply e = run(f.drive(), cdb_read6(100), 100);
  CHECK(e.key() == 0x3);
  CHECK(e.asc() == 0x11);
  CHECK(e.ascq() == 0x00);
  CHECK(e.info() == 100);
  Reply next = run(f.drive(), cdb_read6(100), 100);
  CHECK(next.good());
  CHECK(next.data == pattern(100, 2));
  // TapeAlert: 3 (hard error) and 4 (media).
  Reply ta = run(f.drive(), {0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x50, 0}, 0x150);
  CHECK(ta.data[4 + 2 * 5 + 4] == 1);
  CHECK(ta.data[4 + 3 * 5 + 4] == 1);
}

TEST_CASE("medium error on write: MEDIUM ERROR 0C/00 and the block is not written", "[sim][fault]") {
  SimFixture f;
  f.open();
  REQUIRE(f.lib->inject_medium_error({"TG0001L9", 2, false, true}).ok());
  f.load();
  REQUIRE(run(f.drive(), cdb_write6(100), 0, pattern(100, 0)).good());
  REQUIRE(run(f.drive(), cdb_write6(100), 0, pattern(100, 1)).good());
  Reply e = run(f.drive(), cdb_write6(100), 0, pattern(100, 2));
  CHECK(e.key() == 0x3);
  CHECK(e.asc() == 0x0C);
  CHECK(e.info() == 100);
  Reply pos = run(f.drive(), cdb_read_position(), 20);
  CHECK(get_be32(pos.data, 4) == 2);
  CHECK(!f.lib->inject_medium_error({"NOPE00L9", 1, true, false}).ok());
}

TEST_CASE("a corrupt block reads back different with GOOD status, on disk too", "[sim][fault]") {
  SimFixture f;
  f.open();
  f.load();
  for (int i = 0; i < 3; ++i) REQUIRE(run(f.drive(), cdb_write6(4096), 0, pattern(4096, static_cast<std::uint8_t>(i))).good());
  REQUIRE(f.lib->inject_corrupt_block({"TG0001L9", 0}).ok());
  REQUIRE(f.lib->corrupt_block_on_disk("TG0001L9", 2).ok());
  REQUIRE(run(f.drive(), cdb_rewind()).good());
  Reply b0 = run(f.drive(), cdb_read6(4096), 4096);
  CHECK(b0.good());
  CHECK(b0.data.size() == 4096);
  CHECK(b0.data != pattern(4096, 0));
  Reply b1 = run(f.drive(), cdb_read6(4096), 4096);
  CHECK(b1.data == pattern(4096, 1));
  Reply b2 = run(f.drive(), cdb_read6(4096), 4096);
  CHECK(b2.good());
  CHECK(b2.data != pattern(4096, 2));
  f.lib->clear_faults();
  REQUIRE(run(f.drive(), cdb_rewind()).good());
  CHECK(run(f.drive(), cdb_read6(4096), 4096).data == pattern(4096, 0));
}

TEST_CASE("a stuck picker: MOVE MEDIUM fails with HARDWARE ERROR 53/00, the picker shows EXCEPT", "[sim][fault]") {
  SimFixture f;
  f.config.faults.stuck_picker = true;
  auto& lib = f.open();
  Reply r = run(f.changer(), cdb_move(0, 1000, 500));
  CHECK(r.key() == 0x4);
  CHECK(r.asc() == 0x53);
  CHECK(lib.barcode_at(1000) == "TG0001L9");
  Reply res = run(f.changer(), cdb_res(1, 0, 1, 256), 256);
  CHECK((res.data[16 + 2] & 0x04) != 0);
  CHECK(res.data[16 + 4] == 0x53);
  lib.set_picker_stuck(false);
  CHECK(run(f.changer(), cdb_move(0, 1000, 500)).good());
}

TEST_CASE("an injected unit attention is reported by the next command", "[sim][fault]") {
  SimFixture f;
  f.config.faults.unit_attentions = {{2, 0x2A, 0x01}};  // MODE PARAMETERS CHANGED on drive 1
  auto& lib = f.open();
  Reply r = run(f.drive(1), cdb_tur());
  CHECK(r.key() == 0x6);
  CHECK(r.asc() == 0x2A);
  CHECK(r.ascq() == 0x01);
  CHECK(run(f.drive(0), cdb_tur()).asc() == 0x3A);
  REQUIRE(lib.inject_unit_attention({0, 0x29, 0x00}).ok());
  CHECK(run(f.changer(), cdb_tur()).asc() == 0x29);
  CHECK(!lib.inject_unit_attention({9, 0x29, 0x00}).ok());
}

TEST_CASE("cleaning requested: TapeAlert 20 until a CLN cartridge has been loaded", "[sim][fault]") {
  SimFixture f;
  f.config.cartridges = {{"TG0001L9"}, {"CLN001L1"}};
  f.config.faults.cleaning_requested = {0};
  f.open();
  auto flag20 = [&] {
    Reply ta = run(f.drive(), {0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x50, 0}, 0x150);
    REQUIRE(ta.good());
    return ta.data[4 + 19 * 5 + 4];
  };
  CHECK(flag20() == 1);
  CHECK(flag20() == 1);  // persists after reading
  REQUIRE(run(f.changer(), cdb_move(0, 1001, 500)).good());
  REQUIRE(run(f.drive(), cdb_tur()).key() == 0x6);
  Reply cln = run(f.drive(), cdb_tur());
  CHECK(cln.key() == 0x2);
  CHECK(cln.asc() == 0x30);
  CHECK(cln.ascq() == 0x03);
  CHECK(flag20() == 0);
}

TEST_CASE("write protection: a fault is transient, the tab is persistent", "[sim][fault]") {
  SimFixture f;
  f.config.faults.write_protected = {"TG0001L9"};
  f.open();
  f.load();
  CHECK(run(f.drive(), cdb_write6(10), 0, pattern(10, 1)).key() == 0x7);
  f.lib->clear_faults();
  CHECK(run(f.drive(), cdb_write6(10), 0, pattern(10, 1)).good());
  REQUIRE(f.lib->set_write_protected("TG0001L9", true).ok());
  CHECK(run(f.drive(), cdb_write6(10), 0, pattern(10, 1)).key() == 0x7);
  f.config.faults = {};
  f.open();  // restart without the fault: the tab is still set
  CHECK(run(f.drive(), cdb_write6(10), 0, pattern(10, 1)).key() == 0x7);
  REQUIRE(f.lib->set_write_protected("TG0001L9", false).ok());
  CHECK(run(f.drive(), cdb_write6(10), 0, pattern(10, 1)).good());
}
