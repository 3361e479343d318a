#pragma once
// READ POSITION replies (SSC-4 7.7): short form (service action 0x00, 20
// bytes) and long form (0x06, 32 bytes).
#include <cstdint>
#include <optional>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct TapePosition {
  bool beginning_of_partition = false;  // BOP
  bool end_of_partition = false;        // EOP
  bool beyond_early_warning = false;    // BPEW
  std::uint32_t partition = 0;
  // Empty when the device says it does not know (LOLU / LONU set), as tgt
  // does after I/O (field notes).
  std::optional<std::uint64_t> logical_object;
  std::optional<std::uint64_t> last_object;       // short form only: next object to be written to tape
  std::optional<std::uint64_t> file_number;       // long form: logical file identifier, unless MPU
  std::optional<std::uint32_t> objects_in_buffer; // short form, unless LOCU... (BYCU/LOCU)
  std::optional<std::uint32_t> bytes_in_buffer;
};

Result<TapePosition> parse_read_position_short(Bytes reply);
Result<TapePosition> parse_read_position_long(Bytes reply);

}  // namespace tg::scsi
