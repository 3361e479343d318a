// Byte vectors for the SMC-3 builders.
#include <catch2/catch.hpp>

#include "drivers/scsi/cdb_smc.hpp"

using namespace tg::scsi;
using B = std::vector<std::uint8_t>;
template <std::size_t N>
static B v(const std::array<std::uint8_t, N>& a) { return B(a.begin(), a.end()); }

TEST_CASE("MOVE MEDIUM (SMC-3 6.5): transport 2-3, source 4-5, destination 6-7, INVERT byte 10") {
  CHECK(v(move_medium(1, 1004, 500)) == B{0xA5, 0, 0x00, 0x01, 0x03, 0xEC, 0x01, 0xF4, 0, 0, 0, 0});
  CHECK(v(move_medium(0, 10, 0x1234, true)) == B{0xA5, 0, 0, 0, 0, 10, 0x12, 0x34, 0, 0, 1, 0});
}

TEST_CASE("EXCHANGE MEDIUM (SMC-3 6.1)") {
  CHECK(v(exchange_medium(1, 2, 3, 4)) == B{0xA6, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 0});
}

TEST_CASE("INITIALIZE ELEMENT STATUS (SMC-3 6.2, 6.3)") {
  CHECK(v(initialize_element_status()) == B{0x07, 0, 0, 0, 0, 0});
  CHECK(v(initialize_element_status_with_range(1000, 24)) == B{0x37, 0x01, 0x03, 0xE8, 0, 0, 0, 24, 0, 0});
}

TEST_CASE("READ ELEMENT STATUS (SMC-3 6.10)") {
  // Byte 1 VOLTAG bit 4 | type; 2-3 start; 4-5 count; byte 6 CURDATA bit 1, DVCID bit 0; 7-9 allocation.
  CHECK(v(read_element_status(ElementTypeCode::storage, 1000, 24, 65536, true, false)) ==
        B{0xB8, 0x12, 0x03, 0xE8, 0x00, 0x18, 0x00, 0x01, 0x00, 0x00, 0, 0});
  CHECK(v(read_element_status(ElementTypeCode::data_transfer, 500, 2, 1024, true, true)) ==
        B{0xB8, 0x14, 0x01, 0xF4, 0, 2, 0x01, 0, 0x04, 0x00, 0, 0});
  CHECK(v(read_element_status(ElementTypeCode::all, 0, 0xFFFF, 0xABCDEF, false, false, true)) ==
        B{0xB8, 0x00, 0, 0, 0xFF, 0xFF, 0x02, 0xAB, 0xCD, 0xEF, 0, 0});
}
