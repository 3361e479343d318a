// The board syntax for USB devices: usb:VID:PID[:SERIAL][/LUN].
#include <catch2/catch.hpp>

#include "drivers/usb/usb_spec.hpp"

using namespace tg;
using namespace tg::usb;

TEST_CASE("parse_usb_spec reads VID, PID, serial and LUN", "[usb]") {
  auto a = parse_usb_spec("usb:0e8d:7001");
  REQUIRE(a.ok());
  CHECK(a->vendor_id == 0x0E8D);
  CHECK(a->product_id == 0x7001);
  CHECK(a->serial.empty());
  CHECK(a->lun == 0);

  auto b = parse_usb_spec("usb:0x0E8D:7001:HU1234ABCD/1");
  REQUIRE(b.ok());
  CHECK(b->serial == "HU1234ABCD");
  CHECK(b->lun == 1);

  auto c = parse_usb_spec("usb:1:2/15");
  REQUIRE(c.ok());
  CHECK(c->vendor_id == 1);
  CHECK(c->lun == 15);

  // A serial with ':' keeps it (only the first two separate the ids).
  auto d = parse_usb_spec("usb:0e8d:7001:A:B");
  REQUIRE(d.ok());
  CHECK(d->serial == "A:B");
}

TEST_CASE("parse_usb_spec names what is wrong", "[usb]") {
  const char* bad[] = {"usb:", "usb:0e8d", "usb:0e8dx:7001", "usb:12345:1", "usb:0e8d:7001/16", "usb:0e8d:7001/x",
                       "usb:0e8d:7001:", "sg:/dev/sg0", "usb::7001", "usb:0e8d:7001/"};
  for (const char* s : bad) {
    CAPTURE(s);
    auto r = parse_usb_spec(s);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
    CHECK(r.error().message.find(s) != std::string::npos);
  }
}

TEST_CASE("format_usb_spec is canonical and round-trips", "[usb]") {
  CHECK(format_usb_spec({.vendor_id = 0x0E8D, .product_id = 0x7001}) == "usb:0e8d:7001");
  CHECK(format_usb_spec({.vendor_id = 0x0E8D, .product_id = 0x7001, .serial = "S1", .lun = 2}) == "usb:0e8d:7001:S1/2");
  auto r = parse_usb_spec(format_usb_spec({.vendor_id = 0xABCD, .product_id = 0x0001, .serial = "X", .lun = 3}));
  REQUIRE(r.ok());
  CHECK(r->vendor_id == 0xABCD);
  CHECK(r->serial == "X");
  CHECK(r->lun == 3);
  CHECK(is_usb_spec("usb:1:2"));
  CHECK_FALSE(is_usb_spec("iscsi://x"));
}
