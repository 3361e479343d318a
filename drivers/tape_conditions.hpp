#pragma once
// What a sense condition means to a tape drive (SSC-4 4.2): the decoding
// is scsi::parse_sense's job, the meaning is decided here, once, for every
// command of the driver.
#include "drivers/scsi/asc.hpp"
#include "drivers/scsi/sense.hpp"

namespace tg::drivers::tape_conditions {

namespace key = scsi::sense_key;
using scsi::Sense;
namespace asc = scsi::asc;
using scsi::asc_of;

// SSC-4 4.2.5: early warning is reported on a write that completed as
// NO SENSE (or RECOVERED ERROR) with EOM set, ASC/ASCQ 00/02
// (end-of-partition/medium) or 00/07 (programmable early warning). tgt
// reports 00/00 with EOM at its end (field notes): the block is written.
inline bool is_early_warning(const Sense& s) {
  if (s.key != key::no_sense && s.key != key::recovered_error) return false;
  return s.eom || asc_of(s) == asc::end_of_partition_medium || asc_of(s) == asc::programmable_early_warning;
}

inline bool is_filemark(const Sense& s) { return s.filemark || asc_of(s) == asc::filemark_detected; }
inline bool is_end_of_data(const Sense& s) {
  return s.key == key::blank_check || asc_of(s) == asc::end_of_data_detected;
}
inline bool is_beginning(const Sense& s) { return asc_of(s) == asc::beginning_of_partition_medium; }
// SPC-4: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (20/00): the
// device does not implement the command at all (tgt has no LOCATE).
inline bool is_invalid_opcode(const Sense& s) {
  return s.key == key::illegal_request && asc_of(s) == asc::invalid_command_operation_code;
}

}  // namespace tg::drivers::tape_conditions
