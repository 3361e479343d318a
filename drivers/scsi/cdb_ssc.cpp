#include "drivers/scsi/cdb_ssc.hpp"

#include <cassert>

#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"

namespace tg::scsi {
namespace {
constexpr std::uint8_t bit(bool on, int n) { return on ? static_cast<std::uint8_t>(1u << n) : 0; }
}  // namespace

Cdb6 rewind(bool immediate) { return {op::rewind, bit(immediate, 0), 0, 0, 0, 0}; }

Cdb6 read_block_limits() { return {op::read_block_limits, 0, 0, 0, 0, 0}; }

Cdb6 read6(std::uint32_t length, bool fixed, bool suppress_ili) {
  assert(length <= kMax24);
  // Byte 1 bit 1 SILI, bit 0 FIXED; bytes 2-4 transfer length.
  Cdb6 c{op::read6, static_cast<std::uint8_t>(bit(suppress_ili, 1) | bit(fixed, 0))};
  put_be24(c, 2, length);
  return c;
}

Cdb6 write6(std::uint32_t length, bool fixed) {
  assert(length <= kMax24);
  Cdb6 c{op::write6, bit(fixed, 0)};  // byte 1 bit 0 FIXED; bytes 2-4 transfer length
  put_be24(c, 2, length);
  return c;
}

Cdb6 write_filemarks6(std::uint32_t count, bool immediate) {
  assert(count <= kMax24);
  Cdb6 c{op::write_filemarks6, bit(immediate, 0)};  // byte 1 bit 0 IMMED (bit 1 WSMK left 0)
  put_be24(c, 2, count);
  return c;
}

Cdb6 space6(SpaceCode code, std::int32_t count) {
  assert(count >= kSpace6Min && count <= kSpace6Max);
  // Byte 1 bits 3-0 code; bytes 2-4 count, 24-bit two's complement (negative = backwards).
  Cdb6 c{op::space6, static_cast<std::uint8_t>(static_cast<std::uint8_t>(code) & 0x0F)};
  put_be24(c, 2, static_cast<std::uint32_t>(count) & 0xFFFFFF);
  return c;
}

Cdb16 space16(SpaceCode code, std::int64_t count) {
  // Byte 1 bits 3-0 code; bytes 4-11 count (two's complement); 12-13 parameter length 0.
  Cdb16 c{op::space16, static_cast<std::uint8_t>(static_cast<std::uint8_t>(code) & 0x0F)};
  put_be64(c, 4, static_cast<std::uint64_t>(count));
  return c;
}

Cdb6 erase6(bool long_erase, bool immediate) {
  return {op::erase6, static_cast<std::uint8_t>(bit(immediate, 1) | bit(long_erase, 0)), 0, 0, 0, 0};
}

Cdb6 load_unload(bool load, bool immediate, bool retension, bool end_of_tape, bool hold) {
  // Byte 1 bit 0 IMMED; byte 4 bit 3 HOLD, bit 2 EOT, bit 1 RETEN, bit 0 LOAD.
  return {op::load_unload, bit(immediate, 0), 0, 0,
          static_cast<std::uint8_t>(bit(hold, 3) | bit(end_of_tape, 2) | bit(retension, 1) | bit(load, 0)), 0};
}

Cdb10 locate10(std::uint32_t block, bool immediate, std::optional<std::uint8_t> partition) {
  // Byte 1 bit 2 BT=0 (logical block address), bit 1 CP, bit 0 IMMED;
  // bytes 3-6 block address; byte 8 partition.
  Cdb10 c{op::locate10, static_cast<std::uint8_t>(bit(partition.has_value(), 1) | bit(immediate, 0))};
  put_be32(c, 3, block);
  c[8] = partition.value_or(0);
  return c;
}

Cdb16 locate16(std::uint64_t logical_object, bool immediate, std::optional<std::uint8_t> partition) {
  // Byte 1 bits 5-3 DEST_TYPE (000b logical object), bit 1 CP, bit 0 IMMED;
  // byte 3 partition; bytes 4-11 logical identifier.
  Cdb16 c{op::locate16, static_cast<std::uint8_t>(bit(partition.has_value(), 1) | bit(immediate, 0))};
  c[3] = partition.value_or(0);
  put_be64(c, 4, logical_object);
  return c;
}

Cdb10 read_position(ReadPositionForm form) {
  // Byte 1 bits 4-0 service action. The allocation length (bytes 7-8) must
  // be zero for the short forms; the long form returns 32 bytes, the
  // extended form 32 as well.
  Cdb10 c{op::read_position, static_cast<std::uint8_t>(form)};
  if (form == ReadPositionForm::long_form || form == ReadPositionForm::extended) put_be16(c, 7, 32);
  return c;
}

}  // namespace tg::scsi
