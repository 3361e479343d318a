#pragma once
// Operation codes of the SPC-4, SSC-4 and SMC-3 commands Tapegate sends or
// (in the simulated library) answers. Shared by the initiator-side CDB
// builders and by targets that decode CDBs, so both agree byte for byte.
#include <cstdint>

namespace tg::scsi::op {

// SPC-4 (all device types)
inline constexpr std::uint8_t test_unit_ready = 0x00;      // SPC-4 6.47
inline constexpr std::uint8_t request_sense = 0x03;        // SPC-4 6.39
inline constexpr std::uint8_t inquiry = 0x12;              // SPC-4 6.6
inline constexpr std::uint8_t mode_select6 = 0x15;         // SPC-4 6.9
inline constexpr std::uint8_t mode_sense6 = 0x1A;          // SPC-4 6.11
inline constexpr std::uint8_t prevent_allow_medium_removal = 0x1E;  // SPC-4 6.13 / SSC-4 7.4
inline constexpr std::uint8_t log_select = 0x4C;           // SPC-4 6.7
inline constexpr std::uint8_t log_sense = 0x4D;            // SPC-4 6.8
inline constexpr std::uint8_t mode_select10 = 0x55;        // SPC-4 6.10
inline constexpr std::uint8_t mode_sense10 = 0x5A;         // SPC-4 6.12
inline constexpr std::uint8_t read_attribute = 0x8C;       // SPC-4 6.16
inline constexpr std::uint8_t write_attribute = 0x8D;      // SPC-4 6.48
inline constexpr std::uint8_t report_luns = 0xA0;          // SPC-4 6.33
inline constexpr std::uint8_t security_protocol_in = 0xA2; // SPC-4 6.40
inline constexpr std::uint8_t maintenance_in = 0xA3;       // REPORT SUPPORTED OPCODES etc.
inline constexpr std::uint8_t security_protocol_out = 0xB5;// SPC-4 6.41

// SSC-4 (sequential-access devices)
inline constexpr std::uint8_t rewind = 0x01;               // SSC-4 7.6
inline constexpr std::uint8_t format_medium = 0x04;        // SSC-4 (never sent: the iSCSI write guard knows it)
inline constexpr std::uint8_t read_block_limits = 0x05;    // SSC-4 7.5 (SSC-3 7.5)
inline constexpr std::uint8_t read6 = 0x08;                // SSC-4 6.4
inline constexpr std::uint8_t write6 = 0x0A;               // SSC-4 6.9
inline constexpr std::uint8_t write_filemarks6 = 0x10;     // SSC-4 6.10
inline constexpr std::uint8_t space6 = 0x11;               // SSC-4 6.7
inline constexpr std::uint8_t erase6 = 0x19;               // SSC-4 6.2
inline constexpr std::uint8_t load_unload = 0x1B;          // SSC-4 7.2
inline constexpr std::uint8_t locate10 = 0x2B;             // SSC-4 7.3
inline constexpr std::uint8_t read_position = 0x34;        // SSC-4 7.7
inline constexpr std::uint8_t report_density_support = 0x44;  // SSC-4 7.8
inline constexpr std::uint8_t write_filemarks16 = 0x80;    // SSC-4 explicit address set (never sent, as above)
inline constexpr std::uint8_t write16 = 0x8A;              // SSC-4 explicit address set (never sent, as above)
inline constexpr std::uint8_t space16 = 0x91;              // SSC-4 7.9
inline constexpr std::uint8_t locate16 = 0x92;             // SSC-4 7.4

// SMC-3 (media changers)
inline constexpr std::uint8_t initialize_element_status = 0x07;             // SMC-3 6.2
inline constexpr std::uint8_t initialize_element_status_with_range = 0x37;  // SMC-3 6.3
inline constexpr std::uint8_t position_to_element = 0x2B;  // SMC-3 6.6 (same code as LOCATE(10))
inline constexpr std::uint8_t move_medium = 0xA5;          // SMC-3 6.5
inline constexpr std::uint8_t exchange_medium = 0xA6;      // SMC-3 6.1
inline constexpr std::uint8_t read_element_status = 0xB8;  // SMC-3 6.10

}  // namespace tg::scsi::op

namespace tg::scsi {

// Peripheral device types (SPC-4 6.6.2, table 140).
namespace device_type {
inline constexpr std::uint8_t disk = 0x00;
inline constexpr std::uint8_t tape = 0x01;
inline constexpr std::uint8_t cd_dvd = 0x05;
inline constexpr std::uint8_t medium_changer = 0x08;
inline constexpr std::uint8_t storage_array_controller = 0x0C;  // tgt's LUN 0
inline constexpr std::uint8_t enclosure_services = 0x0D;
inline constexpr std::uint8_t none = 0x1F;  // unknown or no device type
}  // namespace device_type

// Page codes used by Tapegate.
namespace vpd_page {
inline constexpr std::uint8_t supported = 0x00;
inline constexpr std::uint8_t unit_serial = 0x80;
inline constexpr std::uint8_t device_identification = 0x83;
}  // namespace vpd_page

namespace mode_page {
inline constexpr std::uint8_t data_compression = 0x0F;     // SSC-4 8.3.2
inline constexpr std::uint8_t device_configuration = 0x10; // SSC-4 8.3.3
inline constexpr std::uint8_t element_address_assignment = 0x1D;  // SMC-3 7.3.3
inline constexpr std::uint8_t transport_geometry = 0x1E;   // SMC-3
inline constexpr std::uint8_t device_capabilities = 0x1F;  // SMC-3
inline constexpr std::uint8_t all = 0x3F;
}  // namespace mode_page

namespace log_page {
inline constexpr std::uint8_t supported = 0x00;
inline constexpr std::uint8_t write_errors = 0x02;
inline constexpr std::uint8_t read_errors = 0x03;
inline constexpr std::uint8_t sequential_access = 0x0C;
inline constexpr std::uint8_t volume_statistics = 0x17;
inline constexpr std::uint8_t tape_alert = 0x2E;           // SSC-4 8.2.3
inline constexpr std::uint8_t tapegate_counters = 0x30;    // vendor TAPEGATE only (drive_counters_page.hpp)
}  // namespace log_page

}  // namespace tg::scsi
