#include "drivers/iscsi/raw_sense.hpp"

#include <string>

#include "hal/bytes.hpp"

namespace tg::drivers::iscsi {

Result<std::span<const std::uint8_t>> sense_from_response_segment(std::span<const std::uint8_t> segment) {
  if (segment.empty()) return std::span<const std::uint8_t>{};
  if (segment.size() < 2) {
    return Error(Errc::parse_error, "iSCSI response data segment of 1 byte cannot hold SenseLength (2 bytes)");
  }
  const std::size_t length = get_be16(segment, 0);
  if (length > segment.size() - 2) {
    return Error(Errc::parse_error, "iSCSI SenseLength " + std::to_string(length) + " exceeds the " +
                                        std::to_string(segment.size() - 2) + " sense bytes received");
  }
  return segment.subspan(2, length);
}

}  // namespace tg::drivers::iscsi
