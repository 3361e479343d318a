#pragma once
// READ BLOCK LIMITS reply (SSC-4 7.5, 6 bytes).
#include <cstdint>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct BlockLimitsData {
  std::uint8_t granularity = 0;   // byte 0 bits 4-0: block lengths are multiples of 2^granularity
  std::uint32_t max_length = 0;   // bytes 1-3; 0 = no maximum reported
  std::uint16_t min_length = 0;   // bytes 4-5
};

Result<BlockLimitsData> parse_block_limits(Bytes reply);

}  // namespace tg::scsi
