#include "drivers/scsi/cdb_smc.hpp"

#include <cassert>

#include "drivers/scsi/opcodes.hpp"
#include "hal/bytes.hpp"

namespace tg::scsi {

Cdb12 move_medium(std::uint16_t transport, std::uint16_t source, std::uint16_t destination, bool invert) {
  // Bytes 2-3 transport element, 4-5 source, 6-7 destination; byte 10 bit 0 INVERT.
  Cdb12 c{op::move_medium};
  put_be16(c, 2, transport);
  put_be16(c, 4, source);
  put_be16(c, 6, destination);
  c[10] = invert ? 0x01 : 0x00;
  return c;
}

Cdb12 exchange_medium(std::uint16_t transport, std::uint16_t source, std::uint16_t first_destination,
                      std::uint16_t second_destination) {
  // Bytes 2-3 transport, 4-5 source, 6-7 first destination, 8-9 second; byte 10 INV1/INV2 = 0.
  Cdb12 c{op::exchange_medium};
  put_be16(c, 2, transport);
  put_be16(c, 4, source);
  put_be16(c, 6, first_destination);
  put_be16(c, 8, second_destination);
  return c;
}

Cdb6 initialize_element_status() { return {op::initialize_element_status, 0, 0, 0, 0, 0}; }

Cdb10 initialize_element_status_with_range(std::uint16_t first, std::uint16_t count) {
  // Byte 1 bit 0 RANGE=1 (use the range); bytes 2-3 first address; 6-7 number of elements.
  Cdb10 c{op::initialize_element_status_with_range, 0x01};
  put_be16(c, 2, first);
  put_be16(c, 6, count);
  return c;
}

Cdb12 read_element_status(ElementTypeCode type, std::uint16_t first, std::uint16_t count,
                          std::uint32_t allocation, bool voltag, bool dvcid, bool curdata) {
  assert(allocation <= 0xFFFFFF);
  // Byte 1 bit 4 VOLTAG, bits 3-0 element type; 2-3 starting address;
  // 4-5 number of elements; byte 6 bit 1 CURDATA, bit 0 DVCID; 7-9 allocation.
  Cdb12 c{op::read_element_status,
          static_cast<std::uint8_t>((voltag ? 0x10 : 0x00) | (static_cast<std::uint8_t>(type) & 0x0F))};
  put_be16(c, 2, first);
  put_be16(c, 4, count);
  c[6] = static_cast<std::uint8_t>((curdata ? 0x02 : 0x00) | (dvcid ? 0x01 : 0x00));
  put_be24(c, 7, allocation);
  return c;
}

}  // namespace tg::scsi
