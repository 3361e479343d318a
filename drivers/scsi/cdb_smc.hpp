#pragma once
// SMC-3 (media changer) command builders.
#include <cstdint>

#include "drivers/scsi/cdb.hpp"

namespace tg::scsi {

// Element type codes (SMC-3 6.10 table 17); also the type byte of element
// status pages.
enum class ElementTypeCode : std::uint8_t { all = 0, transport = 1, storage = 2, import_export = 3, data_transfer = 4 };

Cdb12 move_medium(std::uint16_t transport, std::uint16_t source, std::uint16_t destination,
                  bool invert = false);                        // SMC-3 6.5
Cdb12 exchange_medium(std::uint16_t transport, std::uint16_t source, std::uint16_t first_destination,
                      std::uint16_t second_destination);       // SMC-3 6.1
Cdb6 initialize_element_status();                              // SMC-3 6.2
Cdb10 initialize_element_status_with_range(std::uint16_t first, std::uint16_t count);  // SMC-3 6.3
// VOLTAG asks for volume tags (barcodes); DVCID for the drives' device
// identifiers; CURDATA forbids the changer to move anything to answer.
Cdb12 read_element_status(ElementTypeCode type, std::uint16_t first, std::uint16_t count,
                          std::uint32_t allocation, bool voltag, bool dvcid,
                          bool curdata = false);               // SMC-3 6.10

}  // namespace tg::scsi
