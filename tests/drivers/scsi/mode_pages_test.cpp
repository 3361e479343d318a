// MODE SENSE/SELECT data (SPC-4 7.5, SSC-4 8.3).
#include <catch2/catch.hpp>

#include "drivers/scsi/mode_pages.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {
// MODE SENSE(6) of a tape drive: header, block descriptor (LTO-9, 256 KiB
// fixed), compression page with DCE and DCC set.
B tape_mode_sense6() {
  return B{27, 0x00, 0x90, 8,                                 // length, medium type, WP + buffered 1, bd length
           0x60, 0, 0, 0, 0, 0x04, 0x00, 0x00,                // density LTO-9, blocks 0, length 0x040000
           0x8F, 0x0E, 0xC0, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
}
}  // namespace

TEST_CASE("MODE SENSE(6): header, block descriptor and pages") {
  B r = tape_mode_sense6();
  auto m = parse_mode_sense6(r);
  REQUIRE(m.ok());
  CHECK(m->write_protected());
  CHECK(((m->device_specific >> 4) & 7) == 1);
  REQUIRE(m->block);
  CHECK(m->block->density_code == 0x60);
  CHECK(m->block->block_length == 262144);
  CHECK(m->pages.size() == 16);
  auto page = find_mode_page(m->pages, 0x0F);
  REQUIRE(page.ok());
  auto cp = parse_compression_page(*page);
  REQUIRE(cp.ok());
  CHECK(cp->dce);
  CHECK(cp->dcc);
  CHECK(cp->dde);
  CHECK(cp->compression_algorithm == 1);
  auto missing = find_mode_page(m->pages, 0x10);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);
}

TEST_CASE("MODE SENSE(6): a reply shorter than its mode data length is used as far as it goes") {
  B r = tape_mode_sense6();
  r.resize(12);  // allocation 12: header + block descriptor only
  auto m = parse_mode_sense6(r);
  REQUIRE(m.ok());
  REQUIRE(m->block);
  CHECK(m->pages.empty());
}

TEST_CASE("MODE SENSE(6): lying lengths") {
  B r = tape_mode_sense6();
  r[3] = 40;  // block descriptor length beyond the data
  auto m = parse_mode_sense6(r);
  REQUIRE_FALSE(m.ok());
  CHECK_THAT(m.error().message, Catch::Contains("block descriptor length 40"));
  r = tape_mode_sense6();
  r[13] = 0x40;  // compression page length overruns
  auto mm = parse_mode_sense6(r);
  REQUIRE(mm.ok());
  auto p = find_mode_page(mm->pages, 0x0F);
  REQUIRE_FALSE(p.ok());
  CHECK_THAT(p.error().message, Catch::Contains("page length 64"));
  REQUIRE_FALSE(parse_mode_sense6(B{3, 0, 0}).ok());
}

TEST_CASE("MODE SENSE(10) header and sub-page format pages") {
  B r{0, 0, 0x00, 0x10, 0, 0, 0, 8,
      0x58, 0, 0, 0, 0, 0, 0, 0,
      0x50, 0x01, 0x00, 0x02, 0xAA, 0xBB};  // page 0x10 sub-page 1 (SPF), 2 bytes
  r[1] = static_cast<std::uint8_t>(r.size() - 2);
  auto m = parse_mode_sense10(r);
  REQUIRE(m.ok());
  CHECK(m->block->density_code == 0x58);
  CHECK(m->block->block_length == 0);
  auto p = find_mode_page(m->pages, 0x10, 0x01);
  REQUIRE(p.ok());
  CHECK(p->size() == 6);
  CHECK_FALSE(find_mode_page(m->pages, 0x10, 0x00).ok());
}

TEST_CASE("MODE SELECT(6) parameter list for the block size") {
  std::array<std::uint8_t, kBlockDescriptorSelectLength> out{};
  REQUIRE(build_block_descriptor_select(out, 0x60, 0x100000, 1) == 12);
  // Header: reserved length, medium type 0, buffered mode 1 (bits 6-4), bd length 8;
  // descriptor: density, 0 blocks, reserved, length 0x100000.
  CHECK(B(out.begin(), out.end()) == B{0, 0, 0x10, 8, 0x60, 0, 0, 0, 0, 0x10, 0x00, 0x00});
}

TEST_CASE("MODE SELECT(6) parameter list for compression keeps the page, flips DCE, clears PS") {
  B current{0x8F, 0x0E, 0xC0, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
  std::array<std::uint8_t, kCompressionSelectLength> out{};
  auto n = build_compression_select(out, current, false);
  REQUIRE(n.ok());
  CHECK(*n == 20);
  CHECK(B(out.begin(), out.end()) ==
        B{0, 0, 0, 0, 0x0F, 0x0E, 0x40, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0});
  n = build_compression_select(out, current, true);
  REQUIRE(n.ok());
  CHECK(out[6] == 0xC0);
  B bad{0x10, 0x0E, 0, 0};
  REQUIRE_FALSE(build_compression_select(out, bad, true).ok());
}

TEST_CASE("density names") {
  CHECK(density_name(0x58) == "LTO-5");
  CHECK(density_name(0x5A) == "LTO-6");
  CHECK(density_name(0x5C) == "LTO-7");
  CHECK(density_name(0x5E) == "LTO-8");
  CHECK(density_name(0x60) == "LTO-9");
  CHECK(density_name(0x62) == "LTO-10");
  CHECK(density_name(0x33) == "density 0x33");
}
