// SPACE, LOCATE, READ POSITION, REWIND, LOAD UNLOAD on the simulated drive.
#include "sim_fixture.hpp"

using namespace tg;
using namespace tg::test;

namespace {

// Tape: B0 B1 FM B3 B4 FM B6 | EOD at 7
void record(SimFixture& f) {
  f.open();
  f.load();
  auto& d = f.drive();
  auto blk = [&](std::uint8_t s) { REQUIRE(run(d, cdb_write6(64), 0, pattern(64, s)).good()); };
  blk(0);
  blk(1);
  REQUIRE(run(d, cdb_wfm(1)).good());
  blk(3);
  blk(4);
  REQUIRE(run(d, cdb_wfm(1)).good());
  blk(6);
  REQUIRE(run(d, cdb_rewind()).good());
}

std::uint32_t position(hal::ScsiTarget& d) {
  Reply r = run(d, cdb_read_position(), 20);
  REQUIRE(r.good());
  REQUIRE(r.data.size() == 20);
  CHECK(get_be32(r.data, 4) == get_be32(r.data, 8));
  return get_be32(r.data, 4);
}

}  // namespace

TEST_CASE("SPACE blocks forward stops after a filemark with the residue", "[sim][ssc][space]") {
  SimFixture f;
  record(f);
  auto& d = f.drive();
  Reply r = run(d, cdb_space6(0, 5));
  REQUIRE(r.check());
  CHECK(r.key() == 0x0);
  CHECK(r.filemark());
  CHECK(r.ascq() == 0x01);
  CHECK(r.info() == 3);   // 5 requested, 2 spaced
  CHECK(position(d) == 3);  // after the filemark
  REQUIRE(run(d, cdb_space6(0, 1)).good());
  CHECK(position(d) == 4);
}

TEST_CASE("SPACE blocks backward stops before a filemark, negative residue", "[sim][ssc][space]") {
  SimFixture f;
  record(f);
  auto& d = f.drive();
  REQUIRE(run(d, cdb_locate10(5)).good());
  Reply r = run(d, cdb_space6(0, -4));
  REQUIRE(r.check());
  CHECK(r.filemark());
  CHECK(r.info() == -2);   // -4 requested, -2 spaced
  CHECK(position(d) == 2);  // on the BOP side of the filemark
  // Back to BOP: EOM, 00/04.
  Reply bop = run(d, cdb_space6(0, -5));
  CHECK(bop.eom());
  CHECK(bop.asc() == 0x00);
  CHECK(bop.ascq() == 0x04);
  CHECK(bop.info() == -3);
  CHECK(position(d) == 0);
}

TEST_CASE("SPACE filemarks and end of data", "[sim][ssc][space]") {
  SimFixture f;
  record(f);
  auto& d = f.drive();
  REQUIRE(run(d, cdb_space6(1, 2)).good());
  CHECK(position(d) == 6);
  Reply r = run(d, cdb_space6(1, 1));
  CHECK(r.key() == 0x8);
  CHECK(r.ascq() == 0x05);
  CHECK(r.info() == 1);
  CHECK(position(d) == 7);
  // Backward over one filemark: positioned before it.
  REQUIRE(run(d, cdb_space6(1, -1)).good());
  CHECK(position(d) == 5);
  REQUIRE(run(d, cdb_space6(3, 0)).good());
  CHECK(position(d) == 7);
  // SPACE(16): count in bytes 4..11, filemarks backwards 2 -> before the first filemark.
  std::vector<std::uint8_t> s16(16, 0);
  s16[0] = 0x91;
  s16[1] = 0x01;
  put_be64(s16, 4, static_cast<std::uint64_t>(-2));
  REQUIRE(run(d, s16).good());
  CHECK(position(d) == 2);
  // Sequential filemarks (code 2) are not offered.
  CHECK(run(d, cdb_space6(2, 1)).asc() == 0x24);
}

TEST_CASE("READ POSITION long and extended forms", "[sim][ssc][position]") {
  SimFixture f;
  record(f);
  auto& d = f.drive();
  Reply at_bop = run(d, cdb_read_position(), 20);
  CHECK((at_bop.data[0] & 0x80) != 0);  // BOP
  REQUIRE(run(d, cdb_locate10(4)).good());
  Reply l = run(d, cdb_read_position(0x06, 32), 32);
  REQUIRE(l.good());
  REQUIRE(l.data.size() == 32);
  CHECK((l.data[0] & 0x80) == 0);
  CHECK(get_be64(l.data, 8) == 4);
  CHECK(get_be64(l.data, 16) == 1);  // one filemark before block 4
  Reply x = run(d, cdb_read_position(0x08, 32), 32);
  REQUIRE(x.good());
  CHECK(get_be16(x.data, 2) == 0x1C);
  CHECK(get_be64(x.data, 8) == 4);
  CHECK(get_be64(x.data, 16) == 4);
  CHECK(run(d, cdb_read_position(0x03, 32), 32).field_byte() == 1);
}

TEST_CASE("LOCATE(16) by logical object, by file and to end of data", "[sim][ssc][position]") {
  SimFixture f;
  record(f);
  auto& d = f.drive();
  std::vector<std::uint8_t> c(16, 0);
  c[0] = 0x92;
  put_be64(c, 4, 6);
  REQUIRE(run(d, c).good());
  CHECK(position(d) == 6);
  c[1] = 1 << 3;  // DEST_TYPE 1: logical file
  put_be64(c, 4, 1);
  REQUIRE(run(d, c).good());
  CHECK(position(d) == 3);
  c[1] = 3 << 3;  // end of data
  REQUIRE(run(d, c).good());
  CHECK(position(d) == 7);
  c[1] = 2 << 3;  // reserved destination type
  CHECK(run(d, c).asc() == 0x24);
  // A second partition does not exist.
  std::vector<std::uint8_t> l10 = cdb_locate10(0);
  l10[1] = 0x02;
  l10[8] = 1;
  CHECK(run(d, l10).field_byte() == 8);
}

TEST_CASE("LOAD UNLOAD: unload makes the drive not ready, load makes it ready at BOP", "[sim][ssc]") {
  SimFixture f;
  record(f);
  auto& d = f.drive();
  REQUIRE(run(d, cdb_locate10(3)).good());
  REQUIRE(run(d, {0x1B, 0, 0, 0, 0x00, 0}).good());
  CHECK(run(d, cdb_tur()).asc() == 0x3A);
  CHECK(run(d, {0x1B, 0, 0, 0, 0x05, 0}).field_bit() == 2);  // LOAD with EOT
  REQUIRE(run(d, {0x1B, 0, 0, 0, 0x01, 0}).good());
  CHECK(run(d, cdb_tur()).good());
  CHECK(position(d) == 0);
}

// Quirks of targets we test against (tgt), switched on per library so the
// host's workarounds can be tested without them.
TEST_CASE("no-locate quirk: LOCATE(10) and (16) are unknown commands", "[sim][ssc][quirks]") {
  SimFixture f;
  f.config.drive_quirks.no_locate = true;
  record(f);
  auto& d = f.drive();
  Reply r = run(d, cdb_locate10(3));
  REQUIRE(r.check());
  CHECK(r.key() == 0x5);
  CHECK(r.asc() == 0x20);
  CHECK(r.ascq() == 0x00);
  Reply r16 = run(d, {0x92, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0});
  CHECK(r16.asc() == 0x20);
  CHECK(position(d) == 0);  // nothing moved
}

TEST_CASE("no-position quirk: READ POSITION answers as tgt does", "[sim][ssc][quirks]") {
  SimFixture f;
  f.config.drive_quirks.no_position = true;
  record(f);
  auto& d = f.drive();
  REQUIRE(run(d, cdb_space6(0, 1)).good());
  Reply s = run(d, cdb_read_position(), 20);
  REQUIRE(s.good());
  REQUIRE(s.data.size() == 20);
  CHECK(s.data[0] == 0x14);  // LOLU | BYCU: position unknown
  CHECK(get_be32(s.data, 4) == 0);
  Reply l = run(d, cdb_read_position(0x06, 32), 32);
  REQUIRE(l.good());
  REQUIRE(l.data.size() == 32);
  CHECK(l.data[0] == 0x20);  // no BOP although object 0 is claimed
  CHECK(get_be64(l.data, 8) == 0);
  CHECK(run(d, cdb_read_position(0x08, 32), 32).key() == 0x5);
}

TEST_CASE("space-counts-filemarks quirk: SPACE blocks as tgt counts them", "[sim][ssc][quirks]") {
  SimFixture f;
  f.config.drive_quirks.space_counts_filemarks = true;
  record(f);  // B0 B1 FM B3 B4 FM B6 | EOD at 7
  auto& d = f.drive();
  REQUIRE(run(d, cdb_space6(0, 5)).good());  // over the filemark at 2 as if a block
  CHECK(position(d) == 5);
  // Landing on end of data reports it, with no residual, although both moved.
  Reply r = run(d, cdb_space6(0, 2));
  REQUIRE(r.check());
  CHECK(r.key() == 0x0);
  CHECK(r.asc() == 0x00);
  CHECK(r.ascq() == 0x05);
  CHECK_FALSE(r.valid());
  CHECK_FALSE(r.filemark());
  CHECK(position(d) == 7);
  // At end of data nothing moves and end of data is reported again.
  CHECK(run(d, cdb_space6(0, 1)).ascq() == 0x05);
  CHECK(position(d) == 7);
  // Backward: filemarks count too; the beginning is NO SENSE 00/04.
  REQUIRE(run(d, cdb_space6(0, -4)).good());
  CHECK(position(d) == 3);
  Reply bop = run(d, cdb_space6(0, -4));
  CHECK(bop.key() == 0x0);
  CHECK(bop.ascq() == 0x04);
  CHECK_FALSE(bop.valid());
  CHECK(position(d) == 0);
  // SPACE filemarks is unchanged.
  REQUIRE(run(d, cdb_space6(1, 1)).good());
  CHECK(position(d) == 3);
}
