// USB Bulk-Only wrappers (BOT 5.1/5.2) as they arrive off the bus: the CSW
// a device returns (host side) and the CBW a device model receives. A CBW
// that parses encodes back to the same 31 bytes except the bits BOT
// reserves, which parse_cbw already insisted were zero.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/usb/bot_wrappers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace u = tg::usb;
  std::span<const std::uint8_t> raw(data, size);
  if (auto csw = u::parse_csw(raw); csw.ok()) {
    auto wire = u::encode_csw(*csw);
    if (size != u::kCswLength || !std::equal(wire.begin(), wire.end(), raw.begin())) __builtin_trap();
  }
  if (auto cbw = u::parse_cbw(raw); cbw.ok()) {
    if (cbw->cdb_length < 1 || cbw->cdb_length > u::kMaxCdbLength || cbw->lun > u::kMaxLun) __builtin_trap();
    auto wire = u::encode_cbw(*cbw);
    if (!wire.ok()) __builtin_trap();
    auto back = u::parse_cbw(*wire);
    if (!back.ok() || back->tag != cbw->tag || back->data_transfer_length != cbw->data_transfer_length ||
        back->data_in != cbw->data_in || back->lun != cbw->lun || back->cdb_length != cbw->cdb_length ||
        !std::equal(back->cdb_bytes().begin(), back->cdb_bytes().end(), cbw->cdb_bytes().begin()))
      __builtin_trap();
  }
  return 0;
}
