#pragma once
// The sense bytes of an iSCSI SCSI Response PDU. RFC 7143 11.4.7.2: on
// CHECK CONDITION the data segment holds SenseLength (2 bytes, big-endian)
// and then the sense data. libiscsi hands that segment over as
// task->datain; its own parsed task->sense keeps only key and ASC/ASCQ and
// drops FILEMARK/EOM/ILI and the INFORMATION field that tape needs, so the
// raw bytes are taken from here and decoded by the one shared parser
// (tg::scsi::parse_sense) like every other transport.
#include <cstdint>
#include <span>

#include "hal/result.hpp"

namespace tg::drivers::iscsi {

// Returns the sense bytes inside `segment` (a sub-span, never a copy).
// An empty segment or SenseLength 0 yields an empty span (CHECK CONDITION
// without autosense). A SenseLength beyond the segment is a protocol error.
Result<std::span<const std::uint8_t>> sense_from_response_segment(std::span<const std::uint8_t> segment);

}  // namespace tg::drivers::iscsi
