#pragma once
// What a target's LUNs are, from the SPC commands every device answers:
// REPORT LUNS (SPC-4 6.33), standard INQUIRY (6.6.2) and the unit serial
// number VPD page 0x80 (7.8.15), decoded by the shared parsers in
// drivers/scsi; these functions run them over any transport.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "drivers/scsi/inquiry.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::drivers::iscsi {

// Short names for the device types (drivers/scsi/opcodes.hpp) discovery sorts by.
namespace peripheral {
inline constexpr std::uint8_t tape = scsi::device_type::tape;
inline constexpr std::uint8_t changer = scsi::device_type::medium_changer;
inline constexpr std::uint8_t controller = scsi::device_type::storage_array_controller;
inline constexpr std::uint8_t unknown = scsi::device_type::none;
}  // namespace peripheral
const char* peripheral_type_name(std::uint8_t type);  // "tape drive", "media changer", ...

struct LunProbe {
  int lun = 0;
  scsi::StandardInquiry inquiry;
  std::string serial;  // empty when the device has no VPD 0x80
};

// INQUIRY + VPD 0x80 over `t` (one LUN). A CHECK CONDITION on the VPD page
// leaves the serial empty; on the standard INQUIRY it is an error.
Result<LunProbe> probe_lun(hal::ScsiTransport& t, int lun, std::chrono::milliseconds timeout);
// A new I_T nexus reports UNIT ATTENTION (29/xx power on/reset, 28/00
// medium may have changed, 2A/xx parameters changed) on its first command
// to each LUN. Consumed with TEST UNIT READY until something else answers
// (NOT READY for an empty drive ends it too); more than `max` in a row is
// an error (a device that keeps raising them is broken).
Status absorb_unit_attentions(hal::ScsiTransport& t, int max, std::chrono::milliseconds timeout);
// REPORT LUNS over `t` (any LUN of the target answers it; LUN 0 must).
Result<std::vector<int>> report_luns(hal::ScsiTransport& t, std::chrono::milliseconds timeout);

}  // namespace tg::drivers::iscsi
