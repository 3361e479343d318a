#pragma once
// LOG SENSE replies (SPC-4 7.3): page header and parameter list.
#include <cstdint>
#include <vector>

#include "hal/bytes.hpp"
#include "hal/result.hpp"

namespace tg::scsi {

struct LogParameter {
  std::uint16_t code = 0;     // bytes 0-1
  std::uint8_t control = 0;   // byte 2 (DU, TSD, ETC, TMC, FORMAT AND LINKING)
  Bytes value;                // bytes 4.., a view into the reply
  // The value as an unsigned big-endian counter (up to 8 bytes).
  std::uint64_t counter() const;
};

struct LogPage {
  std::uint8_t page = 0, subpage = 0;
  std::vector<LogParameter> parameters;
};

// Header: byte 0 DS(7) SPF(6) page code(5-0); byte 1 subpage; bytes 2-3
// page length. Checks the page code is the one asked for and that every
// parameter fits inside the page.
Result<LogPage> parse_log_page(Bytes reply, std::uint8_t expected_page);

}  // namespace tg::scsi
