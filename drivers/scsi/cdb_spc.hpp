#pragma once
// SPC-4 command builders (all device types). One argument per CDB field
// Tapegate uses; the clause of SPC-4 that defines each layout is cited.
#include <cstdint>

#include "drivers/scsi/cdb.hpp"

namespace tg::scsi {

// Page control of MODE SENSE (SPC-4 6.11 table 100).
enum class ModePageControl : std::uint8_t { current = 0, changeable = 1, defaults = 2, saved = 3 };
// Page control of LOG SENSE (SPC-4 6.8 table 93).
enum class LogPageControl : std::uint8_t { current_threshold = 0, current_cumulative = 1,
                                           default_threshold = 2, default_cumulative = 3 };

Cdb6 test_unit_ready();                                      // SPC-4 6.47
Cdb6 request_sense(std::uint8_t allocation, bool descriptor_format = false);  // SPC-4 6.39
Cdb6 inquiry(std::uint16_t allocation);                      // SPC-4 6.6, standard data
Cdb6 inquiry_vpd(std::uint8_t page, std::uint16_t allocation);  // SPC-4 6.6, EVPD=1
Cdb6 mode_sense6(std::uint8_t page, std::uint8_t allocation, bool disable_block_descriptors = false,
                 ModePageControl pc = ModePageControl::current, std::uint8_t subpage = 0);  // 6.11
Cdb10 mode_sense10(std::uint8_t page, std::uint16_t allocation, bool disable_block_descriptors = false,
                   ModePageControl pc = ModePageControl::current, std::uint8_t subpage = 0);  // 6.12
// PF=1 (pages are in the standard format); SP=0 (do not save).
Cdb6 mode_select6(std::uint8_t parameter_length, bool save_pages = false);    // SPC-4 6.9
Cdb10 mode_select10(std::uint16_t parameter_length, bool save_pages = false); // SPC-4 6.10
Cdb10 log_sense(std::uint8_t page, std::uint16_t allocation,
                LogPageControl pc = LogPageControl::current_cumulative, std::uint8_t subpage = 0,
                std::uint16_t parameter_pointer = 0);       // SPC-4 6.8
Cdb12 report_luns(std::uint32_t allocation, std::uint8_t select_report = 0);  // SPC-4 6.33
// SSC-4 7.4 / SMC-3 6.12: PREVENT field 00b allow, 01b prevent.
Cdb6 prevent_allow_medium_removal(bool prevent);             // SPC-4 6.13
// Service action 0x00 ATTRIBUTE VALUES, 0x01 ATTRIBUTE LIST (SPC-4 6.16).
namespace attribute_action {
inline constexpr std::uint8_t values = 0x00, list = 0x01, volume_list = 0x02, partition_list = 0x03;
}
Cdb16 read_attribute(std::uint8_t service_action, std::uint16_t first_attribute, std::uint32_t allocation,
                     std::uint8_t partition = 0, std::uint8_t volume = 0);  // SPC-4 6.16

}  // namespace tg::scsi
