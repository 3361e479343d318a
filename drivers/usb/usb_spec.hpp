#pragma once
// How a board names a USB Bulk-Only device:
//   usb:VID:PID[:SERIAL][/LUN]
// VID and PID in hex (1-4 digits, as lsusb prints them), SERIAL the
// device's iSerialNumber string (needed when two devices share VID:PID),
// LUN 0..15 (default 0) for devices that put a drive and a changer behind
// one interface. Examples: usb:0e8d:7001, usb:0e8d:7001:HU1234ABCD/1.
#include <cstdint>
#include <string>

#include "hal/result.hpp"

namespace tg::usb {

struct UsbSpec {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::string serial;  // empty: any
  std::uint8_t lun = 0;
};

bool is_usb_spec(const std::string& text);  // starts with "usb:"
Result<UsbSpec> parse_usb_spec(const std::string& text);
// Canonical form: lower-case 4-digit hex, ":SERIAL" when set, "/LUN" when not
// 0 or when the serial holds a '/' (so that the form always parses back).
std::string format_usb_spec(const UsbSpec& spec);

}  // namespace tg::usb
