// Byte vectors for the SPC-4 builders, derived from the CDB layouts in
// SPC-4 (section cited per case) / docs/scsi-reference.md.
#include <catch2/catch.hpp>

#include "drivers/scsi/cdb_spc.hpp"

using namespace tg::scsi;
using B = std::vector<std::uint8_t>;
template <std::size_t N>
static B v(const std::array<std::uint8_t, N>& a) { return B(a.begin(), a.end()); }

TEST_CASE("TEST UNIT READY is six zero bytes (SPC-4 6.47)") { CHECK(v(test_unit_ready()) == B{0, 0, 0, 0, 0, 0}); }

TEST_CASE("REQUEST SENSE carries allocation in byte 4, DESC in byte 1 bit 0 (SPC-4 6.39)") {
  CHECK(v(request_sense(252)) == B{0x03, 0, 0, 0, 252, 0});
  CHECK(v(request_sense(18, true)) == B{0x03, 0x01, 0, 0, 18, 0});
}

TEST_CASE("INQUIRY standard and VPD (SPC-4 6.6)") {
  // Bytes 3-4 allocation length, big-endian.
  CHECK(v(inquiry(96)) == B{0x12, 0, 0, 0, 96, 0});
  CHECK(v(inquiry(0x1234)) == B{0x12, 0, 0, 0x12, 0x34, 0});
  // EVPD=1 in byte 1 bit 0, page code in byte 2.
  CHECK(v(inquiry_vpd(0x80, 252)) == B{0x12, 0x01, 0x80, 0, 252, 0});
  CHECK(v(inquiry_vpd(0x83, 1024)) == B{0x12, 0x01, 0x83, 0x04, 0x00, 0});
}

TEST_CASE("MODE SENSE(6)/(10) (SPC-4 6.11, 6.12)") {
  // Byte 1 bit 3 DBD; byte 2 PC<<6 | page; byte 3 subpage; byte 4 allocation.
  CHECK(v(mode_sense6(0x0F, 255)) == B{0x1A, 0, 0x0F, 0, 255, 0});
  CHECK(v(mode_sense6(0x1D, 255, true)) == B{0x1A, 0x08, 0x1D, 0, 255, 0});
  CHECK(v(mode_sense6(0x3F, 200, false, ModePageControl::changeable, 0xFF)) == B{0x1A, 0, 0x7F, 0xFF, 200, 0});
  CHECK(v(mode_sense6(0x10, 12, false, ModePageControl::saved)) == B{0x1A, 0, 0xD0, 0, 12, 0});
  // (10): allocation in bytes 7-8.
  CHECK(v(mode_sense10(0x0F, 0x0102, true, ModePageControl::defaults)) ==
        B{0x5A, 0x08, 0x8F, 0, 0, 0, 0, 0x01, 0x02, 0});
}

TEST_CASE("MODE SELECT(6)/(10) set PF (SPC-4 6.9, 6.10)") {
  CHECK(v(mode_select6(12)) == B{0x15, 0x10, 0, 0, 12, 0});
  CHECK(v(mode_select6(20, true)) == B{0x15, 0x11, 0, 0, 20, 0});
  CHECK(v(mode_select10(0x0203)) == B{0x55, 0x10, 0, 0, 0, 0, 0, 0x02, 0x03, 0});
}

TEST_CASE("LOG SENSE (SPC-4 6.8)") {
  // PC=01b cumulative: byte 2 = 0x40 | page; parameter pointer 5-6; allocation 7-8.
  CHECK(v(log_sense(0x2E, 324)) == B{0x4D, 0, 0x6E, 0, 0, 0, 0, 0x01, 0x44, 0});
  CHECK(v(log_sense(0x17, 0x1000, LogPageControl::current_threshold, 0x01, 0x0203)) ==
        B{0x4D, 0, 0x17, 0x01, 0, 0x02, 0x03, 0x10, 0x00, 0});
}

TEST_CASE("REPORT LUNS (SPC-4 6.33)") {
  CHECK(v(report_luns(0x01020304)) == B{0xA0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0});
  CHECK(v(report_luns(16, 2)) == B{0xA0, 0, 2, 0, 0, 0, 0, 0, 0, 16, 0, 0});
}

TEST_CASE("PREVENT ALLOW MEDIUM REMOVAL (SPC-4 6.13)") {
  CHECK(v(prevent_allow_medium_removal(true)) == B{0x1E, 0, 0, 0, 0x01, 0});
  CHECK(v(prevent_allow_medium_removal(false)) == B{0x1E, 0, 0, 0, 0x00, 0});
}

TEST_CASE("READ ATTRIBUTE (SPC-4 6.16)") {
  // Byte 1 service action; 5 volume; 7 partition; 8-9 first id; 10-13 allocation.
  CHECK(v(read_attribute(attribute_action::values, 0x0806, 0x00012345, 1, 2)) ==
        B{0x8C, 0x00, 0, 0, 0, 0x02, 0, 0x01, 0x08, 0x06, 0x00, 0x01, 0x23, 0x45, 0, 0});
  CHECK(v(read_attribute(attribute_action::list, 0, 8192)) ==
        B{0x8C, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x00, 0, 0});
}
