// usb:VID:PID[:SERIAL][/LUN] from board files and the console. A spec that
// parses formats to a canonical form that parses to the same device.
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/usb/usb_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)tg::usb::is_usb_spec(text);
  auto spec = tg::usb::parse_usb_spec(text);
  if (!spec.ok()) return 0;
  auto again = tg::usb::parse_usb_spec(tg::usb::format_usb_spec(*spec));
  if (!again.ok() || again->vendor_id != spec->vendor_id || again->product_id != spec->product_id ||
      again->serial != spec->serial || again->lun != spec->lun)
    __builtin_trap();
  return 0;
}
