// MODE SENSE (6/10) headers, block descriptors and pages; LOG SENSE pages
// including TapeAlert and the simulated drive's counters (page 0x30).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/scsi/drive_counters_page.hpp"
#include "drivers/scsi/sequential_access_page.hpp"
#include "drivers/scsi/log_pages.hpp"
#include "drivers/scsi/mode_pages.hpp"
#include "drivers/scsi/tape_alert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tg::Bytes in(data, size);
  if (auto m = tg::scsi::parse_mode_sense6(in); m.ok()) (void)m;
  (void)tg::scsi::parse_mode_sense10(in);
  if (auto p = tg::scsi::find_mode_page(in, 0x0F); p.ok()) {
    (void)tg::scsi::parse_compression_page(*p);
    std::array<std::uint8_t, 64> out{};
    (void)tg::scsi::build_compression_select(out, *p, true);
  }
  (void)tg::scsi::parse_compression_page(in);
  (void)tg::scsi::parse_log_page(in, size ? (data[0] & 0x3F) : 0);
  (void)tg::scsi::parse_tape_alert_page(in);
  (void)tg::scsi::parse_drive_counters_page(in);
  (void)tg::scsi::parse_sequential_access_page(in);
  return 0;
}
