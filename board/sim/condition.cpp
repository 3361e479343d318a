#include "board/sim/condition.hpp"

#include <algorithm>

#include "hal/bytes.hpp"

namespace tg::sim {

void encode_fixed_sense(const Condition& c, std::span<std::uint8_t> out) {
  std::fill_n(out.begin(), kFixedSenseLength, std::uint8_t{0});
  out[0] = 0x70;  // current error, fixed format
  if (c.information) {
    out[0] |= 0x80;  // VALID
    // The INFORMATION field is 4 bytes; SSC residuals are signed, so a
    // negative value (an over-length block) is its two's complement.
    put_be32(out, 3, static_cast<std::uint32_t>(static_cast<std::int32_t>(*c.information)));
  }
  out[2] = static_cast<std::uint8_t>((c.filemark ? 0x80 : 0) | (c.eom ? 0x40 : 0) | (c.ili ? 0x20 : 0) |
                                     (c.key & 0x0F));
  out[7] = static_cast<std::uint8_t>(kFixedSenseLength - 8);  // additional sense length
  out[12] = c.asc;
  out[13] = c.ascq;
  if (c.field) {
    std::uint8_t b = 0x80;  // SKSV
    if (c.field->in_cdb) b |= 0x40;  // C/D
    if (c.field->bit) b |= static_cast<std::uint8_t>(0x08 | (*c.field->bit & 0x07));  // BPV
    out[15] = b;
    put_be16(out, 16, c.field->byte);
  }
}

hal::TargetReply check_condition(const Condition& c, std::size_t data_length) {
  hal::TargetReply r;
  r.status = hal::scsi_status::check_condition;
  encode_fixed_sense(c, r.sense);
  r.sense_length = kFixedSenseLength;
  r.data_length = data_length;
  return r;
}

}  // namespace tg::sim
