// Named ASC/ASCQ pairs (drivers/scsi/asc.hpp): each name is the code the
// standard gives that text (SPC-4 Annex D), and the driver and the
// simulated target compare against the same values.
#include <catch2/catch.hpp>

#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/sense.hpp"

using namespace tg::scsi;

namespace {
std::string text(AscPair p) { return asc_text(p.asc, p.ascq); }
}  // namespace

TEST_CASE("named ASC/ASCQ pairs carry the standard's codes and texts") {
  // Codes spelled out here from SPC-4 Annex D, not from asc.hpp.
  CHECK(asc::filemark_detected == AscPair{0x00, 0x01});
  CHECK(asc::end_of_partition_medium == AscPair{0x00, 0x02});
  CHECK(asc::end_of_data_detected == AscPair{0x00, 0x05});
  CHECK(asc::invalid_command_operation_code == AscPair{0x20, 0x00});
  CHECK(asc::invalid_field_in_cdb == AscPair{0x24, 0x00});
  CHECK(asc::not_ready_to_ready_change == AscPair{0x28, 0x00});
  CHECK(asc::power_on_reset == AscPair{0x29, 0x00});
  CHECK(asc::cleaning_cartridge_installed == AscPair{0x30, 0x03});
  CHECK(asc::medium_not_present == AscPair{0x3A, 0x00});

  CHECK(text(asc::filemark_detected) == "FILEMARK DETECTED");
  CHECK(text(asc::end_of_data_detected) == "END-OF-DATA DETECTED");
  CHECK(text(asc::invalid_field_in_cdb) == "INVALID FIELD IN CDB");
  CHECK(text(asc::power_on_reset) == "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED");
  CHECK(text(asc::medium_not_present) == "MEDIUM NOT PRESENT");
  CHECK(text(asc::medium_removal_prevented) == "MEDIUM REMOVAL PREVENTED");
}

TEST_CASE("every named ASC/ASCQ pair has a standard text, none falls back to the generic one") {
  const AscPair named[] = {
      asc::no_additional_sense, asc::filemark_detected, asc::end_of_partition_medium,
      asc::beginning_of_partition_medium, asc::end_of_data_detected, asc::programmable_early_warning,
      asc::becoming_ready, asc::initializing_command_required, asc::manual_intervention_required,
      asc::operation_in_progress, asc::write_error, asc::unrecovered_read_error,
      asc::parameter_list_length_error, asc::invalid_command_operation_code, asc::invalid_element_address,
      asc::invalid_field_in_cdb, asc::logical_unit_not_supported, asc::invalid_field_in_parameter_list,
      asc::saving_parameters_not_supported, asc::write_protected, asc::not_ready_to_ready_change,
      asc::import_export_element_accessed, asc::power_on_reset, asc::incompatible_medium_installed,
      asc::cleaning_cartridge_installed, asc::cannot_write_incompatible_format, asc::medium_not_present,
      asc::medium_destination_element_full, asc::medium_source_element_empty, asc::media_load_or_eject_failed,
      asc::medium_removal_prevented, asc::internal_target_failure,
  };
  for (const AscPair& p : named) {
    INFO("ASC " << int(p.asc) << " ASCQ " << int(p.ascq));
    CHECK(text(p).rfind("ASC 0x", 0) != 0);
  }
}

TEST_CASE("asc_of reads the pair of a decoded sense and of an error carrying one") {
  Sense s;
  s.asc = 0x3A;
  s.ascq = 0x00;
  CHECK(asc_of(s) == asc::medium_not_present);
  tg::Error e(tg::Errc::not_ready, "drive0: not ready");
  e.asc = 0x04;
  e.ascq = 0x03;
  CHECK(asc_of(e) == asc::manual_intervention_required);
  CHECK_FALSE(asc_of(e) == asc::becoming_ready);
}
