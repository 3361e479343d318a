// Byte vectors for the SSC-4 builders (layouts: SSC-4 clauses cited).
#include <catch2/catch.hpp>

#include "drivers/scsi/cdb_ssc.hpp"

using namespace tg::scsi;
using B = std::vector<std::uint8_t>;
template <std::size_t N>
static B v(const std::array<std::uint8_t, N>& a) { return B(a.begin(), a.end()); }

TEST_CASE("REWIND (SSC-4 7.6): IMMED in byte 1 bit 0") {
  CHECK(v(rewind(false)) == B{0x01, 0, 0, 0, 0, 0});
  CHECK(v(rewind(true)) == B{0x01, 1, 0, 0, 0, 0});
}

TEST_CASE("READ BLOCK LIMITS (SSC-4 7.5)") { CHECK(v(read_block_limits()) == B{0x05, 0, 0, 0, 0, 0}); }

TEST_CASE("READ(6) (SSC-4 6.4): SILI bit 1, FIXED bit 0, 3-byte length") {
  CHECK(v(read6(262144, false, false)) == B{0x08, 0x00, 0x04, 0x00, 0x00, 0});
  CHECK(v(read6(16, true, false)) == B{0x08, 0x01, 0, 0, 16, 0});
  CHECK(v(read6(0xFFFFFF, false, true)) == B{0x08, 0x02, 0xFF, 0xFF, 0xFF, 0});
}

TEST_CASE("WRITE(6) (SSC-4 6.9)") {
  CHECK(v(write6(1048576, false)) == B{0x0A, 0x00, 0x10, 0x00, 0x00, 0});
  CHECK(v(write6(3, true)) == B{0x0A, 0x01, 0, 0, 3, 0});
}

TEST_CASE("WRITE FILEMARKS(6) (SSC-4 6.10)") {
  CHECK(v(write_filemarks6(1, false)) == B{0x10, 0x00, 0, 0, 1, 0});
  CHECK(v(write_filemarks6(0, false)) == B{0x10, 0x00, 0, 0, 0, 0});  // flush only
  CHECK(v(write_filemarks6(0x010203, true)) == B{0x10, 0x01, 0x01, 0x02, 0x03, 0});
}

TEST_CASE("SPACE(6) (SSC-4 6.7): code in byte 1, signed 24-bit count") {
  CHECK(v(space6(SpaceCode::blocks, 5)) == B{0x11, 0x00, 0, 0, 5, 0});
  CHECK(v(space6(SpaceCode::filemarks, -1)) == B{0x11, 0x01, 0xFF, 0xFF, 0xFF, 0});
  CHECK(v(space6(SpaceCode::end_of_data, 0)) == B{0x11, 0x03, 0, 0, 0, 0});
  CHECK(v(space6(SpaceCode::blocks, kSpace6Min)) == B{0x11, 0x00, 0x80, 0x00, 0x00, 0});
  CHECK(v(space6(SpaceCode::blocks, kSpace6Max)) == B{0x11, 0x00, 0x7F, 0xFF, 0xFF, 0});
}

TEST_CASE("SPACE(16) (SSC-4 7.9): signed 64-bit count in bytes 4-11") {
  CHECK(v(space16(SpaceCode::blocks, 0x0102030405LL)) ==
        B{0x91, 0x00, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0, 0, 0, 0});
  CHECK(v(space16(SpaceCode::filemarks, -2)) ==
        B{0x91, 0x01, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 0});
}

TEST_CASE("ERASE(6) (SSC-4 6.2): LONG bit 0, IMMED bit 1") {
  CHECK(v(erase6(true, false)) == B{0x19, 0x01, 0, 0, 0, 0});
  CHECK(v(erase6(false, true)) == B{0x19, 0x02, 0, 0, 0, 0});
}

TEST_CASE("LOAD UNLOAD (SSC-4 7.2)") {
  CHECK(v(load_unload(true, false)) == B{0x1B, 0, 0, 0, 0x01, 0});
  CHECK(v(load_unload(false, false)) == B{0x1B, 0, 0, 0, 0x00, 0});
  CHECK(v(load_unload(true, true, true, false, true)) == B{0x1B, 1, 0, 0, 0x0B, 0});
  CHECK(v(load_unload(false, false, false, true)) == B{0x1B, 0, 0, 0, 0x04, 0});
}

TEST_CASE("LOCATE(10) (SSC-4 7.3)") {
  // Block address bytes 3-6; CP byte 1 bit 1; partition byte 8.
  CHECK(v(locate10(0x01020304, false)) == B{0x2B, 0x00, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0});
  CHECK(v(locate10(7, true, std::uint8_t{1})) == B{0x2B, 0x03, 0, 0, 0, 0, 7, 0, 1, 0});
}

TEST_CASE("LOCATE(16) (SSC-4 7.4)") {
  CHECK(v(locate16(0x0000000100000002ULL, false)) ==
        B{0x92, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0x02, 0, 0, 0, 0});
  CHECK(v(locate16(9, true, std::uint8_t{2})) == B{0x92, 0x03, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0});
}

TEST_CASE("READ POSITION (SSC-4 7.7): service action in byte 1") {
  CHECK(v(read_position(ReadPositionForm::short_form)) == B{0x34, 0x00, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(v(read_position(ReadPositionForm::long_form)) == B{0x34, 0x06, 0, 0, 0, 0, 0, 0, 32, 0});
  CHECK(v(read_position(ReadPositionForm::extended)) == B{0x34, 0x08, 0, 0, 0, 0, 0, 0, 32, 0});
}
