#pragma once
// LOG SENSE page 0x0C, Sequential-Access Device (SSC-4 8.2.2): how many
// bytes the drive took from and gave to its initiators, and wrote to and
// read from the medium (they differ by the drive's compression). Counters
// run from the drive's last power-on or log reset, so a reader treats a
// smaller value than before as a reset, never as negative traffic.
#include <cstdint>
#include <optional>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct SequentialAccessCounters {
  std::optional<std::uint64_t> bytes_from_host;   // 0x0000: received with WRITE
  std::optional<std::uint64_t> bytes_to_medium;   // 0x0001: written to the medium
  std::optional<std::uint64_t> bytes_from_medium; // 0x0002: read from the medium
  std::optional<std::uint64_t> bytes_to_host;     // 0x0003: transferred with READ
};

// Parameters 0-3 are each optional; others are ignored. A counter of 0 or
// more than 8 bytes, or a parameter given twice, is a parse_error.
Result<SequentialAccessCounters> parse_sequential_access_page(Bytes reply);

}  // namespace tg::scsi
