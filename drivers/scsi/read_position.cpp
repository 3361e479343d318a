#include "drivers/scsi/read_position.hpp"

#include "drivers/scsi/reply_fields.hpp"

namespace tg::scsi {

Result<TapePosition> parse_read_position_short(Bytes reply) {
  // SSC-4 7.7.2: byte 0 BOP(7) EOP(6) LOCU(5) BYCU(4) LOLU(2) PERR(1)
  // BPEW(0); byte 1 partition; 4-7 first logical object; 8-11 last;
  // 13-15 objects in buffer; 16-19 bytes in buffer.
  TG_CHECK(require_length(reply, 20, "READ POSITION short form"));
  TapePosition p;
  const std::uint8_t f = reply[0];
  p.beginning_of_partition = f & 0x80;
  p.end_of_partition = f & 0x40;
  p.beyond_early_warning = f & 0x01;
  p.partition = reply[1];
  if (!(f & 0x04)) {  // LOLU clear: locations are valid
    p.logical_object = get_be32(reply, 4);
    p.last_object = get_be32(reply, 8);
  }
  if (!(f & 0x20)) p.objects_in_buffer = get_be24(reply, 13);  // LOCU clear
  if (!(f & 0x10)) p.bytes_in_buffer = get_be32(reply, 16);    // BYCU clear
  return p;
}

Result<TapePosition> parse_read_position_long(Bytes reply) {
  // SSC-4 7.7.3: byte 0 BOP(7) EOP(6) MPU(3) LONU(2) BPEW(0); 4-7
  // partition; 8-15 logical object number; 16-23 logical file identifier.
  TG_CHECK(require_length(reply, 32, "READ POSITION long form"));
  TapePosition p;
  const std::uint8_t f = reply[0];
  p.beginning_of_partition = f & 0x80;
  p.end_of_partition = f & 0x40;
  p.beyond_early_warning = f & 0x01;
  p.partition = get_be32(reply, 4);
  if (!(f & 0x04)) p.logical_object = get_be64(reply, 8);
  if (!(f & 0x08)) p.file_number = get_be64(reply, 16);
  // Object 0 is the beginning of the partition, where BOP is set. tgt
  // answers object 0 without BOP (and LONU clear) wherever the tape is
  // (field notes): such a reply does not know the position.
  if (p.logical_object == 0u && !p.beginning_of_partition) {
    p.logical_object.reset();
    p.file_number.reset();
  }
  return p;
}

}  // namespace tg::scsi
