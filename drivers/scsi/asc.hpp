#pragma once
// Named additional sense codes (ASC/ASCQ, SPC-4 Annex D): the pairs the
// tape driver interprets and the simulated library reports. One name per
// code, shared by both sides so a target and its initiator cannot drift
// apart; asc_table.cpp gives every code, named or not, its standard text.
#include <cstdint>

namespace tg::scsi {

struct AscPair {
  std::uint8_t asc = 0, ascq = 0;
  friend constexpr bool operator==(const AscPair&, const AscPair&) = default;
};

// The pair a decoded sense or an Error carrying one reports (both have
// asc/ascq members).
template <class WithSense>
constexpr AscPair asc_of(const WithSense& s) {
  return {s.asc, s.ascq};
}

namespace asc {
// 00/xx: no error, but something the stream reports (SSC-4 4.2).
inline constexpr AscPair no_additional_sense{0x00, 0x00};
inline constexpr AscPair filemark_detected{0x00, 0x01};
inline constexpr AscPair end_of_partition_medium{0x00, 0x02};  // early warning on write
inline constexpr AscPair beginning_of_partition_medium{0x00, 0x04};
inline constexpr AscPair end_of_data_detected{0x00, 0x05};
inline constexpr AscPair programmable_early_warning{0x00, 0x07};

// 04/xx: LOGICAL UNIT NOT READY, and why.
inline constexpr AscPair becoming_ready{0x04, 0x01};
inline constexpr AscPair initializing_command_required{0x04, 0x02};
inline constexpr AscPair manual_intervention_required{0x04, 0x03};
inline constexpr AscPair operation_in_progress{0x04, 0x07};

inline constexpr AscPair write_error{0x0C, 0x00};
inline constexpr AscPair unrecovered_read_error{0x11, 0x00};

// ILLEGAL REQUEST reasons.
inline constexpr AscPair parameter_list_length_error{0x1A, 0x00};
inline constexpr AscPair invalid_command_operation_code{0x20, 0x00};
inline constexpr AscPair invalid_element_address{0x21, 0x01};
inline constexpr AscPair invalid_field_in_cdb{0x24, 0x00};
inline constexpr AscPair logical_unit_not_supported{0x25, 0x00};
inline constexpr AscPair invalid_field_in_parameter_list{0x26, 0x00};
inline constexpr AscPair saving_parameters_not_supported{0x39, 0x00};

inline constexpr AscPair write_protected{0x27, 0x00};

// UNIT ATTENTION reasons (SPC-4 5.14).
inline constexpr AscPair not_ready_to_ready_change{0x28, 0x00};  // medium may have changed
inline constexpr AscPair import_export_element_accessed{0x28, 0x01};
inline constexpr AscPair power_on_reset{0x29, 0x00};             // power on, reset or bus device reset

// 30/xx: the medium in the drive cannot be used as asked.
inline constexpr AscPair incompatible_medium_installed{0x30, 0x00};
inline constexpr AscPair cleaning_cartridge_installed{0x30, 0x03};
inline constexpr AscPair cannot_write_incompatible_format{0x30, 0x05};

inline constexpr AscPair medium_not_present{0x3A, 0x00};  // any 3A/xx means no medium

// Media changer moves (SMC-3).
inline constexpr AscPair medium_destination_element_full{0x3B, 0x0D};
inline constexpr AscPair medium_source_element_empty{0x3B, 0x0E};
inline constexpr AscPair media_load_or_eject_failed{0x53, 0x00};
inline constexpr AscPair medium_removal_prevented{0x53, 0x02};

inline constexpr AscPair internal_target_failure{0x44, 0x00};
}  // namespace asc

}  // namespace tg::scsi
