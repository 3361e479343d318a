#pragma once
// What a simulated device answers when a command does not end GOOD: a check
// condition, rendered as fixed-format sense data (SPC-4 4.5.3), the format
// LTO drives and libraries return by default.
#include <cstdint>
#include <optional>

#include "hal/scsi_target.hpp"

namespace tg::sim {

namespace key {
inline constexpr std::uint8_t no_sense = 0x0, not_ready = 0x2, medium_error = 0x3,
                              hardware_error = 0x4, illegal_request = 0x5, unit_attention = 0x6,
                              data_protect = 0x7, blank_check = 0x8, volume_overflow = 0xD;
}

// SPC-4 4.5.2.4.2: the field pointer of an ILLEGAL REQUEST names the
// offending byte (and bit) of the CDB or of the parameter list.
struct FieldPointer {
  bool in_cdb = true;                 // C/D bit
  std::uint16_t byte = 0;
  std::optional<std::uint8_t> bit;    // BPV + bit pointer
};

struct Condition {
  std::uint8_t key = key::no_sense;
  std::uint8_t asc = 0, ascq = 0;
  bool filemark = false, eom = false, ili = false;   // SSC stream bits, byte 2
  std::optional<std::int64_t> information;           // sets VALID; 32-bit two's complement
  std::optional<FieldPointer> field;                 // sets SKSV

  static Condition illegal(std::uint8_t asc, std::uint8_t ascq) { return {key::illegal_request, asc, ascq}; }
  // 24/00 INVALID FIELD IN CDB pointing at byte (and bit).
  static Condition invalid_cdb_field(std::uint16_t byte, std::optional<std::uint8_t> bit = std::nullopt) {
    Condition c = illegal(0x24, 0x00);
    c.field = FieldPointer{true, byte, bit};
    return c;
  }
  // 26/00 INVALID FIELD IN PARAMETER LIST.
  static Condition invalid_param_field(std::uint16_t byte, std::optional<std::uint8_t> bit = std::nullopt) {
    Condition c = illegal(0x26, 0x00);
    c.field = FieldPointer{false, byte, bit};
    return c;
  }
  static Condition invalid_opcode() { return illegal(0x20, 0x00); }
  static Condition medium_not_present() { return {key::not_ready, 0x3A, 0x00}; }
};

inline constexpr std::size_t kFixedSenseLength = 18;

// Writes the 18-byte fixed-format sense of c into out (at least 18 bytes).
void encode_fixed_sense(const Condition& c, std::span<std::uint8_t> out);

hal::TargetReply check_condition(const Condition& c, std::size_t data_length = 0);
inline hal::TargetReply good(std::size_t data_length = 0) {
  hal::TargetReply r;
  r.data_length = data_length;
  return r;
}

}  // namespace tg::sim
