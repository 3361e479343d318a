#pragma once
// Fixed-size CDB types. Builders return them by value (no allocation); the
// transport takes them as a span. Sizes are part of the type, so a CDB can
// never be sent with the wrong length.
#include <array>
#include <cstdint>

namespace tg::scsi {

using Cdb6 = std::array<std::uint8_t, 6>;
using Cdb10 = std::array<std::uint8_t, 10>;
using Cdb12 = std::array<std::uint8_t, 12>;
using Cdb16 = std::array<std::uint8_t, 16>;
static_assert(sizeof(Cdb6) == 6 && sizeof(Cdb10) == 10 && sizeof(Cdb12) == 12 && sizeof(Cdb16) == 16);

// Largest value of a 3-byte transfer length / count field (READ(6),
// WRITE(6), WRITE FILEMARKS(6)). Callers check against it before building.
inline constexpr std::uint32_t kMax24 = 0xFFFFFF;
// SPACE(6) count: 24-bit two's complement (SSC-4 7.9 / 6.7).
inline constexpr std::int32_t kSpace6Min = -(1 << 23);
inline constexpr std::int32_t kSpace6Max = (1 << 23) - 1;

}  // namespace tg::scsi
