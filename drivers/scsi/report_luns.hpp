#pragma once
// REPORT LUNS reply (SPC-4 6.33): 8-byte header, then 8 bytes per LUN.
#include <cstdint>
#include <vector>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct ReportLuns {
  std::uint32_t list_length = 0;       // bytes 0-3: bytes of LUN list available
  std::vector<std::uint64_t> luns;     // the 8-byte LUN fields received, big-endian as integers
  bool truncated = false;              // list_length exceeds what was received: ask with more
};

Result<ReportLuns> parse_report_luns(Bytes reply);

// The LUN number of an 8-byte LUN in peripheral (00b) or flat (01b) space
// addressing (SAM-5 4.7); other methods return the first two bytes as is.
std::uint16_t lun_number(std::uint64_t lun);

}  // namespace tg::scsi
