#include "drivers/usb/usb_spec.hpp"

#include <charconv>
#include <cstdio>

namespace tg::usb {
namespace {

Result<std::uint16_t> parse_hex16(const std::string& s, const char* what, const std::string& spec) {
  std::string digits = s;
  if (digits.rfind("0x", 0) == 0 || digits.rfind("0X", 0) == 0) digits = digits.substr(2);
  unsigned v = 0;
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), v, 16);
  if (digits.empty() || digits.size() > 4 || err != std::errc{} || end != digits.data() + digits.size())
    return Error(Errc::invalid_argument,
                 "USB device '" + spec + "': " + what + " '" + s + "' is not 1-4 hex digits (usb:VID:PID[:SERIAL][/LUN])");
  return static_cast<std::uint16_t>(v);
}

}  // namespace

bool is_usb_spec(const std::string& text) { return text.rfind("usb:", 0) == 0; }

Result<UsbSpec> parse_usb_spec(const std::string& text) {
  if (!is_usb_spec(text))
    return Error(Errc::invalid_argument, "'" + text + "' is not a USB device (usb:VID:PID[:SERIAL][/LUN])");
  std::string rest = text.substr(4);
  UsbSpec spec;
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    std::string lun = rest.substr(slash + 1);
    unsigned v = 0;
    auto [end, err] = std::from_chars(lun.data(), lun.data() + lun.size(), v);
    if (lun.empty() || err != std::errc{} || end != lun.data() + lun.size() || v > 15)
      return Error(Errc::invalid_argument, "USB device '" + text + "': LUN '" + lun + "' is not 0..15");
    spec.lun = static_cast<std::uint8_t>(v);
    rest.resize(slash);
  }
  auto c1 = rest.find(':');
  if (c1 == std::string::npos)
    return Error(Errc::invalid_argument, "USB device '" + text + "' needs VID:PID (usb:VID:PID[:SERIAL][/LUN])");
  auto c2 = rest.find(':', c1 + 1);
  spec.vendor_id = TG_TRY(parse_hex16(rest.substr(0, c1), "vendor id", text));
  spec.product_id = TG_TRY(parse_hex16(rest.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1),
                                       "product id", text));
  if (c2 != std::string::npos) {
    spec.serial = rest.substr(c2 + 1);
    if (spec.serial.empty())
      return Error(Errc::invalid_argument, "USB device '" + text + "': empty serial after the second ':'");
    for (char ch : spec.serial)
      if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7F)
        return Error(Errc::invalid_argument, "USB device '" + text + "': serial has a non-printable character");
  }
  return spec;
}

std::string format_usb_spec(const UsbSpec& spec) {
  char ids[16];
  std::snprintf(ids, sizeof ids, "%04x:%04x", spec.vendor_id, spec.product_id);
  std::string s = std::string("usb:") + ids;
  if (!spec.serial.empty()) s += ":" + spec.serial;
  // The parser takes the LUN after the last '/', so a serial holding a '/'
  // (seen in the wild) needs the LUN spelled out, even 0, to read back.
  if (spec.lun != 0 || spec.serial.find('/') != std::string::npos) s += "/" + std::to_string(spec.lun);
  return s;
}

}  // namespace tg::usb
