// READ POSITION (short and long), READ ATTRIBUTE (MAM), READ BLOCK LIMITS,
// REPORT LUNS.
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/scsi/attributes.hpp"
#include "drivers/scsi/block_limits.hpp"
#include "drivers/scsi/read_position.hpp"
#include "drivers/scsi/report_luns.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tg::Bytes in(data, size);
  (void)tg::scsi::parse_read_position_short(in);
  (void)tg::scsi::parse_read_position_long(in);
  (void)tg::scsi::parse_attribute_values(in);
  (void)tg::scsi::parse_block_limits(in);
  (void)tg::scsi::parse_report_luns(in);
  return 0;
}
