#pragma once
// TapeAlert (SSC-4 8.2.3, log page 0x2E; flag meanings from the TapeAlert
// specification, SSC-4 Annex A): 64 flags, parameter codes 0x0001-0x0040,
// each a one-byte parameter whose bit 0 is the flag.
#include <cstdint>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

enum class AlertSeverity : std::uint8_t { information, warning, critical };
const char* alert_severity_name(AlertSeverity s);  // "information", "warning", "critical"

struct TapeAlertFlag {
  std::uint8_t flag;      // 1..64
  const char* name;       // "Clean now"
  AlertSeverity severity;
};

// Flag 1..64; anything else returns a "Reserved" entry of severity information.
const TapeAlertFlag& tape_alert_flag(std::uint8_t flag);

// Set flags as a mask: bit (flag - 1). Unknown parameter codes are ignored
// (vendors add their own above 0x40).
Result<std::uint64_t> parse_tape_alert_page(Bytes reply);

// Common flags the firmware acts on and the simulated drive raises.
namespace tape_alert {
inline constexpr std::uint8_t hard_error = 0x03, media = 0x04, write_failure = 0x06, write_protect = 0x09, cleaning_media = 0x0B, clean_now = 0x14,
                              clean_periodic = 0x15, expired_cleaning_media = 0x16, worm_integrity = 0x3B,
                              worm_overwrite = 0x3C;
}

}  // namespace tg::scsi
