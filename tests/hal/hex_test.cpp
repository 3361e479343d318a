#include "hal/hex.hpp"

#include <catch2/catch.hpp>

#include <array>

using namespace tg;

TEST_CASE("hex: values with a minimum width, byte dumps, appended bytes") {
  CHECK(hal::hex_value(0) == "0x00");
  CHECK(hal::hex_value(0xa) == "0x0a");
  CHECK(hal::hex_value(0x1f2e, 2) == "0x1f2e");
  CHECK(hal::hex_value(0x12, 4) == "0x0012");
  CHECK(hal::hex_value(0xab, 2, true) == "0xAB");
  CHECK(hal::hex_value(0xffffffffffffffffull) == "0xffffffffffffffff");
  const std::array<std::uint8_t, 4> b{0x00, 0xff, 0x1a, 0x80};
  CHECK(hal::hex_bytes(b) == "00ff1a80");
  CHECK(hal::hex_bytes({}).empty());
  std::string s = "\\x";
  hal::append_hex(s, 0x1b);
  CHECK(s == "\\x1b");
  hal::append_hex(s, 0xc3, true);
  CHECK(s == "\\x1bC3");
}

TEST_CASE("hex: parsing bytes back, either case, refusing odd lengths and non-digits") {
  CHECK(tg::hal::parse_hex_bytes("").value().empty());
  CHECK(tg::hal::parse_hex_bytes("00ff1A").value() == std::vector<std::uint8_t>{0x00, 0xFF, 0x1A});
  CHECK(tg::hal::hex_bytes(tg::hal::parse_hex_bytes("deadBEEF").value()) == "deadbeef");
  CHECK_FALSE(tg::hal::parse_hex_bytes("abc"));
  CHECK_FALSE(tg::hal::parse_hex_bytes("0g"));
  CHECK_FALSE(tg::hal::parse_hex_bytes("+1"));
  CHECK_FALSE(tg::hal::parse_hex_bytes(" 1"));
  CHECK_FALSE(tg::hal::parse_hex_bytes("0x"));
}
