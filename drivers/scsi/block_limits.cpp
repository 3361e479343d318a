#include "drivers/scsi/block_limits.hpp"

#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {

Result<BlockLimitsData> parse_block_limits(Bytes reply) {
  TG_CHECK(require_length(reply, 6, "READ BLOCK LIMITS data"));
  BlockLimitsData d{.granularity = static_cast<std::uint8_t>(reply[0] & 0x1F),
                    .max_length = get_be24(reply, 1),
                    .min_length = get_be16(reply, 4)};
  if (d.max_length != 0 && d.min_length > d.max_length)
    return Error(Errc::parse_error, "READ BLOCK LIMITS data: minimum block length " + std::to_string(d.min_length) +
                                        " exceeds the maximum " + std::to_string(d.max_length));
  return d;
}

}  // namespace tg::scsi
