// Checked access to device replies: a reply too short for a field is a
// parse error that names the field, ASCII fields are trimmed the way the
// standard pads them (SPC-5 4.3.1: left-aligned, space-filled) and never
// carry control bytes into a console line.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/scsi/reply_fields.hpp"

using namespace tg;
using namespace tg::scsi;

namespace {

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("reply fields: a short reply is a parse error naming the field and both lengths") {
  const std::vector<std::uint8_t> reply(10, 0);
  CHECK(require_length(reply, 10, "INQUIRY").ok());
  CHECK(require_length(reply, 0, "INQUIRY").ok());
  auto s = require_length(reply, 36, "standard INQUIRY data");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::parse_error);
  CHECK(s.error().message == "standard INQUIRY data: 10 bytes, need 36");
  CHECK_FALSE(require_length({}, 1, "sense").ok());
}

TEST_CASE("reply fields: ASCII fields lose their padding, keep inner spaces, mask control bytes") {
  CHECK(ascii_field(bytes("IBM     ")) == "IBM");
  CHECK(ascii_field(bytes("  ULT3580-TD9    ")) == "ULT3580-TD9");
  CHECK(ascii_field(bytes("TP0001L9")) == "TP0001L9");
  CHECK(ascii_field(bytes("LTO  9")) == "LTO  9");
  CHECK(ascii_field(bytes(std::string("ABC\0\0\0", 6))) == "ABC");
  CHECK(ascii_field(bytes(std::string("AB \0 \0", 6))) == "AB");
  CHECK(ascii_field(bytes("        ")) == "");
  CHECK(ascii_field({}) == "");
  // A terminal escape, DEL and bytes above 0x7F are shown as '?'.
  CHECK(ascii_field(std::vector<std::uint8_t>{'A', 0x1B, '[', '2', 'J', 0x7F, 0xC3, 'Z'}) == "A?[2J??Z");
  CHECK(ascii_field(std::vector<std::uint8_t>{0x00, 'X'}) == "?X");  // a NUL inside is not padding
}

TEST_CASE("reply fields: one byte as 0x and two uppercase hex digits") {
  CHECK(hex_byte(0x1D) == "0x1D");
  CHECK(hex_byte(0) == "0x00");
  CHECK(hex_byte(0xff) == "0xFF");
  CHECK(hex_byte(0x1AB) == "0xAB");  // only the low byte
}
