// CBW/CSW bytes against BOT rev. 1.0 sections 5.1 and 5.2.
#include <catch2/catch.hpp>

#include <vector>

#include "drivers/usb/bot_wrappers.hpp"

using namespace tg;
using namespace tg::usb;

TEST_CASE("encode_cbw lays out a READ(6) wrapper byte for byte", "[usb]") {
  CommandBlockWrapper cbw{.tag = 0x12345678, .data_transfer_length = 0x00010000, .data_in = true, .lun = 1,
                          .cdb = {0x08, 0x00, 0x01, 0x00, 0x00, 0x00}, .cdb_length = 6};
  auto b = encode_cbw(cbw);
  REQUIRE(b.ok());
  const std::vector<std::uint8_t> expected{
      0x55, 0x53, 0x42, 0x43,  // "USBC"
      0x78, 0x56, 0x34, 0x12,  // tag, little-endian
      0x00, 0x00, 0x01, 0x00,  // 65536
      0x80,                    // data-in
      0x01,                    // LUN
      0x06,                    // CB length
      0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(std::vector<std::uint8_t>(b->begin(), b->end()) == expected);
}

TEST_CASE("encode_cbw refuses what the wrapper cannot carry", "[usb]") {
  CHECK(encode_cbw({.cdb_length = 0}).error().code == Errc::invalid_argument);
  CHECK(encode_cbw({.cdb_length = 17}).error().code == Errc::invalid_argument);
  CHECK(encode_cbw({.lun = 16, .cdb_length = 6}).error().code == Errc::invalid_argument);
  CHECK(encode_cbw({.lun = 15, .cdb_length = 16}).ok());
}

TEST_CASE("parse_cbw round-trips and rejects invalid or meaningless wrappers", "[usb]") {
  CommandBlockWrapper in{.tag = 7, .data_transfer_length = 512, .data_in = false, .lun = 3,
                         .cdb = {0x0A, 0, 0, 2, 0, 0}, .cdb_length = 6};
  auto bytes = encode_cbw(in).value();
  auto out = parse_cbw(bytes);
  REQUIRE(out.ok());
  CHECK(out->tag == 7);
  CHECK(out->data_transfer_length == 512);
  CHECK_FALSE(out->data_in);
  CHECK(out->lun == 3);
  CHECK(out->cdb_length == 6);
  CHECK(out->cdb[3] == 2);

  CHECK_FALSE(parse_cbw(std::span<const std::uint8_t>(bytes.data(), 30)).ok());  // BOT 6.2.1: exactly 31
  auto bad = bytes;
  bad[0] = 0x00;
  CHECK(parse_cbw(bad).error().message.find("signature") != std::string::npos);
  bad = bytes;
  bad[12] = 0x81;  // reserved flag bit
  CHECK_FALSE(parse_cbw(bad).ok());
  bad = bytes;
  bad[13] = 0x13;  // reserved LUN bits
  CHECK_FALSE(parse_cbw(bad).ok());
  bad = bytes;
  bad[14] = 0;
  CHECK_FALSE(parse_cbw(bad).ok());
  bad[14] = 17;
  CHECK_FALSE(parse_cbw(bad).ok());
}

TEST_CASE("CSW encode and parse", "[usb]") {
  auto b = encode_csw({.tag = 0xAABBCCDD, .data_residue = 60, .status = 1});
  const std::vector<std::uint8_t> expected{0x55, 0x53, 0x42, 0x53, 0xDD, 0xCC, 0xBB, 0xAA, 60, 0, 0, 0, 1};
  CHECK(std::vector<std::uint8_t>(b.begin(), b.end()) == expected);
  auto p = parse_csw(b);
  REQUIRE(p.ok());
  CHECK(p->tag == 0xAABBCCDD);
  CHECK(p->data_residue == 60);
  CHECK(p->status == 1);

  CHECK_FALSE(parse_csw(std::span<const std::uint8_t>(b.data(), 12)).ok());
  b[3] = 0x43;  // "USBC" is a CBW, not a CSW
  CHECK(parse_csw(b).error().code == Errc::parse_error);
}
