#pragma once
// One decoder for fixed (0x70/0x71) and descriptor (0x72/0x73) sense data.
// It only turns bytes into a value; what a condition *means* (early warning,
// end of data...) is the tape driver's call.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "hal/result.hpp"

namespace tg::scsi {

namespace sense_key {
inline constexpr std::uint8_t no_sense = 0x0, recovered_error = 0x1, not_ready = 0x2,
                              medium_error = 0x3, hardware_error = 0x4, illegal_request = 0x5,
                              unit_attention = 0x6, data_protect = 0x7, blank_check = 0x8,
                              aborted_command = 0xB, volume_overflow = 0xD, miscompare = 0xE;
}

struct Sense {
  bool deferred = false;     // 0x71 / 0x73
  bool descriptor_format = false;
  std::uint8_t key = 0;
  std::uint8_t asc = 0, ascq = 0;
  bool filemark = false, eom = false, ili = false;
  bool information_valid = false;
  std::int64_t information = 0;  // signed: residual for tape (SSC)
  std::optional<std::uint32_t> sense_key_specific;  // SKSV set: bytes 15-17 (24 bits)
};

// Errors name what was wrong ("sense data truncated: 5 bytes, need 8").
Result<Sense> parse_sense(std::span<const std::uint8_t> raw);

const char* sense_key_name(std::uint8_t key);
// Standard text for ASC/ASCQ ("END-OF-PARTITION/MEDIUM DETECTED"), or a
// generic "ASC 0xNN ASCQ 0xNN" when the pair is vendor specific/unknown.
std::string asc_text(std::uint8_t asc, std::uint8_t ascq);
// "MEDIUM ERROR: UNRECOVERED READ ERROR (11/00) [info 3]"
std::string describe(const Sense& s);

// Map a sense to the closest Errc (medium error -> Errc::medium_error, ...).
Errc errc_for(const Sense& s);
// Build an Error carrying the decoded sense (key/asc/ascq set).
Error sense_error(const Sense& s, const std::string& what);

}  // namespace tg::scsi
