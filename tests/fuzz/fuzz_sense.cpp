// Sense data arrives from devices and transports we do not control.
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/scsi/sense.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  auto s = tg::scsi::parse_sense(in);
  if (s.ok()) {
    (void)tg::scsi::describe(*s);
    (void)tg::scsi::errc_for(*s);
  }
  return 0;
}
