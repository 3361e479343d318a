#include "drivers/scsi/cdb_spc.hpp"

#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"

namespace tg::scsi {

Cdb6 test_unit_ready() { return {op::test_unit_ready, 0, 0, 0, 0, 0}; }

Cdb6 request_sense(std::uint8_t allocation, bool descriptor_format) {
  // Byte 1 bit 0 DESC asks for descriptor-format sense.
  return {op::request_sense, static_cast<std::uint8_t>(descriptor_format ? 0x01 : 0x00), 0, 0, allocation, 0};
}

Cdb6 inquiry(std::uint16_t allocation) {
  // Bytes 3-4 allocation length (SPC-4; SPC-2 had one byte at 4).
  Cdb6 c{op::inquiry};
  put_be16(c, 3, allocation);
  return c;
}

Cdb6 inquiry_vpd(std::uint8_t page, std::uint16_t allocation) {
  Cdb6 c{op::inquiry, 0x01, page};  // byte 1 bit 0 EVPD, byte 2 page code
  put_be16(c, 3, allocation);
  return c;
}

Cdb6 mode_sense6(std::uint8_t page, std::uint8_t allocation, bool dbd, ModePageControl pc,
                 std::uint8_t subpage) {
  // Byte 1 bit 3 DBD; byte 2 PC (7-6) + page code (5-0); byte 3 subpage; byte 4 allocation.
  return {op::mode_sense6, static_cast<std::uint8_t>(dbd ? 0x08 : 0x00),
          static_cast<std::uint8_t>((static_cast<std::uint8_t>(pc) << 6) | (page & 0x3F)), subpage, allocation, 0};
}

Cdb10 mode_sense10(std::uint8_t page, std::uint16_t allocation, bool dbd, ModePageControl pc,
                   std::uint8_t subpage) {
  // As MODE SENSE(6), allocation in bytes 7-8.
  Cdb10 c{op::mode_sense10, static_cast<std::uint8_t>(dbd ? 0x08 : 0x00),
          static_cast<std::uint8_t>((static_cast<std::uint8_t>(pc) << 6) | (page & 0x3F)), subpage};
  put_be16(c, 7, allocation);
  return c;
}

Cdb6 mode_select6(std::uint8_t parameter_length, bool save_pages) {
  // Byte 1 bit 4 PF, bit 0 SP; byte 4 parameter list length.
  return {op::mode_select6, static_cast<std::uint8_t>(0x10 | (save_pages ? 0x01 : 0x00)), 0, 0, parameter_length, 0};
}

Cdb10 mode_select10(std::uint16_t parameter_length, bool save_pages) {
  Cdb10 c{op::mode_select10, static_cast<std::uint8_t>(0x10 | (save_pages ? 0x01 : 0x00))};
  put_be16(c, 7, parameter_length);  // bytes 7-8
  return c;
}

Cdb10 log_sense(std::uint8_t page, std::uint16_t allocation, LogPageControl pc, std::uint8_t subpage,
                std::uint16_t parameter_pointer) {
  // Byte 2 PC (7-6) + page code; byte 3 subpage; 5-6 parameter pointer; 7-8 allocation.
  Cdb10 c{op::log_sense, 0, static_cast<std::uint8_t>((static_cast<std::uint8_t>(pc) << 6) | (page & 0x3F)),
          subpage};
  put_be16(c, 5, parameter_pointer);
  put_be16(c, 7, allocation);
  return c;
}

Cdb12 report_luns(std::uint32_t allocation, std::uint8_t select_report) {
  // Byte 2 SELECT REPORT; bytes 6-9 allocation (at least 16 per SPC-4).
  Cdb12 c{op::report_luns, 0, select_report};
  put_be32(c, 6, allocation);
  return c;
}

Cdb6 prevent_allow_medium_removal(bool prevent) {
  return {op::prevent_allow_medium_removal, 0, 0, 0, static_cast<std::uint8_t>(prevent ? 0x01 : 0x00), 0};
}

Cdb16 read_attribute(std::uint8_t service_action, std::uint16_t first_attribute, std::uint32_t allocation,
                     std::uint8_t partition, std::uint8_t volume) {
  // Byte 1 service action (4-0); byte 5 logical volume; byte 7 partition;
  // bytes 8-9 first attribute identifier; bytes 10-13 allocation; byte 14 CACHE=0.
  Cdb16 c{op::read_attribute, static_cast<std::uint8_t>(service_action & 0x1F)};
  c[5] = volume;
  c[7] = partition;
  put_be16(c, 8, first_attribute);
  put_be32(c, 10, allocation);
  return c;
}

}  // namespace tg::scsi
