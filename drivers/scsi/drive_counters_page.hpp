#pragma once
// The simulated drive's vendor log page 0x30 (vendor TAPEGATE only; layout
// in board/README.md "LOG SENSE page 0x30"): how often the tape stopped and
// restarted. A real drive keeps such counts only in its own vendor pages, so
// this page is read only from a drive whose INQUIRY vendor is TAPEGATE:
// another vendor's page 0x30 means something else.
//
// Parameters (SPC-4 log parameters, binary counters of 1 to 8 bytes):
//   0x0000 backhitches: every stop-and-restart (stalls + restarts after a flush)
//   0x0001 current speed-matching step, MB/s (0 = speed model off)
//   0x0002 stalls: underruns the drive could not absorb by speed matching
#include <cstdint>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

inline constexpr char kDriveCountersVendor[] = "TAPEGATE";

struct DriveCounters {
  std::uint64_t backhitches = 0;
  std::uint64_t stalls = 0;
  std::uint32_t speed_mbps = 0;
};

// Backhitches and stalls are required; the speed is optional. A counter
// wider than 8 bytes, an empty one or a repeated parameter is a parse_error;
// unknown parameter codes are ignored (room for more counters).
Result<DriveCounters> parse_drive_counters_page(Bytes reply);

}  // namespace tg::scsi
