#include <catch2/catch.hpp>

#include <array>

#include "hal/bytes.hpp"

TEST_CASE("big-endian helpers round-trip every width") {
  std::array<std::uint8_t, 8> b{};
  tg::put_be16(b, 0, 0x1234);
  CHECK(b[0] == 0x12);
  CHECK(b[1] == 0x34);
  CHECK(tg::get_be16(b, 0) == 0x1234);
  tg::put_be24(b, 0, 0xABCDEF);
  CHECK(b[0] == 0xAB);
  CHECK(b[2] == 0xEF);
  CHECK(tg::get_be24(b, 0) == 0xABCDEF);
  tg::put_be32(b, 0, 0xDEADBEEF);
  CHECK(tg::get_be32(b, 0) == 0xDEADBEEFu);
  tg::put_be64(b, 0, 0x0102030405060708ull);
  CHECK(b[7] == 0x08);
  CHECK(tg::get_be64(b, 0) == 0x0102030405060708ull);
  tg::put_le32(b, 0, 0x43425355);
  CHECK(b[0] == 0x55);
  CHECK(b[3] == 0x43);
  CHECK(tg::get_le32(b, 0) == 0x43425355u);
}
