// INQUIRY standard data and VPD pages 0x00, 0x80, 0x83.
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/scsi/inquiry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tg::Bytes in(data, size);
  (void)tg::scsi::parse_standard_inquiry(in);
  (void)tg::scsi::parse_unit_serial(in);
  (void)tg::scsi::parse_device_identification(in);
  (void)tg::scsi::parse_supported_vpd_pages(in);
  return 0;
}
